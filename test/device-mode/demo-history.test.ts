/*
The demo's past: an hour of versions put through the engine into a real store,
read back from the journal and through the service's history route.
*/
import assert from 'node:assert/strict';
import {join} from 'node:path';
import {test} from 'node:test';
import {createHistoryReader} from '../../source/client/history-reader.js';
import {
	applyHistory,
	demoAppClientId,
	demoHistory,
	seedDemoHistory,
} from '../../source/device-mode/demo-history.js';
import {computeDelta} from '../../source/shadow/compute-delta.js';
import {openShadowStore} from '../../source/store/shadow-store.js';
import {addressKey} from '../../source/shadow/topics.js';
import {startTestService, temporaryDirectory} from '../helpers/service.js';

const pump = {thingName: 'pump-1', shadowName: ''};
const vehicle = {thingName: 'vehicle-1', shadowName: ''};
const now = Math.floor(Date.now() / 1000);

function entriesOf(
	store: ReturnType<typeof openShadowStore>,
	address: typeof pump,
) {
	return store.readJournal({address, order: 'asc', limit: 10_000});
}

test('the plan: an hour before now, in order, a reading a minute', () => {
	const histories = demoHistory(now);
	assert.deepEqual(
		histories.map(({address}) => address.thingName),
		['pump-1', 'vehicle-1'],
	);
	for (const {address, steps} of histories) {
		const times = steps.map(({at}) => at);
		assert.ok(times.every((at) => at < now && at >= now - 3600));
		for (let index = 1; index < times.length; index++)
			assert.ok(times[index - 1]! < times[index]!, `step ${index} in order`);
		// The app sets desired; the device, connected as its thing name, reports.
		for (const {state, writer} of steps)
			assert.equal(
				writer.clientId,
				state.desired ? demoAppClientId : address.thingName,
			);
	}

	const pumpSteps = histories[0]!.steps;
	const readings = pumpSteps.filter(
		({state}) => typeof state.reported?.temperature === 'number',
	);
	assert.ok(
		readings.length >= 55 && readings.length <= 62,
		`${readings.length}`,
	);
	const desired = pumpSteps.filter(({state}) => state.desired);
	assert.equal(desired.length, 2);
	for (const step of desired)
		assert.deepEqual(step.writer, {
			channel: 'mqtt',
			clientId: demoAppClientId,
			principal: 'local',
		});
	// The same past every time: the random walk is seeded.
	assert.deepEqual(demoHistory(now), histories);
});

test('seeding a store journals every version, in the past, with its writer', async (t) => {
	const store = openShadowStore(
		join(await temporaryDirectory(t), 'shadows.db'),
	);
	t.after(() => store.close());
	const histories = demoHistory(now);
	assert.deepEqual(applyHistory(store, histories), [pump, vehicle]);

	for (const {address, steps} of histories) {
		const entries = entriesOf(store, address);
		assert.equal(entries.length, steps.length);
		assert.equal(store.journalCount(address), steps.length);
		assert.deepEqual(
			entries.map(({version}) => version),
			steps.map((_, index) => index + 1),
		);
		for (const [index, entry] of entries.entries()) {
			assert.equal(entry.kind, 'document');
			assert.ok(entry.at < now, 'in the past');
			if (index > 0) assert.ok(entry.at > entries[index - 1]!.at, 'increasing');
			assert.equal(entry.writer.channel, 'mqtt');
			assert.equal(entry.clientToken, steps[index]!.clientToken);
			assert.deepEqual(entry.writer, steps[index]!.writer);
		}

		// The devices answered every change: the demo starts with no delta waiting.
		const record = store.load(address);
		assert.equal(record?.kind, 'live');
		if (record?.kind === 'live')
			assert.equal(
				computeDelta(
					record.state.desired,
					record.state.reported,
					record.metadata.desired,
				),
				undefined,
			);
	}

	const pumpEntries = entriesOf(store, pump);
	assert.ok(pumpEntries.length >= 60, `${pumpEntries.length} versions`);
	const temperatures = pumpEntries.map(
		({state}) => state.reported?.temperature,
	);
	for (const temperature of temperatures) {
		assert.equal(typeof temperature, 'number');
		assert.ok((temperature as number) > 30 && (temperature as number) < 100);
	}

	assert.ok(new Set(temperatures).size > 10, 'the temperature varies');
	// Ends as the vehicle's first suggestion needs it: lights on, so lights = "off" makes a delta.
	const last = store.load(vehicle);
	assert.equal(
		last?.kind === 'live' ? last.state.reported?.lights : undefined,
		'on',
	);
});

test('seeding twice does not duplicate; an existing shadow is left alone', async (t) => {
	const dataFile = join(await temporaryDirectory(t), 'shadows.db');
	const first = seedDemoHistory(dataFile, now);
	assert.equal(first.length, 2);
	assert.deepEqual(seedDemoHistory(dataFile, now + 600), []);
	const store = openShadowStore(dataFile);
	t.after(() => store.close());
	const counts = demoHistory(now).map(({steps}) => steps.length);
	assert.deepEqual(
		[store.journalCount(pump), store.journalCount(vehicle)],
		counts,
	);

	// A fresh store where pump-1 was made (and deleted) by someone else: only the vehicle is seeded.
	const other = openShadowStore(join(await temporaryDirectory(t), 'other.db'));
	t.after(() => other.close());
	other.commitBatch(
		new Map([
			[
				addressKey(pump),
				{address: pump, record: {kind: 'deleted', version: 3, deletedAt: now}},
			],
		]),
	);
	assert.deepEqual(applyHistory(other, demoHistory(now)), [vehicle]);
	assert.equal(other.journalCount(pump), 0);
	assert.equal(other.load(pump)?.kind, 'deleted');
});

test('the service opened on a seeded file serves the history', async (t) => {
	const dataFile = join(await temporaryDirectory(t), 'shadows.db');
	seedDemoHistory(dataFile, now);
	const service = await startTestService(t, {dataFile});
	assert.ok(service.httpUrl);
	const versions = await createHistoryReader(service.httpUrl).versions(
		{address: pump, order: 'asc'},
		1000,
	);
	assert.equal(versions.length, demoHistory(now)[0]!.steps.length);
	assert.deepEqual(versions[0]?.writer, {
		channel: 'mqtt',
		clientId: 'pump-1',
		principal: 'local',
	});
	assert.ok(versions.some(({writer}) => writer.clientId === demoAppClientId));
	assert.ok(
		versions.every(
			({state}) =>
				typeof (state.reported as {temperature?: unknown}).temperature ===
				'number',
		),
	);
});
