/*
The shadow client against the local service over real sockets.
*/
import assert from 'node:assert/strict';
import {join} from 'node:path';
import {test} from 'node:test';
import {connectMqtt} from '../../source/client/connect-mqtt.js';
import {
	connectShadowClient,
	type ShadowEvent,
} from '../../source/client/shadow-client.js';
import {
	ShadowOfflineError,
	ShadowRejectedError,
	ShadowTimeoutError,
} from '../../source/client/shadow-errors.js';
import {
	silentLogger,
	type LogFields,
	type Logger,
} from '../../source/log/logger.js';
import type {JsonObject} from '../../source/shadow/json.js';
import {startLocalService} from '../../source/service/local-service.js';
import {issue, makeCa} from '../helpers/certificates.js';
import {freePort, startMosquitto} from '../helpers/mosquitto.js';
import {startTestService, temporaryDirectory} from '../helpers/service.js';
import {until} from '../helpers/wait.js';

const lamp = {thingName: 'lamp', shadowName: ''};

test('many concurrent requests from two clients are each answered with their own reply', async (t) => {
	const service = await startTestService(t);
	const first = await connectShadowClient({connection: {url: service.mqttUrl}});
	const second = await connectShadowClient({
		connection: {url: service.mqttUrl},
	});
	t.after(async () => Promise.all([first.close(), second.close()]));
	const shadows = Array.from({length: 5}, (_, i) => ({
		thingName: `pump-${i}`,
		shadowName: i % 2 === 0 ? '' : 'config',
	}));
	const requests = Array.from({length: 400}, (_, i) => {
		const client = i % 2 === 0 ? first : second;
		const address = shadows[i % shadows.length] ?? lamp;
		return client
			.update(address, {state: {reported: {request: i}}})
			.then((accepted) => ({i, address, accepted}));
	});
	const results = await Promise.all(requests);
	for (const {i, accepted} of results) {
		assert.deepEqual(
			accepted.state,
			{reported: {request: i}},
			`request ${i} got another request's reply`,
		);
	}

	for (const address of shadows) {
		const versions = results
			.filter((r) => r.address === address)
			.map((r) => r.accepted.version)
			.sort((a, b) => a - b);
		assert.deepEqual(
			versions,
			Array.from({length: versions.length}, (_, v) => v + 1),
		);
		assert.equal((await first.get(address)).version, versions.length);
	}
});

test('rejections carry AWS code and message', async (t) => {
	const service = await startTestService(t);
	const client = await connectShadowClient({
		connection: {url: service.mqttUrl},
	});
	t.after(async () => client.close());
	await assert.rejects(
		client.get(lamp),
		(error: unknown) =>
			error instanceof ShadowRejectedError &&
			error.code === 404 &&
			error.reason === "No shadow exists with name: 'lamp'",
	);
	await client.update(lamp, {state: {desired: {lights: 'on'}}});
	await assert.rejects(
		client.update(lamp, {state: {desired: {lights: 'off'}}, version: 7}),
		(error: unknown) =>
			error instanceof ShadowRejectedError &&
			error.code === 409 &&
			error.reason === 'Version conflict',
	);
	await assert.rejects(
		client.update(lamp, {state: {desired: {colors: [null]}}}),
		(error: unknown) =>
			error instanceof ShadowRejectedError &&
			error.code === 400 &&
			error.reason === 'Invalid JSON',
	);
	await assert.rejects(
		client.get({thingName: 'bad.name', shadowName: ''}),
		(error: unknown) =>
			error instanceof ShadowRejectedError && error.code === 400,
	);
	assert.equal(
		(await client.update(lamp, {state: {desired: {lights: 'off'}}, version: 1}))
			.version,
		2,
	);
});

test('messages older than the newest version seen are dropped', async (t) => {
	const service = await startTestService(t);
	const client = await connectShadowClient({
		connection: {url: service.mqttUrl},
	});
	t.after(async () => client.close());
	const events: ShadowEvent[] = [];
	await client.watch(lamp, (event) => events.push(event));
	for (let i = 1; i <= 3; i++)
		await client.update(lamp, {state: {desired: {level: i}}});
	await until(
		() => events.filter((e) => e.kind === 'documents').length === 3,
		'three documents',
	);
	const seenBefore = events.length;

	// Old messages published straight onto the reply topics, as a late or replayed delivery would arrive.
	const broker = service.broker;
	assert.ok(broker);
	broker.publish(
		'$aws/things/lamp/shadow/update/delta',
		Buffer.from(
			JSON.stringify({
				state: {level: 1},
				metadata: {},
				version: 1,
				timestamp: 1,
			}),
		),
	);
	broker.publish(
		'$aws/things/lamp/shadow/update/documents',
		Buffer.from(
			JSON.stringify({
				previous: null,
				current: {state: {desired: {level: 2}}, metadata: {}, version: 2},
				timestamp: 1,
			}),
		),
	);
	await client.update(lamp, {state: {desired: {level: 4}}});
	await until(
		() => events.filter((e) => e.kind === 'documents').length === 4,
		'the fourth documents',
	);
	const fresh = events.slice(seenBefore);
	assert.deepEqual(
		fresh.map((event) =>
			event.kind === 'delta'
				? event.delta.version
				: event.kind === 'documents'
					? event.documents.current.version
					: -1,
		),
		[4, 4],
		'only the version-4 delta and documents are delivered',
	);
	assert.equal(client.newestVersion(lamp), 4);
});

test('after a broker restart the client reconnects, resubscribes and resyncs; offline requests fail clearly', async (t) => {
	const dir = await temporaryDirectory(t);
	const port = await freePort();
	const config = {
		host: '127.0.0.1',
		port,
		dataFile: join(dir, 'shadows.db'),
		log: silentLogger,
	};
	let service = await startLocalService(config);
	const client = await connectShadowClient({
		connection: {url: service.mqttUrl, reconnectPeriod: 100},
	});
	t.after(async () => client.close());
	const statuses: string[] = [];
	client.onStatus((status) => statuses.push(status));
	const events: ShadowEvent[] = [];
	await client.watch(lamp, (event) => events.push(event));
	await client.update(lamp, {state: {desired: {lights: 'on'}}});

	await service.close();
	await until(() => client.status() !== 'connected', 'the client to notice');
	await assert.rejects(
		client.update(lamp, {state: {desired: {lights: 'off'}}}),
		(error: unknown) =>
			error instanceof ShadowOfflineError &&
			/not connected to mqtt:\/\/127\.0\.0\.1/.test(error.message),
	);

	service = await startLocalService(config);
	t.after(async () => service.close());
	// Changed by someone else while this client was away.
	const changed = await service.service.request(
		lamp,
		'update',
		JSON.stringify({state: {desired: {lights: 'blinking'}}}),
	);
	assert.ok(changed.ok);
	await until(
		() => events.some((e) => e.kind === 'resync'),
		'a resync after reconnecting',
		15_000,
	);
	const resync = events.find((e) => e.kind === 'resync');
	assert.equal(
		resync?.kind === 'resync' ? resync.shadow?.version : undefined,
		2,
	);
	assert.deepEqual(
		resync?.kind === 'resync' ? resync.shadow?.state.desired : undefined,
		{lights: 'blinking'},
	);
	assert.ok(
		statuses.includes('reconnecting') && statuses.at(-1) === 'connected',
		statuses.join(' '),
	);

	// Subscriptions were renewed: a later change arrives as an event.
	await client.update(lamp, {state: {desired: {lights: 'off'}}});
	await until(
		() =>
			events.some(
				(e) => e.kind === 'documents' && e.documents.current.version === 3,
			),
		'documents of version 3',
	);
});

test('a request that nobody answers times out', async (t) => {
	const mosquitto = await startMosquitto(t);
	const client = await connectShadowClient({
		connection: {url: mosquitto.url},
		timeoutMs: 300,
	});
	t.after(async () => client.close());
	await assert.rejects(
		client.get(lamp),
		(error: unknown) =>
			error instanceof ShadowTimeoutError &&
			error.message === 'no reply to get of lamp within 300 ms',
	);
});

test('mutual TLS with generated certificates', async (t) => {
	const dir = await temporaryDirectory(t);
	const ca = makeCa(dir, 'ca');
	const server = issue(dir, ca, 'server', {server: true});
	const device = issue(dir, ca, 'lamp');
	const service = await startTestService(t, {
		tls: {cert: server.cert, key: server.key, ca: ca.cert},
	});
	const client = await connectShadowClient({
		connection: {
			url: service.mqttUrl,
			ca: ca.cert,
			cert: device.cert,
			key: device.key,
			clientId: 'lamp',
		},
	});
	t.after(async () => client.close());
	assert.equal(
		(await client.update(lamp, {state: {reported: {secure: true}}})).version,
		1,
	);
	assert.deepEqual((await client.get(lamp)).state, {reported: {secure: true}});
	await assert.rejects(
		connectShadowClient({
			connection: {url: service.mqttUrl, ca: ca.cert, reconnectPeriod: 0},
		}),
	);
});

function capturingLogger(
	into: {message: string; fields?: LogFields}[],
): Logger {
	const write = (message: string, fields?: LogFields) => {
		into.push({message, ...(fields ? {fields} : {})});
	};

	const logger: Logger = {
		error: write,
		warn: write,
		info: write,
		debug: write,
		child: () => logger,
		close: () => Promise.resolve(),
	};
	return logger;
}

test('hostile payloads on reply topics are dropped with a logged reason and settle nothing', async (t) => {
	// On an external broker any client may publish on reply topics; here one answers every get.
	const mosquitto = await startMosquitto(t);
	const logged: {message: string; fields?: LogFields}[] = [];
	const client = await connectShadowClient({
		connection: {url: mosquitto.url},
		log: capturingLogger(logged),
	});
	const attacker = await connectMqtt({url: mosquitto.url}, silentLogger);
	t.after(async () => Promise.all([client.close(), attacker.endAsync()]));
	const prefix = '$aws/things/lamp/shadow';
	const send = (topic: string, payload: string) => {
		attacker.publish(`${prefix}/${topic}`, payload, {qos: 1});
	};

	const deep = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
	await attacker.subscribeAsync(`${prefix}/get`, {qos: 1});
	attacker.on('message', (_topic, payload) => {
		const {clientToken} = JSON.parse(payload.toString()) as {
			clientToken: string;
		};
		const token = JSON.stringify(clientToken);
		send(
			'get/accepted',
			`{"state":{"desired":${deep}},"metadata":{},"version":99,"timestamp":1,"clientToken":${token}}`,
		);
		send(
			'get/accepted',
			`{"state":{"desired":{"a":1}},"metadata":{},"version":1e400,"timestamp":1,"clientToken":${token}}`,
		);
		send(
			'get/accepted',
			`{"state":"on","metadata":{},"version":98,"timestamp":1,"clientToken":${token}}`,
		);
		// Sent last, and the only one that can be a reply: the request must settle with it.
		send(
			'get/accepted',
			JSON.stringify({
				state: {desired: {lights: 'on'}},
				metadata: {desired: {lights: {timestamp: 1}}},
				version: 7,
				timestamp: 1,
				clientToken,
			}),
		);
	});

	const events: ShadowEvent[] = [];
	await client.watch(lamp, (event) => events.push(event));
	const got = await client.get(lamp);
	assert.equal(got.version, 7);
	assert.deepEqual(got.state, {desired: {lights: 'on'}});

	send(
		'update/documents',
		`{"previous":null,"current":{"state":{"desired":${deep}},"metadata":{},"version":50},"timestamp":1}`,
	);
	send(
		'update/delta',
		`{"state":${'['.repeat(20_000)}${']'.repeat(20_000)},"metadata":{},"version":51,"timestamp":1}`,
	);
	const huge = JSON.stringify({state: {a: 'x'.repeat(600_000)}, version: 52});
	send('update/delta', huge);
	send('update/documents', '{"previous":null,"timestamp":1}');
	send(
		'update/delta',
		JSON.stringify({
			state: {lights: 'off'},
			metadata: {lights: {timestamp: 2}},
			version: 8,
			timestamp: 2,
		}),
	);
	await until(
		() => events.some((event) => event.kind === 'delta'),
		'the one possible delta',
	);
	assert.deepEqual(
		events.map((event) =>
			event.kind === 'ignored'
				? `ignored ${event.operation}/${event.reply}: ${event.reason}`
				: event.kind,
		),
		[
			'ignored get/accepted: nested 20002 levels deep, deeper than a shadow document can be',
			'ignored get/accepted: holds a number JSON cannot hold',
			'ignored get/accepted: state is not an object',
			'ignored update/documents: nested 20003 levels deep, deeper than a shadow document can be',
			'ignored update/delta: nested 20001 levels deep, deeper than a shadow document can be',
			`ignored update/delta: ${huge.length} bytes, larger than any shadow reply`,
			'ignored update/documents: current is not an object',
			'delta',
		],
	);
	assert.equal(
		client.newestVersion(lamp),
		8,
		'versions of dropped messages (99, 1e400, 50) never count as seen',
	);
	const drops = logged.filter(
		({message}) =>
			message === 'dropped a reply that cannot be a shadow document',
	);
	assert.equal(drops.length, 7);
	assert.deepEqual(drops[0]?.fields?.topic, `${prefix}/get/accepted`);
	assert.ok(
		logged.every(({fields}) => JSON.stringify(fields ?? {}).length < 500),
		'no payload is logged',
	);
});

test('an update too deep to serialise, or holding 1e400, is refused before it is sent', async (t) => {
	const service = await startTestService(t);
	const client = await connectShadowClient({
		connection: {url: service.mqttUrl},
	});
	t.after(async () => client.close());
	let deep: JsonObject = {leaf: 1};
	for (let level = 0; level < 20_000; level++) deep = {a: deep};
	await assert.rejects(
		client.update(lamp, {state: {desired: deep}}),
		(error: unknown) =>
			error instanceof ShadowRejectedError &&
			error.code === 400 &&
			error.reason === 'JSON contains too many levels of nesting; maximum is 6',
	);
	await assert.rejects(
		client.update(lamp, {
			state: {reported: JSON.parse('{"a":1e400}') as JsonObject},
		}),
		(error: unknown) =>
			error instanceof ShadowRejectedError &&
			error.code === 400 &&
			error.reason === 'Invalid JSON',
	);
	await assert.rejects(
		client.update(lamp, {
			state: {desired: {notes: null, x: 'x'.repeat(140_000)}},
		}),
		(error: unknown) =>
			error instanceof ShadowRejectedError && error.code === 413,
	);
	await assert.rejects(
		client.get(lamp),
		(error: unknown) =>
			error instanceof ShadowRejectedError && error.code === 404,
		'nothing reached the service',
	);
});
