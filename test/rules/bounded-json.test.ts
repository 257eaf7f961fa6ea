import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {
	previewJson,
	stringifyBounded,
	stringifyJson,
} from '../../source/rules/bounded-json.js';

const reasonOf = (result: ReturnType<typeof stringifyJson>) =>
	result.ok ? 'ok' : result.reason;

test('writes what JSON.stringify writes', () => {
	fc.assert(
		fc.property(fc.jsonValue(), (value) => {
			assert.equal(
				stringifyBounded(value, Number.POSITIVE_INFINITY),
				JSON.stringify(value),
			);
		}),
	);
	assert.equal(
		stringifyBounded({a: undefined, b: [undefined, 1]}, 100),
		'{"b":[null,1]}',
	);
	assert.equal(
		stringifyBounded(JSON.parse('{"__proto__": 1}'), 100),
		'{"__proto__":1}',
	);
	assert.equal(stringifyJson(undefined, {maxLength: 10}).ok, true);
});

test('stops at the length or depth bound without writing the rest', () => {
	assert.equal(stringifyBounded('x'.repeat(10), 11), undefined);
	assert.equal(stringifyBounded('x'.repeat(10), 12), `"${'x'.repeat(10)}"`);
	const shared = 'y'.repeat(1000);
	const wide = Array.from({length: 1_000_000}, () => shared);
	const started = performance.now();
	assert.equal(reasonOf(stringifyJson(wide, {maxLength: 10_000})), 'length');
	assert.ok(performance.now() - started < 2000);
	let deep: unknown = [];
	for (let level = 0; level < 200_000; level++) deep = [deep];
	assert.equal(
		reasonOf(
			stringifyJson(deep, {maxLength: Number.POSITIVE_INFINITY, maxDepth: 100}),
		),
		'depth',
	);
	const text = stringifyBounded(deep, Number.POSITIVE_INFINITY);
	assert.equal(text?.length, 400_002, 'no recursion, so no stack overflow');
});

test('previewJson cuts long values for messages', () => {
	assert.equal(previewJson({a: 1}, 40), '{"a":1}');
	assert.equal(previewJson('x'.repeat(100), 10), `"${'x'.repeat(8)}…`);
	assert.equal(previewJson([[[[1]]]], 3), '[[…');
});
