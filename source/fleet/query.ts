/*
The fleet query language: conditions on shadow state joined with AND, OR,
NOT and parentheses, for example
  reported.model = "coffee-x" AND desired.tempLimit > 90
Paths start with desired, reported or delta (then keys joined by '.'), or
name the shadow itself: thing, shadow, version. Values are JSON: "text",
numbers, true, false, null. Operators: = != > >= < <=, and ~ for a name
pattern ("coffee-*"). A path that is absent equals null. Comparisons of
different types are false. Errors name the column and what was expected.

Queries come from clients, so their size is bounded before anything else:
the text's length, how deep parentheses and NOT nest (the parser and the
matcher recurse once per level), and each pattern's length. AND and OR
chains are kept as flat lists, so a long chain adds no depth.
*/
import {
	isJsonObject,
	jsonEqual,
	type JsonObject,
	type JsonValue,
} from '../shadow/json.js';
import {
	checkNamePattern,
	namePattern,
	type NamePattern,
} from './name-pattern.js';

export type ShadowFacts = {
	readonly thingName: string;
	readonly shadowName: string;
	readonly version: number;
	readonly desired?: JsonObject;
	readonly reported?: JsonObject;
	readonly delta?: JsonObject;
};

export const queryLimits = {
	/** Characters in a query. */
	maxLength: 4096,
	/** Parentheses and NOTs inside one another. */
	maxDepth: 32,
} as const;

type Operator = '=' | '!=' | '>' | '>=' | '<' | '<=' | '~';
export type Query =
	| {readonly kind: 'and' | 'or'; readonly operands: readonly Query[]}
	| {readonly kind: 'not'; readonly operand: Query}
	| {
			readonly kind: 'compare';
			readonly path: readonly string[];
			readonly operator: Operator;
			readonly value: JsonValue;
			/** For `~`: the value, compiled once. */
			readonly pattern?: NamePattern;
	  };

export type ParsedQuery =
	| {readonly ok: true; readonly query: Query}
	| {readonly ok: false; readonly error: string};

type Token = {
	readonly kind: 'word' | 'value' | 'operator' | 'open' | 'close';
	readonly text: string;
	readonly value?: JsonValue;
	readonly at: number;
};

const roots = new Set([
	'desired',
	'reported',
	'delta',
	'thing',
	'shadow',
	'version',
]);

class QueryError extends Error {}

function tokenize(text: string): Token[] {
	const tokens: Token[] = [];
	let index = 0;
	while (index < text.length) {
		const char = text[index] ?? '';
		if (/\s/.test(char)) {
			index++;
		} else if (char === '(' || char === ')') {
			tokens.push({
				kind: char === '(' ? 'open' : 'close',
				text: char,
				at: index,
			});
			index++;
		} else if (char === '"') {
			const match = /^"(?:[^"\\]|\\.)*"/.exec(text.slice(index));
			if (!match)
				throw new QueryError(`column ${index + 1}: the string is not closed`);
			tokens.push({
				kind: 'value',
				text: match[0],
				value: JSON.parse(match[0]) as string,
				at: index,
			});
			index += match[0].length;
		} else if ('=!<>~'.includes(char)) {
			const operator = ['!=', '>=', '<=', '=', '>', '<', '~'].find(
				(candidate) => text.startsWith(candidate, index),
			);
			if (!operator)
				throw new QueryError(
					`column ${index + 1}: '${char}' is not an operator (= != > >= < <= ~)`,
				);
			tokens.push({kind: 'operator', text: operator, at: index});
			index += operator.length;
		} else {
			const match = /^[^\s()"=!<>~]+/.exec(text.slice(index));
			const word = match?.[0] ?? char;
			const number = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(word)
				? Number(word)
				: undefined;
			if (number !== undefined)
				tokens.push({kind: 'value', text: word, value: number, at: index});
			else if (word === 'true' || word === 'false' || word === 'null')
				tokens.push({
					kind: 'value',
					text: word,
					value: JSON.parse(word) as JsonValue,
					at: index,
				});
			else tokens.push({kind: 'word', text: word, at: index});
			index += word.length;
		}
	}

	return tokens;
}

export function parseQuery(text: string): ParsedQuery {
	if (text.length > queryLimits.maxLength)
		return {
			ok: false,
			error: `invalid query: a query has at most ${queryLimits.maxLength} characters (this one has ${text.length})`,
		};
	let tokens: Token[];
	try {
		tokens = tokenize(text);
	} catch (error: unknown) {
		return {ok: false, error: `invalid query at ${(error as Error).message}`};
	}

	let position = 0;
	const peek = () => tokens[position];
	const where = () => {
		const token = peek();
		return token ? `column ${token.at + 1} ('${token.text}')` : 'the end';
	};

	const keyword = (word: string) => {
		const token = peek();
		if (token?.kind === 'word' && token.text.toUpperCase() === word) {
			position++;
			return true;
		}

		return false;
	};

	let depth = 0;
	const deeper = <T>(at: Token, parse: () => T): T => {
		if (++depth > queryLimits.maxDepth)
			throw new QueryError(
				`more than ${queryLimits.maxDepth} levels of parentheses and NOT at column ${at.at + 1}`,
			);
		const result = parse();
		depth--;
		return result;
	};

	const or = (): Query => {
		const first = and();
		const operands = [first];
		while (keyword('OR')) operands.push(and());
		return operands.length === 1 ? first : {kind: 'or', operands};
	};

	const and = (): Query => {
		const first = not();
		const operands = [first];
		while (keyword('AND')) operands.push(not());
		return operands.length === 1 ? first : {kind: 'and', operands};
	};

	const not = (): Query => {
		const token = peek();
		return token && keyword('NOT')
			? deeper(token, () => ({kind: 'not', operand: not()}))
			: primary();
	};

	const primary = (): Query => {
		const token = peek();
		if (token?.kind === 'open') {
			position++;
			const inner = deeper(token, or);
			if (peek()?.kind !== 'close')
				throw new QueryError(`expected ')' at ${where()}`);
			position++;
			return inner;
		}

		if (token?.kind !== 'word')
			throw new QueryError(
				`expected a path such as reported.model at ${where()}`,
			);
		const path = token.text.split('.');
		if (!roots.has(path[0] ?? '') || path.some((part) => part === '')) {
			throw new QueryError(
				`'${token.text}' at column ${token.at + 1} is not a path: start with desired, reported, delta, thing, shadow or version`,
			);
		}

		if (
			['thing', 'shadow', 'version'].includes(path[0] ?? '') &&
			path.length > 1
		) {
			throw new QueryError(
				`'${token.text}' at column ${token.at + 1}: ${path[0] ?? ''} has no keys`,
			);
		}

		position++;
		const operator = peek();
		if (operator?.kind !== 'operator')
			throw new QueryError(
				`expected an operator (= != > >= < <= ~) at ${where()}`,
			);
		position++;
		const value = peek();
		if (value?.kind !== 'value')
			throw new QueryError(
				`expected a value ("text", a number, true, false or null) at ${where()}`,
			);
		position++;
		if (operator.text === '~') {
			if (typeof value.value !== 'string')
				throw new QueryError(`~ takes a "pattern" at column ${value.at + 1}`);
			const problem = checkNamePattern(value.value);
			if (problem) throw new QueryError(`${problem} at column ${value.at + 1}`);
			return {
				kind: 'compare',
				path,
				operator: '~',
				value: value.value,
				pattern: namePattern(value.value),
			};
		}

		return {
			kind: 'compare',
			path,
			operator: operator.text as Operator,
			value: value.value ?? null,
		};
	};

	try {
		if (tokens.length === 0) throw new QueryError('the query is empty');
		const query = or();
		if (position < tokens.length)
			throw new QueryError(`expected AND, OR or the end at ${where()}`);
		return {ok: true, query};
	} catch (error: unknown) {
		if (error instanceof QueryError)
			return {ok: false, error: `invalid query: ${error.message}`};
		throw error;
	}
}

function valueAt(facts: ShadowFacts, path: readonly string[]): JsonValue {
	const [root, ...keys] = path;
	if (root === 'thing') return facts.thingName;
	if (root === 'shadow') return facts.shadowName;
	if (root === 'version') return facts.version;
	let node: JsonValue | undefined =
		root === 'desired'
			? facts.desired
			: root === 'reported'
				? facts.reported
				: facts.delta;
	for (const key of keys) {
		node =
			isJsonObject(node) && Object.prototype.hasOwnProperty.call(node, key)
				? node[key]
				: undefined;
	}

	return node ?? null;
}

/** Recurses once per level of the query, which parseQuery bounds. */
export function matches(query: Query, facts: ShadowFacts): boolean {
	switch (query.kind) {
		case 'and': {
			return query.operands.every((operand) => matches(operand, facts));
		}

		case 'or': {
			return query.operands.some((operand) => matches(operand, facts));
		}

		case 'not': {
			return !matches(query.operand, facts);
		}

		case 'compare': {
			const actual = valueAt(facts, query.path);
			const expected = query.value;
			switch (query.operator) {
				case '=': {
					return jsonEqual(actual, expected);
				}

				case '!=': {
					return !jsonEqual(actual, expected);
				}

				case '~': {
					const pattern =
						query.pattern ??
						(typeof expected === 'string' ? namePattern(expected) : undefined);
					return typeof actual === 'string' && pattern?.test(actual) === true;
				}

				default: {
					const comparable =
						(typeof actual === 'number' && typeof expected === 'number') ||
						(typeof actual === 'string' && typeof expected === 'string');
					if (!comparable) return false;
					const a = actual;
					const b = expected;
					if (query.operator === '>') return a > b;
					if (query.operator === '>=') return a >= b;
					if (query.operator === '<') return a < b;
					return a <= b;
				}
			}
		}
	}
}
