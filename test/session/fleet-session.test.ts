/*
The fleet session against the real local service: natural order, and a bulk
edit that reaches the selected shadows the filter shows, named ones by their
name, and no other. (Sorting, queries and counts: fleet-table.test.ts.)
*/
import assert from 'node:assert/strict';
import {test, type TestContext} from 'node:test';
import {createFleetLister} from '../../source/client/fleet-lister.js';
import {
	connectShadowClient,
	type ShadowClient,
} from '../../source/client/shadow-client.js';
import {createFleetSession} from '../../source/session/fleet-session.js';
import {startTestService} from '../helpers/service.js';

const brewers = Array.from({length: 12}, (_, index) => `brewer-${index + 1}`);

async function fleetOf(t: TestContext) {
	const service = await startTestService(t);
	const client = await connectShadowClient({
		connection: {url: service.mqttUrl},
	});
	t.after(async () => client.close());
	for (const thingName of [...brewers].reverse())
		await client.update(
			{thingName, shadowName: ''},
			{state: {reported: {model: thingName === 'brewer-3' ? 'old' : 'new'}}},
		);
	await client.update(
		{thingName: 'pump-1', shadowName: ''},
		{state: {reported: {model: 'new'}}},
	);
	const fleet = createFleetSession({
		client,
		list: createFleetLister(service.httpUrl ?? ''),
	});
	await fleet.load();
	return {client, fleet};
}

async function desiredOf(client: ShadowClient, thingName: string) {
	return (await client.get({thingName, shadowName: ''})).state.desired;
}

test('the fleet is in natural order: brewer-2 before brewer-10', async (t) => {
	const {fleet} = await fleetOf(t);
	assert.deepEqual(
		fleet.getSnapshot().shown.map(({thingName}) => thingName),
		[...brewers, 'pump-1'],
	);
});

test('a bulk edit goes to the selected things the filter shows, and to no other', async (t) => {
	const {client, fleet} = await fleetOf(t);
	fleet.selectShown();
	fleet.setFilter('brewer-1');
	const targets = fleet.bulkTargets();
	assert.deepEqual(targets, {
		count: 4,
		thingNames: ['brewer-1', 'brewer-10', 'brewer-11', 'brewer-12'],
		names: ['brewer-1', 'brewer-10', 'brewer-11', 'brewer-12'],
		addresses: ['brewer-1', 'brewer-10', 'brewer-11', 'brewer-12'].map(
			(thingName) => ({thingName, shadowName: ''}),
		),
		filter: 'brewer-1',
		hiddenSelected: 9,
	});

	await fleet.bulkUpdate({tempLimit: 90});
	const {bulk} = fleet.getSnapshot();
	assert.deepEqual(bulk?.progress, {
		total: 4,
		done: 4,
		accepted: 4,
		failed: 0,
		running: false,
	});
	for (const thingName of targets.thingNames)
		assert.deepEqual(await desiredOf(client, thingName), {tempLimit: 90});
	for (const thingName of ['brewer-2', 'brewer-9', 'pump-1'])
		assert.equal(await desiredOf(client, thingName), undefined, thingName);
});

test('the targets the user confirmed are the ones sent to, though the filter changed meanwhile', async (t) => {
	const {client, fleet} = await fleetOf(t);
	fleet.setFilter('pump');
	fleet.selectShown();
	const confirmed = fleet.bulkTargets();
	assert.deepEqual(confirmed.thingNames, ['pump-1']);
	fleet.setFilter('');
	fleet.selectShown();
	assert.equal(fleet.bulkTargets().count, 13);
	await fleet.bulkUpdate({power: 'on'}, confirmed);
	assert.deepEqual(await desiredOf(client, 'pump-1'), {power: 'on'});
	assert.equal(await desiredOf(client, 'brewer-1'), undefined);
});

test('a named shadow is a row of its own: a bulk edit goes to it, not to its thing’s classic shadow; nothing selected sends nothing', async (t) => {
	const {client, fleet} = await fleetOf(t);
	const firmware = {thingName: 'brewer-3', shadowName: 'firmware'};
	await client.update(firmware, {state: {reported: {version: '1.0'}}});
	await fleet.load();
	await fleet.bulkUpdate({tempLimit: 1});
	assert.equal(
		fleet.getSnapshot().error,
		'no shown thing is selected (space selects, a selects all shown)',
	);
	assert.equal(fleet.getSnapshot().bulk, undefined);

	fleet.setFilter('brewer-3');
	assert.deepEqual(
		fleet.getSnapshot().shown.map(({shadowName}) => shadowName),
		['', 'firmware'],
	);
	fleet.toggle(fleet.getSnapshot().shown[1]!);
	assert.deepEqual(fleet.bulkTargets().addresses, [firmware]);
	assert.deepEqual(fleet.bulkTargets().names, ['brewer-3/firmware']);
	await fleet.bulkUpdate({channel: 'beta'});
	assert.deepEqual((await client.get(firmware)).state.desired, {
		channel: 'beta',
	});
	assert.equal(await desiredOf(client, 'brewer-3'), undefined);

	// Classic shadows only: the named one is hidden, so it is not sent to.
	await fleet.setScope('classic');
	assert.deepEqual(fleet.bulkTargets().addresses, []);
	assert.equal(fleet.bulkTargets().hiddenSelected, 1);
});
