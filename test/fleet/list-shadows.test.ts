/*
A listed shadow says when it last reported: the newest leaf of its reported
metadata (reportedAt), absent without reported state, found without
recursion however deep the document. The rows come from Fleet Indexing's
ThingDocument, whose shadow is a JSON string off the wire: a string that is
not what AWS sends gives no rows rather than wrong ones.
*/
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {summariesOf} from '../../source/fleet/thing-summaries.js';
import {newestTimestamp as newestLeaf} from '../../source/shadow/metadata.js';
import type {JsonValue} from '../../source/shadow/json.js';

const lamp = {
	desired: {a: 1},
	reported: {a: 2, color: {r: 1}, list: [1, 2], connected: true},
	metadata: {
		desired: {a: {timestamp: 900}},
		reported: {
			a: {timestamp: 100},
			color: {r: {timestamp: 300}},
			list: [{timestamp: 200}, {timestamp: 200}],
			connected: {timestamp: 50},
		},
	},
	hasDelta: true,
	version: 3,
	name: {
		cfg: {
			desired: {mode: 'eco'},
			metadata: {desired: {mode: {timestamp: 700}}},
			hasDelta: true,
			version: 1,
		},
	},
};

test('one row per shadow: reportedAt is the newest reported leaf, updatedAt the newest of all', () => {
	const rows = summariesOf({thingName: 'lamp', shadow: JSON.stringify(lamp)});
	assert.deepEqual(
		rows.map((row) => [
			row.shadowName,
			row.version,
			row.updatedAt,
			row.reportedAt,
			row.connected,
			row.deltaKeys,
		]),
		[
			['', 3, 900, 300, true, 1],
			['cfg', 1, 700, undefined, undefined, 1],
		],
	);
	assert.deepEqual(
		summariesOf(
			{thingName: 'lamp', shadow: JSON.stringify(lamp)},
			{shadowName: 'cfg', withState: true},
		).map((row) => row.state),
		[{desired: {mode: 'eco'}, delta: {mode: 'eco'}}],
	);
});

test('connectivity says online only once the thing was seen', () => {
	const shadow = JSON.stringify({reported: {t: 1}, version: 1});
	const [unseen] = summariesOf({
		thingName: 'a',
		shadow,
		connectivity: {connected: false},
	});
	const [seen] = summariesOf({
		thingName: 'a',
		shadow,
		connectivity: {connected: true, timestamp: 5},
	});
	assert.equal(unseen?.connected, undefined);
	assert.equal(seen?.connected, true);
});

test('a shadow string that is not what AWS sends gives no rows', () => {
	let deep = '1';
	for (let level = 0; level < 100_000; level++) deep = `[${deep}]`;
	for (const shadow of [
		'not json',
		'[]',
		JSON.stringify({reported: {a: 1}}),
		`{"version":1,"reported":{"a":${deep}}}`,
		'x'.repeat(2 * 1024 * 1024),
	])
		assert.deepEqual(
			summariesOf({thingName: 'a', shadow}),
			[],
			shadow.slice(0, 40),
		);
});

test('the newest leaf is found without recursion however deep the metadata', () => {
	let deep: JsonValue = {timestamp: 42};
	for (let level = 0; level < 100_000; level++) deep = {k: deep};
	assert.equal(newestLeaf(deep), 42);
});
