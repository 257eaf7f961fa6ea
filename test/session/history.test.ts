import assert from 'node:assert/strict';
import {test} from 'node:test';
import {
	addToHistory,
	deletedEntry,
	documentEntry,
	journalDescribes,
	type HistoryEntry,
} from '../../source/session/history.js';

const names = (history: readonly HistoryEntry[]) => history.map(({key}) => key);

test('newest first by incarnation, then version; a delete is newer than the version it deleted', () => {
	let history: readonly HistoryEntry[] = [];
	const add = (entry: HistoryEntry) => {
		history = addToHistory(history, entry, 10);
	};

	add(documentEntry(0, 2, 20, {desired: {a: 2}}));
	add(documentEntry(0, 1, 10, {desired: {a: 1}}));
	add(deletedEntry(0, 2, 30));
	// Re-created after the tombstone was forgotten: the version starts again at 1.
	add(documentEntry(1, 1, 40, {reported: {a: 1}}));
	add(documentEntry(1, 1, 41, {reported: {a: 1}}));
	assert.deepEqual(names(history), ['1:v1', '0:v2:deleted', '0:v2', '0:v1']);
	assert.deepEqual(history[1], {
		kind: 'deleted',
		key: '0:v2:deleted',
		incarnation: 0,
		version: 2,
		at: 30,
		state: {},
	});
	assert.equal(history[0]?.at, 40, 'a second copy of a version adds nothing');
});

test('the history keeps the newest entries within its limit', () => {
	let history: readonly HistoryEntry[] = [];
	for (let version = 1; version <= 5; version++)
		history = addToHistory(history, documentEntry(0, version, version, {}), 3);
	history = addToHistory(history, documentEntry(0, 1, 1, {}), 3);
	assert.deepEqual(names(history), ['0:v5', '0:v4', '0:v3']);
});

test("a journal is this shadow's only when it holds the version shown, with its state", () => {
	const shown = {version: 3, state: {desired: {a: 3}}};
	const journal = (...versions: [number, number][]) =>
		versions.map(([version, a]) => ({
			kind: 'document' as const,
			version,
			at: version,
			state: {desired: {a}},
		}));
	assert.equal(journalDescribes(journal([3, 3], [2, 2]), shown), true);
	assert.equal(
		journalDescribes(journal([3, 9], [2, 2]), shown),
		false,
		'same version, other state: another service',
	);
	assert.equal(
		journalDescribes(journal([2, 2], [1, 1]), shown),
		true,
		'without the version shown (pruned, or written with the journal off) it cannot tell',
	);
	assert.equal(journalDescribes([], shown), true, 'pruned by age');
	assert.equal(
		journalDescribes(
			[{kind: 'deleted', version: 7, at: 7, state: {}}, ...journal([3, 3])],
			shown,
		),
		true,
		'deleted since: the version shown is of an older incarnation',
	);
	assert.equal(journalDescribes(journal([5, 5], [4, 4]), shown), true);
	assert.equal(journalDescribes([], undefined), true);
});
