/*
The journal on a real SQLite file: reads page the same whether a version's
index entry has been written yet or not (the index follows once a second),
across a reopen that finds an unindexed tail, and pruning by count keeps the
newest of each shadow.
*/
import assert from 'node:assert/strict';
import {join} from 'node:path';
import {test} from 'node:test';
import type {LiveShadow} from '../../source/shadow/shadow-record.js';
import {addressKey, type ShadowAddress} from '../../source/shadow/topics.js';
import type {JournalQuery} from '../../source/store/journal.js';
import {
	openShadowStore,
	type ShadowStore,
} from '../../source/store/shadow-store.js';
import {temporaryDirectory} from '../helpers/service.js';

const pump = {thingName: 'pump', shadowName: ''};
const fan = {thingName: 'fan', shadowName: 'config'};
const keep = {versions: 1000, maxAgeSeconds: Number.POSITIVE_INFINITY};

const live = (version: number): LiveShadow => ({
	kind: 'live',
	state: {reported: {n: version}},
	metadata: {reported: {n: {timestamp: version}}},
	version,
	updatedAt: version,
});

/** Versions from..to of both shadows, interleaved, one commit each. */
function write(store: ShadowStore, from: number, to: number): void {
	for (let version = from; version <= to; version++)
		for (const address of [pump, fan])
			store.commitBatch(
				new Map([[addressKey(address), {address, record: live(version)}]]),
				[{address, record: live(version), writer: {channel: 'mqtt'}}],
			);
}

function pages(
	store: ShadowStore,
	address: ShadowAddress,
	order: JournalQuery['order'],
	size: number,
): number[] {
	const versions: number[] = [];
	let from: number | undefined;
	for (;;) {
		const page = store.readJournal({
			address,
			order,
			limit: size,
			...(from === undefined ? {} : {from}),
		});
		versions.push(...page.map((entry) => entry.version));
		if (page.length < size) return versions;
		from = page.at(-1)?.seq;
	}
}

const range = (from: number, to: number) =>
	Array.from({length: to - from + 1}, (_, index) => from + index);

test('pages are whole across the indexed part and the tail, and after a reopen', async (t) => {
	const file = join(await temporaryDirectory(t), 'shadows.db');
	let store = openShadowStore(file);
	write(store, 1, 20);
	// The pruner's pass indexes what is there; 10 more stay in the tail.
	assert.ok(store.pruneJournal(keep, 100, [], 500) > 0);
	write(store, 21, 30);
	for (const address of [pump, fan]) {
		assert.deepEqual(pages(store, address, 'asc', 7), range(1, 30));
		assert.deepEqual(pages(store, address, 'desc', 7), range(1, 30).reverse());
		assert.equal(store.journalCount(address), 30);
	}

	const filtered = store.readJournal({
		address: pump,
		order: 'desc',
		limit: 100,
		since: 15,
		until: 25,
	});
	assert.deepEqual(
		filtered.map((entry) => entry.version),
		range(15, 25).reverse(),
	);
	assert.deepEqual(
		store
			.readJournal({address: fan, order: 'asc', limit: 5, version: 22})
			.map((entry) => entry.version),
		[22],
	);

	// Closed with an unindexed tail (as a crash leaves it): nothing is missing after.
	store.close();
	store = openShadowStore(file);
	t.after(() => store.close());
	write(store, 31, 33);
	assert.deepEqual(pages(store, pump, 'desc', 4), range(1, 33).reverse());
	store.pruneJournal(keep, 100, [], 500);
	assert.deepEqual(pages(store, pump, 'asc', 4), range(1, 33));
});

test('pruning by count keeps the newest of each shadow, in chunks', async (t) => {
	const file = join(await temporaryDirectory(t), 'shadows.db');
	const store = openShadowStore(file);
	t.after(() => store.close());
	write(store, 1, 50);
	const bound = {versions: 10, maxAgeSeconds: Number.POSITIVE_INFINITY};
	// Chunks of 7 rows: the pass goes on until less than a chunk was left.
	let worked: number;
	do worked = store.pruneJournal(bound, 100, [pump, fan], 7);
	while (worked >= 7);
	for (const address of [pump, fan])
		assert.deepEqual(pages(store, address, 'asc', 100), range(41, 50));
});
