/*
The durable store: one SQLite file, WAL with synchronous=FULL so that a
committed transaction survives power loss. The service is its only writer, so
a cache in front of it is authoritative. commitBatch writes every record of
one batch in a single transaction (group commit): throughput comes from
batching, not from weaker durability.
*/
import {mkdirSync} from 'node:fs';
import {dirname} from 'node:path';
import Database from 'better-sqlite3';
import type {JsonObject} from '../shadow/json.js';
import type {LiveShadow, ShadowRecord} from '../shadow/shadow-record.js';
import {addressKey, type ShadowAddress} from '../shadow/topics.js';
import {
	journalFromVersion2,
	journalSchema,
	prepareJournal,
	type JournalEntry,
	type JournalQuery,
	type JournalRetention,
	type JournalWrite,
} from './journal.js';
import {
	fleetIndexSchema,
	prepareFleetIndex,
	type FleetIndexReader,
} from './fleet-index.js';

export type ShadowStore = {
	readonly path: string;
	/** The stored record, or undefined when the shadow never existed. */
	load(address: ShadowAddress): ShadowRecord | undefined;
	/**
	Writes all records, and the journal's entries for them, in one transaction;
	returns only once it is durable. Throws on failure.
	*/
	commitBatch(
		records: ReadonlyMap<
			string,
			{address: ShadowAddress; record: ShadowRecord}
		>,
		journal?: readonly JournalWrite[],
	): void;
	readJournal(query: JournalQuery): JournalEntry[];
	/** Deletes at most `budget` journal rows past retention (expired ones, then the shadows' excess). */
	pruneJournal(
		retention: JournalRetention,
		now: number,
		shadows: Iterable<ShadowAddress>,
		budget: number,
	): number;
	journalCount(address: ShadowAddress): number;
	/** Every shadow the store has a record of (live or deleted), after `after`, in order. */
	listAddresses(after: ShadowAddress, limit: number): ShadowAddress[];
	countLiveNamedShadows(thingName: string): number;
	/** Live named shadows of a thing, ascending by name, after `after`. */
	listNamedShadows(thingName: string, after: string, limit: number): string[];
	/**
	Live shadows after (thing, shadow), in that order, until visit returns false.
	Reads the file: every commit has happened before any request is answered.
	*/
	scanLive(
		after: ShadowAddress,
		visit: (address: ShadowAddress, shadow: LiveShadow) => boolean,
	): void;
	/** Records held in memory now (bounded by cacheSize). */
	cachedRecords(): number;
	/** The fleet index, written with every commit (unless it is off). */
	readonly fleetIndex: FleetIndexReader;
	/** Things with a live shadow after `after`, ascending. */
	thingsAfter(after: string, limit: number): string[];
	/** A thing's live shadows, classic ('') first, then by name. */
	thingShadows(
		thingName: string,
	): {readonly shadowName: string; readonly shadow: LiveShadow}[];
	close(): void;
};

type Row = {
	kind: 'live' | 'deleted';
	version: number;
	state: string | null;
	metadata: string | null;
	updated_at: number;
};

const schemaVersion = 4;

/** Records kept in memory; SQLite holds all of them, so a miss only costs a read. */
export const defaultCacheSize = 50_000;

export type ShadowStoreOptions = {
	readonly cacheSize?: number;
	/** The fleet index (default on); off, SearchIndex reads every shadow. */
	readonly fleetIndex?: boolean;
};

export function openShadowStore(
	path: string,
	options: ShadowStoreOptions = {},
): ShadowStore {
	const cacheSize = options.cacheSize ?? defaultCacheSize;
	if (path !== ':memory:') mkdirSync(dirname(path), {recursive: true});
	const db = new Database(path);
	db.pragma('journal_mode = WAL');
	db.pragma('synchronous = FULL');
	db.pragma('busy_timeout = 5000');
	migrate(db);

	const select = db.prepare<[string, string], Row>(
		'SELECT kind, version, state, metadata, updated_at FROM shadows WHERE thing = ? AND shadow = ?',
	);
	const upsert = db.prepare(
		`INSERT INTO shadows (thing, shadow, kind, version, state, metadata, updated_at)
		 VALUES (@thing, @shadow, @kind, @version, @state, @metadata, @updatedAt)
		 ON CONFLICT (thing, shadow) DO UPDATE SET kind = excluded.kind, version = excluded.version,
		 state = excluded.state, metadata = excluded.metadata, updated_at = excluded.updated_at`,
	);
	const countNamed = db.prepare<[string], {count: number}>(
		"SELECT COUNT(*) AS count FROM shadows WHERE thing = ? AND shadow <> '' AND kind = 'live'",
	);
	const listNamed = db.prepare<[string, string, number], {shadow: string}>(
		"SELECT shadow FROM shadows WHERE thing = ? AND shadow > ? AND kind = 'live' ORDER BY shadow LIMIT ?",
	);
	const scanLive = db.prepare<
		[string, string],
		Row & {thing: string; shadow: string}
	>(
		"SELECT thing, shadow, kind, version, state, metadata, updated_at FROM shadows WHERE kind = 'live' AND (thing, shadow) > (?, ?) ORDER BY thing, shadow",
	);
	const journal = prepareJournal(db);
	const index = prepareFleetIndex(db, options.fleetIndex ?? true);
	// Read in chunks: a connection cannot write while a statement still iterates.
	const liveChunk = db.prepare<
		[string, string],
		Row & {thing: string; shadow: string}
	>(
		"SELECT thing, shadow, kind, version, state, metadata, updated_at FROM shadows WHERE kind = 'live' AND (thing, shadow) > (?, ?) ORDER BY thing, shadow LIMIT 1000",
	);
	const things = db.prepare<[string, number], {thing: string}>(
		"SELECT DISTINCT thing FROM shadows WHERE thing > ? AND kind = 'live' ORDER BY thing LIMIT ?",
	);
	const shadowsOfThing = db.prepare<[string], Row & {shadow: string}>(
		"SELECT shadow, kind, version, state, metadata, updated_at FROM shadows WHERE thing = ? AND kind = 'live' ORDER BY shadow",
	);
	index.open(function* () {
		let after = {thing: '', shadow: ''};
		for (;;) {
			const rows = liveChunk.all(after.thing, after.shadow);
			if (rows.length === 0) return;
			for (const row of rows) {
				const record = fromRow(row);
				if (record.kind === 'live')
					yield [{thingName: row.thing, shadowName: row.shadow}, record];
			}

			after = rows.at(-1) ?? after;
		}
	});
	const addresses = db.prepare<
		[string, string, number],
		{thing: string; shadow: string}
	>(
		'SELECT thing, shadow FROM shadows WHERE (thing, shadow) > (?, ?) ORDER BY thing, shadow LIMIT ?',
	);
	// Least recently used first: a Map keeps insertion order, and every use re-inserts.
	const cache = new Map<string, ShadowRecord | undefined>();
	const remember = (key: string, record: ShadowRecord | undefined) => {
		cache.delete(key);
		cache.set(key, record);
		if (cache.size > cacheSize) {
			const oldest = cache.keys().next();
			if (!oldest.done) cache.delete(oldest.value);
		}
	};

	// What is committed now: the cache holds it unless it was evicted (then the file does).
	const committed = (key: string, address: ShadowAddress) => {
		if (cache.has(key)) return cache.get(key);
		const row = select.get(address.thingName, address.shadowName);
		return row ? fromRow(row) : undefined;
	};

	const writeAll = db.transaction(
		(
			records: ReadonlyMap<
				string,
				{address: ShadowAddress; record: ShadowRecord}
			>,
			writes: readonly JournalWrite[],
		) => {
			// A shadow's last version in the batch is both journaled and upserted: encode it once.
			const encoded = new Map<
				ShadowRecord,
				{state: string; metadata: string}
			>();
			for (const write of writes) {
				const {record} = write;
				const json =
					record.kind === 'live'
						? {
								state: JSON.stringify(record.state),
								metadata: JSON.stringify(record.metadata),
							}
						: undefined;
				if (json) encoded.set(record, json);
				journal.insert(write, json);
			}

			for (const [key, {address, record}] of records) {
				index.apply(address, committed(key, address), record);
				const live = record.kind === 'live';
				const json = live ? encoded.get(record) : undefined;
				upsert.run({
					thing: address.thingName,
					shadow: address.shadowName,
					kind: record.kind,
					version: record.version,
					state: live ? (json?.state ?? JSON.stringify(record.state)) : null,
					metadata: live
						? (json?.metadata ?? JSON.stringify(record.metadata))
						: null,
					updatedAt: live ? record.updatedAt : record.deletedAt,
				});
			}
		},
	);

	return {
		path,
		load(address) {
			const key = addressKey(address);
			if (cache.has(key)) {
				const cached = cache.get(key);
				remember(key, cached);
				return cached;
			}

			const row = select.get(address.thingName, address.shadowName);
			const record = row ? fromRow(row) : undefined;
			remember(key, record);
			return record;
		},
		commitBatch(records, writes = []) {
			writeAll(records, writes);
			for (const [key, {record}] of records) remember(key, record);
		},
		countLiveNamedShadows(thingName) {
			return countNamed.get(thingName)?.count ?? 0;
		},
		listNamedShadows(thingName, after, limit) {
			return listNamed
				.all(thingName, after === '' ? '\u0000' : after, limit)
				.map((row) => row.shadow);
		},
		scanLive(after, visit) {
			for (const row of scanLive.iterate(after.thingName, after.shadowName)) {
				const record = fromRow(row);
				if (record.kind !== 'live') continue;
				if (!visit({thingName: row.thing, shadowName: row.shadow}, record))
					break;
			}
		},
		readJournal: (query) => journal.read(query),
		pruneJournal: (retention, now, shadows, budget) =>
			journal.prune(retention, now, shadows, budget),
		journalCount: (address) => journal.count(address),
		listAddresses: (after, limit) =>
			addresses
				.all(after.thingName, after.shadowName, limit)
				.map((row) => ({thingName: row.thing, shadowName: row.shadow})),
		cachedRecords: () => cache.size,
		fleetIndex: index,
		thingsAfter: (after, limit) =>
			things.all(after, limit).map((row) => row.thing),
		thingShadows(thingName) {
			const shadows: {shadowName: string; shadow: LiveShadow}[] = [];
			for (const row of shadowsOfThing.iterate(thingName)) {
				const record = fromRow(row);
				if (record.kind === 'live')
					shadows.push({shadowName: row.shadow, shadow: record});
			}

			return shadows;
		},
		close() {
			db.close();
		},
	};
}

function fromRow(row: Row): ShadowRecord {
	if (row.kind === 'deleted')
		return {kind: 'deleted', version: row.version, deletedAt: row.updated_at};
	return {
		kind: 'live',
		state: JSON.parse(row.state ?? '{}') as {
			desired?: JsonObject;
			reported?: JsonObject;
		},
		metadata: JSON.parse(row.metadata ?? '{}') as {
			desired?: JsonObject;
			reported?: JsonObject;
		},
		version: row.version,
		updatedAt: row.updated_at,
	};
}

function migrate(db: Database.Database): void {
	const current = db.pragma('user_version', {simple: true}) as number;
	if (current > schemaVersion) {
		throw new Error(
			`the store at ${db.name} was written by a newer shadow-tui (schema ${current})`,
		);
	}

	if (current < 1) {
		db.exec(`CREATE TABLE IF NOT EXISTS shadows (
			thing TEXT NOT NULL,
			shadow TEXT NOT NULL,
			kind TEXT NOT NULL CHECK (kind IN ('live', 'deleted')),
			version INTEGER NOT NULL,
			state TEXT,
			metadata TEXT,
			updated_at INTEGER NOT NULL,
			PRIMARY KEY (thing, shadow)
		) WITHOUT ROWID`);
	}

	// Version 2: the journal. A store from before starts its history at the upgrade.
	if (current < 2) db.exec(journalSchema);
	// Version 3: its index is written once a second, not by every update (journal.ts).
	else if (current < 3) db.exec(journalFromVersion2);
	// Version 4: the fleet index, built from the shadows when the store opens (fleet-index.ts).
	if (current < 4) db.exec(fleetIndexSchema);

	db.pragma(`user_version = ${schemaVersion}`);
}
