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

/*
The journal is append-only in the update's transaction: a row, no index. Its
index by shadow (journal_index) is filled afterwards, by the pruner once a
second, for every row past `indexedThrough`: an index entry per update
landed on a different page for every shadow of a batch, and writing those
pages made the journal cost an update a quarter more; once a second, each
shadow's page is written once however many versions it had. A read takes the
indexed part through the index and the short unindexed tail (the last
second or so) by scanning it.
*/
/** Version 2 of the store had the journal with an index written by every update. */
export const journalFromVersion2 = `DROP INDEX IF EXISTS journal_by_shadow;
CREATE TABLE IF NOT EXISTS journal_index (
	thing TEXT NOT NULL,
	shadow TEXT NOT NULL,
	seq INTEGER NOT NULL,
	PRIMARY KEY (thing, shadow, seq)
) WITHOUT ROWID;
INSERT OR IGNORE INTO journal_index (thing, shadow, seq) SELECT thing, shadow, seq FROM journal;`;

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
CREATE TABLE IF NOT EXISTS journal_index (
	thing TEXT NOT NULL,
	shadow TEXT NOT NULL,
	seq INTEGER NOT NULL,
	PRIMARY KEY (thing, shadow, seq)
) WITHOUT ROWID;`;

export type JournalTable = {
	/** Inside the caller's transaction. `encoded` reuses JSON the caller already made. */
	insert(
		write: JournalWrite,
		encoded: {state: string; metadata: string} | undefined,
	): void;
	read(query: JournalQuery): JournalEntry[];
	/**
	Indexes the rows appended since the last call, then deletes what is past
	retention; at most `budget` rows of each. Returns the rows it worked on:
	`budget` or more means there may be more to do.
	*/
	prune(
		retention: JournalRetention,
		now: number,
		shadows: Iterable<ShadowAddress>,
		budget: number,
	): number;
	count(address: ShadowAddress): number;
};

const columns =
	'j.seq AS seq, j.kind AS kind, j.version AS version, j.at AS at, j.state AS state, j.metadata AS metadata, j.channel AS channel, j.client_id AS client_id, j.principal AS principal, j.client_token AS client_token';
const filters =
	'AND j.at >= @since AND j.at <= @until AND (@version < 0 OR j.version = @version)';

type ReadParameters = {
	thing: string;
	shadow: string;
	low: number;
	high: number;
	since: number;
	until: number;
	version: number;
	limit: number;
};

const indexChunks = 20;

export function prepareJournal(db: Database.Database): JournalTable {
	// Positional parameters: binding by name cost an update about 1.5 µs more.
	const insert = db.prepare<
		[
			number,
			string,
			string,
			string,
			number,
			number,
			string | null,
			string | null,
			string,
			string | null,
			string | null,
			string | null,
		]
	>(
		`INSERT INTO journal (seq, thing, shadow, kind, version, at, state, metadata, channel, client_id, principal, client_token)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
	);
	// Rows with low < seq < high, of one shadow, newest or oldest first.
	const reader = (source: 'indexed' | 'tail', order: 'ASC' | 'DESC') =>
		db.prepare<[ReadParameters], Row>(
			source === 'indexed'
				? `SELECT ${columns} FROM journal_index i JOIN journal j ON j.seq = i.seq
				   WHERE i.thing = @thing AND i.shadow = @shadow AND i.seq > @low AND i.seq < @high ${filters}
				   ORDER BY i.seq ${order} LIMIT @limit`
				: `SELECT ${columns} FROM journal j
				   WHERE j.seq > @low AND j.seq < @high AND j.thing = @thing AND j.shadow = @shadow ${filters}
				   ORDER BY j.seq ${order} LIMIT @limit`,
		);
	const readers = {
		indexed: {asc: reader('indexed', 'ASC'), desc: reader('indexed', 'DESC')},
		tail: {asc: reader('tail', 'ASC'), desc: reader('tail', 'DESC')},
	};
	const newestIndexed = db.prepare<[], {seq: number | null}>(
		'SELECT MAX(seq) AS seq FROM journal_index',
	);
	const tailEnd = db.prepare<[number, number], {seq: number}>(
		'SELECT seq FROM journal WHERE seq > ? ORDER BY seq LIMIT 1 OFFSET ?',
	);
	const newestSeq = db.prepare<[], {seq: number | null}>(
		'SELECT MAX(seq) AS seq FROM journal',
	);
	const indexRange = db.prepare<[number, number]>(
		`INSERT OR IGNORE INTO journal_index (thing, shadow, seq)
		 SELECT thing, shadow, seq FROM journal WHERE seq > ? AND seq <= ?`,
	);
	const newestKept = db.prepare<[string, string, number], {seq: number}>(
		'SELECT seq FROM journal_index WHERE thing = ? AND shadow = ? ORDER BY seq DESC LIMIT 1 OFFSET ?',
	);
	const olderThan = db.prepare<[string, string, number, number], {seq: number}>(
		'SELECT seq FROM journal_index WHERE thing = ? AND shadow = ? AND seq < ? ORDER BY seq LIMIT ?',
	);
	const oldest = db.prepare<
		[number],
		{seq: number; at: number; thing: string; shadow: string}
	>('SELECT seq, at, thing, shadow FROM journal ORDER BY seq LIMIT ?');
	const dropRow = db.prepare<[number]>('DELETE FROM journal WHERE seq = ?');
	const dropEntry = db.prepare<[string, string, number]>(
		'DELETE FROM journal_index WHERE thing = ? AND shadow = ? AND seq = ?',
	);
	const countIndexed = db.prepare<[string, string], {count: number}>(
		'SELECT COUNT(*) AS count FROM journal_index WHERE thing = ? AND shadow = ?',
	);
	const countTail = db.prepare<[number, string, string], {count: number}>(
		'SELECT COUNT(*) AS count FROM journal WHERE seq > ? AND thing = ? AND shadow = ?',
	);

	// Rows at or below it have their index entry; a crash only leaves more to index.
	let indexedThrough = newestIndexed.get()?.seq ?? 0;
	/*
	Seqs are given here rather than by SQLite: a rowid may be reused once every
	row is pruned, and a reused seq at or below indexedThrough would never be
	indexed. AUTOINCREMENT would prevent it too, at a lookup per insert.
	*/
	let lastSeq = Math.max(newestSeq.get()?.seq ?? 0, indexedThrough);

	/** The rows to index next: up to `budget` past indexedThrough; their last seq. */
	const indexTail = (budget: number): {indexed: number; end: number} => {
		const end =
			tailEnd.get(indexedThrough, budget - 1)?.seq ??
			newestSeq.get()?.seq ??
			indexedThrough;
		if (end <= indexedThrough) return {indexed: 0, end: indexedThrough};
		return {indexed: indexRange.run(indexedThrough, end).changes, end};
	};

	const drop = (thing: string, shadow: string, seq: number) => {
		dropRow.run(seq);
		dropEntry.run(thing, shadow, seq);
	};

	const pruneChunk = db.transaction(
		(
			retention: JournalRetention,
			now: number,
			shadows: Iterable<ShadowAddress>,
			budget: number,
		): {worked: number; end: number} => {
			// Index entries are small: many of them per chunk.
			const {indexed, end} = indexTail(budget * indexChunks);
			let deleted = 0;
			if (Number.isFinite(retention.maxAgeSeconds)) {
				// Entries are appended as time goes on, so the expired ones are the oldest seqs;
				// a clock set back only delays their pruning.
				const cutoff = now - retention.maxAgeSeconds;
				const first = oldest.get(1);
				for (const row of first && first.at < cutoff
					? oldest.all(budget)
					: []) {
					if (row.at >= cutoff) break;
					drop(row.thing, row.shadow, row.seq);
					deleted++;
				}
			}

			for (const {thingName, shadowName} of shadows) {
				if (deleted >= budget) break;
				const boundary = newestKept.get(
					thingName,
					shadowName,
					retention.versions - 1,
				);
				if (!boundary) continue;
				for (const {seq} of olderThan.all(
					thingName,
					shadowName,
					boundary.seq,
					budget - deleted,
				)) {
					drop(thingName, shadowName, seq);
					deleted++;
				}
			}

			return {worked: Math.max(indexed / indexChunks, deleted), end};
		},
	);

	const readPart = (
		source: 'indexed' | 'tail',
		query: JournalQuery,
		low: number,
		high: number,
		limit: number,
	): Row[] =>
		limit <= 0 || high - low <= 1
			? []
			: readers[source][query.order].all({
					thing: query.address.thingName,
					shadow: query.address.shadowName,
					low,
					high,
					since: query.since ?? Number.MIN_SAFE_INTEGER,
					until: query.until ?? Number.MAX_SAFE_INTEGER,
					version: query.version ?? -1,
					limit,
				});

	return {
		insert(write, encoded) {
			const {address, record, writer} = write;
			const live = record.kind === 'live';
			insert.run(
				++lastSeq,
				address.thingName,
				address.shadowName,
				live ? 'document' : 'deleted',
				// A tombstone's version is the deleted one's plus one (shadow-record.ts).
				live ? record.version : record.version - 1,
				live ? record.updatedAt : record.deletedAt,
				live ? (encoded?.state ?? JSON.stringify(record.state)) : null,
				live ? (encoded?.metadata ?? JSON.stringify(record.metadata)) : null,
				writer.channel,
				writer.clientId ?? null,
				writer.principal ?? null,
				write.clientToken ?? null,
			);
		},
		read(query) {
			const {limit} = query;
			const split = indexedThrough + 1;
			// Every tail seq is above every indexed one.
			if (query.order === 'desc') {
				const high = query.from ?? Number.MAX_SAFE_INTEGER;
				const tail = readPart('tail', query, split - 1, high, limit);
				const rows = [
					...tail,
					...readPart(
						'indexed',
						query,
						-1,
						Math.min(high, split),
						limit - tail.length,
					),
				];
				return rows.map((row) => fromRow(row));
			}

			const low = query.from ?? -1;
			const indexed = readPart('indexed', query, low, split, limit);
			const rows = [
				...indexed,
				...readPart(
					'tail',
					query,
					Math.max(low, split - 1),
					Number.MAX_SAFE_INTEGER,
					limit - indexed.length,
				),
			];
			return rows.map((row) => fromRow(row));
		},
		prune(retention, now, shadows, budget) {
			const {worked, end} = pruneChunk(retention, now, shadows, budget);
			// Only once committed: a read must never skip rows the index does not hold.
			indexedThrough = end;
			return worked;
		},
		count(address) {
			return (
				(countIndexed.get(address.thingName, address.shadowName)?.count ?? 0) +
				(countTail.get(indexedThrough, address.thingName, address.shadowName)
					?.count ?? 0)
			);
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
