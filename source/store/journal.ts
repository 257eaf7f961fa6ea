/*
The version journal: every accepted version of every shadow, and every
delete, with who wrote it. Its rows are written by the shadow store in the
same transaction as the shadow itself, so a version is in the journal exactly
when it was acknowledged. Retention is enforced later, in small chunks (see
pruneJournal), so an update never waits for a prune.

The delta is not stored: it is a pure function of desired and reported
(computeDelta), so it is computed when a version is read.
*/
import type Database from 'better-sqlite3';
import type {JsonObject} from '../shadow/json.js';
import type {Sections, ShadowRecord} from '../shadow/shadow-record.js';
import type {ShadowAddress} from '../shadow/topics.js';

/** Who wrote a version, as the service saw the request arrive. */
export type Writer = {
	readonly channel: 'mqtt' | 'http' | 'rule';
	/** The MQTT client id of the publisher. */
	readonly clientId?: string;
	/** The signed-in identity: `app:NAME`, `device:NAME`, `user:NAME` or `local`. */
	readonly principal?: string;
};

/** One accepted change, in the order the service answered it. */
export type JournalWrite = {
	readonly address: ShadowAddress;
	readonly record: ShadowRecord;
	readonly writer: Writer;
	readonly clientToken?: string;
};

export type JournalEntry = {
	/** Increases with every entry of the journal: the order of changes, and the paging key. */
	readonly seq: number;
	readonly kind: 'document' | 'deleted';
	/** The document's version; for a delete, the version of the document it deleted. */
	readonly version: number;
	/** Epoch seconds of the change. */
	readonly at: number;
	/** {} for a delete. */
	readonly state: Sections<JsonObject>;
	readonly metadata: Sections<JsonObject>;
	readonly writer: Writer;
	readonly clientToken?: string;
};

export type JournalQuery = {
	readonly address: ShadowAddress;
	/** Newest first (desc, the default) or oldest first. */
	readonly order: 'asc' | 'desc';
	/** Entries strictly past this seq in the order asked: where the previous page ended. */
	readonly from?: number;
	/** Epoch seconds, inclusive. */
	readonly since?: number;
	readonly until?: number;
	/** Only entries of this version (a document and, possibly, the delete that ended it). */
	readonly version?: number;
	readonly limit: number;
};

/** How much history to keep: per shadow and by age. Whichever bound is reached first prunes. */
export type JournalRetention = {
	/** Versions kept per shadow; 0 turns the journal off. */
	readonly versions: number;
	/** Seconds; Infinity keeps entries whatever their age. */
	readonly maxAgeSeconds: number;
};

export const defaultRetention: JournalRetention = Object.freeze({
	versions: 1000,
	maxAgeSeconds: 30 * 24 * 3600,
});

type Row = {
	seq: number;
	kind: 'document' | 'deleted';
	version: number;
	at: number;
	state: string | null;
	metadata: string | null;
	channel: Writer['channel'];
	client_id: string | null;
	principal: string | null;
	client_token: string | null;
};

export const journalSchema = `CREATE TABLE IF NOT EXISTS journal (
	seq INTEGER PRIMARY KEY,
	thing TEXT NOT NULL,
	shadow TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('document', 'deleted')),
	version INTEGER NOT NULL,
	at INTEGER NOT NULL,
	state TEXT,
	metadata TEXT,
	channel TEXT NOT NULL,
	client_id TEXT,
	principal TEXT,
	client_token TEXT
);
CREATE INDEX IF NOT EXISTS journal_by_shadow ON journal (thing, shadow, seq);`;

export type JournalTable = {
	/** Inside the caller's transaction. `encoded` reuses JSON the caller already made. */
	insert(
		write: JournalWrite,
		encoded: {state: string; metadata: string} | undefined,
	): void;
	read(query: JournalQuery): JournalEntry[];
	/** Deletes at most `budget` rows past retention; returns how many it deleted. */
	prune(
		retention: JournalRetention,
		now: number,
		shadows: Iterable<ShadowAddress>,
		budget: number,
	): number;
	count(address: ShadowAddress): number;
};

export function prepareJournal(db: Database.Database): JournalTable {
	const insert = db.prepare(
		`INSERT INTO journal (thing, shadow, kind, version, at, state, metadata, channel, client_id, principal, client_token)
		 VALUES (@thing, @shadow, @kind, @version, @at, @state, @metadata, @channel, @clientId, @principal, @clientToken)`,
	);
	const columns =
		'seq, kind, version, at, state, metadata, channel, client_id, principal, client_token';
	const readers = {
		desc: db.prepare<
			[string, string, number, number, number, number, number, number],
			Row
		>(
			`SELECT ${columns} FROM journal WHERE thing = ? AND shadow = ? AND seq < ?
			 AND at >= ? AND at <= ? AND (? < 0 OR version = ?) ORDER BY seq DESC LIMIT ?`,
		),
		asc: db.prepare<
			[string, string, number, number, number, number, number, number],
			Row
		>(
			`SELECT ${columns} FROM journal WHERE thing = ? AND shadow = ? AND seq > ?
			 AND at >= ? AND at <= ? AND (? < 0 OR version = ?) ORDER BY seq ASC LIMIT ?`,
		),
	};
	const newestKept = db.prepare<[string, string, number], {seq: number}>(
		'SELECT seq FROM journal WHERE thing = ? AND shadow = ? ORDER BY seq DESC LIMIT 1 OFFSET ?',
	);
	const dropOlder = db.prepare<[string, string, number, number]>(
		`DELETE FROM journal WHERE seq IN (SELECT seq FROM journal WHERE thing = ? AND shadow = ? AND seq < ?
		 ORDER BY seq LIMIT ?)`,
	);
	const oldest = db.prepare<[number], {seq: number; at: number}>(
		'SELECT seq, at FROM journal ORDER BY seq LIMIT ?',
	);
	const dropThrough = db.prepare<[number]>(
		'DELETE FROM journal WHERE seq <= ?',
	);
	const count = db.prepare<[string, string], {count: number}>(
		'SELECT COUNT(*) AS count FROM journal WHERE thing = ? AND shadow = ?',
	);

	const pruneChunk = db.transaction(
		(
			retention: JournalRetention,
			now: number,
			shadows: Iterable<ShadowAddress>,
			budget: number,
		): number => {
			let deleted = 0;
			if (Number.isFinite(retention.maxAgeSeconds)) {
				// Entries are appended as time goes on, so the expired ones are the oldest seqs;
				// a clock set back only delays their pruning.
				const cutoff = now - retention.maxAgeSeconds;
				let through = -1;
				for (const row of oldest.all(budget)) {
					if (row.at >= cutoff) break;
					through = row.seq;
				}

				if (through >= 0) deleted += dropThrough.run(through).changes;
			}

			for (const {thingName, shadowName} of shadows) {
				if (deleted >= budget) break;
				const boundary = newestKept.get(
					thingName,
					shadowName,
					retention.versions - 1,
				);
				if (!boundary) continue;
				deleted += dropOlder.run(
					thingName,
					shadowName,
					boundary.seq,
					budget - deleted,
				).changes;
			}

			return deleted;
		},
	);

	return {
		insert(write, encoded) {
			const {address, record, writer} = write;
			const live = record.kind === 'live';
			insert.run({
				thing: address.thingName,
				shadow: address.shadowName,
				kind: live ? 'document' : 'deleted',
				// A tombstone's version is the deleted one's plus one (shadow-record.ts).
				version: live ? record.version : record.version - 1,
				at: live ? record.updatedAt : record.deletedAt,
				state: live ? (encoded?.state ?? JSON.stringify(record.state)) : null,
				metadata: live
					? (encoded?.metadata ?? JSON.stringify(record.metadata))
					: null,
				channel: writer.channel,
				clientId: writer.clientId ?? null,
				principal: writer.principal ?? null,
				clientToken: write.clientToken ?? null,
			});
		},
		read(query) {
			const {address, order} = query;
			const from =
				query.from ?? (order === 'desc' ? Number.MAX_SAFE_INTEGER : -1);
			return readers[order]
				.all(
					address.thingName,
					address.shadowName,
					from,
					query.since ?? Number.MIN_SAFE_INTEGER,
					query.until ?? Number.MAX_SAFE_INTEGER,
					query.version ?? -1,
					query.version ?? -1,
					query.limit,
				)
				.map((row) => fromRow(row));
		},
		prune(retention, now, shadows, budget) {
			return pruneChunk(retention, now, shadows, budget);
		},
		count(address) {
			return count.get(address.thingName, address.shadowName)?.count ?? 0;
		},
	};
}

function fromRow(row: Row): JournalEntry {
	const writer: Writer = {
		channel: row.channel,
		...(row.client_id === null ? {} : {clientId: row.client_id}),
		...(row.principal === null ? {} : {principal: row.principal}),
	};
	return {
		seq: row.seq,
		kind: row.kind,
		version: row.version,
		at: row.at,
		state: JSON.parse(row.state ?? '{}') as Sections<JsonObject>,
		metadata: JSON.parse(row.metadata ?? '{}') as Sections<JsonObject>,
		writer,
		...(row.client_token === null ? {} : {clientToken: row.client_token}),
	};
}
