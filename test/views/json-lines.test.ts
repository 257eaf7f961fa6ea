/*
Drawing documents and diffs: the lines of a small document, and values of any
depth drawn (documents) or declined (diffs) without overflowing the stack.
*/
import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {JsonObject, JsonValue} from '../../source/shadow/json.js';
import {diffLines, diffText} from '../../source/views/diff-lines.js';
import {jsonLines} from '../../source/views/json-lines.js';

const text = (value: JsonValue, mark?: JsonObject) =>
	jsonLines(value, mark).map(
		(line) =>
			`${line.marked ? '*' : ' '}${'  '.repeat(line.indent)}${line.tokens.map((token) => token.text).join('')}`,
	);

function nested(levels: number): JsonObject {
	let value: JsonObject = {leaf: 1};
	for (let level = 1; level < levels; level++) value = {a: value};
	return value;
}

test('a document as lines, delta keys marked', () => {
	assert.deepEqual(
		text(
			{lights: 'off', color: {r: 1, g: [true, null]}, empty: {}, none: []},
			{
				color: {r: 1},
			},
		),
		[
			' {',
			'   "lights": "off",',
			'*  "color": {',
			'*    "r": 1,',
			'     "g": [',
			'       true,',
			'       null',
			'     ]',
			'*  },',
			'   "empty": {},',
			'   "none": []',
			' }',
		],
	);
});

test('20,000 levels are drawn without recursion', () => {
	const lines = jsonLines(nested(20_000));
	assert.equal(lines.length, 40_001);
	assert.equal(lines[20_000]?.indent, 20_000);
	let arrays: JsonValue = [];
	for (let level = 0; level < 20_000; level++) arrays = [arrays];
	assert.equal(jsonLines(arrays).length, 40_001);
});

test('diffs of shadows; values deeper than a shadow are not compared', () => {
	assert.deepEqual(
		diffLines(
			{desired: {a: 1, b: {c: 2}}},
			{desired: {a: 2, b: {c: 2, d: 3}}},
		).map(diffText),
		['~ desired.a: 1 -> 2', '+ desired.b.d: 3'],
	);
	assert.deepEqual(diffLines({desired: nested(20_000)}, {desired: {}}), [
		{
			marker: '~',
			path: '',
			text: 'nested deeper than a shadow can be; not compared',
		},
	]);
	assert.equal(
		diffLines({desired: nested(6)}, {desired: nested(5)}).length > 0,
		true,
		'six levels inside a section are compared',
	);
});
