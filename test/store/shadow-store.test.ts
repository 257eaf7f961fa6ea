/*
The SQLite store on a real file: records survive closing and reopening, and
the in-memory cache stays bounded while every record stays readable.
*/
import assert from 'node:assert/strict';
import {join} from 'node:path';
import {test} from 'node:test';
import type {LiveShadow} from '../../source/shadow/shadow-record.js';
import {addressKey} from '../../source/shadow/topics.js';
import {openShadowStore} from '../../source/store/shadow-store.js';
import {temporaryDirectory} from '../helpers/service.js';

const live = (version: number): LiveShadow => ({
	kind: 'live',
	state: {reported: {n: version}},
	metadata: {reported: {n: {timestamp: version}}},
	version,
	updatedAt: version,
});

test('records survive a reopen; deleted shadows keep their tombstone', async (t) => {
	const file = join(await temporaryDirectory(t), 'shadows.db');
	const store = openShadowStore(file);
	const lamp = {thingName: 'lamp', shadowName: ''};
	const gone = {thingName: 'lamp', shadowName: 'old'};
	store.commitBatch(
		new Map([
			[addressKey(lamp), {address: lamp, record: live(3)}],
			[
				addressKey(gone),
				{address: gone, record: {kind: 'deleted', version: 8, deletedAt: 100}},
			],
		]),
	);
	store.close();
	const reopened = openShadowStore(file);
	t.after(() => reopened.close());
	assert.deepEqual(reopened.load(lamp), live(3));
	assert.deepEqual(reopened.load(gone), {
		kind: 'deleted',
		version: 8,
		deletedAt: 100,
	});
	assert.equal(reopened.load({thingName: 'ghost', shadowName: ''}), undefined);
	assert.deepEqual(
		reopened.listNamedShadows('lamp', '', 10),
		[],
		'a tombstone is not listed',
	);
});

test('the cache is bounded; evicted records are read back from the file', async (t) => {
	const store = openShadowStore(
		join(await temporaryDirectory(t), 'shadows.db'),
		{cacheSize: 100},
	);
	t.after(() => store.close());
	const addresses = Array.from({length: 1000}, (_, i) => ({
		thingName: `pump-${i}`,
		shadowName: '',
	}));
	store.commitBatch(
		new Map(
			addresses.map((address, i) => [
				addressKey(address),
				{address, record: live(i + 1)},
			]),
		),
	);
	assert.equal(store.cachedRecords(), 100);
	for (const [i, address] of addresses.entries())
		assert.equal(store.load(address)?.version, i + 1);
	assert.equal(store.cachedRecords(), 100);
});
