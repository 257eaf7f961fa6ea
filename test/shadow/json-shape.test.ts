import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {deeperThan, shapeOf} from '../../source/shadow/json-shape.js';
import {withLimits} from '../../source/shadow/limits.js';
import {updateShadow} from '../../source/shadow/update-shadow.js';
import {context, rejected} from '../helpers/engine.js';

/** The recursive definition the iterative walk must agree with (§3.4). */
function recursiveDepth(value: unknown): number {
	if (typeof value !== 'object' || value === null) return 0;
	const children = Array.isArray(value) ? value : Object.values(value);
	return 1 + Math.max(0, ...children.map((child) => recursiveDepth(child)));
}

test('depth agrees with the recursive definition on random values', () => {
	fc.assert(
		fc.property(fc.jsonValue({maxDepth: 8}), (value) => {
			assert.equal(shapeOf(value).depth, recursiveDepth(value));
			for (const limit of [0, 1, 3, 6])
				assert.equal(deeperThan(value, limit), recursiveDepth(value) > limit);
		}),
	);
});

test('a million levels are walked without recursion', () => {
	const deep = JSON.parse(
		`${'['.repeat(1e6)}null${']'.repeat(1e6)}`,
	) as unknown;
	assert.deepEqual(shapeOf(deep), {
		depth: 1e6,
		nullInArray: true,
		nonFinite: false,
	});
	assert.equal(deeperThan(deep, 6), true);
});

test('numbers JSON cannot hold are found anywhere', () => {
	assert.equal(shapeOf(JSON.parse('{"a":[{"b":1e400}]}')).nonFinite, true);
	assert.equal(shapeOf(JSON.parse('{"a":[{"b":1e308}]}')).nonFinite, false);
	assert.equal(shapeOf(JSON.parse('{"a":1e-400}')).nonFinite, false);
});

test('1e400 is refused as Invalid JSON with the token, not stored as null', () => {
	const out = rejected(
		updateShadow(
			undefined,
			'{"state":{"reported":{"t":1e400}},"clientToken":"big"}',
			context(3),
		),
	);
	assert.deepEqual(out.error, {
		code: 400,
		message: 'Invalid JSON',
		timestamp: 3,
		clientToken: 'big',
	});
});

test('20,000 levels of objects or arrays get the depth rejection', () => {
	const options = withLimits({maxRequestBytes: 1e6});
	for (const desired of [
		`${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`,
		`{"a":${'['.repeat(20_000)}1${']'.repeat(20_000)}}`,
	]) {
		const out = rejected(
			updateShadow(undefined, `{"state":{"desired":${desired}}}`, {
				...context(3),
				options,
			}),
		);
		assert.equal(
			out.rejection.message,
			'JSON contains too many levels of nesting; maximum is 6',
		);
	}
});
