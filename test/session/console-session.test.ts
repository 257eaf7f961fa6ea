import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {JsonValue} from '../../source/shadow/json.js';
import {latestTimestamp} from '../../source/session/console-session.js';

test('the newest metadata timestamp, at any depth, without recursion', () => {
	assert.equal(
		latestTimestamp({
			desired: {a: {timestamp: 5}, b: [{timestamp: 9}, {timestamp: 2}]},
			reported: {c: {d: {timestamp: 7}}},
		}),
		9,
	);
	assert.equal(latestTimestamp(undefined), 0);
	let deep: JsonValue = {timestamp: 42};
	for (let level = 0; level < 20_000; level++) deep = {a: deep};
	assert.equal(latestTimestamp(deep), 42);
});
