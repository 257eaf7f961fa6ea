/*
The versions the console has seen, newest first, bounded so that memory stays
flat in long sessions. One entry per version; a later copy of the same
version (a get after the documents message) does not add a row.
*/
import type {JsonObject} from '../shadow/json.js';
import type {Sections} from '../shadow/shadow-record.js';

export type HistoryEntry = {
	readonly version: number;
	/** Epoch seconds of the change. */
	readonly at: number;
	readonly state: Sections<JsonObject>;
};

export function addToHistory(
	history: readonly HistoryEntry[],
	entry: HistoryEntry,
	limit: number,
): readonly HistoryEntry[] {
	if (history.some((known) => known.version === entry.version)) return history;
	const index = history.findIndex((known) => known.version < entry.version);
	const next =
		index < 0
			? [...history, entry]
			: [...history.slice(0, index), entry, ...history.slice(index)];
	return next.length > limit ? next.slice(0, limit) : next;
}
