/*
shadow-tui's old query language (query.ts: `reported.model = "coffee-x"`)
is replaced by AWS IoT Fleet Indexing's (aws-query.ts). A user who types an
old query gets the same query in AWS's language, following the translation
table of aws-fleet-indexing.md 1.2: paths gain `shadow.`, `=` becomes `:`,
`!=` NOT, `>=` and `<=` `(f>N OR f:N)`, `~` a wildcard term, `= null`
"absent" (NOT f:*). The hint is offered only when it parses as an AWS query.

The old language matched each shadow, classic or named, on its own; the AWS
form names the classic shadow, which is what almost every old query meant.
Comparisons of strings have no `<`/`>` form on AWS, so they become ranges
with an open `*` bound, which is unverified on AWS.
*/
import type {JsonValue} from '../shadow/json.js';
import {
	escapeFleetQueryText,
	escapeKeyword,
	parseFleetQuery,
	quoteFleetQueryPhrase,
} from './aws-query.js';
import {parseQuery, type Query} from './query.js';

/** An old query has no AWS form; unwound at the top. */
class NoEquivalent extends Error {}

type Compare = Extract<Query, {kind: 'compare'}>;

function fieldOf(path: readonly string[]): string {
	const [root, ...keys] = path;
	if (root === 'thing' && keys.length === 0) return 'thingName';
	if (
		(root === 'reported' || root === 'desired' || root === 'delta') &&
		keys.length > 0
	)
		return ['shadow', root, ...keys.map(escapeFleetQueryText)].join('.');
	// `shadow` (the shadow's name), `version` and whole sections have no field.
	throw new NoEquivalent();
}

function literal(value: JsonValue): string {
	if (typeof value === 'string') return quoteFleetQueryPhrase(value);
	if (typeof value === 'number' || typeof value === 'boolean')
		return String(value);
	throw new NoEquivalent();
}

/** A `*`/`?` pattern as a wildcard term: everything else escaped. */
function wildcardTerm(pattern: string): string {
	let term = '';
	for (const char of pattern)
		term += char === '*' || char === '?' ? char : escapeFleetQueryText(char);
	return term === '' ? '""' : escapeKeyword(term);
}

function comparison(query: Compare): string {
	const field = fieldOf(query.path);
	const {value} = query;
	switch (query.operator) {
		case '=': {
			return value === null ? `NOT ${field}:*` : `${field}:${literal(value)}`;
		}

		case '!=': {
			return value === null ? `${field}:*` : `NOT ${field}:${literal(value)}`;
		}

		case '~': {
			if (typeof value !== 'string') throw new NoEquivalent();
			return `${field}:${wildcardTerm(value)}`;
		}

		default: {
			const strict = query.operator === '>' || query.operator === '<';
			const above = query.operator.startsWith('>');
			if (typeof value === 'number') {
				const compare = `${field}${above ? '>' : '<'}${value}`;
				return strict ? compare : `(${compare} OR ${field}:${value})`;
			}

			if (typeof value !== 'string') throw new NoEquivalent();
			const bound = quoteFleetQueryPhrase(value);
			if (above) return `${field}:${strict ? '{' : '['}${bound} TO *]`;
			return `${field}:[* TO ${bound}${strict ? '}' : ']'}`;
		}
	}
}

/** AND and OR operands in parentheses; NOT binds tighter than both, and comparisons come out atomic or parenthesized. */
function translate(query: Query): string {
	switch (query.kind) {
		case 'and':
		case 'or': {
			return query.operands
				.map((operand) => grouped(operand))
				.join(query.kind === 'and' ? ' AND ' : ' OR ');
		}

		case 'not': {
			return `NOT ${grouped(query.operand)}`;
		}

		case 'compare': {
			return comparison(query);
		}
	}
}

function grouped(query: Query): string {
	const text = translate(query);
	return query.kind === 'and' || query.kind === 'or' ? `(${text})` : text;
}

/** The AWS form of an old-language query, or undefined when `text` is not one, is valid AWS already, or has no AWS form. */
export function legacyQueryHint(text: string): string | undefined {
	if (parseFleetQuery(text).ok) return undefined;
	const old = parseQuery(text);
	if (!old.ok) return undefined;
	let hint: string;
	try {
		hint = translate(old.query);
	} catch (error: unknown) {
		if (error instanceof NoEquivalent) return undefined;
		throw error;
	}

	return parseFleetQuery(hint).ok ? hint : undefined;
}

/** One line for a user who typed an old-language query, or undefined when `text` is not one. */
export function legacyQueryMessage(text: string): string | undefined {
	if (parseFleetQuery(text).ok || !parseQuery(text).ok) return undefined;
	const hint = legacyQueryHint(text);
	return hint === undefined
		? "that is shadow-tui's old query language, which is gone, and AWS IoT Fleet Indexing's has no form for this query (fields: thingName, shadow.reported|desired|delta.<path>, shadow.hasDelta, connectivity.*)"
		: `that is shadow-tui's old query language; in AWS IoT Fleet Indexing's, which works here and on AWS IoT Core: ${hint}`;
}
