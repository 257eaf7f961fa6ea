/*
The traffic inspector over the real local service: a device and an app
exchange updates, and the inspector (its own client, as the console has)
pairs each request with its answer, explains rejections, and marks a request
the service never answers.
*/
import assert from 'node:assert/strict';
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {test, type TestContext} from 'node:test';
import {connectMqtt} from '../../source/client/connect-mqtt.js';
import {
	connectShadowClient,
	type ShadowClient,
} from '../../source/client/shadow-client.js';
import {
	createTrafficSession,
	type TrafficSession,
} from '../../source/session/traffic-session.js';
import type {TrafficEntry} from '../../source/traffic/traffic-log.js';
import {startMosquitto} from '../helpers/mosquitto.js';
import {startTestService, temporaryDirectory} from '../helpers/service.js';
import {until} from '../helpers/wait.js';

const pump = {thingName: 'pump', shadowName: ''};

async function client(t: TestContext, url: string): Promise<ShadowClient> {
	const shadowClient = await connectShadowClient({connection: {url}});
	t.after(async () => shadowClient.close());
	return shadowClient;
}

async function inspector(
	t: TestContext,
	shadowClient: ShadowClient,
	answerTimeoutMs = 10_000,
): Promise<TrafficSession> {
	const traffic = createTrafficSession({
		client: shadowClient,
		address: pump,
		capacity: 500,
		answerTimeoutMs,
		frameMs: 0,
	});
	t.after(async () => traffic.close());
	traffic.setVisible(true);
	await traffic.start();
	assert.equal(traffic.getSnapshot().status, 'on');
	return traffic;
}

const entries = (traffic: TrafficSession) => traffic.getSnapshot().entries;
const find = (
	traffic: TrafficSession,
	predicate: (entry: TrafficEntry) => boolean,
) => entries(traffic).find(predicate);

test('requests of a device and an app are paired with their answers by token, with the latency', async (t) => {
	const service = await startTestService(t);
	const app = await client(t, service.mqttUrl);
	const device = await client(t, service.mqttUrl);
	const traffic = await inspector(t, app);
	await app.update(pump, {state: {desired: {speed: 3}}});
	await device.update(pump, {state: {reported: {speed: 3}}});
	await app.get(pump);
	await until(
		() =>
			entries(traffic).filter((entry) => entry.kind === 'request').length ===
				3 &&
			entries(traffic).every(
				(entry) => entry.kind !== 'request' || entry.answer,
			),
		'three answered requests',
	);
	const requests = entries(traffic).filter((entry) => entry.kind === 'request');
	assert.deepEqual(
		requests.map((entry) => [entry.short, entry.source, entry.answer?.short]),
		[
			['update', 'console', 'update/accepted'],
			['update', 'other', 'update/accepted'],
			['get', 'console', 'get/accepted'],
		],
	);
	for (const request of requests) {
		assert.ok((request.answer?.latencyMs ?? -1) >= 0);
		const answer = find(traffic, (entry) => entry.seq === request.answer?.seq);
		assert.equal(answer?.clientToken, request.clientToken);
		assert.equal(answer?.request?.seq, request.seq);
	}

	// The app's update made a delta and documents of its version.
	await until(
		() =>
			find(
				traffic,
				(entry) => entry.short === 'update/accepted' && entry.version === 1,
			)?.followUps?.includes('documents') ?? false,
		'documents of v1 linked to its update',
	);
	const first = find(
		traffic,
		(entry) => entry.version === 1 && entry.kind === 'accepted',
	);
	assert.deepEqual([...(first?.followUps ?? [])].sort(), [
		'delta',
		'documents',
	]);
});

test('a 409, a 413 and a 400 are explained with the version, the section sizes and the path', async (t) => {
	const service = await startTestService(t);
	const app = await client(t, service.mqttUrl);
	const other = await client(t, service.mqttUrl);
	const raw = await connectMqtt({url: service.mqttUrl});
	t.after(async () => raw.endAsync());
	const traffic = await inspector(t, app);
	await app.update(pump, {state: {desired: {speed: 1}}});
	await other.update(pump, {state: {desired: {mode: 'eco'}}});
	await app
		.update(pump, {state: {desired: {speed: 2}}, version: 1})
		.catch(() => undefined);
	await app
		.update(pump, {state: {desired: {log: 'x'.repeat(9000)}}})
		.catch(() => undefined);
	raw.publish(
		'$aws/things/pump/shadow/update',
		JSON.stringify({
			state: {reported: {a: {b: {c: {d: {e: {f: {g: 1}}}}}}}},
			clientToken: 'deep-1',
		}),
		{qos: 1},
	);
	const explained = (code: number) =>
		find(traffic, (entry) => entry.rejection?.code === code)?.explanation;
	await until(
		() => [409, 413, 400].every((code) => explained(code) !== undefined),
		'three explained rejections',
	);
	assert.match(
		explained(409)?.summary ?? '',
		/the shadow is at v2, not v1: 1 update since; v2 was written by another client \(clientToken [^)]+\), setting desired\.mode/,
	);
	assert.match(
		explained(413)?.summary ?? '',
		/desired 9,\d{3} B \+ reported 0 B = 9,\d{3} B, \d+ B over the 8,192 B/,
	);
	assert.match(explained(413)?.fix ?? '', /trim desired by at least \d+ B/);
	assert.match(
		explained(400)?.summary ?? '',
		/^state\.reported\.a\.b\.c\.d\.e\.f: 7 levels deep; a section may nest 6$/,
	);
	// Each rejection is paired with the request it answers.
	const rejected = entries(traffic).filter(
		(entry) => entry.kind === 'rejected',
	);
	assert.ok(rejected.every((entry) => entry.request !== undefined));
});

test('a request the service never answers is marked unanswered; the buffer saves as JSON Lines', async (t) => {
	const mosquitto = await startMosquitto(t);
	const service = await startTestService(t, {broker: {url: mosquitto.url}});
	const app = await client(t, mosquitto.url);
	const traffic = await inspector(t, app, 500);
	await app.update(pump, {state: {desired: {speed: 1}}});
	await service.close();
	const raw = await connectMqtt({url: mosquitto.url});
	t.after(async () => raw.endAsync());
	raw.publish(
		'$aws/things/pump/shadow/update',
		JSON.stringify({state: {desired: {speed: 2}}, clientToken: 'lost-1'}),
		{qos: 1},
	);
	await until(
		() =>
			find(traffic, (entry) => entry.clientToken === 'lost-1')?.unanswered ===
			true,
		'the lost request marked unanswered',
	);
	const answered = find(
		traffic,
		(entry) => entry.kind === 'request' && entry.answer !== undefined,
	);
	assert.equal(answered?.unanswered, undefined);

	traffic.setFilter('kind:unanswered');
	assert.deepEqual(
		traffic.getSnapshot().shown.map((entry) => entry.clientToken),
		['lost-1'],
	);
	traffic.setFilter('');
	const file = join(await temporaryDirectory(t), 'traffic.jsonl');
	const count = await traffic.save(file);
	const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
	assert.equal(lines.length, count);
	const records = lines.map(
		(line) =>
			JSON.parse(line) as {
				seq: number;
				unanswered?: boolean;
				clientToken?: string;
			},
	);
	assert.deepEqual(
		records.map((record) => record.seq),
		entries(traffic).map((entry) => entry.seq),
	);
	assert.equal(
		records.find((record) => record.clientToken === 'lost-1')?.unanswered,
		true,
	);
	// Saving never overwrites.
	await assert.rejects(traffic.save(file), /EEXIST/);
});

test('the thing and fleet scopes take every shadow; a refused scope says what the identity lacks', async (t) => {
	const service = await startTestService(t);
	const app = await client(t, service.mqttUrl);
	const traffic = await inspector(t, app);
	await traffic.setScope('fleet');
	await app.update(
		{thingName: 'valve', shadowName: 'config'},
		{state: {desired: {open: true}}},
	);
	await until(
		() =>
			find(
				traffic,
				(entry) =>
					entry.address?.shadowName === 'config' && entry.kind === 'accepted',
			) !== undefined,
		'a named shadow of another thing in the fleet scope',
	);
	await traffic.setScope('shadow');
	const before = entries(traffic).length;
	await app.update(
		{thingName: 'valve', shadowName: ''},
		{state: {desired: {open: true}}},
	);
	await app.update(pump, {state: {desired: {speed: 1}}});
	await until(
		() =>
			find(
				traffic,
				(entry) =>
					entry.address?.thingName === 'pump' && entry.kind === 'accepted',
			) !== undefined,
		'the pump again',
	);
	assert.ok(
		entries(traffic)
			.slice(before)
			.every((entry) => entry.address?.thingName !== 'valve'),
	);
	// What the fleet scope kept is not shown (nor saved) in the shadow scope.
	const shown = traffic.getSnapshot().shown;
	assert.ok(shown.length > 0);
	assert.ok(
		shown.every((entry) => entry.address?.thingName === 'pump'),
		shown.map((entry) => entry.topic).join('\n'),
	);
	assert.ok(
		entries(traffic).some((entry) => entry.address?.thingName === 'valve'),
	);
});

test('the connection dropping and coming back is a row of its own', async (t) => {
	const service = await startTestService(t);
	const app = await connectShadowClient({
		connection: {url: service.mqttUrl, reconnectPeriod: 100},
	});
	t.after(async () => app.close());
	const traffic = await inspector(t, app);
	await service.close();
	await until(
		() =>
			find(traffic, (entry) => entry.short === 'connection lost') !== undefined,
		'the connection lost row',
	);
	assert.match(
		find(traffic, (entry) => entry.kind === 'connection')?.note ?? '',
		/not seen/,
	);
});
