/*
Ages of values from a shadow's metadata: the newest leaf under a key, the
short forms drawn beside it, the stale mark, and walks over metadata of any
depth without recursion.
*/
import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {JsonObject, JsonValue} from '../../source/shadow/json.js';
import {jsonLines} from '../../source/views/json-lines.js';
import {
	ageLabel,
	ageOf,
	formatAge,
	labelForms,
	leafTimestamp,
	newestTimestamp,
	newestTimestamps,
} from '../../source/views/value-ages.js';

test('ages in short, stable forms: whole units, rounded down', () => {
	const cases: [number, string][] = [
		[0, '0 s'],
		[12, '12 s'],
		[59, '59 s'],
		[60, '1 min'],
		[5 * 60 + 59, '5 min'],
		[3599, '59 min'],
		[3600, '1 h'],
		[4 * 3600 + 3599, '4 h'],
		[86_399, '23 h'],
		[86_400, '1 d'],
		[3 * 86_400 + 5, '3 d'],
		[999 * 86_400, '999 d'],
		[1000 * 86_400, '2 y'],
		[-5, '0 s'],
	];
	for (const [seconds, text] of cases)
		assert.equal(formatAge(seconds), text, String(seconds));
	assert.equal(ageOf(100, 112.9), 12);
	assert.equal(ageOf(200, 100), 0, 'a timestamp ahead of the clock is 0 s old');
});

test('a label is stale only when older than the threshold, and keeps its mark when the age gives way', () => {
	assert.deepEqual(ageLabel(100, 112, 60), {age: '12 s', stale: false});
	assert.deepEqual(ageLabel(100, 160, 60), {age: '1 min', stale: false});
	assert.deepEqual(ageLabel(100, 161, 60), {age: '1 min', stale: true});
	assert.deepEqual(ageLabel(100, 100_000, undefined), {
		age: '1 d',
		stale: false,
	});
	assert.equal(ageLabel(undefined, 100, 60), undefined);
	assert.deepEqual(
		labelForms({age: '4 h', stale: true}).map((form) => form.text),
		['4 h stale', 'stale'],
	);
	assert.deepEqual(
		labelForms({age: '4 h', stale: false}).map((form) => form.text),
		['4 h'],
	);
});

test('the newest leaf: a scalar has its own, an object its newest member, an array the whole array', () => {
	const metadata: JsonObject = {
		temperature: {timestamp: 50},
		color: {r: {timestamp: 10}, g: {timestamp: 70}},
		list: [{timestamp: 30}, {timestamp: 30}],
		// A state key named timestamp mirrors as {"timestamp": {"timestamp": T}}.
		clock: {timestamp: {timestamp: 20}},
		empty: {},
	};
	assert.equal(newestTimestamp(metadata), 70);
	assert.equal(newestTimestamp(metadata.color), 70);
	assert.equal(newestTimestamp(metadata.empty), undefined);
	assert.equal(newestTimestamp(undefined), undefined);
	assert.equal(leafTimestamp({timestamp: 5}), 5);
	assert.equal(leafTimestamp({timestamp: 5, other: 1}), undefined);
	assert.equal(leafTimestamp({timestamp: {timestamp: 5}}), undefined);

	const times = newestTimestamps(metadata);
	assert.equal(times.get(metadata), 70);
	assert.equal(times.get(metadata.color as JsonObject), 70);
	assert.equal(times.get(metadata.list as JsonValue[]), 30);
	assert.equal(times.get(metadata.clock as JsonObject), 20);
	assert.equal(times.get(metadata.empty as JsonObject), undefined);
});

test('each key line carries the time of its value; closing lines and array items do not', () => {
	const state: JsonObject = {
		temperature: 64.1,
		color: {r: 1, g: 2},
		list: [1, 2],
	};
	const metadata: JsonObject = {
		temperature: {timestamp: 50},
		color: {r: {timestamp: 10}, g: {timestamp: 70}},
		list: [{timestamp: 30}, {timestamp: 30}],
	};
	const lines = jsonLines(state, undefined, metadata).map((line) => [
		line.tokens.map((token) => token.text).join(''),
		line.timestamp,
	]);
	assert.deepEqual(lines, [
		['{', undefined],
		['"temperature": 64.1,', 50],
		['"color": {', 70],
		['"r": 1,', 10],
		['"g": 2', 70],
		['},', undefined],
		['"list": [', 30],
		['1,', undefined],
		['2', undefined],
		[']', undefined],
		['}', undefined],
	]);
	// Metadata that does not mirror the state (a key without it) just has no age.
	const partial = jsonLines({a: 1, b: 2}, undefined, {a: {timestamp: 5}});
	assert.equal(partial[1]?.timestamp, 5);
	assert.equal(partial[2]?.timestamp, undefined);
});

test('metadata 20,000 levels deep is walked without recursion', () => {
	let metadata: JsonValue = {leaf: {timestamp: 9}};
	let state: JsonValue = {leaf: 1};
	for (let level = 1; level < 20_000; level++) {
		metadata = {a: metadata};
		state = {a: state};
	}

	assert.equal(newestTimestamp(metadata), 9);
	assert.equal(newestTimestamps(metadata).get(metadata), 9);
	const lines = jsonLines(state, undefined, metadata);
	assert.equal(lines.length, 40_001);
	assert.equal(lines[1]?.timestamp, 9);
	let arrays: JsonValue = [{timestamp: 4}];
	for (let level = 0; level < 20_000; level++) arrays = [arrays];
	assert.equal(newestTimestamp(arrays), 4);
});
