/*
What serve authorizes follows from what the user asked for: their own CA
alone (--tls-ca) means any certificate it signed may connect with any client
id and use every shadow; a policy (--policy, or --certs DIR's default) means
least privilege, and every refusal names the statement, or the missing
Allow, that decided it.
*/
import assert from 'node:assert/strict';
import {randomUUID} from 'node:crypto';
import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {test, type TestContext} from 'node:test';
import {connectMqtt} from '../../source/client/connect-mqtt.js';
import {getJson} from '../../source/client/get-json.js';
import {issue, makeCa, type Pem} from '../helpers/certificates.js';
import {Probe} from '../helpers/probe.js';
import {startServe} from '../helpers/serve-process.js';
import {temporaryDirectory} from '../helpers/service.js';
import {until} from '../helpers/wait.js';

function mqttConnection(url: string, ca: Pem, who: Pem, clientId: string) {
	return {
		url,
		ca: ca.cert,
		cert: who.cert,
		key: who.key,
		clientId,
		reconnectPeriod: 0,
		connectTimeout: 5000,
	};
}

/** serve with the user's own CA and server certificate, logging to a file. */
async function serveWithOwnCa(
	t: TestContext,
	dir: string,
	{ca, server}: {ca: Pem; server: Pem},
	extra: string[] = [],
) {
	const logFile = join(dir, 'serve.log');
	const serve = await startServe(t, [
		'--data',
		join(dir, 'data'),
		'--tls-cert',
		server.certPath,
		'--tls-key',
		server.keyPath,
		'--tls-ca',
		ca.certPath,
		'--log-file',
		logFile,
		...extra,
	]);
	return {serve, logFile};
}

test('--tls-ca alone: any certificate from the CA, any client id, every shadow', async (t) => {
	const dir = await temporaryDirectory(t);
	const ca = makeCa(dir, 'my-ca');
	const server = issue(dir, ca, 'server', {server: true});
	// A CN that is no thing name: still a client of the CA.
	const client = issue(dir, ca, 'pump.controller.7');
	const rogue = issue(dir, makeCa(dir, 'rogue-ca'), 'shadow_test');
	const {serve, logFile} = await serveWithOwnCa(t, dir, {ca, server});
	assert.match(
		serve.output(),
		/policy {5}none: any certificate from --tls-ca may connect with any client id and use every shadow \(restrict it with --policy FILE/,
	);

	const clientId = `sdk-${randomUUID()}`;
	const probe = await Probe.connect(
		t,
		mqttConnection(serve.mqttUrl, ca, client, clientId),
	);
	await probe.watch('$aws/things/+/shadow/update/accepted');
	for (const thing of ['shadow_test', 'another-thing']) {
		await probe.publish(
			`$aws/things/${thing}/shadow/update`,
			JSON.stringify({state: {desired: {lights: 'off'}}, clientToken: thing}),
		);
		await probe.waitForToken('/update/accepted', thing);
	}

	const read = await getJson(`${serve.httpUrl}/things/another-thing/shadow`, {
		ca: ca.cert,
		cert: client.cert,
		key: client.key,
	});
	assert.equal(read.status, 200);
	assert.deepEqual((read.body as {state: unknown}).state, {
		desired: {lights: 'off'},
		delta: {lights: 'off'},
	});

	// The CA is still the gate.
	await assert.rejects(
		connectMqtt(mqttConnection(serve.mqttUrl, ca, rogue, 'shadow_test')),
		/Not authorized/,
	);
	await until(
		() => /certificate refused/.test(readFileSync(logFile, 'utf8')),
		'the refusal in the log',
	);
});

/** The readme's policy for the seed document's client ids (secure setup). */
const seedPolicy = {
	policies: {
		'seed-device': {
			Version: '2012-10-17',
			Statement: [
				{
					Effect: 'Allow',
					Action: 'iot:Connect',
					Resource:
						'arn:aws:iot:*:*:client/${iot:Connection.Thing.ThingName}-device',
				},
				{
					Effect: 'Allow',
					Action: ['iot:Publish', 'iot:Receive'],
					Resource:
						'arn:aws:iot:*:*:topic/$aws/things/${iot:Connection.Thing.ThingName}/shadow/*',
				},
				{
					Effect: 'Allow',
					Action: 'iot:Subscribe',
					Resource:
						'arn:aws:iot:*:*:topicfilter/$aws/things/${iot:Connection.Thing.ThingName}/shadow/*',
				},
			],
		},
		'seed-app': {
			Version: '2012-10-17',
			Statement: [
				{
					Effect: 'Allow',
					Action: 'iot:Connect',
					Resource: 'arn:aws:iot:*:*:client/*_app',
				},
				{
					Effect: 'Allow',
					Action: ['iot:Publish', 'iot:Receive'],
					Resource: 'arn:aws:iot:*:*:topic/$aws/things/*/shadow/*',
				},
				{
					Effect: 'Allow',
					Action: 'iot:Subscribe',
					Resource: 'arn:aws:iot:*:*:topicfilter/$aws/things/*/shadow/*',
				},
			],
		},
		'no-shouting': {
			Version: '2012-10-17',
			Statement: {
				Sid: 'NoAlarmFromApps',
				Effect: 'Deny',
				Action: 'iot:Publish',
				Resource: 'arn:aws:iot:*:*:topic/$aws/things/alarm/*',
			},
		},
	},
	attach: {
		'thing:*': ['seed-device'],
		'thing:*_app': ['seed-app', 'no-shouting'],
	},
};

test("--policy: the seed's client ids by policy, and each refusal names what decided it", async (t) => {
	const dir = await temporaryDirectory(t);
	const ca = makeCa(dir, 'my-ca');
	const server = issue(dir, ca, 'server', {server: true});
	const device = issue(dir, ca, 'shadow_test');
	const app = issue(dir, ca, 'shadow_test_app');
	const policyFile = join(dir, 'policy.json');
	writeFileSync(policyFile, JSON.stringify(seedPolicy));
	const {serve, logFile} = await serveWithOwnCa(t, dir, {ca, server}, [
		'--policy',
		policyFile,
	]);
	assert.match(serve.output(), /policy {5}.*policy\.json/);
	const logLine = async (pattern: RegExp) =>
		until(
			() => pattern.test(readFileSync(logFile, 'utf8')),
			`a log line matching ${String(pattern)}`,
		);

	const deviceProbe = await Probe.connect(
		t,
		mqttConnection(serve.mqttUrl, ca, device, 'shadow_test-device'),
	);
	await deviceProbe.watch('$aws/things/shadow_test/shadow/update/delta');
	const appProbe = await Probe.connect(
		t,
		mqttConnection(serve.mqttUrl, ca, app, 'shadow_test_app'),
	);
	await appProbe.watch('$aws/things/shadow_test/shadow/update/accepted');
	await appProbe.publish(
		'$aws/things/shadow_test/shadow/update',
		JSON.stringify({state: {desired: {lights: 'off'}}, clientToken: 'app-1'}),
	);
	await appProbe.waitForToken('/update/accepted', 'app-1');
	const delta = await deviceProbe.waitFor(
		(message) => message.topic.endsWith('/update/delta'),
		'the delta',
	);
	assert.deepEqual((delta.json as {state: unknown}).state, {lights: 'off'});

	// Connect: the device under another client id; no statement allows it.
	await assert.rejects(
		connectMqtt(mqttConnection(serve.mqttUrl, ca, device, 'shadow_test')),
		/Not authorized/,
	);
	await logLine(
		/connection refused by policy.*"clientId":"shadow_test","principal":"thing:shadow_test","action":"iot:Connect","resource":"client\/shadow_test","decision":"no Allow statement matches \(policies: seed-device\)"/,
	);

	// Subscribe: another thing's topics.
	await assert.rejects(
		deviceProbe.watch('$aws/things/other/shadow/update/delta'),
		/subscription refused|Subscribe error/,
	);
	await logLine(
		/refused a subscription the policy does not allow.*"action":"iot:Subscribe","resource":"topicfilter\/\$aws\/things\/other\/shadow\/update\/delta","decision":"no Allow statement matches \(policies: seed-device\)"/,
	);

	// Publish: an explicit Deny is named with its Sid.
	await appProbe.publish(
		'$aws/things/alarm/shadow/update',
		JSON.stringify({state: {desired: {siren: true}}}),
	);
	await logLine(
		/dropped a publish the policy does not allow.*"principal":"thing:shadow_test_app","action":"iot:Publish","resource":"topic\/\$aws\/things\/alarm\/shadow\/update","decision":"denied by policy 'no-shouting' statement 1 \(Sid NoAlarmFromApps\)"/,
	);

	// HTTP: this policy allows no HTTP action.
	const read = await getJson(`${serve.httpUrl}/things/shadow_test/shadow`, {
		ca: ca.cert,
		cert: app.cert,
		key: app.key,
	});
	assert.equal(read.status, 403);
	await logLine(
		/HTTP request forbidden by policy.*"principal":"thing:shadow_test_app","action":"iot:GetThingShadow","resource":"thing\/shadow_test","decision":"no Allow statement matches \(policies: seed-device, seed-app, no-shouting\)"/,
	);
});
