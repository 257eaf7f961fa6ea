/*
The fleet table's keys, dispatched as the console dispatches them (keys.ts,
the keymap, console-keys.ts) to fleet-actions.ts, with a lister and an
aggregation written here and a real console session for Enter: s and S
sort, the cursor and Space follow the shadow, N shows the classic shadows
only, c asks for a field and counts (or says it cannot), m shows the fleet's
error in full, and the key bar at 80 columns has room for sort and counts.
*/
import assert from 'node:assert/strict';
import {test, type TestContext} from 'node:test';
import type {FleetFilter} from '../../source/client/fleet-lister.js';
import type {ShadowSummary} from '../../source/fleet/list-shadows.js';
import type {
	FleetAggregate,
	FleetAggregateRequest,
} from '../../source/session/fleet-aggregation.js';
import {
	createFleetSession,
	noAggregationMessage,
	type FleetSession,
} from '../../source/session/fleet-session.js';
import {
	fleetActions,
	fleetCountActions,
	isFleetCountMode,
	type FleetActionControls,
	type FleetCountMode,
} from '../../source/views/actions/fleet-actions.js';
import {handleKey} from '../../source/views/console-keys.js';
import {createKeyReader} from '../../source/views/keys.js';
import {barHints, helpLines} from '../../source/views/keymap.js';
import type {Mode} from '../../source/views/modes.js';
import {connectClient, openSession} from '../helpers/console-session.js';
import {startTestService} from '../helpers/service.js';
import {until} from '../helpers/wait.js';

function summary(
	thingName: string,
	shadowName: string,
	version: number,
): ShadowSummary {
	return {thingName, shadowName, version, updatedAt: 1000, deltaKeys: 0};
}

const listed = [
	summary('coffee-1', '', 30),
	summary('coffee-1', 'firmware', 2),
	summary('coffee-2', '', 10),
	summary('pump-1', '', 20),
];

async function consoleOf(
	t: TestContext,
	options: {readonly aggregate?: FleetAggregate; readonly fail?: string} = {},
) {
	const service = await startTestService(t);
	const client = await connectClient(t, service);
	const session = await openSession(t, client, {
		address: {thingName: 'pump-1', shadowName: ''},
	});
	const asked: FleetFilter[] = [];
	const fleet: FleetSession = createFleetSession({
		client,
		list: (filter) => {
			asked.push(filter);
			if (options.fail) return Promise.reject(new Error(options.fail));
			return Promise.resolve(
				listed.filter(
					({shadowName}) =>
						filter.shadowName === undefined || shadowName === filter.shadowName,
				),
			);
		},
		...(options.aggregate ? {aggregate: options.aggregate} : {}),
	});
	await fleet.load();
	let mode: Mode | FleetCountMode = {kind: 'fleet', cursor: 0};
	const controls: FleetActionControls = {
		mode: () => mode,
		setMode: (next) => {
			mode = next;
		},
		snapshot: () => session.getSnapshot(),
		session,
		fleet,
		fleetSnapshot: () => fleet.getSnapshot(),
		listNamedShadows: undefined,
		traffic: undefined,
		trafficSnapshot: () => undefined,
		toggleSplit: () => undefined,
		panes: () => ({focus: 0, scroll: [0, 0, 0]}),
		setPanes: () => undefined,
		bodyHeight: () => 18,
		columns: () => 80,
		openEditor: () => undefined,
		quit: () => undefined,
	};
	const reader = createKeyReader();
	const press = (...raw: string[]) => {
		for (const text of raw)
			for (const key of reader.read(text))
				handleKey(key, {
					mode: () => mode,
					setMode: (next) => {
						mode = next;
					},
					actionsOf: (current: Mode | FleetCountMode) =>
						isFleetCountMode(current)
							? fleetCountActions(controls)
							: fleetActions(controls),
				});
	};

	const underCursor = () => {
		const {shown, cursor} = fleet.getSnapshot();
		const row = shown[cursor];
		return row && `${row.thingName}/${row.shadowName}`;
	};

	return {session, fleet, asked, press, mode: () => mode, underCursor};
}

test('s sorts by the next column, S reverses; the cursor and Space stay with the shadow', async (t) => {
	const {fleet, press, underCursor} = await consoleOf(t);
	press('j');
	assert.equal(underCursor(), 'coffee-1/firmware');
	press(' ');
	press('s', 's');
	assert.deepEqual(fleet.getSnapshot().sort, {
		column: 'version',
		descending: false,
	});
	assert.equal(fleet.getSnapshot().cursor, 0, 'version 2 comes first');
	assert.equal(underCursor(), 'coffee-1/firmware');
	press('S');
	assert.deepEqual(fleet.getSnapshot().sort, {
		column: 'version',
		descending: true,
	});
	assert.equal(fleet.getSnapshot().cursor, 3);
	press(' ');
	assert.equal(fleet.getSnapshot().selected.size, 0, 'Space unselected it');
	press('\u001B[H');
	assert.equal(underCursor(), 'coffee-1/', 'Home: the first row');
	press('\u001B[F');
	assert.equal(underCursor(), 'coffee-1/firmware', 'End: the last row');
});

test('N shows the classic shadows only, and every shadow again', async (t) => {
	const {fleet, asked, press} = await consoleOf(t);
	press('N');
	await fleet.load();
	assert.deepEqual(asked.at(-2), {shadowName: ''});
	assert.equal(fleet.getSnapshot().scope, 'classic');
	assert.equal(fleet.getSnapshot().shown.length, 3);
	press('N');
	await fleet.load();
	assert.equal(fleet.getSnapshot().scope, 'every');
	assert.equal(fleet.getSnapshot().shown.length, 4);
});

test('c asks for a field and counts by it; c again starts from it; Esc leaves the counts', async (t) => {
	const requests: FleetAggregateRequest[] = [];
	const {fleet, press, mode} = await consoleOf(t, {
		aggregate: (request) => {
			requests.push(request);
			return Promise.resolve({
				totalCount: 4,
				buckets: [{keyValue: 'coffee-x', count: 3}],
			});
		},
	});
	press('c');
	assert.deepEqual(mode(), {kind: 'fleet-count', line: {value: '', cursor: 0}});
	press('shadow.reported.model', '\r');
	assert.equal(mode().kind, 'fleet');
	await fleet.refresh();
	assert.deepEqual(requests[0], {field: 'shadow.reported.model'});
	assert.equal(
		fleet.getSnapshot().aggregation?.counts?.buckets[0]?.keyValue,
		'coffee-x',
	);
	press('c');
	assert.equal((mode() as FleetCountMode).line.value, 'shadow.reported.model');
	press('\u001B');
	assert.equal(mode().kind, 'fleet');
	assert.equal(fleet.getSnapshot().aggregation?.field, 'shadow.reported.model');
});

test('without an aggregation, c says counting is not available; nothing breaks', async (t) => {
	const {fleet, press, mode} = await consoleOf(t);
	press('c');
	const message = mode();
	assert.equal(message.kind, 'message');
	assert.equal(
		message.kind === 'message' ? message.lines.join(' ') : '',
		noAggregationMessage,
	);
	assert.equal(fleet.getSnapshot().aggregation, undefined);
});

test('m shows the fleet’s error in full; Enter opens the shadow under the cursor', async (t) => {
	const error = `InvalidQueryException:\n${'a long reason '.repeat(8)}`;
	const failing = await consoleOf(t, {fail: error});
	failing.press('m');
	const message = failing.mode();
	assert.equal(message.kind, 'message');
	// Every line of it, wrapped at the width; the service's line breaks are spaces.
	assert.equal(
		message.kind === 'message' ? message.lines.join(' ') : '',
		error.replace('\n', ' '),
	);

	const {session, press, mode} = await consoleOf(t);
	press('j', '\r');
	assert.equal(mode().kind, 'panes');
	await until(
		() => session.getSnapshot().address.shadowName === 'firmware',
		'the opened shadow',
	);
	assert.deepEqual(session.getSnapshot().address, {
		thingName: 'coffee-1',
		shadowName: 'firmware',
	});
});

test('the key bar at 80 columns has sort and counts; help lists the counts prompt', () => {
	const bar = barHints('fleet', 80);
	const keys = bar.map(([key]) => key);
	for (const key of ['?', 'space', 'a', '/', 's', 'c', 'e'])
		assert.ok(keys.includes(key), `${key} in ${JSON.stringify(bar)}`);
	assert.ok(
		bar.reduce((sum, [key, words]) => sum + key.length + words.length + 2, 0) <=
			80,
	);
	const help = helpLines('fleet');
	const headings = help.flatMap(({heading}) => (heading ? [heading] : []));
	assert.equal(headings[0], 'fleet (f)');
	assert.ok(headings.some((heading) => heading.startsWith('fleet counts (c)')));
	for (const key of ['s', 'S', 'N', 'c'])
		assert.ok(
			help.some((line) => line.keys === key),
			`help has ${key}`,
		);
});
