/*
The versions the console has seen, newest first, bounded so that memory stays
flat in long sessions. One entry per version; a later copy of the same
version (a get after the documents message) does not add a row.

A delete is an entry of its own. Versions keep counting across a delete
while AWS remembers the deleted one (§7.4: re-created at V + 2), but start
again at 1 once it has forgotten it (after 48 h, or on a service that does
not remember), so the order is by incarnation first: every delete the console
sees starts a new incarnation, newer than any version of the one before.
*/
import type {JsonObject} from '../shadow/json.js';
import type {Sections} from '../shadow/shadow-record.js';

export type HistoryEntry = {
	/** A version of the document, or the delete that ended an incarnation. */
	readonly kind: 'document' | 'deleted';
	/** Unique within the history and stable while the entry is kept: key rows and selections by it. */
	readonly key: string;
	/** Counts the deletes seen before this entry's document existed; 0 for the first. */
	readonly incarnation: number;
	/** The document's version; for a delete, the version of the document that was deleted. */
	readonly version: number;
	/** Epoch seconds of the change (the delete). */
	readonly at: number;
	/** The document's state; {} for a delete. */
	readonly state: Sections<JsonObject>;
};

export function documentEntry(
	incarnation: number,
	version: number,
	at: number,
	state: Sections<JsonObject>,
): HistoryEntry {
	return {
		kind: 'document',
		key: `${incarnation}:v${version}`,
		incarnation,
		version,
		at,
		state,
	};
}

export function deletedEntry(
	incarnation: number,
	version: number,
	at: number,
): HistoryEntry {
	return {
		kind: 'deleted',
		key: `${incarnation}:v${version}:deleted`,
		incarnation,
		version,
		at,
		state: {},
	};
}

/** Positive when `a` is newer than `b`; a delete is newer than the version it deleted. */
function compareEntries(a: HistoryEntry, b: HistoryEntry): number {
	return (
		a.incarnation - b.incarnation ||
		a.version - b.version ||
		Number(a.kind === 'deleted') - Number(b.kind === 'deleted')
	);
}

export function addToHistory(
	history: readonly HistoryEntry[],
	entry: HistoryEntry,
	limit: number,
): readonly HistoryEntry[] {
	if (history.some((known) => known.key === entry.key)) return history;
	const index = history.findIndex((known) => compareEntries(entry, known) > 0);
	const next =
		index < 0
			? [...history, entry]
			: [...history.slice(0, index), entry, ...history.slice(index)];
	return next.length > limit ? next.slice(0, limit) : next;
}
