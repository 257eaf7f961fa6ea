/*
Fleet Indexing over the store: which things match a query, one page at a
time, in thing name order, and counts over all of them.

The index (store/fleet-index.ts) names candidates; each candidate's shadows
are then read and the whole query is checked on them (aws-query-match.ts),
so the index only has to be a superset and every answer means exactly what
the query says. What narrows the candidates:
- a term: the things with that term, in name order straight from the index;
- a prefix wildcard, a range, field:*: the things of that value range, when
  there are at most `materializeLimit` rows of them;
- AND: its narrowest operand; OR: all its operands merged, if each narrows;
- anything else (NOT, a leading wildcard, a free-text term, a path with a
  '*' segment, a broad range): every thing, in order.
So a selective query reads only what it finds, and any query reads at most
`examineLimit` candidates per page: past that the page ends early with a
token, as AWS allows ("might contain fewer results"). No request can hold
the service for long, however its query is written.
*/
import {setImmediate as yieldToEventLoop} from 'node:timers/promises';
import type {FieldRef, QueryNode, ValueTest} from '../fleet/aws-query.js';
import {
	matchesThing,
	testMatches,
	type IndexedShadow,
	type IndexedThing,
} from '../fleet/aws-query-match.js';
import {fieldPrefix, type TermValue} from '../fleet/index-terms.js';
import {computeDelta} from '../shadow/compute-delta.js';
import {isJsonObject, type JsonValue} from '../shadow/json.js';
import type {LiveShadow} from '../shadow/shadow-record.js';
import type {FleetIndexReader, ValueBound} from '../store/fleet-index.js';
import type {ConnectivityTracker, ThingConnectivity} from './connectivity.js';

export type SearchSources = {
	readonly index: FleetIndexReader;
	thingsAfter(after: string, limit: number): string[];
	thingShadows(
		thingName: string,
	): readonly {readonly shadowName: string; readonly shadow: LiveShadow}[];
	readonly connectivity: ConnectivityTracker;
};

export type FoundThing = {
	readonly thingName: string;
	readonly shadows: readonly {
		readonly shadowName: string;
		readonly shadow: LiveShadow;
	}[];
	readonly connectivity: ThingConnectivity;
};

export type SearchPage = {
	readonly things: readonly FoundThing[];
	/** Where the next page starts; undefined when there is no more. */
	readonly after?: string;
};

export const searchLimits = {
	/** Rows of one value range taken as candidates; past it the range does not narrow. */
	materializeLimit: 10_000,
	/** Candidates read per page. */
	examineLimit: 2000,
	/** Candidates asked of a source at once. */
	batch: 256,
} as const;

/**
Ascending distinct thing names after `after`, at most `limit` of them; `size`
when the source knows how many it holds (a list read from a range).
*/
type Source = ((after: string, limit: number) => string[]) & {
	readonly size?: number;
};

function sortedSource(names: Iterable<string>): Source {
	const sorted = [...new Set(names)].sort();
	return Object.assign(
		(after: string, limit: number) => {
			let low = 0;
			let high = sorted.length;
			while (low < high) {
				const middle = (low + high) >>> 1;
				if ((sorted[middle] ?? '') <= after) low = middle + 1;
				else high = middle;
			}

			return sorted.slice(low, low + limit);
		},
		{size: sorted.length},
	);
}

function mergedSource(sources: readonly Source[]): Source {
	return (after, limit) => {
		const names = new Set<string>();
		for (const source of sources)
			for (const name of source(after, limit)) names.add(name);
		return [...names].sort().slice(0, limit);
	};
}

/** The first string after every string that starts with `prefix` (by code point, as SQLite compares UTF-8). */
function prefixEnd(prefix: string): string | undefined {
	// Code points, not UTF-16 units: SQLite orders by the UTF-8 of whole code points.
	const points = Array.from(prefix);
	while (points.length > 0) {
		const last = points.pop()?.codePointAt(0) ?? 0;
		if (last < 0x10_ff_ff) {
			const next = last === 0xd7_ff ? 0xe0_00 : last + 1;
			return points.join('') + String.fromCodePoint(next);
		}
	}

	return undefined;
}

function rangeThings(
	index: FleetIndexReader,
	field: string,
	lower: ValueBound | undefined,
	upper: ValueBound | undefined,
	kind: 'number' | 'text',
	test: ValueTest,
): string[] | undefined {
	const rows = index.rangeRows(
		field,
		lower,
		upper,
		kind,
		searchLimits.materializeLimit + 1,
	);
	if (rows.length > searchLimits.materializeLimit) return undefined;
	return rows
		.filter((row) => testMatches(test, row.value))
		.map((row) => row.thing);
}

function valueSource(
	index: FleetIndexReader,
	field: string,
	test: ValueTest,
): Source | undefined {
	const fixed = (parts: (string[] | undefined)[]) =>
		parts.every((part) => part !== undefined)
			? sortedSource(parts.flat())
			: undefined;
	switch (test.kind) {
		case 'term': {
			const values: TermValue[] = [test.text];
			if (test.number !== undefined) values.push(test.number);
			return mergedSource(
				values.map(
					(value) => (after: string, limit: number) =>
						index.exactThings(field, value, after, limit),
				),
			);
		}

		case 'exists': {
			const things = index.fieldThings(
				field,
				searchLimits.materializeLimit + 1,
			);
			return things.length > searchLimits.materializeLimit
				? undefined
				: sortedSource(things);
		}

		case 'wildcard': {
			const end = prefixEnd(test.prefix);
			const text = rangeThings(
				index,
				field,
				test.prefix === '' ? undefined : {value: test.prefix, inclusive: true},
				end === undefined ? undefined : {value: end, inclusive: false},
				'text',
				test,
			);
			// A number's text can match too (2* finds 22).
			const numbers = rangeThings(
				index,
				field,
				undefined,
				undefined,
				'number',
				test,
			);
			return fixed([text, numbers]);
		}

		case 'range': {
			const kinds = new Set(
				[test.lower, test.upper]
					.filter((bound) => bound !== undefined)
					.map((bound) => typeof bound.value),
			);
			if (kinds.size !== 1) return undefined;
			return fixed([
				rangeThings(
					index,
					field,
					test.lower,
					test.upper,
					kinds.has('number') ? 'number' : 'text',
					test,
				),
			]);
		}
	}
}

function indexField(field: FieldRef): string | undefined {
	switch (field.kind) {
		case 'thingName':
			return 'thingName';
		case 'hasDelta':
			return `${fieldPrefix(field.shadowName)}hasDelta`;
		case 'shadowValue':
			return field.path.includes('*')
				? undefined
				: `${fieldPrefix(field.shadowName)}${field.section}.${field.path.join('.')}`;
		case 'connectivity':
			return undefined;
	}
}

function clauseSource(
	sources: SearchSources,
	field: FieldRef,
	test: ValueTest,
): Source | undefined {
	if (field.kind === 'connectivity')
		return field.key === 'connected' &&
			test.kind === 'term' &&
			test.text === 'true'
			? sortedSource(sources.connectivity.connected())
			: undefined;
	const name = indexField(field);
	if (name === undefined) return undefined;
	// Every thing has a name: thingName:* narrows nothing.
	if (field.kind === 'thingName' && test.kind === 'exists') return undefined;
	return valueSource(sources.index, name, test);
}

/** What narrows the candidates of a query; undefined: every thing. */
function sourceOf(
	sources: SearchSources,
	query: QueryNode,
): Source | undefined {
	switch (query.kind) {
		case 'clause':
			return clauseSource(sources, query.field, query.test);
		case 'or': {
			const parts = query.operands.map((operand) => sourceOf(sources, operand));
			return parts.every((part) => part !== undefined)
				? mergedSource(parts)
				: undefined;
		}

		case 'and': {
			// The smallest list read from a range; else a term, whose size is unknown.
			let best: Source | undefined;
			for (const operand of query.operands) {
				const part = sourceOf(sources, operand);
				if (!part) continue;
				if (
					!best ||
					(part.size !== undefined &&
						(best.size === undefined || part.size < best.size))
				)
					best = part;
			}

			return best;
		}

		case 'not':
		case 'anyField':
			return undefined;
	}
}

export type Search = {
	/** One page of things after `after` that match and the caller may see. */
	page(
		query: QueryNode,
		visible: (thingName: string) => boolean,
		after: string,
		maxResults: number,
	): SearchPage;
	/** Every matching thing the caller may see, read in chunks between which others are served. */
	each(
		query: QueryNode,
		visible: (thingName: string) => boolean,
		visit: (thing: FoundThing, indexed: IndexedThing) => void,
	): Promise<void>;
};

export function createSearch(sources: SearchSources): Search {
	const candidatesOf = (query: QueryNode): Source =>
		(sources.index.enabled ? sourceOf(sources, query) : undefined) ??
		((after, limit) => sources.thingsAfter(after, limit));

	const load = (
		thingName: string,
	): {found: FoundThing; indexed: IndexedThing} | undefined => {
		const shadows = sources.thingShadows(thingName);
		if (shadows.length === 0) return undefined;
		const connectivity = sources.connectivity.of(thingName);
		const indexed = new Map<string, IndexedShadow>();
		for (const {shadowName, shadow} of shadows) {
			const {desired, reported} = shadow.state;
			const delta = computeDelta(desired, reported, shadow.metadata.desired);
			indexed.set(shadowName, {
				...shadow.state,
				...(delta ? {delta: delta.state} : {}),
			});
		}

		return {
			found: {thingName, shadows, connectivity},
			indexed: {thingName, shadows: indexed, connectivity},
		};
	};

	return {
		page(query, visible, after, maxResults) {
			const source = candidatesOf(query);
			const things: FoundThing[] = [];
			let examined = 0;
			let cursor = after;
			while (examined < searchLimits.examineLimit) {
				const batch = source(
					cursor,
					Math.min(searchLimits.batch, searchLimits.examineLimit - examined),
				);
				if (batch.length === 0) return {things};
				for (const thingName of batch) {
					examined++;
					cursor = thingName;
					if (!visible(thingName)) continue;
					const loaded = load(thingName);
					if (loaded && matchesThing(query, loaded.indexed)) {
						things.push(loaded.found);
						if (things.length >= maxResults) return {things, after: cursor};
					}
				}
			}

			return {things, after: cursor};
		},
		async each(query, visible, visit) {
			const source = candidatesOf(query);
			let cursor = '';
			for (;;) {
				const batch = source(cursor, searchLimits.batch);
				if (batch.length === 0) return;
				for (const thingName of batch) {
					cursor = thingName;
					if (!visible(thingName)) continue;
					const loaded = load(thingName);
					if (loaded && matchesThing(query, loaded.indexed))
						visit(loaded.found, loaded.indexed);
				}

				await yieldToEventLoop();
			}
		},
	};
}

/** The values at a field in a thing, as they are (for counts: keyValue keeps its case). */
export function valuesAt(
	field: FieldRef,
	thing: IndexedThing,
): (string | number | boolean)[] {
	switch (field.kind) {
		case 'thingName':
			return [thing.thingName];
		case 'connectivity': {
			const value = thing.connectivity?.[field.key];
			return value === undefined ? [] : [value];
		}

		case 'hasDelta': {
			const shadow = thing.shadows.get(field.shadowName);
			if (!shadow) return [];
			return [
				shadow.delta !== undefined && Object.keys(shadow.delta).length > 0,
			];
		}

		case 'shadowValue': {
			const root = thing.shadows.get(field.shadowName)?.[field.section];
			if (!root) return [];
			return scalarsAt(root, field.path);
		}
	}
}

function scalarsAt(
	root: JsonValue,
	path: readonly string[],
): (string | number | boolean)[] {
	const found: (string | number | boolean)[] = [];
	const pending: {value: JsonValue; depth: number}[] = [
		{value: root, depth: 0},
	];
	for (let next = pending.pop(); next; next = pending.pop()) {
		const {value, depth} = next;
		if (Array.isArray(value)) {
			for (const element of value) pending.push({value: element, depth});
			continue;
		}

		if (depth === path.length) {
			if (
				typeof value === 'string' ||
				typeof value === 'number' ||
				typeof value === 'boolean'
			)
				found.push(value);
			continue;
		}

		if (!isJsonObject(value)) continue;
		const segment = path[depth] ?? '';
		if (segment === '*') {
			for (const key of Object.keys(value))
				pending.push({value: value[key] as JsonValue, depth: depth + 1});
		} else if (Object.prototype.hasOwnProperty.call(value, segment)) {
			pending.push({value: value[segment] as JsonValue, depth: depth + 1});
		}
	}

	return found;
}
