/*
Property-based tests of the engine's invariants: random sequences of updates
(with nulls, nested objects, arrays, version locks and occasional garbage)
applied to a shadow, checked after every step.
*/
import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {
	isJsonObject,
	jsonEqual,
	type JsonObject,
	type JsonValue,
} from '../../source/shadow/json.js';
import {withLimits} from '../../source/shadow/limits.js';
import {getShadow} from '../../source/shadow/read-shadow.js';
import type {
	LiveShadow,
	ShadowRecord,
} from '../../source/shadow/shadow-record.js';
import {
	documentBytes,
	updateShadow,
} from '../../source/shadow/update-shadow.js';
import {classic} from '../helpers/engine.js';

const keys = fc.constantFrom('a', 'b', 'c', 'light', 'temp', '__proto__');
const scalar = fc.oneof(
	fc.integer({min: -3, max: 3}),
	fc.constantFrom('on', 'off', ''),
	fc.boolean(),
);

const {patch} = fc.letrec<{value: JsonValue; patch: JsonObject}>((tie) => ({
	value: fc.oneof(
		{depthSize: 'small', withCrossShrink: true},
		scalar,
		fc.constant(null),
		fc.array(scalar, {maxLength: 3}),
		tie('patch'),
	),
	patch: fc.dictionary(keys, tie('value'), {maxKeys: 4}),
}));

const section = fc.oneof(
	{weight: 4, arbitrary: patch},
	{weight: 1, arbitrary: fc.constant(null)},
);
const request = fc.record(
	{
		state: fc.oneof(
			{
				weight: 8,
				arbitrary: fc.record(
					{desired: section, reported: section},
					{requiredKeys: []},
				),
			},
			{weight: 1, arbitrary: fc.constant(null)},
		),
		clientToken: fc.string({maxLength: 8}),
		lockVersion: fc.oneof(
			fc.constant(undefined),
			fc.constant('current'),
			fc.nat(5),
		),
	},
	{requiredKeys: ['state', 'lockVersion']},
);

const options = withLimits({maxDocBytes: 300, maxDepth: 4});

type Request = typeof request extends fc.Arbitrary<infer T> ? T : never;

type Step = {readonly before: ShadowRecord | undefined; readonly body: string};

function run(
	requests: Request[],
	visit: (step: Step, outcome: ReturnType<typeof updateShadow>) => void,
) {
	let record: ShadowRecord | undefined;
	let now = 1000;
	for (const r of requests) {
		now += 1;
		const current = record?.kind === 'live' ? record.version : 0;
		const version = r.lockVersion === 'current' ? current : r.lockVersion;
		const body = JSON.stringify({
			state: r.state,
			clientToken: r.clientToken,
			version,
		});
		const before = deepFreeze(record);
		const outcome = updateShadow(before, body, {
			address: classic,
			now,
			options,
		});
		visit({before, body}, outcome);
		if (outcome.ok) record = outcome.shadow;
	}
}

function deepFreeze<T>(value: T): T {
	if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
		Object.freeze(value);
		for (const child of Object.values(value)) deepFreeze(child);
	}

	return value;
}

function leaves(
	value: JsonValue,
	path: string[] = [],
): {path: string[]; value: JsonValue}[] {
	if (!isJsonObject(value) || Object.keys(value).length === 0)
		return [{path, value}];
	return Object.keys(value).flatMap((key) =>
		leaves(value[key] as JsonValue, [...path, key]),
	);
}

function at(
	value: JsonValue | undefined,
	path: string[],
): JsonValue | undefined {
	let node = value;
	for (const key of path) {
		if (!isJsonObject(node) || !Object.prototype.hasOwnProperty.call(node, key))
			return undefined;
		node = node[key];
	}

	return node;
}

function mirrors(state: JsonValue, metadata: JsonValue | undefined): boolean {
	if (Array.isArray(state)) {
		return (
			Array.isArray(metadata) &&
			metadata.length === state.length &&
			state.every((item, i) => mirrors(item, metadata[i]))
		);
	}

	if (isJsonObject(state)) {
		if (!isJsonObject(metadata)) return false;
		const stateKeys = Object.keys(state).sort();
		return (
			jsonEqual(stateKeys, Object.keys(metadata).sort()) &&
			stateKeys.every((key) => mirrors(state[key] as JsonValue, metadata[key]))
		);
	}

	return (
		isJsonObject(metadata) &&
		typeof metadata.timestamp === 'number' &&
		Object.keys(metadata).length === 1
	);
}

function hasNull(value: JsonValue): boolean {
	if (value === null) return true;
	if (Array.isArray(value)) return value.some(hasNull);
	return isJsonObject(value) && Object.values(value).some(hasNull);
}

const runs = {numRuns: 300};

test('accepted updates add exactly one to the version; rejected ones change nothing', () => {
	fc.assert(
		fc.property(fc.array(request, {maxLength: 12}), (requests) => {
			run(requests, ({before}, outcome) => {
				const base = before?.kind === 'live' ? before.version : 0;
				if (outcome.ok) {
					assert.equal(outcome.shadow.version, base + 1);
					assert.equal(outcome.accepted.version, base + 1);
					assert.equal(outcome.documents.current.version, base + 1);
					assert.equal(outcome.documents.previous?.version ?? 0, base);
				} else {
					assert.ok(
						[400, 409, 413].includes(outcome.rejection.code),
						outcome.rejection.message,
					);
				}
			});
		}),
		runs,
	);
});

test('metadata mirrors the state, nothing stored holds null, and no document exceeds the size limit', () => {
	fc.assert(
		fc.property(fc.array(request, {maxLength: 12}), (requests) => {
			run(requests, (_step, outcome) => {
				if (!outcome.ok) return;
				const {state, metadata} = outcome.shadow;
				for (const name of ['desired', 'reported'] as const) {
					const value = state[name];
					assert.equal(value === undefined, metadata[name] === undefined);
					if (value === undefined) continue;
					assert.ok(Object.keys(value).length > 0, 'empty sections disappear');
					assert.ok(
						mirrors(value, metadata[name]),
						JSON.stringify({value, meta: metadata[name]}),
					);
					assert.ok(!hasNull(value), JSON.stringify(value));
				}

				assert.ok(documentBytes(outcome.shadow) <= options.limits.maxDocBytes);
			});
		}),
		runs,
	);
});

test('the delta never holds a key whose desired value equals the reported one, and misses none that differ', () => {
	fc.assert(
		fc.property(fc.array(request, {maxLength: 12}), (requests) => {
			run(requests, (_step, outcome) => {
				if (!outcome.ok) return;
				const {desired, reported} = outcome.shadow.state;
				const delta = outcome.delta?.state;
				for (const leaf of leaves(delta ?? {})) {
					if (leaf.path.length === 0) continue;
					assert.ok(
						!jsonEqual(leaf.value, at(reported, leaf.path) ?? null) ||
							at(reported, leaf.path) === undefined,
					);
					assert.ok(jsonEqual(leaf.value, at(desired, leaf.path) as JsonValue));
				}

				for (const leaf of leaves(desired ?? {})) {
					if (leaf.path.length === 0) continue;
					const actual = at(reported, leaf.path);
					// §5.1: an empty desired object against a reported object recurses to nothing.
					if (isJsonObject(leaf.value) && isJsonObject(actual)) continue;
					const differs =
						actual === undefined || !jsonEqual(leaf.value, actual);
					if (differs)
						assert.ok(
							at(delta, leaf.path) !== undefined ||
								!isLeafPathReachable(reported, leaf.path),
							JSON.stringify({desired, reported, delta, path: leaf.path}),
						);
				}
			});
		}),
		runs,
	);
});

/** A desired leaf under a reported scalar shows up as its whole desired ancestor instead. */
function isLeafPathReachable(
	reported: JsonObject | undefined,
	path: string[],
): boolean {
	let node: JsonValue | undefined = reported;
	for (const key of path.slice(0, -1)) {
		if (!isJsonObject(node)) return false;
		node = node[key];
		if (node === undefined) return false;
	}

	return isJsonObject(node);
}

test('reporting exactly the desired state empties the delta', () => {
	fc.assert(
		fc.property(fc.array(request, {maxLength: 10}), (requests) => {
			run(requests, (_step, outcome) => {
				if (!outcome.ok || outcome.shadow.state.desired === undefined) return;
				const shadow: LiveShadow = outcome.shadow;
				const report = updateShadow(
					shadow,
					JSON.stringify({state: {reported: shadow.state.desired}}),
					{address: classic, now: 5000, options: withLimits({maxDepth: 4})},
				);
				assert.ok(report.ok);
				assert.equal(report.delta, undefined);
				const got = getShadow(report.shadow, '', {
					address: classic,
					now: 5001,
					options,
				});
				assert.ok(got.ok && got.accepted.state.delta === undefined);
			});
		}),
		runs,
	);
});

test('random bytes are answered with a rejection, never an exception', () => {
	fc.assert(
		fc.property(
			fc.oneof(
				fc.uint8Array({maxLength: 64}),
				fc.string({maxLength: 64}),
				fc.json(),
			),
			(payload) => {
				const outcome = updateShadow(undefined, payload, {
					address: classic,
					now: 1,
					options,
				});
				if (!outcome.ok)
					assert.ok([400, 413, 415].includes(outcome.rejection.code));
			},
		),
		{numRuns: 2000},
	);
});
