/*
The fleet index in the shadow store's file: one row per term of every live
shadow (index-terms.ts), keyed (field, value, thing, shadow), so a term's
things come out in name order and a value range is one index range. It is
written in the same transaction as the shadows it describes: a query never
sees a shadow the index does not, nor the other way round.

Each commit writes only the terms that changed (an update of one reported
value deletes one row and inserts one). The terms of the version before are
remembered per record object, so they are not worked out twice.

The index can be off (serve --fleet-index off): then it is not written, and
marked stale, so that turning it on again rebuilds it from the shadows.
*/
import type Database from 'better-sqlite3';
import {
	diffTerms,
	termsOf,
	type Term,
	type TermSet,
	type TermValue,
} from '../fleet/index-terms.js';
import type {LiveShadow, ShadowRecord} from '../shadow/shadow-record.js';
import type {ShadowAddress} from '../shadow/topics.js';

export const fleetIndexSchema = `
CREATE TABLE IF NOT EXISTS fleet_terms (
	field TEXT NOT NULL,
	value NOT NULL,
	thing TEXT NOT NULL,
	shadow TEXT NOT NULL,
	PRIMARY KEY (field, value, thing, shadow)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS fleet_index_state (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	current INTEGER NOT NULL
);`;

/** A bound of a value range; a number bound never takes text, nor a text bound numbers. */
export type ValueBound = {
	readonly value: TermValue;
	readonly inclusive: boolean;
};

export type TermRow = {readonly value: TermValue; readonly thing: string};

/** What the search asks of the index. Every list is in ascending thing order unless said. */
export type FleetIndexReader = {
	/** False when the index is off: every query then reads the shadows. */
	readonly enabled: boolean;
	/** Things with the exact term, after `after`. */
	exactThings(
		field: string,
		value: TermValue,
		after: string,
		limit: number,
	): string[];
	/** Rows of a field whose values fall in the range (any order); at most `limit`. */
	rangeRows(
		field: string,
		lower: ValueBound | undefined,
		upper: ValueBound | undefined,
		kind: 'number' | 'text',
		limit: number,
	): TermRow[];
	/** Things with any term at the field or under it (the field is an object), at most `limit` rows, any order. */
	fieldThings(field: string, limit: number): string[];
	/** Rows per value of a field: thing count per value (a whole-fleet aggregation). */
	valueCounts(
		field: string,
		limit: number,
	): {readonly value: TermValue; readonly things: number}[];
};

export type FleetIndexWriter = {
	/** Writes the term changes of one shadow; inside the caller's transaction. */
	apply(
		address: ShadowAddress,
		before: ShadowRecord | undefined,
		after: ShadowRecord,
	): void;
};

/** Remembered terms of record objects, which are immutable: the next commit's "before". */
const remembered = new WeakMap<LiveShadow, TermSet>();

function termsFor(address: ShadowAddress, record: ShadowRecord | undefined) {
	if (record?.kind !== 'live') return new Map<string, Term>();
	const known = remembered.get(record);
	if (known) return known;
	const terms = termsOf(address, record);
	remembered.set(record, terms);
	return terms;
}

export function prepareFleetIndex(
	db: Database.Database,
	enabled: boolean,
): FleetIndexReader &
	FleetIndexWriter & {
		/** Makes the index describe every live shadow, when it is on and was not current. */
		open(scan: () => Iterable<[ShadowAddress, LiveShadow]>): void;
	} {
	const insert = db.prepare(
		'INSERT OR IGNORE INTO fleet_terms (field, value, thing, shadow) VALUES (?, ?, ?, ?)',
	);
	const remove = db.prepare(
		'DELETE FROM fleet_terms WHERE field = ? AND value = ? AND thing = ? AND shadow = ?',
	);
	const exact = db.prepare<
		[string, TermValue, string, number],
		{thing: string}
	>(
		'SELECT DISTINCT thing FROM fleet_terms WHERE field = ? AND value = ? AND thing > ? ORDER BY thing LIMIT ?',
	);
	const atField = db.prepare<[string, number], {thing: string}>(
		'SELECT thing FROM fleet_terms WHERE field = ? LIMIT ?',
	);
	// '/' follows '.': every field under P sorts between 'P.' and 'P/'.
	const underField = db.prepare<[string, string, number], {thing: string}>(
		'SELECT thing FROM fleet_terms WHERE field > ? AND field < ? LIMIT ?',
	);
	const counts = db.prepare<
		[string, number],
		{value: TermValue; things: number}
	>(
		'SELECT value, COUNT(DISTINCT thing) AS things FROM fleet_terms WHERE field = ? GROUP BY value LIMIT ?',
	);
	const isCurrent = db.prepare<[], {current: number}>(
		'SELECT current FROM fleet_index_state WHERE id = 1',
	);
	const setCurrent = db.prepare(
		'INSERT INTO fleet_index_state (id, current) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET current = excluded.current',
	);
	const ranges = new Map<string, Database.Statement<unknown[], TermRow>>();

	function rangeStatement(
		lower: ValueBound | undefined,
		upper: ValueBound | undefined,
		kind: 'number' | 'text',
	) {
		// Numbers sort before all text in SQLite: '' bounds each kind on its open side.
		const low = lower
			? `value ${lower.inclusive ? '>=' : '>'} ?`
			: kind === 'text'
				? "value >= ''"
				: undefined;
		const high = upper
			? `value ${upper.inclusive ? '<=' : '<'} ?`
			: kind === 'number'
				? "value < ''"
				: undefined;
		const key = `${kind}|${low ?? ''}|${high ?? ''}`;
		let statement = ranges.get(key);
		if (!statement) {
			const where = ['field = ?', low, high].filter(Boolean).join(' AND ');
			statement = db.prepare<unknown[], TermRow>(
				`SELECT value, thing FROM fleet_terms WHERE ${where} LIMIT ?`,
			);
			ranges.set(key, statement);
		}

		return statement;
	}

	const writeTerms = (address: ShadowAddress, terms: Iterable<Term>) => {
		for (const term of terms)
			insert.run(term.field, term.value, address.thingName, address.shadowName);
	};

	return {
		enabled,
		apply(address, before, after) {
			if (!enabled) return;
			const {removed, added} = diffTerms(
				termsFor(address, before),
				termsFor(address, after),
			);
			for (const term of removed)
				remove.run(
					term.field,
					term.value,
					address.thingName,
					address.shadowName,
				);
			writeTerms(address, added);
		},
		open(scan) {
			if (!enabled) {
				setCurrent.run(0);
				return;
			}

			if (isCurrent.get()?.current === 1) return;
			db.transaction(() => {
				db.exec('DELETE FROM fleet_terms');
				for (const [address, shadow] of scan())
					writeTerms(address, termsFor(address, shadow).values());
				setCurrent.run(1);
			})();
		},
		exactThings: (field, value, after, limit) =>
			exact.all(field, value, after, limit).map((row) => row.thing),
		rangeRows(field, lower, upper, kind, limit) {
			const parameters: unknown[] = [field];
			if (lower) parameters.push(lower.value);
			if (upper) parameters.push(upper.value);
			parameters.push(limit);
			return rangeStatement(lower, upper, kind).all(...parameters);
		},
		fieldThings(field, limit) {
			const things = atField.all(field, limit).map((row) => row.thing);
			if (things.length >= limit) return things;
			for (const row of underField.all(
				`${field}.`,
				`${field}/`,
				limit - things.length,
			))
				things.push(row.thing);
			return things;
		},
		valueCounts: (field, limit) => counts.all(field, limit),
	};
}
