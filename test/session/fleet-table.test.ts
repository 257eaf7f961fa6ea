/*
The fleet session's table logic with a lister and an aggregation written
here: named shadows and the classic-only view, sorting that keeps the
selection and the cursor's shadow, the filter's query passed on as typed
with the lister's errors as they came, and counts per value over the same
query, asked again on every refresh, late answers dropped.
*/
import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {FleetFilter} from '../../source/client/fleet-lister.js';
import type {ShadowClient} from '../../source/client/shadow-client.js';
import type {ShadowSummary} from '../../source/fleet/list-shadows.js';
import type {
	FleetAggregateRequest,
	FleetCounts,
} from '../../source/session/fleet-aggregation.js';
import {
	createFleetSession,
	noAggregationMessage,
	type FleetSession,
} from '../../source/session/fleet-session.js';

/** Nothing here sends: a test that reached the client would fail loudly. */
const noClient = new Proxy(
	{},
	{
		get() {
			throw new Error('the client is not used by these tests');
		},
	},
) as ShadowClient;

function summary(
	thingName: string,
	shadowName = '',
	more: Partial<ShadowSummary> = {},
): ShadowSummary {
	return {
		thingName,
		shadowName,
		version: 1,
		updatedAt: 1000,
		deltaKeys: 0,
		...more,
	};
}

const fleetRows = [
	summary('coffee-10', '', {version: 7}),
	summary('coffee-2', '', {version: 3}),
	summary('coffee-2', 'firmware', {version: 12}),
	summary('pump-1', '', {version: 5}),
	summary('pump-1', 'config', {version: 1}),
];

/** A lister over `rows` that records what it was asked. */
function lister(rows: () => readonly ShadowSummary[] = () => fleetRows) {
	const asked: FleetFilter[] = [];
	let failure: Error | undefined;
	return {
		asked,
		failWith(error: Error | undefined) {
			failure = error;
		},
		list: (filter: FleetFilter) => {
			asked.push(filter);
			if (failure) return Promise.reject(failure);
			return Promise.resolve(
				rows().filter(
					(row) =>
						filter.shadowName === undefined ||
						row.shadowName === filter.shadowName,
				),
			);
		},
	};
}

function shownOf(fleet: FleetSession): string[] {
	return fleet
		.getSnapshot()
		.shown.map(({thingName, shadowName}) =>
			shadowName ? `${thingName}/${shadowName}` : thingName,
		);
}

function underCursor(fleet: FleetSession): string | undefined {
	const {shown, cursor} = fleet.getSnapshot();
	const row = shown[cursor];
	return (
		row &&
		(row.shadowName ? `${row.thingName}/${row.shadowName}` : row.thingName)
	);
}

test('named shadows are listed beside the classic ones; N shows the classic ones only; a bulk edit addresses the shown rows', async () => {
	const {list, asked} = lister();
	const fleet = createFleetSession({client: noClient, list});
	await fleet.load();
	assert.deepEqual(asked, [{}], 'every shadow is asked for');
	assert.deepEqual(shownOf(fleet), [
		'coffee-2',
		'coffee-2/firmware',
		'coffee-10',
		'pump-1',
		'pump-1/config',
	]);
	assert.ok(fleet.getSnapshot().columns.includes('shadow'));
	fleet.selectShown();
	assert.deepEqual(fleet.bulkTargets().addresses[1], {
		thingName: 'coffee-2',
		shadowName: 'firmware',
	});

	await fleet.setScope('classic');
	assert.deepEqual(asked.at(-1), {shadowName: ''});
	assert.equal(fleet.getSnapshot().scope, 'classic');
	assert.deepEqual(shownOf(fleet), ['coffee-2', 'coffee-10', 'pump-1']);
	assert.equal(fleet.getSnapshot().columns.includes('shadow'), false);
	// The named ones stay selected but are hidden: they are not sent to.
	const targets = fleet.bulkTargets();
	assert.equal(targets.count, 3);
	assert.equal(targets.hiddenSelected, 2);
	assert.ok(targets.addresses.every(({shadowName}) => shadowName === ''));
});

test('sorting by any column keeps the selection, and the cursor on its shadow, through re-sorts and refreshes', async () => {
	let rows = fleetRows;
	const {list} = lister(() => rows);
	const fleet = createFleetSession({client: noClient, list});
	await fleet.load();
	fleet.moveCursor(1);
	assert.equal(underCursor(fleet), 'coffee-2/firmware');
	fleet.toggle(fleet.getSnapshot().shown[1]!);
	fleet.toggle(fleet.getSnapshot().shown[3]!);

	fleet.sortByNext();
	assert.deepEqual(fleet.getSnapshot().sort, {
		column: 'shadow',
		descending: false,
	});
	fleet.sortByNext();
	assert.deepEqual(fleet.getSnapshot().sort, {
		column: 'version',
		descending: false,
	});
	assert.deepEqual(shownOf(fleet), [
		'pump-1/config',
		'coffee-2',
		'pump-1',
		'coffee-10',
		'coffee-2/firmware',
	]);
	assert.equal(underCursor(fleet), 'coffee-2/firmware');
	assert.equal(fleet.getSnapshot().cursor, 4);
	fleet.reverseSort();
	assert.deepEqual(fleet.getSnapshot().sort, {
		column: 'version',
		descending: true,
	});
	assert.equal(shownOf(fleet)[0], 'coffee-2/firmware');
	assert.equal(underCursor(fleet), 'coffee-2/firmware');
	assert.deepEqual(
		fleet.bulkTargets().thingNames,
		['coffee-2', 'pump-1'],
		'the selection is the same two, in the new order',
	);

	// A device reports: its row moves on refresh, the cursor goes with it.
	rows = rows.map((row) =>
		row.thingName === 'coffee-2' && row.shadowName === 'firmware'
			? {...row, version: 0}
			: row,
	);
	await fleet.refresh();
	assert.equal(shownOf(fleet).at(-1), 'coffee-2/firmware');
	assert.equal(underCursor(fleet), 'coffee-2/firmware');
	// A name filter hides it: the cursor stays at its row, which it then holds.
	fleet.setFilter('pump');
	assert.deepEqual(shownOf(fleet), ['pump-1', 'pump-1/config']);
	assert.equal(underCursor(fleet), 'pump-1/config');
	fleet.setFilter('');
	assert.equal(underCursor(fleet), 'pump-1/config');
});

test('a query is passed to the lister as typed, a name is not; the lister’s error shows as it came', async () => {
	const {list, asked, failWith} = lister();
	const fleet = createFleetSession({client: noClient, list});
	await fleet.load();
	fleet.setFilter('coffee');
	await fleet.submitFilter();
	assert.equal(asked.length, 1, 'a name narrows locally, nothing is asked');
	assert.deepEqual(shownOf(fleet), [
		'coffee-2',
		'coffee-2/firmware',
		'coffee-10',
	]);

	const query =
		'shadow.reported.model:coffee-x AND shadow.desired.tempLimit>90';
	fleet.setFilter(query);
	await fleet.submitFilter();
	assert.deepEqual(asked.at(-1), {query});
	assert.equal(fleet.bulkTargets().filter, query);

	const refused = 'reported.model = "x"';
	failWith(
		new Error(
			'InvalidQueryException: that is the old query language; in AWS IoT fleet indexing: shadow.reported.model:x',
		),
	);
	fleet.setFilter(refused);
	await fleet.submitFilter();
	assert.deepEqual(asked.at(-1), {query: refused});
	assert.equal(
		fleet.getSnapshot().error,
		'InvalidQueryException: that is the old query language; in AWS IoT fleet indexing: shadow.reported.model:x',
	);
	// The rows are still the last answer's: a bulk edit says so, not the refused query.
	assert.equal(fleet.bulkTargets().filter, query);

	// Sent again, it is asked again; once answered, the error goes.
	failWith(undefined);
	await fleet.submitFilter();
	assert.deepEqual(asked.at(-1), {query: refused});
	assert.equal(fleet.getSnapshot().error, undefined);
	assert.equal(fleet.bulkTargets().filter, refused);
});

test('counts per value: over the applied query, asked again on refresh, errors in their place, late answers dropped', async () => {
	const {list} = lister();
	const requests: FleetAggregateRequest[] = [];
	const answers: {
		request: FleetAggregateRequest;
		resolve: (counts: FleetCounts) => void;
		reject: (error: Error) => void;
	}[] = [];
	const aggregate = async (request: FleetAggregateRequest) =>
		new Promise<FleetCounts>((resolve, reject) => {
			requests.push(request);
			answers.push({request, resolve, reject});
		});
	const fleet = createFleetSession({client: noClient, list, aggregate});
	assert.equal(fleet.canCount, true);
	await fleet.load();
	assert.equal(
		requests.length,
		0,
		'nothing is counted before a field is chosen',
	);

	const counted = fleet.countBy(' shadow.reported.model ');
	assert.deepEqual(requests, [{field: 'shadow.reported.model'}]);
	assert.equal(fleet.getSnapshot().aggregation?.counting, true);
	answers[0]!.resolve({
		totalCount: 4,
		buckets: [
			{keyValue: 'coffee-x', count: 3},
			{keyValue: 'coffee-y', count: 1},
		],
	});
	await counted;
	assert.deepEqual(fleet.getSnapshot().aggregation, {
		field: 'shadow.reported.model',
		query: undefined,
		counting: false,
		counts: {
			totalCount: 4,
			buckets: [
				{keyValue: 'coffee-x', count: 3},
				{keyValue: 'coffee-y', count: 1},
			],
		},
		error: undefined,
	});

	// A query applied: the counts are over it, and kept on screen while asked again.
	fleet.setFilter('thingName:coffee*');
	const filtered = fleet.submitFilter();
	assert.deepEqual(requests.at(-1), {
		field: 'shadow.reported.model',
		query: 'thingName:coffee*',
	});
	assert.equal(fleet.getSnapshot().aggregation?.counts?.totalCount, 4);
	answers
		.at(-1)!
		.reject(
			new Error(
				'InvalidAggregationException: shadow.reported.model is not an aggregation field',
			),
		);
	await filtered;
	assert.equal(
		fleet.getSnapshot().aggregation?.error,
		'InvalidAggregationException: shadow.reported.model is not an aggregation field',
	);

	// A refresh asks again; an answer that comes after a newer request's is dropped.
	const slow = fleet.refresh();
	const fast = fleet.refresh();
	const [older, newer] = answers.slice(-2);
	assert.equal(requests.length, 4);
	newer!.resolve({totalCount: 2, buckets: [{keyValue: 'coffee-y', count: 2}]});
	await fast;
	older!.resolve({totalCount: 9, buckets: [{keyValue: 'stale', count: 9}]});
	await slow;
	assert.deepEqual(fleet.getSnapshot().aggregation?.counts, {
		totalCount: 2,
		buckets: [{keyValue: 'coffee-y', count: 2}],
	});
	assert.equal(fleet.getSnapshot().aggregation?.error, undefined);

	// A malformed answer loses its malformed buckets rather than reaching the view.
	const odd = fleet.refresh();
	answers.at(-1)!.resolve({
		totalCount: 3,
		buckets: [
			{keyValue: 'ok', count: 3},
			{keyValue: 7, count: 1} as unknown as {keyValue: string; count: number},
		],
	});
	await odd;
	assert.deepEqual(fleet.getSnapshot().aggregation?.counts?.buckets, [
		{keyValue: 'ok', count: 3},
	]);

	// An empty field stops counting.
	await fleet.countBy('');
	assert.equal(fleet.getSnapshot().aggregation, undefined);
	await fleet.refresh();
	assert.equal(requests.length, 5);
});

test('without an aggregation, counting says it is not available and the table goes on', async () => {
	const {list} = lister();
	const fleet = createFleetSession({client: noClient, list});
	assert.equal(fleet.canCount, false);
	await fleet.load();
	await fleet.countBy('shadow.reported.model');
	assert.equal(fleet.getSnapshot().aggregation?.error, noAggregationMessage);
	await fleet.refresh();
	assert.equal(fleet.getSnapshot().shown.length, 5);
});
