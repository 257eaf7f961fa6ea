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
import {jsonEqual, type JsonObject} from '../shadow/json.js';
import type {Sections} from '../shadow/shadow-record.js';

/** Who wrote a version, when the service's journal says (the local service's does; AWS keeps none). */
export type HistoryWriter = {
	readonly channel: string;
	readonly clientId?: string;
	readonly principal?: string;
};

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
	readonly writer?: HistoryWriter;
};

export function documentEntry(
	incarnation: number,
	version: number,
	at: number,
	state: Sections<JsonObject>,
	writer?: HistoryWriter,
): HistoryEntry {
	return {
		kind: 'document',
		key: `${incarnation}:v${version}`,
		incarnation,
		version,
		at,
		state,
		...(writer ? {writer} : {}),
	};
}

export function deletedEntry(
	incarnation: number,
	version: number,
	at: number,
	writer?: HistoryWriter,
): HistoryEntry {
	return {
		kind: 'deleted',
		key: `${incarnation}:v${version}:deleted`,
		incarnation,
		version,
		at,
		state: {},
		...(writer ? {writer} : {}),
	};
}

/** A version as a journal keeps it: the service's (history-reader.ts) or this console's on disk. */
export type RecordedVersion = {
	readonly kind: 'document' | 'deleted';
	readonly version: number;
	readonly at: number;
	readonly state: Sections<JsonObject>;
	readonly writer?: HistoryWriter;
};

/**
History entries from a journal's versions, oldest first. Every delete, and
every version lower than the one before it (a delete nobody recorded),
starts a new incarnation; `incarnation` is the one the newest belongs to,
where the console goes on counting.
*/
export function entriesFromJournal(versions: readonly RecordedVersion[]): {
	entries: HistoryEntry[];
	incarnation: number;
} {
	const entries: HistoryEntry[] = [];
	let incarnation = 0;
	let last: RecordedVersion | undefined;
	for (const version of versions) {
		if (
			last &&
			last.kind === 'document' &&
			version.kind === 'document' &&
			version.version < last.version
		)
			incarnation++;
		entries.push(
			version.kind === 'deleted'
				? deletedEntry(incarnation, version.version, version.at, version.writer)
				: documentEntry(
						incarnation,
						version.version,
						version.at,
						version.state,
						version.writer,
					),
		);
		if (version.kind === 'deleted') incarnation++;
		last = version;
	}

	return {entries: entries.reverse(), incarnation};
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
	const known = history.findIndex((each) => each.key === entry.key);
	// A journal's copy says who wrote it: it replaces one seen without.
	if (known >= 0)
		return entry.writer && !history[known]?.writer
			? history.with(known, entry)
			: history;
	const index = history.findIndex((known) => compareEntries(entry, known) > 0);
	const next =
		index < 0
			? [...history, entry]
			: [...history.slice(0, index), entry, ...history.slice(index)];
	return next.length > limit ? next.slice(0, limit) : next;
}

/**
Whether a journal can be this shadow's, as the broker shows it: when it
holds the version shown, the state must be the same. A journal read from an
HTTP API of another service (an address guessed wrong) most often holds that
version number with other content, and its history must not be shown as
this one's. A journal without that version (pruned by age, or written while
the journal was off) cannot tell, and is taken. Versions newest first.
*/
export function journalDescribes(
	versions: readonly RecordedVersion[],
	shown:
		| {readonly version: number; readonly state: Sections<JsonObject>}
		| null
		| undefined,
): boolean {
	if (!shown) return true;
	for (const version of versions) {
		// Older incarnations cannot hold the one shown.
		if (version.kind === 'deleted') return true;
		if (version.version === shown.version)
			return jsonEqual(version.state, shown.state);
	}

	return true;
}
