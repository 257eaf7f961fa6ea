/*
openClientFromFlags, what the console connects with: it waits for a service
that is not up yet, and fails at once, with one line, for what waiting
cannot fix. Real sockets on 127.0.0.1, real certificates.
*/
import assert from 'node:assert/strict';
import {join} from 'node:path';
import {test, type TestContext} from 'node:test';
import {
	CommandFailure,
	UsageError,
} from '../../source/commands/command-error.js';
import {openClientFromFlags} from '../../source/commands/connect-from-flags.js';
import type {Environment} from '../../source/commands/run-command.js';
import type {FlagValues} from '../../source/command-line/parse-command-line.js';
import {silentLogger} from '../../source/log/logger.js';
import {startLocalService} from '../../source/service/local-service.js';
import {issue, makeCa} from '../helpers/certificates.js';
import {freePort} from '../helpers/mosquitto.js';
import {startTestService, temporaryDirectory} from '../helpers/service.js';
import {until} from '../helpers/wait.js';

async function environment(t: TestContext): Promise<Environment> {
	// An empty config directory: no profiles.
	return {
		env: {XDG_CONFIG_HOME: await temporaryDirectory(t)},
		stdinIsTty: true,
		stdoutIsTty: true,
	};
}

async function open(t: TestContext, flags: FlagValues) {
	const client = await openClientFromFlags(
		flags,
		await environment(t),
		silentLogger,
	);
	t.after(async () => client.close());
	return client;
}

test('the service not up yet: the client is returned connecting, and connects when it starts', async (t) => {
	const port = await freePort();
	const client = await open(t, {broker: `mqtt://127.0.0.1:${port}`});
	assert.equal(client.status(), 'connecting');
	assert.match(client.clientId, /^shadow-tui-[0-9a-f]{12}$/);
	const service = await startLocalService({
		host: '127.0.0.1',
		port,
		dataFile: join(await temporaryDirectory(t), 'shadows.db'),
		log: silentLogger,
	});
	t.after(async () => service.close());
	await until(() => client.status() === 'connected', 'the connection');
	const lamp = {thingName: 'lamp', shadowName: ''};
	await client.update(lamp, {state: {desired: {lights: 'off'}}});
	assert.deepEqual((await client.get(lamp)).state.desired, {lights: 'off'});
});

test('what waiting cannot fix fails before anything is drawn', async (t) => {
	const dir = await temporaryDirectory(t);
	const ca = makeCa(dir, 'ca');
	const other = makeCa(dir, 'other');
	const server = issue(dir, ca, 'server', {server: true});
	const device = issue(dir, ca, 'lamp');
	const service = await startTestService(t, {
		tls: {cert: server.cert, key: server.key, ca: ca.cert},
	});
	const env = await environment(t);
	const refusal = async (flags: FlagValues) => {
		try {
			const client = await openClientFromFlags(flags, env, silentLogger);
			await client.close();
		} catch (error: unknown) {
			return error;
		}

		throw new Error(`connected with ${JSON.stringify(flags)}`);
	};

	const badUrl = await refusal({broker: 'mqtt://127.0.0.1:0'});
	assert.ok(badUrl instanceof UsageError);
	assert.equal(
		badUrl.message,
		'--broker needs a port from 1 to 65535, got "mqtt://127.0.0.1:0"',
	);

	const missing = join(dir, 'missing.crt');
	const noFile = await refusal({
		broker: service.mqttUrl,
		cert: missing,
		key: device.keyPath,
	});
	assert.ok(noFile instanceof CommandFailure);
	assert.equal(noFile.message, `cannot read --cert ${missing}: ENOENT`);

	const unknownCa = await refusal({
		broker: service.mqttUrl,
		ca: other.certPath,
		cert: device.certPath,
		key: device.keyPath,
	});
	assert.ok(unknownCa instanceof CommandFailure);
	assert.equal(
		unknownCa.message,
		`cannot connect to ${service.mqttUrl} (certificate ${device.certPath}): self-signed certificate in certificate chain`,
	);

	// Mutual TLS without a certificate: CONNACK 5.
	const refused = await refusal({broker: service.mqttUrl, ca: ca.certPath});
	assert.ok(refused instanceof CommandFailure);
	assert.equal(
		refused.message,
		`cannot connect to ${service.mqttUrl}: Connection refused: Not authorized`,
	);

	// The same flags with the right CA connect at once.
	const client = await open(t, {
		broker: service.mqttUrl,
		ca: ca.certPath,
		cert: device.certPath,
		key: device.keyPath,
		clientId: 'lamp',
	});
	assert.equal(client.status(), 'connected');
});
