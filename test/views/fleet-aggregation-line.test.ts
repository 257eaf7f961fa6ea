/*
The counts line within 80 columns: as many values as fit, how many did not,
errors in place of the counts, device values made one line.
*/
import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {FleetAggregation} from '../../source/session/fleet-aggregation.js';
import {aggregationLine} from '../../source/views/fleet-aggregation-line.js';
import {oneLine} from '../../source/views/fit-text.js';

function counted(
	buckets: readonly [string, number][],
	more: Partial<FleetAggregation> = {},
): FleetAggregation {
	return {
		field: 'shadow.reported.model',
		query: undefined,
		counting: false,
		counts: {
			totalCount: buckets.reduce((sum, [, count]) => sum + count, 0),
			buckets: buckets.map(([keyValue, count]) => ({keyValue, count})),
		},
		error: undefined,
		...more,
	};
}

test('every value when they fit, in the service’s order', () => {
	assert.equal(
		aggregationLine(
			counted([
				['coffee-x', 12],
				['coffee-y', 3],
			]),
			80,
		),
		'shadow.reported.model: coffee-x 12 · coffee-y 3',
	);
});

test('as many as fit 80 columns, then how many more', () => {
	const buckets = Array.from({length: 10}, (_, index): [string, number] => [
		`coffee-model-${index + 1}`,
		20 - index,
	]);
	const line = aggregationLine(counted(buckets), 80);
	assert.ok(Array.from(line).length <= 80, line);
	assert.equal(
		line,
		'shadow.reported.model: coffee-model-1 20 · coffee-model-2 19 · (8 more values)',
	);
	assert.equal(
		aggregationLine(counted(buckets.slice(0, 3)), 60),
		'shadow.reported.model: coffee-model-1 20 · (2 more values)',
	);
	// Narrower still: a long field is cut too, and only the number of values is left.
	assert.equal(
		aggregationLine(counted(buckets), 30),
		'shadow.reporte…: (10 values)',
	);
});

test('errors take the counts’ place on one line; counting and no values say so', () => {
	const refused = aggregationLine(
		counted([], {
			counts: undefined,
			error: 'InvalidAggregationException:\n  not an aggregation field',
		}),
		80,
	);
	assert.equal(
		refused,
		'shadow.reported.model: ✗ InvalidAggregationException: not an aggregation field',
	);
	assert.equal(
		aggregationLine(counted([], {counts: undefined, counting: true}), 80),
		'shadow.reported.model: counting…',
	);
	assert.equal(
		aggregationLine(counted([], {counts: {totalCount: 7, buckets: []}}), 80),
		'shadow.reported.model: no values among 7 things',
	);
});

test('a device’s value is one line and cut; an empty one is ""; a name filter is said', () => {
	const line = aggregationLine(
		counted([
			['evil\u001B[2J\nvalue', 2],
			['', 1],
			['x'.repeat(200), 1],
		]),
		110,
		{nameFiltered: true},
	);
	// eslint-disable-next-line no-control-regex -- no control character may reach the terminal
	assert.ok(!/[\u0000-\u001F]/.test(line), JSON.stringify(line));
	assert.ok(Array.from(line).length <= 110, line);
	assert.match(
		line,
		/^shadow.reported.model: evil \[2J value 2 · "" 1 · x+… 1 · not name-filtered$/,
	);
	assert.equal(oneLine('a\r\n\tb'), 'a b');
});
