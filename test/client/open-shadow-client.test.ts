/*
openShadowClient: a client opened before the service is up waits for it
(status `connecting`, retrying), and a failure retrying cannot fix ends the
attempts, at the first attempt (rejected) or a later one (status offline).
Real sockets on 127.0.0.1; the service starts on the port the client tries.
*/
import assert from 'node:assert/strict';
import {join} from 'node:path';
import {test} from 'node:test';
import {
	openShadowClient,
	type ConnectionStatus,
	type ShadowEvent,
} from '../../source/client/shadow-client.js';
import {ShadowOfflineError} from '../../source/client/shadow-errors.js';
import {isRetryableConnectError} from '../../source/client/connect-mqtt.js';
import {silentLogger} from '../../source/log/logger.js';
import {startLocalService} from '../../source/service/local-service.js';
import {issue, makeCa} from '../helpers/certificates.js';
import {freePort} from '../helpers/mosquitto.js';
import {startTestService, temporaryDirectory} from '../helpers/service.js';
import {until} from '../helpers/wait.js';

const lamp = {thingName: 'lamp', shadowName: ''};

test('a client opened before the service waits in `connecting`, then works once the service is up', async (t) => {
	const dir = await temporaryDirectory(t);
	const port = await freePort();
	const url = `mqtt://127.0.0.1:${port}`;
	const client = await openShadowClient({
		connection: {url, reconnectPeriod: 100},
	});
	t.after(async () => client.close());
	const statuses: ConnectionStatus[] = [];
	client.onStatus((status) => statuses.push(status));
	assert.equal(client.status(), 'connecting');
	assert.match(client.connectionError() ?? '', /ECONNREFUSED/);
	await assert.rejects(
		client.get(lamp),
		(error: unknown) =>
			error instanceof ShadowOfflineError &&
			error.message === `not connected to ${url}; the request was not sent`,
	);

	// Watching before the connection: the subscription goes out once connected.
	const events: ShadowEvent[] = [];
	const watching = client.watch(lamp, (event) => events.push(event));
	// A few refused attempts go by; the status stays `connecting` through them.
	await until(
		() => (client.connectionError() ?? '').includes('ECONNREFUSED'),
		'a refused attempt',
	);
	assert.equal(client.status(), 'connecting');

	const service = await startLocalService({
		host: '127.0.0.1',
		port,
		dataFile: join(dir, 'shadows.db'),
		log: silentLogger,
	});
	t.after(async () => service.close());
	await until(() => client.status() === 'connected', 'the connection');
	assert.deepEqual(statuses, ['connected']);
	assert.equal(client.connectionError(), undefined);
	await watching;
	const accepted = await client.update(lamp, {
		state: {desired: {lights: 'off'}},
	});
	assert.equal(accepted.version, 1);
	await until(
		() => events.some((event) => event.kind === 'documents'),
		'the documents of the update on the watched shadow',
	);
	assert.deepEqual((await client.get(lamp)).state.desired, {lights: 'off'});
});

test('the first attempt failing for good rejects: an unknown CA, a refused CONNACK', async (t) => {
	const dir = await temporaryDirectory(t);
	const ca = makeCa(dir, 'ca');
	const other = makeCa(dir, 'other');
	const server = issue(dir, ca, 'server', {server: true});
	const device = issue(dir, ca, 'lamp');
	const service = await startTestService(t, {
		tls: {cert: server.cert, key: server.key, ca: ca.cert},
	});

	await assert.rejects(
		openShadowClient({
			connection: {
				url: service.mqttUrl,
				ca: other.cert,
				cert: device.cert,
				key: device.key,
				clientId: 'lamp',
			},
		}),
		/self-signed certificate in certificate chain/,
	);
	// Mutual TLS without a client certificate: the broker answers CONNACK 5.
	await assert.rejects(
		openShadowClient({connection: {url: service.mqttUrl, ca: ca.cert}}),
		/Not authorized/,
	);

	const good = await openShadowClient({
		connection: {
			url: service.mqttUrl,
			ca: ca.cert,
			cert: device.cert,
			key: device.key,
			clientId: 'lamp',
		},
	});
	t.after(async () => good.close());
	assert.equal(good.status(), 'connected');
});

test('a later attempt failing for good ends the retries: status offline, with the reason', async (t) => {
	const dir = await temporaryDirectory(t);
	const ca = makeCa(dir, 'ca');
	const other = makeCa(dir, 'other');
	const server = issue(dir, ca, 'server', {server: true});
	const port = await freePort();
	const client = await openShadowClient({
		connection: {
			url: `mqtts://127.0.0.1:${port}`,
			ca: other.cert,
			reconnectPeriod: 100,
		},
	});
	t.after(async () => client.close());
	assert.equal(client.status(), 'connecting');
	// Settled into a value at once: it fails while the test waits for the status.
	const watching = client
		.watch(lamp, () => undefined)
		.then(
			() => undefined,
			(error: unknown) => error,
		);

	const service = await startLocalService({
		host: '127.0.0.1',
		port,
		dataFile: join(dir, 'shadows.db'),
		tls: {cert: server.cert, key: server.key, ca: ca.cert},
		log: silentLogger,
	});
	t.after(async () => service.close());
	await until(() => client.status() === 'offline', 'the client to give up');
	assert.equal(
		client.connectionError(),
		'self-signed certificate in certificate chain; not retrying',
	);
	// What waited for the connection is told it will not come.
	const failure = await watching;
	assert.ok(failure instanceof ShadowOfflineError, String(failure));
	assert.equal(
		failure.message,
		`not connected to mqtts://127.0.0.1:${port}; self-signed certificate in certificate chain; not retrying`,
	);
});

test('which connection errors are worth retrying', () => {
	const coded = (code: string | number) =>
		Object.assign(new Error('x'), {code});
	for (const code of ['ECONNREFUSED', 'EHOSTUNREACH', 'EAI_AGAIN', 3])
		assert.equal(isRetryableConnectError(coded(code)), true, String(code));
	for (const code of [
		'SELF_SIGNED_CERT_IN_CHAIN',
		'ERR_TLS_CERT_ALTNAME_INVALID',
		'ENOTFOUND',
		5,
		4,
	])
		assert.equal(isRetryableConnectError(coded(code)), false, String(code));
	assert.equal(isRetryableConnectError(new Error('connack timeout')), true);
});
