/*
Identities and policies end to end, with real certificates made by our own
CA over TLS on 127.0.0.1: what a device may touch of another thing's shadow
(nothing, over MQTT or HTTP), which certificates are refused, passwords, and
that no secret reaches the log.
*/
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {test, type TestContext} from 'node:test';
import {
	addUser,
	caFiles,
	createCertificateAuthority,
	issueClientCertificate,
	revokeCertificate,
} from '../../source/certs/certificate-authority.js';
import {connectMqtt} from '../../source/client/connect-mqtt.js';
import {getJson, postJson} from '../../source/client/get-json.js';
import {connectShadowClient} from '../../source/client/shadow-client.js';
import {ShadowRejectedError} from '../../source/client/shadow-errors.js';
import {createLogger} from '../../source/log/logger.js';
import {parseUsers} from '../../source/security/passwords.js';
import {createConsoleSession} from '../../source/session/console-session.js';
import {parsePolicySet} from '../../source/security/policy-set.js';
import type {SecurityConfig} from '../../source/service/local-service.js';
import {Probe} from '../helpers/probe.js';
import {startTestService, temporaryDirectory} from '../helpers/service.js';
import {until} from '../helpers/wait.js';

type Credentials = {cert: Buffer; key: Buffer};

async function secureService(
	t: TestContext,
	security: (
		dir: string,
	) => Promise<SecurityConfig> | SecurityConfig = () => ({}),
) {
	const dir = await temporaryDirectory(t);
	await createCertificateAuthority(dir, {
		hosts: ['localhost', '127.0.0.1'],
		days: 2,
	});
	const files = caFiles(dir);
	const ca = readFileSync(files.caCert);
	const logFile = join(dir, 'service.log');
	const log = createLogger({file: logFile, level: 'debug'});
	const service = await startTestService(t, {
		tls: {
			cert: readFileSync(files.serverCert),
			key: readFileSync(files.serverKey),
			ca,
		},
		security: {revocationFile: files.revoked, ...(await security(dir))},
		log,
	});
	const credentials = async (
		kind: 'thing' | 'app',
		name: string,
		options: {notBefore?: Date; notAfter?: Date} = {},
	): Promise<Credentials> => {
		const issued = await issueClientCertificate(dir, {kind, name, ...options});
		return {
			cert: readFileSync(issued.certificate),
			key: readFileSync(issued.key),
		};
	};

	const connection = (who: Partial<Credentials>, clientId: string) => ({
		url: service.mqttUrl,
		ca,
		...who,
		clientId,
		reconnectPeriod: 0,
		connectTimeout: 5000,
	});
	/** The log once it has a line matching `pattern` (lines are written asynchronously). */
	const logText = async (pattern: RegExp) => {
		await until(
			() => pattern.test(readFileSync(logFile, 'utf8')),
			`a log line matching ${String(pattern)}`,
		);
		return readFileSync(logFile, 'utf8');
	};

	return {dir, ca, service, credentials, connection, logText};
}

test("a device with thing A's certificate cannot subscribe to, publish to or read thing B's shadow", async (t) => {
	const {ca, service, credentials, connection, logText} =
		await secureService(t);
	const lamp = await credentials('thing', 'lamp');
	const fan = await credentials('thing', 'fan');
	const lampProbe = await Probe.connect(t, connection(lamp, 'lamp'));

	// Subscribe: a SUBACK failure code, and the client stays connected.
	const refused = await lampProbe.client
		.subscribeAsync(['$aws/things/fan/shadow/update/delta'], {qos: 1})
		.then(
			(grants) => grants.map((grant) => grant.qos),
			(error: unknown) =>
				(error as {packet?: {granted?: number[]}}).packet?.granted,
		);
	assert.deepEqual(refused, [128]);
	await lampProbe.watch(
		'$aws/things/lamp/shadow/update/accepted',
		'$aws/things/lamp/shadow/update/rejected',
	);

	// Publish: dropped and logged; the device's own next request proves it stayed connected.
	await lampProbe.publish(
		'$aws/things/fan/shadow/update',
		JSON.stringify({state: {desired: {on: true}}, clientToken: 'sneak'}),
	);
	await lampProbe.publish(
		'$aws/things/lamp/shadow/update',
		JSON.stringify({state: {reported: {on: true}}, clientToken: 'own'}),
	);
	await lampProbe.waitForToken('/update/accepted', 'own');
	const fanClient = await connectShadowClient({
		connection: connection(fan, 'fan'),
	});
	t.after(async () => fanClient.close());
	await assert.rejects(
		fanClient.get({thingName: 'fan', shadowName: ''}),
		(error: unknown) =>
			error instanceof ShadowRejectedError && error.code === 404,
	);
	await logText(
		/dropped a publish the policy does not allow.*"principal":"thing:lamp","action":"iot:Publish","resource":"topic\/\$aws\/things\/fan\/shadow\/update","decision":"no Allow statement matches \(policies: device\)"/,
	);

	// Receive: nothing of fan's reaches lamp, though fan's shadow changes now.
	const seen = lampProbe.received.length;
	await fanClient.update(
		{thingName: 'fan', shadowName: ''},
		{state: {reported: {speed: 2}}},
	);
	await lampProbe.publish(
		'$aws/things/lamp/shadow/update',
		JSON.stringify({state: {reported: {on: false}}, clientToken: 'after'}),
	);
	await lampProbe.waitForToken('/update/accepted', 'after');
	assert.deepEqual(
		lampProbe.received
			.slice(seen)
			.filter((message) => !message.topic.startsWith('$aws/things/lamp/')),
		[],
	);

	// HTTP: the same principal and policy. 403 for fan, 200 for its own, 401 without identity.
	const https = `${service.httpUrl ?? ''}/things`;
	assert.match(https, /^https:/);
	const other = await getJson(`${https}/fan/shadow`, {...lamp, ca});
	assert.deepEqual(other, {
		status: 403,
		body: {message: 'Forbidden'},
		errorType: 'ForbiddenException',
	});
	const own = await getJson(`${https}/lamp/shadow`, {...lamp, ca});
	assert.equal(own.status, 200);
	const anonymous = await getJson(`${https}/lamp/shadow`, {ca});
	assert.deepEqual(anonymous, {
		status: 401,
		body: {message: 'Unauthorized'},
		errorType: 'UnauthorizedException',
	});
	// Fleet Indexing: a device whose policy names its thing finds that thing alone.
	const list = await postJson(
		`${service.httpUrl ?? ''}/indices/search`,
		{queryString: 'thingName:*'},
		{...lamp, ca},
	);
	assert.equal(list.status, 200);
	assert.deepEqual(
		(list.body as {things: {thingName: string}[]}).things.map(
			(thing) => thing.thingName,
		),
		['lamp'],
	);
});

test("under the default policy a device connects only with its thing's name as client id", async (t) => {
	const {credentials, connection, logText} = await secureService(t);
	const lamp = await credentials('thing', 'lamp');
	for (const clientId of ['fan', 'lamp-2', 'shadow-tui-123']) {
		await assert.rejects(
			connectMqtt(connection(lamp, clientId)),
			/Not authorized/,
			clientId,
		);
	}

	const accepted = await connectMqtt(connection(lamp, 'lamp'));
	await accepted.endAsync();
	// The log names what decided: here, no statement of the device policy allows it.
	await logText(
		/connection refused by policy.*"clientId":"lamp-2","principal":"thing:lamp","action":"iot:Connect","resource":"client\/lamp-2","decision":"no Allow statement matches \(policies: device\)"/,
	);
});

test('certificates from another CA, expired or revoked are refused; a revoked one in use is disconnected', async (t) => {
	const {credentials, connection, dir, logText} = await secureService(t);
	const otherDir = await temporaryDirectory(t);
	await createCertificateAuthority(otherDir, {hosts: ['localhost'], days: 2});
	const foreign = await issueClientCertificate(otherDir, {
		kind: 'thing',
		name: 'lamp',
	});
	const day = 24 * 60 * 60 * 1000;
	const expired = await credentials('thing', 'old-lamp', {
		notBefore: new Date(Date.now() - 3 * day),
		notAfter: new Date(Date.now() - day),
	});
	const lost = await credentials('thing', 'lost-lamp');

	await assert.rejects(
		connectMqtt(
			connection(
				{
					cert: readFileSync(foreign.certificate),
					key: readFileSync(foreign.key),
				},
				'lamp',
			),
		),
		/Not authorized/,
	);
	await assert.rejects(
		connectMqtt(connection(expired, 'old-lamp')),
		/Not authorized/,
	);
	await assert.rejects(connectMqtt(connection({}, 'lamp')), /Not authorized/);

	const inUse = await connectMqtt(connection(lost, 'lost-lamp'));
	const closed = new Promise<void>((resolve) => {
		inUse.once('close', () => {
			resolve();
		});
	});
	revokeCertificate(dir, 'lost-lamp');
	await closed;
	await inUse.endAsync(true);
	await assert.rejects(
		connectMqtt(connection(lost, 'lost-lamp')),
		/Not authorized/,
	);

	await logText(/certificate refused: UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
	await logText(/certificate refused: CERT_HAS_EXPIRED/);
	await logText(/disconnected a client whose certificate was revoked/);
	await logText(/certificate [0-9A-F]+ is revoked/);
});

test('deny wins over allow, for publish and for delivery', async (t) => {
	const {credentials, connection} = await secureService(t, () => {
		const parsed = parsePolicySet({
			policies: {
				everything: {
					Version: '2012-10-17',
					Statement: {Effect: 'Allow', Action: 'iot:*', Resource: '*'},
				},
				notFan: {
					Version: '2012-10-17',
					Statement: {
						Effect: 'Deny',
						Action: ['iot:Publish', 'iot:Receive'],
						Resource:
							'arn:aws:iot:us-east-1:123456789012:topic/$aws/things/fan/*',
					},
				},
			},
			attach: {'app:ops': ['everything', 'notFan'], 'app:writer': 'everything'},
		});
		if (!parsed.ok) throw new Error(parsed.error);
		return {policies: parsed.set};
	});
	const ops = await credentials('app', 'ops');
	const probe = await Probe.connect(t, connection(ops, 'ops-probe'));
	// The wildcard subscription is allowed; delivery is still checked per message.
	await probe.watch('$aws/things/+/shadow/update/accepted');
	await probe.publish(
		'$aws/things/fan/shadow/update',
		JSON.stringify({state: {desired: {speed: 3}}, clientToken: 'fan-1'}),
	);
	await probe.publish(
		'$aws/things/lamp/shadow/update',
		JSON.stringify({state: {desired: {on: true}}, clientToken: 'lamp-1'}),
	);
	await probe.waitForToken('/update/accepted', 'lamp-1');
	assert.equal(
		probe.received.some((message) => message.topic.includes('/fan/')),
		false,
	);

	// fan's shadow was not written (the publish was denied), and when someone
	// else writes it, the accepted reply still does not reach this client.
	const writer = await credentials('app', 'writer');
	const other = await connectShadowClient({
		connection: connection(writer, 'writer'),
	});
	t.after(async () => other.close());
	const fan = await other.update(
		{thingName: 'fan', shadowName: ''},
		{state: {desired: {speed: 1}}},
	);
	assert.equal(fan.version, 1);
	await probe.publish(
		'$aws/things/lamp/shadow/update',
		JSON.stringify({state: {desired: {on: false}}, clientToken: 'lamp-2'}),
	);
	await probe.waitForToken('/update/accepted', 'lamp-2');
	assert.equal(
		probe.received.some((message) => message.topic.includes('/fan/')),
		false,
	);
});

test('apps may sign in with a password over TLS; only its scrypt hash is stored; no secret reaches the log', async (t) => {
	const password = 'correct horse battery staple';
	let usersFile = '';
	const {ca, service, connection, logText} = await secureService(
		t,
		async (dir) => {
			usersFile = await addUser(dir, 'alice', password);
			const parsed = parseUsers(JSON.parse(readFileSync(usersFile, 'utf8')));
			if (!parsed.ok) throw new Error(parsed.error);
			return {users: parsed.users};
		},
	);
	const stored = readFileSync(usersFile, 'utf8');
	assert.doesNotMatch(stored, new RegExp(password));
	assert.match(stored, /"alice": "scrypt\$/);

	const alice = await connectShadowClient({
		connection: {
			...connection({}, 'alice-console'),
			username: 'alice',
			password,
		},
	});
	t.after(async () => alice.close());
	const accepted = await alice.update(
		{thingName: 'lamp', shadowName: ''},
		{state: {desired: {on: true}}},
	);
	assert.equal(accepted.version, 1);
	await assert.rejects(
		connectMqtt({
			...connection({}, 'mallory'),
			username: 'alice',
			password: 'guess',
		}),
		/Bad username or password/,
	);

	const https = `${service.httpUrl ?? ''}/things/lamp/shadow`;
	const ok = await getJson(https, {ca, username: 'alice', password});
	assert.equal(ok.status, 200);
	const wrong = await getJson(https, {
		ca,
		username: 'alice',
		password: 'guess',
	});
	assert.equal(wrong.status, 401);

	const text = await logText(/wrong password for user 'alice'/);
	assert.doesNotMatch(text, new RegExp(password));
	assert.doesNotMatch(text, /guess/);
	assert.doesNotMatch(text, /PRIVATE KEY/);
});

test("the console in the device role works with a device's certificate; presence comes from its own report", async (t) => {
	const {credentials, connection} = await secureService(t);
	const lamp = await credentials('thing', 'lamp');
	const consoleCert = await credentials('app', 'console');
	const deviceClient = await connectShadowClient({
		connection: connection(lamp, 'lamp'),
	});
	t.after(async () => deviceClient.close());
	const session = createConsoleSession({
		client: deviceClient,
		address: {thingName: 'lamp', shadowName: ''},
		role: 'device',
		apply: 'auto',
		historyLimit: 10,
		clock: () => Math.floor(Date.now() / 1000),
	});
	t.after(async () => session.close());
	await session.start();
	assert.equal(session.getSnapshot().notice?.kind === 'error', false);
	// A device may not watch lifecycle events: presence is what it reports itself.
	await until(
		() => session.getSnapshot().deviceOnline === true,
		'the device role reporting connected',
	);

	const app = await connectShadowClient({
		connection: connection(consoleCert, 'console'),
	});
	t.after(async () => app.close());
	await app.update(
		{thingName: 'lamp', shadowName: ''},
		{state: {desired: {on: true}}},
	);
	await until(
		() => session.getSnapshot().shadow?.state.reported?.on === true,
		'the device to apply the delta',
	);
	assert.equal(session.getSnapshot().notice?.kind === 'error', false);
});
