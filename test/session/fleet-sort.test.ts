/*
The fleet table's order, cursor and filter decision as pure functions: each
column sorts its own way (natural names, numbers, ages youngest first,
failures first), unknown values last either way, ties by thing then shadow;
the cursor follows its shadow; a query is told from a name.
*/
import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {BulkItem} from '../../source/fleet/bulk-run.js';
import type {ShadowSummary} from '../../source/fleet/list-shadows.js';
import {
	moveCursor,
	noCursor,
	placeCursor,
} from '../../source/session/fleet-cursor.js';
import {isQuery, nameFilter} from '../../source/session/fleet-filter.js';
import {
	compareFor,
	nextSort,
	reversed,
	sortableColumns,
	visibleColumns,
	type FleetColumn,
	type FleetSort,
} from '../../source/session/fleet-sort.js';

function row(
	thingName: string,
	more: Partial<ShadowSummary> = {},
): ShadowSummary {
	return {
		thingName,
		shadowName: '',
		version: 1,
		updatedAt: 1000,
		deltaKeys: 0,
		...more,
	};
}

const rows: readonly ShadowSummary[] = [
	row('brewer-10', {
		version: 9,
		connected: true,
		reportedAt: 900,
		updatedAt: 990,
		deltaKeys: 2,
	}),
	row('brewer-2', {
		version: 10,
		connected: false,
		reportedAt: 950,
		updatedAt: 950,
	}),
	row('brewer-2', {shadowName: 'firmware', version: 3, updatedAt: 999}),
	row('brewer-1', {version: 2, connected: true, updatedAt: 100, deltaKeys: 1}),
];

function names(sort: FleetSort, resultOf?: Parameters<typeof compareFor>[1]) {
	return [...rows]
		.sort(compareFor(sort, resultOf))
		.map(({thingName, shadowName}) =>
			shadowName === '' ? thingName : `${thingName}/${shadowName}`,
		);
}

const ascending = (column: FleetColumn): FleetSort => ({
	column,
	descending: false,
});

test('each column sorts its own way; unknowns last both ways; ties by thing, then shadow', () => {
	const table: readonly [FleetColumn, string[], string[]][] = [
		[
			'thing',
			['brewer-1', 'brewer-2', 'brewer-2/firmware', 'brewer-10'],
			['brewer-10', 'brewer-2', 'brewer-2/firmware', 'brewer-1'],
		],
		[
			'shadow',
			['brewer-1', 'brewer-2', 'brewer-10', 'brewer-2/firmware'],
			['brewer-2/firmware', 'brewer-1', 'brewer-2', 'brewer-10'],
		],
		// Numbers as numbers: 9 before 10.
		[
			'version',
			['brewer-1', 'brewer-2/firmware', 'brewer-10', 'brewer-2'],
			['brewer-2', 'brewer-10', 'brewer-2/firmware', 'brewer-1'],
		],
		// Online first; the one that never said comes last either way.
		[
			'online',
			['brewer-1', 'brewer-10', 'brewer-2', 'brewer-2/firmware'],
			['brewer-2', 'brewer-1', 'brewer-10', 'brewer-2/firmware'],
		],
		[
			'delta',
			['brewer-2', 'brewer-2/firmware', 'brewer-1', 'brewer-10'],
			['brewer-10', 'brewer-1', 'brewer-2', 'brewer-2/firmware'],
		],
		// Ages: the youngest report first; no reported state last.
		[
			'reported',
			['brewer-2', 'brewer-10', 'brewer-1', 'brewer-2/firmware'],
			['brewer-10', 'brewer-2', 'brewer-1', 'brewer-2/firmware'],
		],
		[
			'changed',
			['brewer-2/firmware', 'brewer-10', 'brewer-2', 'brewer-1'],
			['brewer-1', 'brewer-2', 'brewer-10', 'brewer-2/firmware'],
		],
	];
	for (const [column, up, down] of table) {
		assert.deepEqual(names(ascending(column)), up, `${column} ascending`);
		assert.deepEqual(
			names(reversed(ascending(column))),
			down,
			`${column} descending`,
		);
	}
});

test('RESULT: failures first, then those in flight, then the accepted, then rows without a result', () => {
	const item = (
		thingName: string,
		shadowName: string,
		status: BulkItem['status'],
		outcome?: BulkItem['outcome'],
	): BulkItem => ({
		address: {thingName, shadowName},
		status,
		attempts: 1,
		...(outcome ? {outcome} : {}),
	});
	const results = new Map<string, BulkItem>([
		[
			'brewer-10',
			item('brewer-10', '', 'done', {
				kind: 'accepted',
				version: 10,
				document: {},
			}),
		],
		['brewer-1', item('brewer-1', '', 'sending')],
		[
			'brewer-2/firmware',
			item('brewer-2', 'firmware', 'done', {
				kind: 'rejected',
				code: 413,
				message: 'too large',
			}),
		],
	]);
	const resultOf = (shadow: ShadowSummary) =>
		results.get(
			shadow.shadowName === ''
				? shadow.thingName
				: `${shadow.thingName}/${shadow.shadowName}`,
		);
	assert.deepEqual(names(ascending('result'), resultOf), [
		'brewer-2/firmware',
		'brewer-1',
		'brewer-10',
		'brewer-2',
	]);
});

test('s cycles through the columns drawn: SHADOW only with a named shadow, RESULT only with results', () => {
	assert.deepEqual(visibleColumns({named: false}), [
		'thing',
		'version',
		'online',
		'delta',
		'reported',
		'changed',
		'result',
	]);
	const plain = sortableColumns({named: false, results: false});
	let sort: FleetSort = {column: 'thing', descending: true};
	const seen: FleetColumn[] = [];
	for (let step = 0; step < 7; step++) {
		sort = nextSort(sort, plain);
		assert.equal(sort.descending, false, 'a new column starts ascending');
		seen.push(sort.column);
	}

	assert.deepEqual(seen, [
		'version',
		'online',
		'delta',
		'reported',
		'changed',
		'thing',
		'version',
	]);
	const every = sortableColumns({named: true, results: true});
	assert.equal(nextSort(ascending('thing'), every).column, 'shadow');
	assert.equal(nextSort(ascending('changed'), every).column, 'result');
	// From a column that is no longer drawn, to the next one that is.
	assert.equal(nextSort(ascending('shadow'), plain).column, 'version');
});

test('the cursor stays on its shadow as rows move; where it was when its shadow goes', () => {
	const keys = ['a', 'b', 'c', 'd'];
	let cursor = moveCursor(keys, noCursor, 2);
	assert.deepEqual(cursor, {key: 'c', index: 2});
	cursor = placeCursor(['c', 'd', 'a', 'b'], cursor);
	assert.deepEqual(cursor, {key: 'c', index: 0}, 're-sorted');
	cursor = placeCursor(['d', 'a', 'b'], {key: 'c', index: 2});
	assert.deepEqual(cursor, {key: 'b', index: 2}, 'its shadow filtered out');
	assert.deepEqual(placeCursor(['a'], {key: 'z', index: 5}), {
		key: 'a',
		index: 0,
	});
	assert.deepEqual(placeCursor([], cursor), noCursor);
	assert.deepEqual(moveCursor(keys, {key: 'b', index: 1}, -10), {
		key: 'a',
		index: 0,
	});
	assert.deepEqual(moveCursor(keys, {key: 'b', index: 1}, 10), {
		key: 'd',
		index: 3,
	});
});

test('a query is AWS fleet-indexing text; anything else narrows names locally', () => {
	for (const text of [
		'shadow.reported.model:coffee-x',
		'shadow.reported.model:coffee-x AND shadow.desired.tempLimit>90',
		'thingName:coffee*',
		'shadow.reported.temp < 10',
		'(a OR b)',
		'coffee OR pump',
		'NOT coffee',
		'a AND b',
		'"coffee maker"',
		// The old language goes to the service, which answers with the AWS form.
		'reported.model = "coffee-x"',
		'thing ~ "coffee-*"',
	])
		assert.equal(isQuery(text), true, text);
	for (const text of [
		'coffee',
		'coffee-*',
		'brewer-1?',
		'ANDROID-1',
		'notes',
		'',
	])
		assert.equal(isQuery(text), false, text);
	const coffee = nameFilter('coffee');
	assert.equal(coffee('big-coffee-maker'), true);
	assert.equal(coffee('pump-1'), false);
	const prefixed = nameFilter('coffee-*');
	assert.equal(prefixed('coffee-1'), true);
	assert.equal(prefixed('big-coffee-1'), false);
});
