/*
Attacks on identities under the readme's secure setup, over real sockets:
a revoked certificate and a changed or removed password must lose the
connections they already opened (HTTPS keep-alive and MQTT) within a
second, and password guessing must be throttled without slowing anyone
else. Bounds on time are generous: the machine is slow and shared.
*/
import assert from 'node:assert/strict';
import {writeFileSync, readFileSync} from 'node:fs';
import {test} from 'node:test';
import type {MqttClient} from 'mqtt';
import {
	addUser,
	caFiles,
	revokeCertificate,
} from '../../source/certs/certificate-authority.js';
import {connectMqtt} from '../../source/client/connect-mqtt.js';
import {until} from '../helpers/wait.js';
import {
	connackCode,
	https,
	keepAliveAgent,
	startSecureService,
} from './secure-service.js';

const update = (n: number) =>
	JSON.stringify({state: {reported: {n}}, clientToken: `write-${n}`});

function closed(client: MqttClient): {readonly happened: () => boolean} {
	let happened = false;
	client.once('close', () => {
		happened = true;
	});
	return {happened: () => happened};
}

test('a revoked certificate loses its open HTTPS keep-alive connection and its MQTT session within a second', async (t) => {
	const {dir, ca, httpUrl, service, credentials, logText} =
		await startSecureService(t);
	const lamp = await credentials('thing', 'lamp');
	const fan = await credentials('thing', 'fan');
	const lampHttp = keepAliveAgent(t, {ca, ...lamp});
	const fanHttp = keepAliveAgent(t, {ca, ...fan});
	const write = async (agent: typeof lampHttp, thing: string, n: number) =>
		https(`${httpUrl}/things/${thing}/shadow`, {
			agent,
			method: 'POST',
			body: update(n),
		});

	const first = await write(lampHttp, 'lamp', 0);
	assert.equal(first.status, 200);
	const connection = first.socket;
	assert.equal((await write(fanHttp, 'fan', 0)).status, 200);
	const lampMqtt = await connectMqtt({
		url: service.mqttUrl,
		ca,
		...lamp,
		clientId: 'lamp',
		reconnectPeriod: 0,
	});
	t.after(async () => lampMqtt.endAsync(true));
	const lampClosed = closed(lampMqtt);

	revokeCertificate(dir, 'lamp');
	const revokedAt = Date.now();
	let n = 1;
	let accepted = 0;
	let refused: Awaited<ReturnType<typeof write>> | undefined;
	await until(
		async () => {
			const reply = await write(lampHttp, 'lamp', n++);
			if (reply.status === 200) accepted++;
			else refused = reply;
			return reply.status !== 200;
		},
		'a write over the open connection to be refused',
		5000,
	);
	const tookMs = Date.now() - revokedAt;
	assert.equal(refused?.status, 401);
	assert.equal(refused?.errorType, 'UnauthorizedException');
	assert.equal(refused?.socket, connection, 'the keep-alive connection itself');
	await until(lampClosed.happened, 'the MQTT session to be closed', 5000);
	// It stays refused; the other device is untouched.
	assert.equal((await write(lampHttp, 'lamp', n++)).status, 401);
	assert.equal((await write(fanHttp, 'fan', 1)).status, 200);
	await logText(/disconnected a client whose certificate was revoked/);
	t.diagnostic(
		`revocation took effect after ${tookMs} ms; ${accepted} writes accepted meanwhile`,
	);
});

test('a changed or removed password ends the MQTT sessions and HTTPS connections it opened; the new one works', async (t) => {
	const old = 'the old passphrase';
	const fresh = 'the new passphrase';
	const {dir, ca, httpUrl, service, logText} = await startSecureService(t, {
		async addUsers(dir) {
			await addUser(dir, 'alice', old);
			await addUser(dir, 'bob', 'bob passphrase');
		},
	});
	const signIn = async (username: string, password: string) => {
		const client = await connectMqtt({
			url: service.mqttUrl,
			ca,
			username,
			password,
			reconnectPeriod: 0,
		});
		t.after(async () => client.endAsync(true));
		return client;
	};

	const aliceMqtt = await signIn('alice', old);
	const aliceClosed = closed(aliceMqtt);
	const bobMqtt = await signIn('bob', 'bob passphrase');
	const bobClosed = closed(bobMqtt);
	const aliceHttp = keepAliveAgent(t, {ca});
	const read = async (password: string) =>
		https(`${httpUrl}/api/things/shadow/ListNamedShadowsForThing/lamp`, {
			agent: aliceHttp,
			username: 'alice',
			password,
		});
	const before = await read(old);
	assert.equal(before.status, 200);

	// What `shadow-tui certs user alice` does.
	await addUser(dir, 'alice', fresh);
	const changedAt = Date.now();
	// HTTP first: the keep-alive connection must not sit idle long enough to be closed.
	await until(
		async () => (await read(old)).status === 401,
		'the old password to be refused on the open connection',
		5000,
	);
	const renewed = await read(fresh);
	assert.equal(renewed.status, 200);
	assert.equal(renewed.socket, before.socket, 'the same keep-alive connection');
	await until(aliceClosed.happened, "alice's MQTT session to be closed", 5000);
	const tookMs = Date.now() - changedAt;
	await assert.rejects(signIn('alice', old), /Bad username or password/);
	await signIn('alice', fresh);
	assert.equal(bobClosed.happened(), false, 'bob is not alice');
	await logText(/disconnected a client whose password was changed or removed/);

	// Removing a user by editing the file ends that user's sessions too.
	const file = caFiles(dir).users;
	const document = JSON.parse(readFileSync(file, 'utf8')) as {
		users: Record<string, string>;
	};
	delete document.users.bob;
	writeFileSync(file, JSON.stringify(document));
	await until(bobClosed.happened, "bob's MQTT session to be closed", 5000);
	await assert.rejects(
		signIn('bob', 'bob passphrase'),
		/Bad username or password/,
	);
	t.diagnostic(`alice was disconnected ${tookMs} ms after the change`);
});

test('password guessing is throttled per address and user, and nobody else is slowed', async (t) => {
	const users: Record<string, string> = {
		alice: 'alice passphrase',
		carol: 'carol passphrase',
		dave: 'dave passphrase',
		erin: 'erin passphrase',
		frank: 'frank passphrase',
	};
	const {ca, httpUrl, mqttPort, logText} = await startSecureService(t, {
		async addUsers(dir) {
			for (const [name, password] of Object.entries(users))
				await addUser(dir, name, password);
		},
	});
	let clients = 0;
	const mqtt = async (
		username: string,
		password: string,
		localAddress = '127.0.0.1',
	) =>
		connackCode({
			port: mqttPort,
			ca,
			clientId: `guess-${clients++}`,
			username,
			password,
			localAddress,
		});

	// MQTT: three wrong guesses are checked (4: bad username or password) ...
	for (let guess = 0; guess < 3; guess++)
		assert.equal(await mqtt('alice', `guess ${guess}`), 4);
	// ... then tries are refused unchecked (5), the right password included: a guess cannot be confirmed.
	assert.equal(await mqtt('alice', 'guess 3'), 5);
	assert.equal(await mqtt('alice', users.alice ?? ''), 5);
	// alice from another address, and carol from the guesser's own, sign in at once.
	assert.equal(await mqtt('alice', users.alice ?? '', '127.0.0.2'), 0);
	assert.equal(await mqtt('carol', users.carol ?? ''), 0);
	await logText(/too many failed sign-ins for this user from this address/);

	// Sustained guessing for 3 s: a handful are checked, not the ~40 a second it was.
	const started = Date.now();
	let checked = 0;
	let throttled = 0;
	while (Date.now() - started < 3000) {
		const code = await mqtt('frank', `guess ${checked + throttled}`);
		if (code === 4) checked++;
		else if (code === 5) throttled++;
		else assert.fail(`unexpected CONNACK ${code}`);
	}

	assert.ok(checked <= 6, `${checked} guesses checked in 3 s`);
	assert.ok(throttled > 0);

	// HTTP: the same, with AWS's 429 ThrottlingException; parallel guesses get no further.
	const guesses = await Promise.all(
		Array.from({length: 20}, async (_, index) =>
			https(`${httpUrl}/api/things/shadow/ListNamedShadowsForThing/lamp`, {
				agent: false,
				ca,
				username: 'dave',
				password: `guess ${index}`,
			}),
		),
	);
	const statuses = guesses.map((reply) => reply.status);
	assert.ok(
		statuses.filter((status) => status === 401).length <= 3,
		statuses.join(' '),
	);
	const limited = guesses.filter((reply) => reply.status === 429);
	assert.ok(limited.length >= 17, statuses.join(' '));
	assert.equal(limited[0]?.errorType, 'ThrottlingException');
	const carol = await https(
		`${httpUrl}/api/things/shadow/ListNamedShadowsForThing/lamp`,
		{
			agent: false,
			ca,
			username: 'carol',
			password: users.carol,
		},
	);
	assert.equal(carol.status, 200);
	t.diagnostic(
		`sustained MQTT guessing: ${checked} checked, ${throttled} refused unchecked in 3 s`,
	);
});
