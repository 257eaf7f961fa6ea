/*
One numeric key over a shadow's versions (history --series, the console):
key paths parsed or refused in one line, and the series oldest first with
its min, max and last, skipping versions where the key is absent or no
finite number, deletes included.
*/
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {
	keySeries,
	maxKeyPathKeys,
	maxKeyPathLength,
	parseKeyPath,
	valueAt,
	type KeyPath,
	type SeriesVersion,
} from '../../source/session/key-series.js';

function path(text: string): KeyPath {
	const parsed = parseKeyPath(text);
	assert.ok(parsed.ok, text);
	return parsed.path;
}

test('key paths: a section, then keys joined with dots', () => {
	assert.deepEqual(path('reported.temperature'), {
		section: 'reported',
		keys: ['temperature'],
		text: 'reported.temperature',
	});
	assert.deepEqual(path('desired.color.r').keys, ['color', 'r']);
	assert.equal(path('delta.speed').section, 'delta');
	assert.deepEqual(path('reported.temps.0').keys, ['temps', '0']);
});

test('key paths: what is refused, and why, in one line', () => {
	const cases: [string, RegExp][] = [
		['temperature', /starts with desired\., reported\. or delta\./],
		['reported', /names a key/],
		['state.reported.x', /starts with desired\./],
		['Reported.x', /starts with desired\./],
		['', /starts with desired\./],
		['reported..x', /no empty keys/],
		['reported.x.', /no empty keys/],
		[`reported.${'a'.repeat(maxKeyPathLength)}`, /at most 1024 characters/],
		[
			`reported${'.a'.repeat(maxKeyPathKeys + 1)}`,
			new RegExp(`at most ${maxKeyPathKeys} keys`),
		],
	];
	for (const [text, expected] of cases) {
		const parsed = parseKeyPath(text);
		assert.equal(parsed.ok, false, text);
		if (parsed.ok) continue;
		assert.match(parsed.error, expected, text);
		assert.ok(!parsed.error.includes('\n'));
		// What was typed is quoted, and cut when long.
		assert.ok(parsed.error.length < 200, parsed.error);
	}
});

const version = (
	number: number,
	timestamp: number,
	state: SeriesVersion['state'],
): SeriesVersion => ({version: number, timestamp, state});

test('the series: oldest first, absent and non-numbers skipped, deletes break nothing', () => {
	// Newest first, as the journal lists it.
	const versions: SeriesVersion[] = [
		version(7, 170, {reported: {temperature: 18.5}}),
		version(6, 160, {reported: {temperature: 'hot'}}),
		version(5, 150, {desired: {temperature: 99}}),
		// The delete of v4: its state is {}.
		version(4, 140, {}),
		version(4, 130, {reported: {temperature: 25}}),
		version(3, 120, {reported: {temperature: null}}),
		version(2, 110, {reported: {temperature: {celsius: 3}}}),
		version(1, 100, {reported: {temperature: 21}}),
	];
	const series = keySeries(versions, path('reported.temperature'));
	assert.deepEqual(series.points, [
		{version: 1, timestamp: 100, value: 21},
		{version: 4, timestamp: 130, value: 25},
		{version: 7, timestamp: 170, value: 18.5},
	]);
	assert.equal(series.min, 18.5);
	assert.equal(series.max, 25);
	assert.equal(series.last, 18.5);

	// The same versions oldest first give the same series.
	assert.deepEqual(
		keySeries([...versions].reverse(), path('reported.temperature')),
		series,
	);
	assert.deepEqual(keySeries(versions, path('desired.temperature')).points, [
		{version: 5, timestamp: 150, value: 99},
	]);
});

test('the series of a key that is never a number is empty, with no min, max or last', () => {
	const series = keySeries(
		[
			version(1, 1, {reported: {mode: 'eco'}}),
			version(2, 2, {}),
			version(3, 3, {reported: 'not an object'}),
		],
		path('reported.mode'),
	);
	assert.deepEqual(series, {
		points: [],
		min: undefined,
		max: undefined,
		last: undefined,
	});
	assert.deepEqual(keySeries([], path('reported.x')).points, []);
});

test('the console entries (`at` for the time), nested keys and array indexes', () => {
	const entries = [
		{
			version: 2,
			at: 20,
			state: {reported: {temps: [4, 5], nested: {a: {b: 2}}}},
		},
		{version: 1, at: 10, state: {reported: {temps: [3], nested: {a: {b: 1}}}}},
	];
	assert.deepEqual(keySeries(entries, path('reported.temps.1')).points, [
		{version: 2, timestamp: 20, value: 5},
	]);
	assert.deepEqual(
		keySeries(entries, path('reported.nested.a.b')).points.map(
			(point) => point.value,
		),
		[1, 2],
	);
	// A key of an object is never read through its prototype.
	assert.equal(
		valueAt({reported: {}}, path('reported.constructor')),
		undefined,
	);
	assert.equal(valueAt({reported: [1]}, path('reported.length')), undefined);
	// Non-finite numbers (a hostile page can hold none in JSON, but a caller might).
	assert.deepEqual(
		keySeries(
			[
				version(1, 1, {reported: {x: Number.POSITIVE_INFINITY}}),
				version(2, 2, {reported: {x: Number.NaN}}),
				version(3, 3, {reported: {x: -4}}),
			],
			path('reported.x'),
		).points,
		[{version: 3, timestamp: 3, value: -4}],
	);
});

test('versions of the same second are ordered by version; a re-created shadow by time', () => {
	const series = keySeries(
		[
			version(1, 500, {reported: {n: 30}}),
			version(9, 100, {reported: {n: 10}}),
			version(10, 100, {reported: {n: 20}}),
		],
		path('reported.n'),
	);
	assert.deepEqual(
		series.points.map((point) => point.version),
		[9, 10, 1],
	);
	assert.equal(series.last, 30);
});
