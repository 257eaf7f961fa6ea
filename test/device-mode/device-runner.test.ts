/*
The device loop against the local service over real sockets.
*/
import assert from 'node:assert/strict';
import {test, type TestContext} from 'node:test';
import {connectMqtt} from '../../source/client/connect-mqtt.js';
import {
	connectShadowClient,
	createShadowClient,
	type ShadowClient,
} from '../../source/client/shadow-client.js';
import {
	createDevice,
	presenceWill,
	type Device,
	type DeviceEvent,
	type DeviceOptions,
} from '../../source/device-mode/device-runner.js';
import {
	coffeeMaker,
	genericDevice,
	pump,
	vehicle,
} from '../../source/device-mode/simulators.js';
import type {LocalService} from '../../source/service/local-service.js';
import type {JsonObject} from '../../source/shadow/json.js';
import {startTestService} from '../helpers/service.js';
import {until} from '../helpers/wait.js';

const car = {thingName: 'car', shadowName: ''};
const now = () => Math.floor(Date.now() / 1000);

async function app(
	t: TestContext,
	service: LocalService,
): Promise<ShadowClient> {
	const client = await connectShadowClient({
		connection: {url: service.mqttUrl},
	});
	t.after(async () => client.close());
	return client;
}

async function startDevice(
	t: TestContext,
	service: LocalService,
	options: Partial<DeviceOptions> & {reconnectPeriod?: number} = {},
) {
	const address = options.address ?? car;
	const mqtt = await connectMqtt({
		url: service.mqttUrl,
		clientId: address.thingName,
		reconnectPeriod: options.reconnectPeriod ?? 200,
		will: presenceWill(address),
	});
	const client = createShadowClient(mqtt, {connection: {url: service.mqttUrl}});
	const events: DeviceEvent[] = [];
	const device: Device = createDevice({
		client,
		address,
		simulator: vehicle,
		apply: 'auto',
		presence: true,
		clock: now,
		...options,
	});
	device.onEvent((event) => events.push(event));
	t.after(async () => {
		await device.stop();
		await client.close();
	});
	await device.start();
	return {device, client, mqtt, events};
}

test('first connection without a shadow creates it from the defaults', async (t) => {
	const service = await startTestService(t);
	const {events} = await startDevice(t, service);
	const shadow = await (await app(t, service)).get(car);
	assert.deepEqual(shadow.state.reported, {
		lights: 'on',
		doors: 'locked',
		connected: true,
	});
	assert.deepEqual(events[0], {
		kind: 'synced',
		created: true,
		version: undefined,
	});
});

test('first connection with an existing shadow resumes its state and applies the waiting delta', async (t) => {
	const service = await startTestService(t);
	const application = await app(t, service);
	await application.update(car, {
		state: {
			reported: {lights: 'on', doors: 'unlocked'},
			desired: {lights: 'off'},
		},
	});
	const {device} = await startDevice(t, service);
	await until(
		async () => (await application.get(car)).state.delta === undefined,
		'the delta to be applied',
	);
	assert.deepEqual((await application.get(car)).state.reported, {
		lights: 'off',
		doors: 'unlocked',
		connected: true,
	});
	assert.deepEqual(device.getSnapshot().state, {
		lights: 'off',
		doors: 'unlocked',
	});
});

test('an --state file gives the initial reported state', async (t) => {
	const service = await startTestService(t);
	await startDevice(t, service, {
		simulator: genericDevice,
		initialState: {firmware: '1.2.0', mode: 'eco'},
	});
	assert.deepEqual((await (await app(t, service)).get(car)).state.reported, {
		firmware: '1.2.0',
		mode: 'eco',
		connected: true,
	});
});

test('an initial state deeper than a shadow can be is refused with an event; the defaults are used', async (t) => {
	const service = await startTestService(t);
	let deep: JsonObject = {leaf: 1};
	for (let level = 0; level < 20_000; level++) deep = {a: deep};
	const {events} = await startDevice(t, service, {initialState: deep});
	assert.deepEqual(events[0], {
		kind: 'error',
		message:
			"the initial state nests deeper than 6 levels; using the simulator's defaults",
	});
	assert.deepEqual((await (await app(t, service)).get(car)).state.reported, {
		lights: 'on',
		doors: 'locked',
		connected: true,
	});
});

test('a delta issued while the device was offline is applied on reconnect', async (t) => {
	const service = await startTestService(t);
	const application = await app(t, service);
	const {mqtt, events} = await startDevice(t, service, {reconnectPeriod: 1500});
	const closed = new Promise<void>((resolve) =>
		mqtt.once('close', () => resolve()),
	);
	mqtt.stream.destroy();
	await closed;
	await application.update(car, {state: {desired: {doors: 'unlocked'}}});
	const from = events.length;
	await until(
		async () =>
			(await application.get(car)).state.reported?.doors === 'unlocked',
		'the device to catch up',
		15_000,
	);
	const after = events.slice(from).map((event) => event.kind);
	assert.equal(
		after[0],
		'synced',
		`resynced first, then applied: ${after.join(', ')}`,
	);
	assert.ok(after.includes('applied'));
	assert.equal(
		(await application.get(car)).state.reported?.connected,
		true,
		'presence is reported again after the reconnect',
	);
});

test('deltas that are not newer than the last applied are ignored', async (t) => {
	const service = await startTestService(t);
	const application = await app(t, service);
	const {events, device} = await startDevice(t, service);
	await application.update(car, {state: {desired: {lights: 'off'}}});
	await until(
		() => events.some((e) => e.kind === 'applied'),
		'the first delta',
	);
	const applied = events.find((e) => e.kind === 'applied');
	assert.ok(applied?.kind === 'applied');
	// A replay of the same delta version, and an older one, published straight onto the delta topic.
	service.broker?.publish(
		'$aws/things/car/shadow/update/delta',
		Buffer.from(
			JSON.stringify({
				state: {lights: 'on'},
				metadata: {},
				version: applied.version,
				timestamp: 1,
			}),
		),
	);
	service.broker?.publish(
		'$aws/things/car/shadow/update/delta',
		Buffer.from(
			JSON.stringify({
				state: {lights: 'on'},
				metadata: {},
				version: applied.version - 1,
				timestamp: 1,
			}),
		),
	);
	await until(
		() => events.some((e) => e.kind === 'ignored'),
		'the replay to be ignored',
	);
	await device.idle();
	assert.deepEqual(device.getSnapshot().state, {
		lights: 'off',
		doors: 'locked',
	});
	assert.equal(events.filter((e) => e.kind === 'applied').length, 1);
});

test('the last will tells the application that the device dropped off', async (t) => {
	const service = await startTestService(t);
	const application = await app(t, service);
	const {mqtt} = await startDevice(t, service, {reconnectPeriod: 0});
	assert.equal((await application.get(car)).state.reported?.connected, true);
	mqtt.stream.destroy();
	await until(
		async () =>
			(await application.get(car)).state.reported?.connected === false,
		'connected: false from the will',
	);
});

test('a clean stop reports connected: false itself', async (t) => {
	const service = await startTestService(t);
	const application = await app(t, service);
	const {device} = await startDevice(t, service);
	await device.stop();
	assert.equal((await application.get(car)).state.reported?.connected, false);
});

test('each simulated device reacts to a desired change as the real thing would', async (t) => {
	const service = await startTestService(t);
	const application = await app(t, service);
	const coffee = {thingName: 'coffee-maker-1', shadowName: ''};
	const pumpAddress = {thingName: 'pump-1', shadowName: ''};
	await startDevice(t, service);
	await startDevice(t, service, {address: coffee, simulator: coffeeMaker});
	await startDevice(t, service, {address: pumpAddress, simulator: pump});

	await application.update(car, {state: {desired: {lights: 'off'}}});
	await application.update(coffee, {
		state: {desired: {power: 'on', tempLimit: 120, brewSchedule: '06:30'}},
	});
	await application.update(pumpAddress, {state: {desired: {alarmLimit: 10}}});
	await until(
		async () => (await application.get(car)).state.reported?.lights === 'off',
		'the lights to go off',
	);
	await until(
		async () =>
			(await application.get(coffee)).state.reported?.brewing === true,
		'the coffee maker to brew',
	);
	await until(
		async () =>
			(await application.get(pumpAddress)).state.reported?.alarm === true,
		'the pump alarm',
	);
	const coffeeShadow = await application.get(coffee);
	assert.equal(
		coffeeShadow.state.reported?.tempLimit,
		96,
		'out-of-range limits are clamped',
	);
	assert.equal(coffeeShadow.state.reported?.brewSchedule, '06:30');
	assert.deepEqual(
		coffeeShadow.state.delta,
		{tempLimit: 120},
		'what the device cannot do stays in the delta',
	);
	// A clamped value must not make the device and the service ping-pong forever.
	const settled = coffeeShadow.version;
	await new Promise((resolve) => setTimeout(resolve, 500));
	assert.ok(
		(await application.get(coffee)).version <= settled + 1,
		'the shadow settles',
	);
});

test('with apply confirm, a delta waits; accept applies it, decline reports current values and is not asked again', async (t) => {
	const service = await startTestService(t);
	const application = await app(t, service);
	const {device, events} = await startDevice(t, service, {apply: 'confirm'});
	await application.update(car, {state: {desired: {lights: 'off'}}});
	await until(
		() => device.getSnapshot().pending !== undefined,
		'a pending delta',
	);
	assert.deepEqual(device.getSnapshot().pending?.delta, {lights: 'off'});
	assert.equal(
		(await application.get(car)).state.reported?.lights,
		'on',
		'nothing applied before confirmation',
	);
	await device.accept();
	assert.equal((await application.get(car)).state.reported?.lights, 'off');

	await application.update(car, {state: {desired: {doors: 'unlocked'}}});
	await until(
		() => device.getSnapshot().pending !== undefined,
		'the second pending delta',
	);
	const before = await application.get(car);
	await device.decline();
	const after = await application.get(car);
	assert.equal(after.state.reported?.doors, 'locked');
	assert.deepEqual(after.state.delta, {doors: 'unlocked'}, 'the delta stays');
	assert.ok(
		(after.metadata.reported?.doors as {timestamp: number}).timestamp >=
			(before.metadata.reported?.doors as {timestamp: number}).timestamp,
	);
	await until(
		() =>
			events.some(
				(e) => e.kind === 'ignored' && e.reason === 'declined before',
			),
		'the repeated delta to be ignored',
	);
	assert.equal(device.getSnapshot().pending, undefined);
});

test('without presence, a device leaves reported.connected to whoever owns it', async (t) => {
	const service = await startTestService(t);
	const application = await app(t, service);
	await application.update(car, {
		state: {reported: {lights: 'on', connected: true}},
	});
	await startDevice(t, service, {simulator: genericDevice, presence: false});
	await application.update(car, {state: {desired: {lights: 'off'}}});
	await until(
		async () => (await application.get(car)).state.reported?.lights === 'off',
		'the delta to be applied',
	);
	assert.equal((await application.get(car)).state.reported?.connected, true);
});

test('a change may carry desired in the same request: one version, no delta', async (t) => {
	const service = await startTestService(t);
	const application = await app(t, service);
	const {device} = await startDevice(t, service);
	const before = (await application.get(car)).version;
	const version = await device.change(
		{lights: 'off'},
		{desired: {lights: 'off'}},
	);
	assert.equal(version, before + 1);
	const shadow = await application.get(car);
	assert.equal(shadow.version, before + 1);
	assert.equal(shadow.state.desired?.lights, 'off');
	assert.equal(shadow.state.reported?.lights, 'off');
	assert.equal(shadow.state.delta, undefined);
	assert.equal(device.getSnapshot().state.lights, 'off');
	assert.equal(await device.change({lights: 'off'}), undefined, 'nothing new');
});

test('a refused change rejects and leaves the device state as it was', async (t) => {
	const service = await startTestService(t);
	const application = await app(t, service);
	const {device} = await startDevice(t, service);
	const {version} = await application.get(car);
	await assert.rejects(
		device.change({lights: 'off'}, {version: version - 1}),
		/Version conflict/,
	);
	assert.equal(device.getSnapshot().state.lights, 'on');
	assert.equal((await application.get(car)).state.reported?.lights, 'on');
	assert.equal(await device.change({doors: 'unlocked'}), version + 1);
});

test('the applied event tells which values of a change the delta it caused set back', async (t) => {
	const service = await startTestService(t);
	const application = await app(t, service);
	await application.update(car, {state: {desired: {lights: 'on'}}});
	const {device, events} = await startDevice(t, service);
	await device.idle();
	const from = events.length;
	const appliedSince = () =>
		events.slice(from).filter((e) => e.kind === 'applied');
	const version = await device.change({lights: 'off', doors: 'unlocked'});
	await until(() => appliedSince().length > 0, 'the delta the change caused');
	const [applied] = appliedSince();
	assert.ok(applied?.kind === 'applied');
	assert.equal(applied.version, version);
	assert.deepEqual(applied.overrode, [{path: ['lights'], value: 'on'}]);

	await until(
		async () => (await application.get(car)).state.delta === undefined,
		'the device to report lights on again',
	);

	// A later delta someone else causes is no answer to the change.
	await application.update(car, {state: {desired: {doors: 'locked'}}});
	await until(() => appliedSince().length === 2, 'the second delta');
	const second = appliedSince()[1];
	assert.ok(second?.kind === 'applied');
	assert.deepEqual(second.reported, {doors: 'locked'});
	assert.deepEqual(second.overrode, []);
});
