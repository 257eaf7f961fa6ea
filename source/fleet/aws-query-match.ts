/*
Whether a thing matches a parsed Fleet Indexing query (aws-query.ts), with
AWS's value semantics (aws-fleet-indexing.md 1.1): search is
case-insensitive, an array matches when any element does, `field:*` asks
whether the path is present, and ranges compare numbers with numbers and
strings with strings, never one with the other.

indexValue and testMatches are the primitive an index reuses, so a query
answered from the store means exactly what it means here. Shadow documents
are walked with an explicit stack, never by recursion, and wildcards match
in linear time (security/wildcard.ts).
*/
import {
	matchesWildcard,
	parseWildcard,
	type Wildcard,
} from '../security/wildcard.js';
import {
	hasOwn,
	isJsonObject,
	type JsonObject,
	type JsonValue,
} from '../shadow/json.js';
import type {FieldRef, QueryNode, ValueTest} from './aws-query.js';

export type IndexedShadow = {
	readonly desired?: JsonObject;
	readonly reported?: JsonObject;
	readonly delta?: JsonObject;
};

export type IndexedThing = {
	readonly thingName: string;
	/** '' is the classic shadow. */
	readonly shadows: ReadonlyMap<string, IndexedShadow>;
	readonly connectivity?: {
		readonly connected: boolean;
		readonly timestamp?: number;
		readonly disconnectReason?: string;
	};
};

/** A scalar as the index holds it: strings lower-cased, booleans as 'true'/'false'; null and containers are not scalars. */
export function indexValue(value: JsonValue): string | number | undefined {
	if (typeof value === 'string') return value.toLowerCase();
	if (typeof value === 'number') return value;
	if (typeof value === 'boolean') return value ? 'true' : 'false';
	return undefined;
}

const compiled = new WeakMap<ValueTest, Wildcard>();

function wildcardOf(test: ValueTest & {kind: 'wildcard'}): Wildcard {
	let pattern = compiled.get(test);
	if (!pattern) {
		pattern = parseWildcard(test.pattern);
		compiled.set(test, pattern);
	}

	return pattern;
}

/** One indexed scalar (from indexValue) against a test; `exists` is always true. */
export function testMatches(test: ValueTest, value: string | number): boolean {
	switch (test.kind) {
		case 'exists': {
			return true;
		}

		case 'term': {
			return typeof value === 'number'
				? test.number === value
				: test.text === value;
		}

		case 'wildcard': {
			return matchesWildcard(wildcardOf(test), String(value));
		}

		case 'range': {
			const {lower, upper} = test;
			if (!lower && !upper) return false;
			if (lower) {
				if (typeof lower.value !== typeof value) return false;
				if (lower.inclusive ? value < lower.value : value <= lower.value)
					return false;
			}

			if (upper) {
				if (typeof upper.value !== typeof value) return false;
				if (upper.inclusive ? value > upper.value : value >= upper.value)
					return false;
			}

			return true;
		}
	}
}

/**
Whether any value at `path` (from `start`) passes the test; arrays stand for
each of their elements, on the way and at the end, and a '*' segment for
every key. For `exists` the path only has to be present.
*/
function anyValueAt(
	start: JsonValue,
	path: readonly string[],
	test: ValueTest,
): boolean {
	const stack: Array<{node: JsonValue; depth: number}> = [
		{node: start, depth: 0},
	];
	for (let item = stack.pop(); item; item = stack.pop()) {
		const {node, depth} = item;
		if (depth === path.length && test.kind === 'exists') return true;
		if (Array.isArray(node)) {
			for (const element of node) stack.push({node: element, depth});
		} else if (depth === path.length) {
			const value = indexValue(node);
			if (value !== undefined && testMatches(test, value)) return true;
		} else if (isJsonObject(node)) {
			const key = path[depth] ?? '';
			if (key === '*') {
				for (const child of Object.values(node))
					stack.push({node: child, depth: depth + 1});
			} else if (hasOwn(node, key)) {
				stack.push({node: node[key] as JsonValue, depth: depth + 1});
			}
		}
	}

	return false;
}

/** Whether any scalar anywhere in the document passes the test. */
function anyValueWithin(start: JsonValue, test: ValueTest): boolean {
	const stack: JsonValue[] = [start];
	for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
		if (Array.isArray(node)) {
			for (const element of node) stack.push(element);
		} else if (isJsonObject(node)) {
			for (const child of Object.values(node)) stack.push(child);
		} else {
			const value = indexValue(node);
			if (value !== undefined && testMatches(test, value)) return true;
		}
	}

	return false;
}

const sections = ['desired', 'reported', 'delta'] as const;

function matchesField(
	field: FieldRef,
	test: ValueTest,
	thing: IndexedThing,
): boolean {
	switch (field.kind) {
		case 'thingName': {
			return testMatches(test, thing.thingName.toLowerCase());
		}

		case 'shadowValue': {
			const section = thing.shadows.get(field.shadowName)?.[field.section];
			return section !== undefined && anyValueAt(section, field.path, test);
		}

		case 'hasDelta': {
			const shadow = thing.shadows.get(field.shadowName);
			if (!shadow) return false;
			const hasDelta =
				shadow.delta !== undefined && Object.keys(shadow.delta).length > 0;
			return testMatches(test, hasDelta ? 'true' : 'false');
		}

		case 'connectivity': {
			const value = thing.connectivity?.[field.key];
			const indexed = value === undefined ? undefined : indexValue(value);
			return indexed !== undefined && testMatches(test, indexed);
		}
	}
}

function matchesAnyField(test: ValueTest, thing: IndexedThing): boolean {
	if (testMatches(test, thing.thingName.toLowerCase())) return true;
	for (const shadow of thing.shadows.values()) {
		for (const section of sections) {
			const document = shadow[section];
			if (document && anyValueWithin(document, test)) return true;
		}
	}

	return false;
}

/** Recurses once per level of the query, which parseFleetQuery bounds to 32. */
export function matchesThing(query: QueryNode, thing: IndexedThing): boolean {
	switch (query.kind) {
		case 'and': {
			return query.operands.every((operand) => matchesThing(operand, thing));
		}

		case 'or': {
			return query.operands.some((operand) => matchesThing(operand, thing));
		}

		case 'not': {
			return !matchesThing(query.operand, thing);
		}

		case 'clause': {
			return matchesField(query.field, query.test, thing);
		}

		case 'anyField': {
			return matchesAnyField(query.test, thing);
		}
	}
}
