/*
A listed shadow says when it last reported: the newest leaf of its reported
metadata (reportedAt), absent without reported state, found without
recursion however deep the document; the client drops a reportedAt that is
no time rather than drawing it.
*/
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {withTimes} from '../../source/client/fleet-lister.js';
import {listShadows} from '../../source/fleet/list-shadows.js';
import {newestTimestamp as newestLeaf} from '../../source/shadow/metadata.js';
import type {JsonObject, JsonValue} from '../../source/shadow/json.js';
import type {LiveShadow} from '../../source/shadow/shadow-record.js';
import type {ShadowAddress} from '../../source/shadow/topics.js';

function live(
	state: LiveShadow['state'],
	metadata: LiveShadow['metadata'],
): LiveShadow {
	return {kind: 'live', state, metadata, version: 3, updatedAt: 900};
}

test('reportedAt is the newest reported leaf; a shadow without reported state has none', () => {
	const shadows: [ShadowAddress, LiveShadow][] = [
		[
			{thingName: 'lamp', shadowName: ''},
			live(
				{desired: {a: 1}, reported: {a: 2, color: {r: 1}, list: [1, 2]}},
				{
					desired: {a: {timestamp: 900}},
					reported: {
						a: {timestamp: 100},
						color: {r: {timestamp: 300}},
						list: [{timestamp: 200}, {timestamp: 200}],
					},
				},
			),
		],
		[
			{thingName: 'pump', shadowName: ''},
			live({desired: {a: 1}}, {desired: {a: {timestamp: 900}}}),
		],
	];
	const {results} = listShadows(
		(_after, visit) => {
			for (const [address, shadow] of shadows) visit(address, shadow);
		},
		{},
		{thingName: '', shadowName: ''},
		10,
	);
	assert.equal(results[0]?.reportedAt, 300);
	assert.equal(results[0]?.updatedAt, 900);
	assert.equal('reportedAt' in (results[1] ?? {}), false);
});

test('metadata 20,000 levels deep is walked without recursion', () => {
	let metadata: JsonValue = {timestamp: 7};
	for (let level = 0; level < 20_000; level++)
		metadata = level % 2 === 0 ? {a: metadata} : [metadata];
	assert.equal(newestLeaf(metadata), 7);
	assert.equal(newestLeaf({}), undefined);
	assert.equal(newestLeaf({a: {timestamp: Number.NaN}}), undefined);
});

test('the client keeps a reportedAt that is a time and drops one that is not', () => {
	const summary = {
		thingName: 'lamp',
		shadowName: '',
		version: 1,
		updatedAt: 5,
		deltaKeys: 0,
	};
	assert.equal(withTimes({...summary, reportedAt: 4}).reportedAt, 4);
	const same: JsonObject = {...summary};
	assert.equal(withTimes(same), same, 'nothing to drop: the same object');
	for (const reportedAt of ['4', -1, null, {}, Number.POSITIVE_INFINITY])
		assert.equal(
			'reportedAt' in withTimes({...summary, reportedAt}),
			false,
			JSON.stringify(reportedAt),
		);
});
