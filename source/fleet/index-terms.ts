/*
What the fleet index stores of one shadow: a term per value at each path of
desired, reported and delta (arrays give one term per element, under the
array's own path), whether it has a delta, and its thing's name. Strings are
lower-cased, as Fleet Indexing searches without regard to case; booleans are
the words true and false (indexValue, shared with the matcher).

The index only has to find candidates: every thing it names is checked
against the whole query on its documents (fleet-search.ts). So a term set
may hold more than a query means (a key "a.b" and a path a.b give the same
field), never less.

Shadows are depth-limited by the engine (limits.ts), and this walk is
iterative anyway.
*/
import {computeDelta} from '../shadow/compute-delta.js';
import {isJsonObject, type JsonObject, type JsonValue} from '../shadow/json.js';
import {indexValue} from './aws-query-match.js';
import type {LiveShadow} from '../shadow/shadow-record.js';
import type {ShadowAddress} from '../shadow/topics.js';

export type TermValue = string | number;

export type Term = {
	/**
	'reported.a.b', 'desired.x', 'delta.x', 'hasDelta' (a named shadow's
	prefixed 'name.SHADOW.', which a shadow name cannot make ambiguous: it has
	no dots), or 'thingName'.
	*/
	readonly field: string;
	readonly value: TermValue;
};

/** Terms by a key that tells equal terms apart from different ones (for diffs). */
export type TermSet = ReadonlyMap<string, Term>;

export function termKey(term: Term): string {
	return `${term.field}\u0000${typeof term.value === 'number' ? 'n' : 's'}${String(term.value)}`;
}

function add(terms: Map<string, Term>, field: string, value: TermValue): void {
	const term = {field, value};
	terms.set(termKey(term), term);
}

function addSection(
	terms: Map<string, Term>,
	section: string,
	root: JsonObject,
): void {
	const pending: {readonly field: string; readonly value: JsonValue}[] = [];
	for (const key of Object.keys(root))
		pending.push({field: `${section}.${key}`, value: root[key] as JsonValue});
	for (let next = pending.pop(); next; next = pending.pop()) {
		const {field, value} = next;
		if (Array.isArray(value)) {
			for (const element of value) pending.push({field, value: element});
		} else if (isJsonObject(value)) {
			for (const key of Object.keys(value))
				pending.push({
					field: `${field}.${key}`,
					value: value[key] as JsonValue,
				});
		} else {
			const indexed = indexValue(value);
			if (indexed !== undefined) add(terms, field, indexed);
		}
	}
}

/** Where a shadow's fields start: '' for the classic shadow, 'name.SHADOW.' for a named one. */
export function fieldPrefix(shadowName: string): string {
	return shadowName === '' ? '' : `name.${shadowName}.`;
}

/** The terms of a live shadow. */
export function termsOf(address: ShadowAddress, shadow: LiveShadow): TermSet {
	const terms = new Map<string, Term>();
	const prefix = fieldPrefix(address.shadowName);
	add(terms, 'thingName', address.thingName.toLowerCase());
	const {desired, reported} = shadow.state;
	if (desired) addSection(terms, `${prefix}desired`, desired);
	if (reported) addSection(terms, `${prefix}reported`, reported);
	const delta = computeDelta(desired, reported, shadow.metadata.desired);
	if (delta) addSection(terms, `${prefix}delta`, delta.state);
	add(terms, `${prefix}hasDelta`, delta ? 'true' : 'false');
	return terms;
}

/** What to delete and what to insert to go from `before` to `after`. */
export function diffTerms(
	before: TermSet,
	after: TermSet,
): {readonly removed: Term[]; readonly added: Term[]} {
	const removed: Term[] = [];
	const added: Term[] = [];
	for (const [key, term] of before) if (!after.has(key)) removed.push(term);
	for (const [key, term] of after) if (!before.has(key)) added.push(term);
	return {removed, added};
}
