import assert from 'node:assert/strict';
import {test} from 'node:test';
import {defaultEngineOptions} from '../../source/shadow/limits.js';
import {previewUpdate} from '../../source/shadow/preview-update.js';
import type {LiveShadow} from '../../source/shadow/shadow-record.js';

const context = {
	address: {thingName: 'lamp', shadowName: ''},
	now: 100,
	options: defaultEngineOptions,
};
const current: LiveShadow = {
	kind: 'live',
	state: {desired: {lights: 'on', color: 'red'}, reported: {lights: 'off'}},
	metadata: {
		desired: {lights: {timestamp: 1}, color: {timestamp: 1}},
		reported: {lights: {timestamp: 1}},
	},
	version: 4,
	updatedAt: 1,
};

test('a preview is what the engine would make of the update', () => {
	const preview = previewUpdate(
		current,
		{state: {desired: {color: null, lights: 'off'}}},
		context,
	);
	assert.equal(preview.from, 4);
	assert.equal(preview.to, 5);
	assert.deepEqual(preview.state.desired, {lights: 'off'});
	// In sync: no delta.
	assert.equal(preview.delta, undefined);
	assert.deepEqual(preview.sizes, {
		desired: 16,
		reported: 16,
		total: 32,
		limit: 8192,
	});
	assert.equal(preview.rejection, undefined);
});

test('a refused preview says why and what to do, with the sizes the merge would make', () => {
	const big = previewUpdate(
		current,
		{state: {reported: {log: 'x'.repeat(8200)}}},
		context,
	);
	assert.equal(big.rejection?.code, 413);
	assert.ok(big.sizes.total > 8192);
	assert.match(big.rejection?.fix ?? '', /^trim reported by at least [\d,]+ B/);
	const stale = previewUpdate(
		current,
		{state: {desired: {a: 1}}, version: 2},
		context,
	);
	assert.equal(stale.rejection?.code, 409);
	assert.match(stale.rejection?.fix ?? '', /at v4, not v2/);
	const created = previewUpdate(undefined, {state: {desired: {a: 1}}}, context);
	assert.equal(created.from, 0);
	assert.equal(created.to, 1);
	assert.deepEqual(created.delta, {a: 1});
});
