/*
The local refusal of patches that cannot be shadow updates: AWS's words, the
limits' edges, values far beyond them, and, against the real engine, that
nothing refused here would have been accepted by the service.
*/
import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {
	checkPatchText,
	checkStatePatch,
	describePatchProblem,
} from '../../source/client/check-patch.js';
import type {JsonObject, JsonValue} from '../../source/shadow/json.js';
import {awsLimits, withLimits} from '../../source/shadow/limits.js';
import type {StatePatch} from '../../source/shadow/request.js';
import type {ShadowRecord} from '../../source/shadow/shadow-record.js';
import {updateShadow} from '../../source/shadow/update-shadow.js';
import {classic} from '../helpers/engine.js';

function nested(levels: number, leaf: JsonValue = 1): JsonObject {
	let value: JsonValue = leaf;
	for (let level = 1; level < levels; level++) value = {a: value};
	return {a: value};
}

function nestedArrays(levels: number): JsonObject {
	let value: JsonValue = [];
	for (let level = 2; level < levels; level++) value = [value];
	return {a: value};
}

const refusal = (state: StatePatch) => {
	const problem = checkStatePatch(state, awsLimits);
	return problem && {...problem, text: describePatchProblem(problem)};
};

test('six levels pass and seven are refused with AWS nesting error (E32)', () => {
	assert.equal(refusal({desired: nested(6)}), undefined);
	assert.deepEqual(refusal({reported: nested(7)}), {
		code: 400,
		message: 'JSON contains too many levels of nesting; maximum is 6',
		section: 'reported',
		detail: 'this has 7',
		text: 'JSON contains too many levels of nesting; maximum is 6: this has 7',
	});
	assert.equal(refusal({desired: nestedArrays(6)}), undefined);
	assert.equal(refusal({desired: nestedArrays(7)})?.code, 400);
});

test('20,000 levels of objects or arrays are refused without touching the stack', () => {
	assert.equal(
		refusal({desired: nested(20_000)})?.text,
		'JSON contains too many levels of nesting; maximum is 6: this has 20000',
	);
	assert.equal(
		refusal({desired: nestedArrays(20_000)})?.text,
		'JSON contains too many levels of nesting; maximum is 6: this has 20000',
	);
	// Parsed, as the CLI and the console get it, rather than built.
	const parsed = JSON.parse(
		`${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`,
	) as JsonObject;
	assert.equal(refusal({desired: parsed})?.detail, 'this has 20000');
});

test('null in an array and 1e400 are Invalid JSON, before depth, in either section', () => {
	assert.equal(
		refusal({desired: {colors: [null, 'RED']}})?.text,
		'Invalid JSON: null inside an array (remove the element instead)',
	);
	assert.equal(
		refusal({desired: JSON.parse('{"a":1e400}') as JsonObject})?.text,
		'Invalid JSON: a number JSON cannot hold, such as 1e400',
	);
	assert.equal(
		refusal({desired: nested(20_000), reported: {a: [null]}})?.message,
		'Invalid JSON',
		'check 11 comes before check 12 across both sections (§3.2)',
	);
	assert.equal(refusal({desired: {a: null, b: {c: null}}}), undefined);
});

test('size: the raw text, the request, and what would at least be stored', () => {
	assert.equal(checkPatchText('x'.repeat(131_072), awsLimits), undefined);
	assert.deepEqual(checkPatchText('x'.repeat(131_073), awsLimits), {
		code: 413,
		message: 'The payload exceeds the maximum size allowed',
		detail: '131073 bytes, at most 131072 in a request',
	});
	assert.equal(
		checkPatchText('€'.repeat(50_000), awsLimits)?.code,
		413,
		'bytes, not characters',
	);

	const key = 'k'.repeat(100_000);
	assert.equal(
		refusal({desired: {[key]: 1}})?.text,
		'The payload exceeds the maximum size allowed: the values alone are 100006 bytes, at most 8192 in a shadow',
	);
	assert.equal(
		refusal({desired: {[key]: null}}),
		undefined,
		'removing a key that cannot exist stores nothing: AWS accepts it',
	);
	const manyKeys = Object.fromEntries(
		Array.from({length: 20_000}, (_, index) => [`k${index}`, 1]),
	);
	assert.equal(refusal({desired: manyKeys})?.code, 413);
	assert.equal(
		refusal({desired: {a: Array.from({length: 100_000}, () => 0)}})?.code,
		413,
	);
	assert.equal(refusal({desired: {a: 'x'.repeat(1_000_000)}})?.code, 413);
	const removals = Object.fromEntries(
		Array.from({length: 20_000}, (_, index) => [`k${index}`, null]),
	);
	assert.match(
		refusal({desired: removals})?.detail ?? '',
		/^\d+ bytes, at most 131072 in a request$/,
	);

	// The sections share the 8 KB: each alone fits, together they do not.
	const half = {a: 'x'.repeat(4096)};
	assert.equal(refusal({desired: half}), undefined);
	assert.deepEqual(
		{...refusal({desired: half, reported: half}), text: undefined},
		{
			code: 413,
			message: 'The payload exceeds the maximum size allowed',
			detail: 'the values alone are 8208 bytes, at most 8192 in a shadow',
			text: undefined,
		},
	);
	assert.equal(refusal({desired: half, reported: half})?.section, undefined);
});

test('whatever is refused here, the service refuses too, with the same code and message', () => {
	const options = withLimits({maxDocBytes: 40, maxDepth: 3});
	const {limits} = options;
	const keys = fc.constantFrom('a', 'b', 'light', 'x'.repeat(12));
	const value = fc.letrec<{value: JsonValue; object: JsonObject}>((tie) => ({
		value: fc.oneof(
			{depthSize: 'small'},
			fc.constantFrom(1, 'on', true, null, 'y'.repeat(15)),
			fc.array(tie('value'), {maxLength: 3}),
			tie('object'),
		),
		object: fc.dictionary(keys, tie('value'), {maxKeys: 3}),
	}));
	const section = fc.option(value.object, {nil: undefined});
	const state = fc.record(
		{desired: section, reported: section},
		{requiredKeys: []},
	);
	fc.assert(
		fc.property(state, state, (before, patch) => {
			const clean = (s: StatePatch) =>
				Object.fromEntries(
					Object.entries(s).filter(([, v]) => v !== undefined),
				) as StatePatch;
			const first = updateShadow(
				undefined,
				JSON.stringify({state: clean(before)}),
				{now: 1, address: classic, options},
			);
			const record: ShadowRecord | undefined = first.ok
				? first.shadow
				: undefined;
			const problem = checkStatePatch(clean(patch), limits);
			if (!problem) return;
			const outcome = updateShadow(
				record,
				JSON.stringify({state: clean(patch)}),
				{now: 2, address: classic, options},
			);
			assert.equal(
				outcome.ok,
				false,
				`refused here, accepted there: ${describePatchProblem(problem)}`,
			);
			if (!outcome.ok) {
				assert.equal(outcome.rejection.code, problem.code);
				assert.equal(outcome.rejection.message, problem.message);
			}
		}),
		{numRuns: 3000},
	);
});
