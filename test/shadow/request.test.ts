import assert from 'node:assert/strict';
import {test} from 'node:test';
import {withLimits} from '../../source/shadow/limits.js';
import {updateShadow} from '../../source/shadow/update-shadow.js';
import {
	accepted,
	classic,
	context,
	get,
	named,
	rejected,
	update,
} from '../helpers/engine.js';

test('415 for a body that is not UTF-8', () => {
	const body = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
	const out = rejected(updateShadow(undefined, body, context(3)));
	assert.deepEqual(out.error, {
		code: 415,
		message: 'Unsupported documented encoding; supported encoding is UTF-8',
		timestamp: 3,
	});
});

test('413 for a raw request above maxRequestBytes, before parsing', () => {
	const options = withLimits({maxRequestBytes: 100});
	const body = JSON.stringify({state: {desired: {a: 'x'.repeat(100)}}});
	const out = rejected(updateShadow(undefined, body, {...context(3), options}));
	assert.equal(out.rejection.code, 413);
	assert.equal(
		out.rejection.message,
		'The payload exceeds the maximum size allowed',
	);
});

test('checks run in the documented order', () => {
	// Invalid token beats invalid version; invalid version beats missing state.
	assert.equal(
		rejected(update(undefined, {version: 'x', clientToken: 5}, 1)).error
			.message,
		'Invalid clientToken',
	);
	assert.equal(
		rejected(update(undefined, {version: 'x'}, 1)).error.message,
		'Invalid version',
	);
	// Null in an array beats depth, whichever section holds it.
	const deep = {a: {b: {c: {d: {e: {f: 1}}}}}};
	assert.equal(
		rejected(
			update(undefined, {state: {desired: deep, reported: {x: [null]}}}, 1),
		).error.message,
		'Invalid JSON',
	);
	// Version conflict beats size.
	const options = withLimits({maxDocBytes: 10});
	const tooBig = updateShadow(
		undefined,
		JSON.stringify({state: {desired: {a: 'long value'}}, version: 3}),
		{...context(1), options},
	);
	assert.equal(rejected(tooBig).rejection.code, 409);
});

test('a null clientToken is treated as absent', () => {
	const out = accepted(update(undefined, {state: {}, clientToken: null}, 1));
	assert.equal('clientToken' in out.accepted, false);
});

test('an own "__proto__" key is stored as data and never changes a prototype', () => {
	const out = accepted(
		update(
			undefined,
			'{"state":{"desired":{"__proto__":{"polluted":true},"a":1}}}',
			1,
		),
	);
	const desired = out.shadow.state.desired!;
	assert.equal(Object.getPrototypeOf(desired), Object.prototype);
	assert.deepEqual(Object.keys(desired).sort(), ['__proto__', 'a']);
	assert.equal(({} as Record<string, unknown>).polluted, undefined);
	assert.equal(
		JSON.stringify(out.shadow.state),
		'{"desired":{"__proto__":{"polluted":true},"a":1}}',
	);
});

test('a version on a new shadow must be 0; on a tombstone, the tombstone version', () => {
	assert.equal(
		rejected(update(undefined, {state: {}, version: 1}, 1)).rejection.code,
		409,
	);
	const created = accepted(update(undefined, {state: {}, version: 0}, 1));
	assert.equal(created.shadow.version, 1);
});

test('get and delete refuse an over-long clientToken but ignore other bodies', () => {
	const record = accepted(update(undefined, {state: {}}, 1)).shadow;
	assert.deepEqual(
		rejected(get(record, {clientToken: 'x'.repeat(65)}, 2)).error,
		{code: 400, message: 'Invalid clientToken', timestamp: 2},
	);
	assert.equal(accepted(get(record, {clientToken: 7}, 2)).accepted.version, 1);
	assert.equal(
		accepted(get(record, Buffer.from([0xff]), 2)).accepted.version,
		1,
	);
});

test('the named-shadow limit applies when a named shadow is created', () => {
	const options = withLimits({namedShadowsPerThing: 2});
	const body = JSON.stringify({state: {reported: {a: 1}}, clientToken: 'n'});
	const out = rejected(
		updateShadow(undefined, body, {
			...context(1, named),
			options,
			namedShadowCount: 2,
		}),
	);
	assert.deepEqual(out.error, {
		code: 400,
		message: 'The thing has reached the maximum of 2 named shadows',
		timestamp: 1,
		clientToken: 'n',
	});
	accepted(
		updateShadow(undefined, body, {
			...context(1, named),
			options,
			namedShadowCount: 1,
		}),
	);
	accepted(
		updateShadow(undefined, body, {
			...context(1, classic),
			options,
			namedShadowCount: 2,
		}),
	);
});

test('deltaOnReportedOnlyUpdates=false announces deltas only for desired updates', () => {
	const options = {...withLimits({}), deltaOnReportedOnlyUpdates: false};
	const record = accepted(
		update(undefined, {state: {desired: {a: 1}}}, 1),
	).shadow;
	const reportedOnly = accepted(
		updateShadow(record, JSON.stringify({state: {reported: {b: 1}}}), {
			...context(2),
			options,
		}),
	);
	assert.equal(reportedOnly.delta, undefined);
	assert.ok(
		accepted(update(record, {state: {reported: {b: 1}}}, 2)).delta,
		'on by default',
	);
});

test('depth limit and its message follow the configured value', () => {
	const options = withLimits({maxDepth: 2});
	const out = rejected(
		updateShadow(
			undefined,
			JSON.stringify({state: {desired: {a: {b: {c: 1}}}}}),
			{...context(1), options},
		),
	);
	assert.equal(
		out.rejection.message,
		'JSON contains too many levels of nesting; maximum is 2',
	);
	accepted(
		updateShadow(undefined, JSON.stringify({state: {desired: {a: {b: 1}}}}), {
			...context(1),
			options,
		}),
	);
});
