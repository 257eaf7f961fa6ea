/*
Where the HTTP API is, never guessed: the service announces it on its
broker (retained), clients read it, nobody else can say it, and a broker
that announces nothing gets one line and exit 2. Two services on one machine
each list their own fleet (issue 17: `list --broker` listed the service on
the default port 8080 instead).
*/
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {connectMqtt} from '../../source/client/connect-mqtt.js';
import {discoverApi, isAwsIotCore} from '../../source/client/discover-api.js';
import {apiClients, ApiUnknown} from '../../source/client/followed-api.js';
import {connectShadowClient} from '../../source/client/shadow-client.js';
import {
	announcedApi,
	announcement,
	discoveryTopic,
} from '../../source/shadow/discovery.js';
import {runCli} from '../helpers/cli.js';
import {startMosquitto} from '../helpers/mosquitto.js';
import {startTestService} from '../helpers/service.js';

test('two services on one machine: list --broker lists the one behind that broker', async (t) => {
	const first = await startTestService(t);
	const second = await startTestService(t);
	for (const [service, thing] of [
		[first, 'only-in-first'],
		[second, 'only-in-second'],
	] as const) {
		const posted = await fetch(
			`${service.httpUrl ?? ''}/things/${thing}/shadow`,
			{method: 'POST', body: JSON.stringify({state: {desired: {on: true}}})},
		);
		assert.equal(posted.status, 200);
	}

	for (const [service, thing, other] of [
		[first, 'only-in-first', 'only-in-second'],
		[second, 'only-in-second', 'only-in-first'],
	] as const) {
		assert.equal(await discoverApi({url: service.mqttUrl}), service.httpUrl);
		const listed = await runCli(['list', '--broker', service.mqttUrl]);
		assert.equal(listed.code, 0, listed.stderr);
		assert.match(listed.stdout, new RegExp(thing));
		assert.doesNotMatch(listed.stdout, new RegExp(other));
	}
});

test('a client cannot announce a service; a broker that announces none gets one line and exit 2', async (t) => {
	const service = await startTestService(t);
	const liar = await connectMqtt({url: service.mqttUrl});
	t.after(async () => liar.endAsync(true));
	await liar.publishAsync(discoveryTopic, announcement('http://127.0.0.1:9'), {
		qos: 1,
		retain: true,
	});
	assert.equal(await discoverApi({url: service.mqttUrl}), service.httpUrl);

	const mosquitto = await startMosquitto(t);
	const refused = await runCli(['list', '--broker', mosquitto.url]);
	assert.equal(refused.code, 2);
	assert.equal(refused.stdout, '');
	assert.equal(refused.stderr.trim().split('\n').length, 1);
	assert.match(
		refused.stderr,
		/needs the HTTP API of the shadow service, and the broker at mqtt:\/\/127\.0\.0\.1:\d+ does not say where it is .*give --api URL/,
	);
});

test('a service attached to Mosquitto announces itself there, and takes it back when it stops', async (t) => {
	const mosquitto = await startMosquitto(t);
	const service = await startTestService(t, {broker: {url: mosquitto.url}});
	assert.equal(await discoverApi({url: mosquitto.url}), service.httpUrl);
	await service.close();
	assert.equal(await discoverApi({url: mosquitto.url}), undefined);
});

test('an announcement for every address is reached on the broker host; anything else is ignored', () => {
	const announced = (text: string) =>
		announcedApi(Buffer.from(text), 'mqtt://10.0.0.5:1883');
	assert.equal(
		announced('{"service":"shadow-tui","httpApi":"http://0.0.0.0:8080"}'),
		'http://10.0.0.5:8080',
	);
	assert.equal(
		announced('{"service":"shadow-tui","httpApi":"https://127.0.0.1:8443/"}'),
		'https://127.0.0.1:8443',
	);
	assert.equal(
		announced('{"service":"other","httpApi":"http://a:1"}'),
		undefined,
	);
	assert.equal(
		announced('{"service":"shadow-tui","httpApi":"file:///etc"}'),
		undefined,
	);
	assert.equal(announced('not json'), undefined);
	assert.equal(announced(''), undefined);
});

test('the console follows the announcement on its own connection; a broker without one gets a clear error', async (t) => {
	const service = await startTestService(t);
	const client = await connectShadowClient({
		connection: {url: service.mqttUrl, clientId: 'lamp'},
	});
	t.after(async () => client.close());
	const api = apiClients(client, service.mqttUrl, undefined, {});
	t.after(async () => api.stop());
	assert.deepEqual(await api.listNamedShadows('lamp'), []);
	assert.equal(api.journal.url, service.httpUrl);
	assert.equal(client.status(), 'connected', 'nothing took its client id');
	assert.equal(
		isAwsIotCore('mqtts://abc-ats.iot.eu-west-1.amazonaws.com:8883'),
		true,
	);
	assert.equal(isAwsIotCore(service.mqttUrl), false);

	const mosquitto = await startMosquitto(t);
	const elsewhere = await connectShadowClient({
		connection: {url: mosquitto.url},
	});
	t.after(async () => elsewhere.close());
	const none = apiClients(elsewhere, mosquitto.url, undefined, {});
	t.after(async () => none.stop());
	await assert.rejects(
		none.fleetLister({}),
		(error: unknown) =>
			error instanceof ApiUnknown && /give --api URL/.test(error.message),
	);
});
