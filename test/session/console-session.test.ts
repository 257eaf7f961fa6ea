/*
The console session against the local service over real sockets: what it
shows after deletes and re-creates, presence, and the device role.
*/
import assert from 'node:assert/strict';
import {test, type TestContext} from 'node:test';
import {connectMqtt} from '../../source/client/connect-mqtt.js';
import {
	createShadowClient,
	type ShadowClient,
} from '../../source/client/shadow-client.js';
import {vehicle} from '../../source/device-mode/simulators.js';
import type {LocalService} from '../../source/service/local-service.js';
import {
	latestTimestamp,
	type ConsoleSessionOptions,
} from '../../source/session/console-session.js';
import type {JsonValue} from '../../source/shadow/json.js';
import {withLimits} from '../../source/shadow/limits.js';
import {startTestService} from '../helpers/service.js';
import {connectClient, openSession} from '../helpers/console-session.js';
import {until} from '../helpers/wait.js';

const lamp = {thingName: 'lamp', shadowName: ''};
const lampConfig = {thingName: 'lamp', shadowName: 'config'};

const connect = async (t: TestContext, service: LocalService) =>
	connectClient(t, service);
const open = async (
	t: TestContext,
	client: ShadowClient,
	options: Partial<ConsoleSessionOptions> = {},
) => openSession(t, client, {address: lamp, ...options});

test('the newest metadata timestamp, at any depth, without recursion', () => {
	assert.equal(
		latestTimestamp({
			desired: {a: {timestamp: 5}, b: [{timestamp: 9}, {timestamp: 2}]},
			reported: {c: {d: {timestamp: 7}}},
		}),
		9,
	);
	assert.equal(latestTimestamp(undefined), 0);
	let deep: JsonValue = {timestamp: 42};
	for (let level = 0; level < 20_000; level++) deep = {a: deep};
	assert.equal(latestTimestamp(deep), 42);
});

test('a delete by someone else shows at once, with the version it was deleted at; an edit then creates the shadow again', async (t) => {
	const service = await startTestService(t);
	const other = await connect(t, service);
	await other.update(lamp, {state: {desired: {lights: 'on'}}});
	await other.update(lamp, {state: {desired: {lights: 'off'}}});
	const session = await open(t, await connect(t, service));
	assert.equal(session.getSnapshot().shadow?.version, 2);

	await other.delete(lamp);
	await until(
		() => session.getSnapshot().shadow === null,
		'the delete to show',
	);
	const gone = session.getSnapshot();
	assert.equal(gone.deleted?.version, 2);
	assert.deepEqual(
		gone.history.map(({kind, version}) => `${kind} v${version}`),
		['deleted v2', 'document v2'],
	);

	// Without a version: the shadow shown is gone, so there is none to hold the edit to.
	assert.equal(await session.update('desired', {lights: 'dim'}), true);
	await until(
		() => session.getSnapshot().shadow !== null,
		'the re-created shadow',
	);
	const again = session.getSnapshot();
	assert.equal(
		again.shadow?.version,
		4,
		'AWS counts on across a delete (§7.4)',
	);
	assert.deepEqual(again.shadow?.state.desired, {lights: 'dim'});
	assert.equal(again.deleted, undefined);
	assert.match(again.notice?.text ?? '', /desired updated: version 4/);
	assert.deepEqual(
		again.history.map(({kind, version}) => `${kind} v${version}`),
		['document v4', 'deleted v2', 'document v2'],
	);
	const keys = again.history.map((entry) => entry.key);
	assert.equal(new Set(keys).size, keys.length, 'keys are unique');
});

test('g after a delete the console was not told about shows that there is no shadow', async (t) => {
	const service = await startTestService(t);
	const other = await connect(t, service);
	await other.update(lamp, {state: {reported: {lights: 'on'}}});
	const session = await open(t, await connect(t, service));
	assert.equal(session.getSnapshot().shadow?.version, 1);
	await other.delete(lamp);
	await session.refresh();
	const snapshot = session.getSnapshot();
	assert.equal(snapshot.shadow, null);
	assert.equal(snapshot.deleted?.version, 1);
	assert.equal(snapshot.history[0]?.kind, 'deleted');
});

test('g shows a shadow re-created at a lower version than the one shown', async (t) => {
	// A tombstone kept for no time: the next update starts again at version 1 (§7.4, after 48 h).
	const service = await startTestService(t, {
		engine: withLimits({
			deletedVersionRetentionHours: 0,
			requestsPerSecondPerThing: Number.POSITIVE_INFINITY,
		}),
	});
	const other = await connect(t, service);
	for (const lights of ['on', 'off', 'dim'])
		await other.update(lamp, {state: {desired: {lights}}});
	const session = await open(t, await connect(t, service));
	assert.equal(session.getSnapshot().shadow?.version, 3);
	await other.delete(lamp);
	const created = await other.update(lamp, {
		state: {reported: {lights: 'on'}},
	});
	assert.equal(created.version, 1);

	await session.refresh();
	const snapshot = session.getSnapshot();
	assert.equal(snapshot.shadow?.version, 1);
	assert.deepEqual(snapshot.shadow?.state, {reported: {lights: 'on'}});
	assert.deepEqual(
		snapshot.history.map(({kind, version}) => `${kind} v${version}`),
		['document v1', 'deleted v3', 'document v3'],
		'newest first, though the version is lower',
	);
});

test('g on a shadow that never existed shows none, and no delete', async (t) => {
	const service = await startTestService(t);
	const session = await open(t, await connect(t, service));
	await session.refresh();
	assert.equal(session.getSnapshot().shadow, null);
	assert.equal(session.getSnapshot().deleted, undefined);
	assert.deepEqual(session.getSnapshot().history, []);
});

test('presence is unknown while the console is not connected, and not stale after it reconnects', async (t) => {
	const service = await startTestService(t);
	const other = await connect(t, service);
	await other.update(lamp, {state: {reported: {lights: 'on'}}});
	const mqtt = await connectMqtt({
		url: service.mqttUrl,
		reconnectPeriod: 1000,
	});
	const consoleClient = createShadowClient(mqtt, {
		connection: {url: service.mqttUrl},
	});
	t.after(async () => consoleClient.close());
	const session = await open(t, consoleClient);
	assert.equal(session.getSnapshot().deviceOnline, undefined);

	// The device connects with its thing name as client id: a lifecycle event says it is online.
	const device = await connectMqtt({url: service.mqttUrl, clientId: 'lamp'});
	t.after(() => device.end(true));
	await until(
		() => session.getSnapshot().deviceOnline === true,
		'the lifecycle event',
	);

	mqtt.stream.destroy();
	await until(
		() => session.getSnapshot().connection.status !== 'connected',
		'the console to lose its connection',
	);
	assert.equal(session.getSnapshot().deviceOnline, undefined);
	// An edit while away fails for that: once connected again the error is over, and says so.
	assert.equal(await session.update('desired', {x: 1}), false);
	assert.equal(session.getSnapshot().notice?.offline, true);

	// While the console is away, the device leaves and its will says so.
	await device.endAsync();
	await other.update(lamp, {state: {reported: {connected: false}}});
	await until(
		() => session.getSnapshot().connection.status === 'connected',
		'the console to reconnect',
	);
	await until(() => session.getSnapshot().shadow?.version === 2, 'the resync');
	assert.equal(session.getSnapshot().deviceOnline, false);
	assert.match(
		session.getSnapshot().notice?.text ?? '',
		/^connected again; what failed while offline was not sent/,
	);
});

test("a named shadow shows the thing's presence, as the classic shadow does", async (t) => {
	const service = await startTestService(t);
	const other = await connect(t, service);
	await other.update(lamp, {state: {reported: {connected: true}}});
	await other.update(lampConfig, {state: {desired: {mode: 'eco'}}});
	const session = await open(t, await connect(t, service));
	assert.equal(session.getSnapshot().deviceOnline, true);
	await session.switchShadow(lampConfig);
	assert.equal(session.getSnapshot().shadow?.state.desired?.mode, 'eco');
	assert.equal(session.getSnapshot().deviceOnline, true);

	await other.update(lamp, {state: {reported: {connected: false}}});
	await until(
		() => session.getSnapshot().deviceOnline === false,
		'the classic shadow to say the device left',
	);

	const named = await open(t, await connect(t, service), {
		address: lampConfig,
	});
	assert.equal(named.getSnapshot().deviceOnline, false);
});

test('the device role creates a missing shadow with connected: true, and says connected: false when it stops', async (t) => {
	const service = await startTestService(t);
	const app = await connect(t, service);
	const session = await open(t, await connect(t, service), {role: 'device'});
	assert.deepEqual((await app.get(lamp)).state.reported, {connected: true});
	await until(
		() => session.getSnapshot().deviceOnline === true,
		'the console to show the device online',
	);
	await session.switchRole();
	assert.equal((await app.get(lamp)).state.reported?.connected, false);
});

test('the device role starts a missing shadow from the simulator, and keeps what an existing one reports', async (t) => {
	const service = await startTestService(t);
	const app = await connect(t, service);
	await open(t, await connect(t, service), {
		role: 'device',
		simulator: vehicle,
	});
	assert.deepEqual((await app.get(lamp)).state.reported, {
		lights: 'on',
		doors: 'locked',
		connected: true,
	});

	const car = {thingName: 'car', shadowName: ''};
	await app.update(car, {state: {reported: {lights: 'off'}}});
	await open(t, await connect(t, service), {
		address: car,
		role: 'device',
		simulator: vehicle,
		initialState: {lights: 'on', horn: 'quiet'},
	});
	assert.deepEqual((await app.get(car)).state.reported, {
		lights: 'off',
		horn: 'quiet',
		connected: true,
	});
});

test('auto-apply says so when it sets an edited reported value back', async (t) => {
	const service = await startTestService(t);
	const app = await connect(t, service);
	await app.update(lamp, {
		state: {desired: {lights: 'off'}, reported: {lights: 'off'}},
	});
	const session = await open(t, await connect(t, service), {role: 'device'});
	assert.equal(await session.update('reported', {color: 'red'}), true);
	assert.equal(session.getSnapshot().notice?.text, 'reported {"color":"red"}');

	assert.equal(await session.update('reported', {lights: 'on'}), true);
	await until(
		() => session.getSnapshot().notice?.text.startsWith('auto-apply') === true,
		'the auto-apply notice',
	);
	assert.equal(
		session.getSnapshot().notice?.text,
		'auto-apply set lights back to "off" (desired)',
	);
	await until(
		async () => (await app.get(lamp)).state.delta === undefined,
		'the device to report lights off again',
	);
	assert.deepEqual((await app.get(lamp)).state.reported, {
		lights: 'off',
		color: 'red',
		connected: true,
	});
});

test('desired and reported in one edit: one version, no delta; with a stale version, a 409', async (t) => {
	const service = await startTestService(t);
	const app = await connect(t, service);
	await app.update(lamp, {state: {reported: {lights: 'off'}}});
	const session = await open(t, await connect(t, service));
	assert.equal(
		await session.updateBoth({lights: 'on'}, {lights: 'on'}, 1),
		true,
	);
	assert.equal(
		session.getSnapshot().notice?.text,
		'desired and reported updated: version 2',
	);
	const shadow = await app.get(lamp);
	assert.equal(shadow.version, 2);
	assert.deepEqual(shadow.state, {
		desired: {lights: 'on'},
		reported: {lights: 'on'},
	});

	assert.equal(
		await session.updateBoth({lights: 'off'}, {lights: 'off'}, 1),
		false,
	);
	assert.match(
		session.getSnapshot().notice?.text ?? '',
		/^desired and reported not updated: 409 Version conflict/,
	);
	assert.equal((await app.get(lamp)).version, 2);
});

test('desired and reported in one edit in the device role: the device takes the reported part', async (t) => {
	const service = await startTestService(t);
	const app = await connect(t, service);
	const session = await open(t, await connect(t, service), {role: 'device'});
	const before = (await app.get(lamp)).version;
	assert.equal(await session.updateBoth({lights: 'on'}, {lights: 'on'}), true);
	assert.equal(
		session.getSnapshot().notice?.text,
		`desired and reported updated: version ${before + 1}`,
	);
	// The device now holds lights: on, so a desired change is applied against it.
	await app.update(lamp, {state: {desired: {lights: 'off', doors: 'open'}}});
	await until(
		async () => (await app.get(lamp)).state.delta === undefined,
		'the device to apply the delta',
	);
	assert.deepEqual((await app.get(lamp)).state.reported, {
		lights: 'off',
		doors: 'open',
		connected: true,
	});
});

test('edits typed ahead of their replies go one after the other, the second on the version the first made', async (t) => {
	const service = await startTestService(t);
	const client = await connect(t, service);
	await client.update(lamp, {state: {desired: {a: 0}}});
	const session = await open(t, client);
	await until(() => session.getSnapshot().shadow?.version === 1, 'v1 shown');
	// Both started while v1 was shown, as a burst of keys would start them.
	const results = await Promise.all([
		session.update('desired', {a: 1}, 1),
		session.update('desired', {b: 2}, 1),
	]);
	assert.deepEqual(results, [true, true]);
	const now = await client.get(lamp);
	assert.equal(now.version, 3);
	assert.deepEqual(now.state.desired, {a: 1, b: 2});

	// Someone else's write to the same key in between is still refused.
	await client.update(lamp, {state: {desired: {d: 3}}});
	assert.equal(await session.update('desired', {d: 4}, 3), false);
	assert.match(session.getSnapshot().notice?.text ?? '', /409/);
	assert.equal((await client.get(lamp)).state.desired?.d, 3);
});

test('an edit locked to its version goes through when what changed since did not touch its keys (a device reporting telemetry)', async (t) => {
	const service = await startTestService(t);
	const client = await connect(t, service);
	await client.update(lamp, {
		state: {desired: {lights: 'off'}, reported: {t: 1}},
	});
	const session = await open(t, client);
	await until(() => session.getSnapshot().shadow?.version === 1, 'v1 shown');
	// While the edit is typed on v1: a report, and someone else's desired key.
	await client.update(lamp, {state: {reported: {t: 2}}});
	await client.update(lamp, {state: {desired: {color: 'red'}}});
	assert.equal(await session.update('desired', {lights: 'on'}, 1), true);
	assert.match(
		session.getSnapshot().notice?.text ?? '',
		/desired updated: version 4 \(sent on v3: what changed since v1 did not touch these keys\)/,
	);
	assert.deepEqual((await client.get(lamp)).state.desired, {
		lights: 'on',
		color: 'red',
	});
});
