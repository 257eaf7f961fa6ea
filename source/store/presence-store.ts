/*
Who is connected to the embedded broker, durably: one row per client id with
its last will, keep-alive, session and principal. aedes keeps wills in memory
only, so a broker that dies (SIGKILL, power loss) forgets them; these rows let
the next run publish the wills of clients that never came back (see
presence-rules.ts). It is a table of its own in the shadow store's file, on a
second connection (WAL, synchronous=FULL), so a row is durable once put()
returns and the shadow store's schema and version are not touched.
*/
import {mkdirSync} from 'node:fs';
import {dirname} from 'node:path';
import Database from 'better-sqlite3';

export type WillMessage = {
	readonly topic: string;
	readonly payload: Buffer;
	readonly qos: 0 | 1 | 2;
	readonly retain: boolean;
};

export type PresenceRecord = {
	readonly clientId: string;
	readonly sessionIdentifier: string;
	readonly principalIdentifier: string;
	/** As the client asked in CONNECT; 0 means it sends no pings. */
	readonly keepAliveSeconds: number;
	/** The lifecycle events' versionNumber of this session. */
	readonly versionNumber: number;
	/** Epoch milliseconds. */
	readonly connectedAt: number;
	readonly will?: WillMessage;
};

export type PresenceStore = {
	readonly path: string;
	/** Every row, oldest connection first. */
	list(): PresenceRecord[];
	/** Replaces the row of this client id; returns once it is durable. Throws on failure. */
	put(record: PresenceRecord): void;
	/** Removes the row only if it still belongs to this session (a newer one may have replaced it). */
	remove(clientId: string, sessionIdentifier: string): void;
	close(): void;
};

type Row = {
	client_id: string;
	session_identifier: string;
	principal_identifier: string;
	keep_alive_seconds: number;
	version_number: number;
	connected_at: number;
	will_topic: string | null;
	will_payload: Buffer | null;
	will_qos: number | null;
	will_retain: number | null;
};

export function openPresenceStore(path: string): PresenceStore {
	if (path !== ':memory:') mkdirSync(dirname(path), {recursive: true});
	const db = new Database(path);
	db.pragma('journal_mode = WAL');
	db.pragma('synchronous = FULL');
	// The shadow store writes the same file from this process; wait for it rather than fail.
	db.pragma('busy_timeout = 5000');
	// The client id is the key: a client id holds at most one row however often it connects.
	db.exec(`CREATE TABLE IF NOT EXISTS presence (
		client_id TEXT PRIMARY KEY,
		session_identifier TEXT NOT NULL,
		principal_identifier TEXT NOT NULL,
		keep_alive_seconds INTEGER NOT NULL,
		version_number INTEGER NOT NULL,
		connected_at INTEGER NOT NULL,
		will_topic TEXT,
		will_payload BLOB,
		will_qos INTEGER,
		will_retain INTEGER
	) WITHOUT ROWID`);

	const selectAll = db.prepare<[], Row>(
		'SELECT * FROM presence ORDER BY connected_at, client_id',
	);
	const upsert = db.prepare(
		`INSERT OR REPLACE INTO presence (client_id, session_identifier, principal_identifier,
		 keep_alive_seconds, version_number, connected_at, will_topic, will_payload, will_qos, will_retain)
		 VALUES (@clientId, @sessionIdentifier, @principalIdentifier, @keepAliveSeconds,
		 @versionNumber, @connectedAt, @willTopic, @willPayload, @willQos, @willRetain)`,
	);
	const deleteSession = db.prepare<[string, string]>(
		'DELETE FROM presence WHERE client_id = ? AND session_identifier = ?',
	);

	return {
		path,
		list: () => selectAll.all().map(fromRow),
		put(record) {
			const {will} = record;
			upsert.run({
				clientId: record.clientId,
				sessionIdentifier: record.sessionIdentifier,
				principalIdentifier: record.principalIdentifier,
				keepAliveSeconds: record.keepAliveSeconds,
				versionNumber: record.versionNumber,
				connectedAt: record.connectedAt,
				willTopic: will?.topic ?? null,
				willPayload: will?.payload ?? null,
				willQos: will?.qos ?? null,
				willRetain: will ? Number(will.retain) : null,
			});
		},
		remove(clientId, sessionIdentifier) {
			deleteSession.run(clientId, sessionIdentifier);
		},
		close() {
			db.close();
		},
	};
}

function fromRow(row: Row): PresenceRecord {
	const record: PresenceRecord = {
		clientId: row.client_id,
		sessionIdentifier: row.session_identifier,
		principalIdentifier: row.principal_identifier,
		keepAliveSeconds: row.keep_alive_seconds,
		versionNumber: row.version_number,
		connectedAt: row.connected_at,
	};
	if (row.will_topic === null) return record;
	return {
		...record,
		will: {
			topic: row.will_topic,
			payload: row.will_payload ?? Buffer.alloc(0),
			qos: toQos(row.will_qos),
			retain: row.will_retain === 1,
		},
	};
}

function toQos(value: number | null): 0 | 1 | 2 {
	return value === 1 || value === 2 ? value : 0;
}
