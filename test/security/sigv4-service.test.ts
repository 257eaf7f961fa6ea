/*
SigV4 end to end against `serve --users FILE` with access keys made by
`certs user NAME --access-key`: the unmodified AWS SDK clients sign, the
service verifies. With a users file, unsigned loopback requests are refused,
so every success here was signed and checked. Also MQTT over a presigned
ws://…/mqtt URL, and the CLI signing list, get, update and delete with a
profile from a temporary AWS_CONFIG_FILE.
*/
import assert from 'node:assert/strict';
import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {test, type TestContext} from 'node:test';
import {IoTClient, SearchIndexCommand} from '@aws-sdk/client-iot';
import {
	GetThingShadowCommand,
	IoTDataPlaneClient,
	ListNamedShadowsForThingCommand,
	UpdateThingShadowCommand,
} from '@aws-sdk/client-iot-data-plane';
import mqtt from 'mqtt';
import {presignWebSocketUrl} from '../../source/client/signed-websocket.js';
import {runCli} from '../helpers/cli.js';
import {startServe, type ServeProcess} from '../helpers/serve-process.js';
import {temporaryDirectory} from '../helpers/service.js';
import {
	cliCommand,
	openTerminal,
	tmux,
	waitForScreen,
} from '../helpers/tmux.js';
import {until} from '../helpers/wait.js';

type Key = {readonly accessKeyId: string; readonly secretAccessKey: string};

async function newAccessKey(dir: string, user: string): Promise<Key> {
	const made = await runCli([
		'certs',
		'user',
		user,
		'--access-key',
		'--dir',
		dir,
	]);
	assert.equal(made.code, 0, made.stderr);
	const accessKeyId = /aws_access_key_id = (\S+)/.exec(made.stdout)?.[1];
	const secretAccessKey = /aws_secret_access_key = (\S+)/.exec(
		made.stdout,
	)?.[1];
	assert.ok(accessKeyId && secretAccessKey, made.stdout);
	return {accessKeyId, secretAccessKey};
}

type Setup = {
	readonly dir: string;
	readonly usersFile: string;
	readonly key: Key;
	readonly serve: ServeProcess;
};

async function setUp(t: TestContext): Promise<Setup> {
	const dir = await temporaryDirectory(t);
	const key = await newAccessKey(dir, 'alice');
	const usersFile = join(dir, 'users.json');
	const serve = await startServe(t, [
		'--users',
		usersFile,
		'--data',
		join(dir, 'data'),
		'--rate-limit',
		'0',
	]);
	return {dir, usersFile, key, serve};
}

function dataPlane(t: TestContext, endpoint: string, key: Key) {
	const client = new IoTDataPlaneClient({
		endpoint,
		region: 'us-east-1',
		credentials: key,
		maxAttempts: 1,
	});
	t.after(() => client.destroy());
	return client;
}

function controlPlane(t: TestContext, endpoint: string, key: Key) {
	const client = new IoTClient({
		endpoint,
		region: 'us-east-1',
		credentials: key,
		maxAttempts: 1,
	});
	t.after(() => client.destroy());
	return client;
}

const encode = (value: unknown) =>
	new TextEncoder().encode(JSON.stringify(value));

async function refusal(
	promise: Promise<unknown>,
): Promise<{name: string; status: number | undefined; message: string}> {
	try {
		await promise;
	} catch (error: unknown) {
		const failure = error as {
			name: string;
			message: string;
			$metadata?: {httpStatusCode?: number};
		};
		return {
			name: failure.name,
			status: failure.$metadata?.httpStatusCode,
			message: failure.message,
		};
	}

	throw new Error('the request was accepted');
}

test('the SDKs sign with an access key of the users file and serve verifies them', async (t) => {
	const {key, serve} = await setUp(t);
	const data = dataPlane(t, serve.httpUrl, key);
	await data.send(
		new UpdateThingShadowCommand({
			thingName: 'lamp-1',
			payload: encode({state: {desired: {power: 'on'}}}),
		}),
	);
	await data.send(
		new UpdateThingShadowCommand({
			thingName: 'lamp-1',
			shadowName: 'config',
			payload: encode({state: {reported: {dim: 3}}}),
		}),
	);
	const got = await data.send(new GetThingShadowCommand({thingName: 'lamp-1'}));
	const document = JSON.parse(new TextDecoder().decode(got.payload)) as {
		state: {desired: {power: string}};
	};
	assert.equal(document.state.desired.power, 'on');
	const named = await data.send(
		new ListNamedShadowsForThingCommand({thingName: 'lamp-1'}),
	);
	assert.deepEqual(named.results, ['config']);

	const iot = controlPlane(t, serve.httpUrl, key);
	const found = await iot.send(
		new SearchIndexCommand({queryString: 'shadow.desired.power:on'}),
	);
	assert.deepEqual(
		found.things?.map((thing) => thing.thingName),
		['lamp-1'],
	);
});

test('a wrong secret, an unknown key and no signature are refused as AWS refuses them', async (t) => {
	const {key, serve} = await setUp(t);
	const wrongSecret = await refusal(
		dataPlane(t, serve.httpUrl, {
			...key,
			secretAccessKey: `${key.secretAccessKey.slice(1)}x`,
		}).send(new GetThingShadowCommand({thingName: 'lamp-1'})),
	);
	assert.equal(wrongSecret.name, 'ForbiddenException');
	assert.equal(wrongSecret.status, 403);
	assert.match(
		wrongSecret.message,
		/^The request signature we calculated does not match/,
	);

	const unknown = await refusal(
		controlPlane(t, serve.httpUrl, {
			accessKeyId: 'AKIAAAAAAAAAAAAAAAAA',
			secretAccessKey: key.secretAccessKey,
		}).send(new SearchIndexCommand({queryString: 'thingName:*'})),
	);
	assert.equal(unknown.status, 403);
	assert.match(unknown.message, /security token included in the request/);

	const unsigned = await fetch(`${serve.httpUrl}/things/lamp-1/shadow`);
	assert.equal(unsigned.status, 401);
});

test('a key removed from the users file stops working', async (t) => {
	const {key, serve, usersFile} = await setUp(t);
	const data = dataPlane(t, serve.httpUrl, key);
	await data.send(
		new UpdateThingShadowCommand({
			thingName: 'lamp-2',
			payload: encode({state: {reported: {on: true}}}),
		}),
	);
	const document = JSON.parse(readFileSync(usersFile, 'utf8')) as {
		accessKeys: Record<string, unknown>;
	};
	delete document.accessKeys[key.accessKeyId];
	writeFileSync(usersFile, JSON.stringify(document));
	await until(async () => {
		const outcome = await refusal(
			data.send(new GetThingShadowCommand({thingName: 'lamp-2'})),
		).catch(() => undefined);
		return outcome?.status === 403;
	}, 'the removed key to be refused');
});

async function mqttConnects(url: string): Promise<boolean | string> {
	const client = mqtt.connect(url, {
		clientId: `sigv4-${Math.random().toString(36).slice(2)}`,
		reconnectPeriod: 0,
		connectTimeout: 5000,
	});
	try {
		return await new Promise<boolean | string>((resolve) => {
			client.once('connect', () => {
				resolve(true);
			});
			client.once('error', (error) => {
				resolve(error.message);
			});
			client.once('close', () => {
				resolve(false);
			});
		});
	} finally {
		client.end(true);
	}
}

test('MQTT over a SigV4-presigned WebSocket URL is accepted; a tampered one is not', async (t) => {
	const {key, serve} = await setUp(t);
	const wsUrl = `${serve.httpUrl.replace(/^http/, 'ws')}/mqtt`;
	const signed = presignWebSocketUrl({
		url: wsUrl,
		credentials: key,
		region: 'us-east-1',
		now: Date.now(),
	});
	assert.equal(await mqttConnects(signed), true);
	const tampered = signed.replace(
		/X-Amz-Signature=([\da-f])/,
		(_match, digit: string) => `X-Amz-Signature=${digit === '0' ? '1' : '0'}`,
	);
	assert.notEqual(tampered, signed);
	assert.notEqual(await mqttConnects(tampered), true);
	assert.notEqual(await mqttConnects(wsUrl), true);
});

function profileFiles(dir: string, key: Key, secret = key.secretAccessKey) {
	const config = join(dir, 'aws-config');
	writeFileSync(config, '[profile dev]\nregion = eu-west-1\n');
	const credentials = join(dir, 'aws-credentials');
	writeFileSync(
		credentials,
		`[dev]\naws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${secret}\n`,
	);
	return {
		AWS_CONFIG_FILE: config,
		AWS_SHARED_CREDENTIALS_FILE: credentials,
		AWS_ACCESS_KEY_ID: '',
		AWS_SECRET_ACCESS_KEY: '',
		AWS_SESSION_TOKEN: '',
		AWS_PROFILE: '',
		AWS_REGION: '',
		XDG_CONFIG_HOME: join(dir, 'config'),
	};
}

test('list, get, update and delete sign every HTTP call with a profile of AWS_CONFIG_FILE', async (t) => {
	const {dir, key, serve} = await setUp(t);
	const env = profileFiles(dir, key);
	const where = [
		'--broker',
		serve.mqttUrl,
		'--api',
		serve.httpUrl,
		'--aws-profile',
		'dev',
	];
	const updated = await runCli(
		[
			'update',
			'--thing',
			'pump-1',
			'--desired',
			'{"rpm":900}',
			'--json',
			...where,
		],
		{env},
	);
	assert.equal(updated.code, 0, updated.stderr);
	assert.equal((JSON.parse(updated.stdout) as {version: number}).version, 1);

	const listed = await runCli(
		['list', '--query', 'thingName:pump*', ...where],
		{
			env,
		},
	);
	assert.equal(listed.code, 0, listed.stderr);
	assert.match(listed.stdout, /pump-1/);

	const got = await runCli(
		['get', '--query', 'shadow.desired.rpm:900', ...where],
		{env},
	);
	assert.equal(got.code, 0, got.stderr);
	assert.equal(
		(JSON.parse(got.stdout) as {state: {desired: {rpm: number}}}).state.desired
			.rpm,
		900,
	);

	const deleted = await runCli(['delete', '--thing', 'pump-1', ...where], {
		env,
	});
	assert.equal(deleted.code, 0, deleted.stderr);

	const wrong = await runCli(['get', '--thing', 'pump-1', ...where], {
		env: profileFiles(dir, key, `${key.secretAccessKey}x`),
	});
	assert.equal(wrong.code, 1);
	assert.match(wrong.stderr, /ForbiddenException|403/);
});

test('get over MQTT on a signed WebSocket with the profile, no certificate', async (t) => {
	const {dir, key, serve} = await setUp(t);
	const env = profileFiles(dir, key);
	const broker = `${serve.httpUrl.replace(/^http/, 'ws')}/mqtt`;
	const updated = await runCli(
		[
			'update',
			'--thing',
			'fan-1',
			'--reported',
			'{"speed":2}',
			'--broker',
			broker,
			'--aws-profile',
			'dev',
		],
		{env},
	);
	assert.equal(updated.code, 0, updated.stderr);
	const got = await runCli(
		['get', '--thing', 'fan-1', '--broker', broker, '--aws-profile', 'dev'],
		{env},
	);
	assert.equal(got.code, 0, got.stderr);
	assert.match(got.stdout, /"speed": 2/);
});

test('the console signs its fleet view and named-shadow list, and MQTT, with the profile', async (t) => {
	const {dir, key, serve} = await setUp(t);
	const data = dataPlane(t, serve.httpUrl, key);
	for (const [thingName, shadowName] of [
		['boiler-1', ''],
		['boiler-1', 'schedule'],
		['boiler-2', ''],
	] as const)
		await data.send(
			new UpdateThingShadowCommand({
				thingName,
				...(shadowName === '' ? {} : {shadowName}),
				payload: encode({state: {reported: {temp: 60}}}),
			}),
		);
	t.after(() => {
		try {
			tmux('kill-session', '-t', 'signed');
		} catch {
			// Already gone.
		}
	});
	const broker = `${serve.httpUrl.replace(/^http/, 'ws')}/mqtt`;
	openTerminal(
		t,
		'signed',
		cliCommand(
			[
				'--thing',
				'boiler-1',
				'--broker',
				broker,
				'--api',
				serve.httpUrl,
				'--aws-profile',
				'dev',
			],
			{...profileFiles(dir, key), NO_COLOR: '1'},
		),
	);
	const back = async () => {
		tmux('send-keys', '-t', 'signed', 'Escape');
		await waitForScreen(
			'signed',
			(text) => text.includes('1 desired  2 reported'),
			'the panes again',
		);
	};

	// The panes show the shadow: MQTT over the signed WebSocket works.
	await waitForScreen(
		'signed',
		(text) => text.includes('role app · v1'),
		'the console on boiler-1',
	);
	tmux('send-keys', '-t', 'signed', '2');
	await waitForScreen(
		'signed',
		(text) => text.includes('"temp": 60'),
		'the reported pane',
	);
	// The version journal, the service's own route, is signed too.
	tmux('send-keys', '-t', 'signed', 'h');
	const history = await waitForScreen(
		'signed',
		(text) =>
			text.includes('history: 1 version') && text.includes('created with'),
		'the history from the journal',
	);
	assert.doesNotMatch(history, /401|Unauthorized/);
	await back(); // Escape and a key at once would read as Alt+key.
	tmux('send-keys', '-t', 'signed', 's');
	await waitForScreen(
		'signed',
		(text) => text.includes('schedule'),
		'the named shadows from ListNamedShadowsForThing',
	);
	await back();
	tmux('send-keys', '-t', 'signed', 'f');
	const fleet = await waitForScreen(
		'signed',
		(text) => text.includes('boiler-2') && text.includes('schedule'),
		'the fleet view from SearchIndex',
	);
	assert.doesNotMatch(fleet, /Forbidden|401|403/);
});
