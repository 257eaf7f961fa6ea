/*
openClientFromFlags, what the console connects with: it waits for a service
that is not up yet, and fails at once, with one line, for what waiting
cannot fix. Real sockets on 127.0.0.1, real certificates. And AWS
credentials from a temporary AWS_CONFIG_FILE: a SigV4-signed WebSocket, the
SDK control plane, and one line for a profile or credentials that are not
there.
*/
import assert from 'node:assert/strict';
import {writeFile} from 'node:fs/promises';
import {createServer} from 'node:http';
import type {AddressInfo} from 'node:net';
import {join} from 'node:path';
import {test, type TestContext} from 'node:test';
import {
	CommandFailure,
	UsageError,
} from '../../source/commands/command-error.js';
import {
	connectFromFlags,
	controlPlaneFromFlags,
	dataPlaneFromFlags,
	openClientFromFlags,
} from '../../source/commands/connect-from-flags.js';
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

/** The console's environment plus AWS files of its own: profile dev has keys and a region, bare has neither. */
async function awsEnvironment(t: TestContext): Promise<Environment> {
	const dir = await temporaryDirectory(t);
	await writeFile(
		join(dir, 'aws-config'),
		'[profile dev]\nregion = eu-central-1\n\n[profile bare]\noutput = json\n',
	);
	await writeFile(
		join(dir, 'aws-credentials'),
		'[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = dev-secret\n',
	);
	return {
		env: {
			XDG_CONFIG_HOME: dir,
			HOME: dir,
			AWS_CONFIG_FILE: join(dir, 'aws-config'),
			AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws-credentials'),
		},
		stdinIsTty: true,
		stdoutIsTty: true,
	};
}

test('--broker ws://…/mqtt --aws-profile: the upgrade URL is signed with the profile, and shadows work through it', async (t) => {
	const env = await awsEnvironment(t);
	const upgrades: string[] = [];
	const recorder = createServer();
	recorder.on('upgrade', (request, socket) => {
		upgrades.push(request.url ?? '');
		socket.destroy();
	});
	await new Promise<void>((resolve) =>
		recorder.listen(0, '127.0.0.1', resolve),
	);
	t.after(() => recorder.close());
	const {port} = recorder.address() as AddressInfo;
	const waiting = await openClientFromFlags(
		{broker: `ws://127.0.0.1:${port}/mqtt`, awsProfile: 'dev'},
		env,
		silentLogger,
		{firstAttemptMs: 200},
	);
	t.after(async () => waiting.close());
	await until(() => upgrades.length > 0, 'an upgrade');
	const signed = new URL(upgrades[0] ?? '', 'ws://x');
	assert.equal(signed.pathname, '/mqtt');
	assert.match(
		signed.searchParams.get('X-Amz-Credential') ?? '',
		/^AKIDDEV\/\d{8}\/eu-central-1\/iotdevicegateway\/aws4_request$/,
	);
	assert.match(
		signed.searchParams.get('X-Amz-Signature') ?? '',
		/^[0-9a-f]{64}$/,
	);

	const service = await startTestService(t);
	const client = await connectFromFlags(
		{
			broker: `${(service.httpUrl ?? '').replace(/^http/, 'ws')}/mqtt`,
			awsProfile: 'dev',
		},
		env,
		silentLogger,
	);
	t.after(async () => client.close());
	const lamp = {thingName: 'signed-lamp', shadowName: ''};
	await client.update(lamp, {state: {desired: {lights: 'on'}}});
	assert.deepEqual((await client.get(lamp)).state.desired, {lights: 'on'});
});

test('an AWS profile that is not there, or has no credentials, is one line before anything connects', async (t) => {
	const env = await awsEnvironment(t);
	const refusal = async (flags: FlagValues) =>
		openClientFromFlags(flags, env, silentLogger).then(
			async (client) => {
				await client.close();
				throw new Error(`connected with ${JSON.stringify(flags)}`);
			},
			(error: unknown) => error,
		);
	const missing = await refusal({
		broker: 'ws://127.0.0.1:1/mqtt',
		awsProfile: 'prod',
	});
	assert.ok(missing instanceof UsageError, String(missing));
	assert.match(missing.message, /^no AWS profile 'prod' in /);
	const noRegion = await refusal({
		endpoint: 'abc123-ats.iot.eu-west-1.amazonaws.com',
		awsProfile: 'bare',
	});
	// The endpoint's name gives the region; the credentials are what is missing.
	assert.ok(noRegion instanceof CommandFailure, String(noRegion));
	assert.match(noRegion.message, /^no AWS credentials for profile 'bare' \(/);
	for (const error of [missing, noRegion])
		assert.ok(!(error as Error).message.includes('\n'));
});

test('controlPlaneFromFlags: the SDK with the profile when SigV4 is asked for, else undefined', async (t) => {
	const env = await awsEnvironment(t);
	const authorizations: string[] = [];
	const api = createServer((request, response) => {
		authorizations.push(request.headers.authorization ?? '');
		response.writeHead(200, {'content-type': 'application/json'});
		response.end(JSON.stringify({results: ['network'], timestamp: 1}));
	});
	await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
	t.after(() => api.close());
	const url = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;

	assert.equal(controlPlaneFromFlags({}, env, url), undefined);
	assert.equal(
		controlPlaneFromFlags({awsProfile: 'dev'}, env, undefined),
		undefined,
		'no API and not AWS: the caller says where it is unknown',
	);
	const local = controlPlaneFromFlags({awsProfile: 'dev'}, env, url);
	assert.ok(local);
	t.after(() => local.close());
	assert.deepEqual(await local.listNamedShadows('lamp'), {
		results: ['network'],
	});
	assert.match(
		authorizations[0] ?? '',
		/^AWS4-HMAC-SHA256 Credential=AKIDDEV\/\d{8}\/eu-central-1\/iotdata\/aws4_request, /,
	);
	const aws = controlPlaneFromFlags(
		{endpoint: 'abc123-ats.iot.eu-west-1.amazonaws.com', awsProfile: 'dev'},
		env,
		undefined,
	);
	t.after(() => aws?.close());
	assert.equal(aws?.describe, 'AWS IoT Core (eu-central-1)');
	assert.throws(
		() => controlPlaneFromFlags({awsProfile: 'prod'}, env, url),
		(error: unknown) =>
			error instanceof UsageError &&
			/^no AWS profile 'prod'/.test(error.message),
	);
});

test('dataPlaneFromFlags: shadows over SigV4 HTTP with the profile, against the local service', async (t) => {
	const env = await awsEnvironment(t);
	const service = await startTestService(t);
	assert.equal(dataPlaneFromFlags({}, env, service.httpUrl), undefined);
	const data = dataPlaneFromFlags({awsProfile: 'dev'}, env, service.httpUrl);
	assert.ok(data);
	t.after(() => data.close());
	const lamp = {thingName: 'http-lamp', shadowName: 'schedule'};
	const updated = await data.update(lamp, {state: {desired: {at: '07:00'}}});
	assert.equal(updated.version, 1);
	assert.deepEqual((await data.get(lamp)).state.desired, {at: '07:00'});
	assert.equal((await data.delete(lamp)).version, 1);
});
