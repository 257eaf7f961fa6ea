/*
The sparkline: levels, the width bound, bucketing by mean, flat and broken series.
*/
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {sparkline, sparklineSummary} from '../../source/views/sparkline.js';

const blocks = '▁▂▃▄▅▆▇█';

test('the lowest value draws ▁, the highest █, one character per value', () => {
	// Eight equal bands over 1..10: 3 is in the second, 7 in the seventh.
	assert.equal(sparkline([3, 10, 1, 7], 20), '▂█▁▆');
	assert.equal(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8), blocks);
	const line = sparkline([65.2, 61, 70.4, 63.3], 10);
	assert.equal(line[1], '▁');
	assert.equal(line[2], '█');
});

test('fewer values than columns are not stretched', () => {
	assert.equal(sparkline([1, 2], 80).length, 2);
	assert.equal(sparkline([5], 80), '▄');
});

test('never wider than asked', () => {
	const values = Array.from({length: 137}, (_, index) => Math.sin(index));
	for (const width of [1, 2, 7, 20, 136, 137, 500])
		assert.equal(
			sparkline(values, width).length,
			Math.min(width, values.length),
		);
	assert.equal(sparkline(values, 3.9).length, 3);
});

test('10,000 values into 20 columns: each column the mean of its 500', () => {
	const values = Array.from({length: 10_000}, (_, index) => index);
	const line = sparkline(values, 20);
	assert.equal(line.length, 20);
	assert.equal(line[0], '▁');
	assert.equal(line[19], '█');
	// A steady rise draws every level, low to high, never falling back.
	assert.deepEqual(
		Array.from(line, (block) => blocks.indexOf(block)),
		[0, 0, 0, 1, 1, 2, 2, 2, 3, 3, 4, 4, 5, 5, 5, 6, 6, 7, 7, 7],
	);
});

test('a spike inside a stretch moves its column by its share, no more', () => {
	// 100 values into 10 columns; one reading of 1000 among zeros, and a real rise at the end.
	const values: number[] = Array.from({length: 100}, (_, index) =>
		index >= 90 ? 100 : 0,
	);
	values[45] = 1000;
	// Column 4's mean is 100, as high as the rise: the spike counts for 1 of 10.
	assert.equal(sparkline(values, 10), '▁▁▁▁█▁▁▁▁█');
});

test('a flat series draws half-height blocks', () => {
	assert.equal(sparkline([42, 42, 42], 10), '▄▄▄');
	assert.equal(sparkline(Array<number>(1000).fill(0.1), 20), '▄'.repeat(20));
	// Alternating values whose columns all have the same mean are flat as drawn.
	assert.equal(sparkline([1, 2, 1, 2, 1, 2], 3), '▄▄▄');
});

test('non-finite values are skipped', () => {
	assert.equal(
		sparkline([1, Number.NaN, 2, Number.POSITIVE_INFINITY, 3], 10),
		'▁▅█',
	);
	assert.equal(sparkline([Number.NaN, Number.NEGATIVE_INFINITY], 10), '');
});

test('nothing to draw, or no room: empty', () => {
	assert.equal(sparkline([], 10), '');
	assert.equal(sparkline([1, 2, 3], 0), '');
	assert.equal(sparkline([1, 2, 3], -4), '');
	assert.equal(sparkline([1, 2, 3], Number.NaN), '');
});

test('the summary: bounds, newest and count of the finite values', () => {
	assert.deepEqual(sparklineSummary([3, Number.NaN, 10, 1, 7]), {
		min: 1,
		max: 10,
		last: 7,
		count: 4,
	});
	assert.deepEqual(sparklineSummary([5, Number.POSITIVE_INFINITY]), {
		min: 5,
		max: 5,
		last: 5,
		count: 1,
	});
	assert.equal(sparklineSummary([]), undefined);
	assert.equal(sparklineSummary([Number.NaN]), undefined);
});
