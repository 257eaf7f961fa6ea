/*
AWS IoT Fleet Indexing's query language, the subset of section 1.2 of
aws-fleet-indexing.md: terms, "phrases", `\` escapes, `*` and `?` wildcards,
`field:*`, ranges ([ ] inclusive, { } exclusive, mixable), `field<N` and
`field>N`, AND, OR, NOT and `-`, juxtaposition as AND, parentheses, and field
grouping (`thingName:(tv* AND -plasma)`). Field names are case-sensitive;
values are lower-cased here because search is case-insensitive (1.1).

Only the fields this service indexes are accepted. Registry, Device Defender,
version and metadata fields exist on AWS, so they are refused with a message
that says why; everything else the docs call unsupported (regular
expressions, fuzzy `~`, boosting `^`, the special characters of 1.1) is
refused as a syntax error. AWS's limits apply: 12 terms, one leading-wildcard
term, and 100 characters for a query that has one.

Queries come from clients, so the text's length is checked before anything
else, and parentheses and NOT nest at most 32 levels, checked before each
level is entered. NOT chains are read in a loop and AND/OR chains are kept
flat, so only parentheses recurse. Errors are values, never exceptions.
*/
import {awsLimits} from '../shadow/limits.js';

export type ShadowSection = 'reported' | 'desired' | 'delta';

export type FieldRef =
	| {readonly kind: 'thingName'}
	/** shadow.reported.a.b (shadowName '') or shadow.name.N.desired.a.b; a path segment '*' matches any key. */
	| {
			readonly kind: 'shadowValue';
			readonly shadowName: string;
			readonly section: ShadowSection;
			readonly path: readonly string[];
	  }
	| {readonly kind: 'hasDelta'; readonly shadowName: string}
	| {
			readonly kind: 'connectivity';
			readonly key: 'connected' | 'timestamp' | 'disconnectReason';
	  };

export type Bound = {
	readonly value: number | string;
	readonly inclusive: boolean;
};

export type ValueTest =
	/** field:* */
	| {readonly kind: 'exists'}
	/** text lower-cased, escapes resolved; number set when the text is a number. */
	| {readonly kind: 'term'; readonly text: string; readonly number?: number}
	/** Lower-cased; prefix is the literal text before the first * or ?. */
	| {
			readonly kind: 'wildcard';
			readonly pattern: string;
			readonly prefix: string;
	  }
	/** [a TO b], {a TO b}, mixed; field<N, field>N. Bounds are both numbers or both strings. */
	| {readonly kind: 'range'; readonly lower?: Bound; readonly upper?: Bound};

export type QueryNode =
	| {readonly kind: 'and' | 'or'; readonly operands: readonly QueryNode[]}
	| {readonly kind: 'not'; readonly operand: QueryNode}
	| {
			readonly kind: 'clause';
			readonly field: FieldRef;
			readonly test: ValueTest;
	  }
	/** An unfielded term: thingName or any shadow value. */
	| {readonly kind: 'anyField'; readonly test: ValueTest};

export type ParsedFleetQuery =
	| {readonly ok: true; readonly query: QueryNode}
	| {readonly ok: false; readonly message: string};

export const fleetQueryLimits = {
	/** Our bound, checked before tokenizing. */
	maxLength: 4096,
	/** Our bound: parentheses and NOTs inside one another. */
	maxDepth: 32,
	/** AWS's (1.1). */
	maxTerms: 12,
	/** AWS's: a query with a leading wildcard has at most this many characters. */
	maxLeadingWildcardLength: 100,
	/** AWS's: terms that start with * or ?. */
	maxLeadingWildcardTerms: 1,
} as const;

type Punctuation =
	| 'open'
	| 'close'
	| 'colon'
	| 'less'
	| 'greater'
	| 'rangeOpen'
	| 'rangeClose'
	| 'minus';

type Token =
	| {readonly kind: Punctuation; readonly text: string; readonly at: number}
	/** Escapes resolved; escaped[i] says whether text[i] was written with `\`. */
	| {
			readonly kind: 'word';
			readonly text: string;
			readonly escaped: readonly boolean[];
			readonly at: number;
	  }
	| {readonly kind: 'phrase'; readonly text: string; readonly at: number};

type WordToken = Extract<Token, {kind: 'word'}>;

class QueryError extends Error {}

/** Client text inside a message: one line, and short. */
function shown(text: string): string {
	// eslint-disable-next-line no-control-regex -- control characters are what is replaced
	const line = text.replaceAll(/[\u0000-\u001f\u007f\u2028\u2029]/g, ' ');
	return line.length > 40 ? `${line.slice(0, 39)}…` : line;
}

function tokenText(token: Token): string {
	return token.kind === 'phrase' ? `"${shown(token.text)}"` : shown(token.text);
}

function syntaxError(at: number, detail: string): QueryError {
	return new QueryError(
		`Syntax error in query string at position ${at + 1}: ${detail}`,
	);
}

/** Java's Character.isWhitespace, which AWS splits words on (1.1): no-break spaces are not whitespace. */
export function isQueryWhitespace(code: number): boolean {
	if (code === 0xa0 || code === 0x2007 || code === 0x202f) return false;
	if ((code >= 0x09 && code <= 0x0d) || (code >= 0x1c && code <= 0x20))
		return true;
	return (
		code === 0x1680 ||
		(code >= 0x2000 && code <= 0x200a) ||
		code === 0x2028 ||
		code === 0x2029 ||
		code === 0x205f ||
		code === 0x3000
	);
}

const punctuation: Readonly<Record<string, Punctuation>> = {
	'(': 'open',
	')': 'close',
	':': 'colon',
	'<': 'less',
	'>': 'greater',
	'[': 'rangeOpen',
	'{': 'rangeOpen',
	']': 'rangeClose',
	'}': 'rangeClose',
};

/** Characters AWS does not support, or operators of Lucene that AWS does not document; `\` makes them literal. */
function refusal(char: string, next: string | undefined): string | undefined {
	switch (char) {
		case '/': {
			return 'regular expressions (/…/) are not supported';
		}

		case '~': {
			return 'fuzzy and proximity search (~) are not supported';
		}

		case '^': {
			return 'boosting (^) is not supported';
		}

		case '=': {
			return "'=' is not an operator here: write field:value, field<N or field>N";
		}

		case '!': {
			return next === '='
				? "'!=' is not supported: write NOT field:value"
				: "'!' is not supported: write NOT";
		}

		case '&':
		case '|': {
			return "'&&' and '||' are not supported: write AND and OR";
		}

		case '`':
		case '@':
		case '#':
		case '%':
		case "'":
		case ';':
		case ',': {
			return `the character '${char}' is not supported (write \\${char} to search for it)`;
		}

		default: {
			return undefined;
		}
	}
}

/** Whether a `-` at the start of a token is a sign: right after `:`, `<`, `>`, `[`, `{` or TO, before a digit. */
function isSign(
	previous: Token | undefined,
	next: string | undefined,
): boolean {
	if (next === undefined || !/[\d.]/.test(next)) return false;
	if (previous === undefined) return false;
	if (previous.kind === 'word') return previous.text === 'TO';
	return ['colon', 'less', 'greater', 'rangeOpen'].includes(previous.kind);
}

function readPhrase(text: string, start: number): {token: Token; end: number} {
	let value = '';
	let index = start + 1;
	while (index < text.length) {
		const char = text[index] ?? '';
		if (char === '"')
			return {token: {kind: 'phrase', text: value, at: start}, end: index + 1};
		if (char === '\\') {
			const escaped = text[index + 1];
			if (escaped === undefined) break;
			value += escaped;
			index += 2;
		} else {
			value += char;
			index++;
		}
	}

	throw syntaxError(start, 'the phrase is not closed with "');
}

function readWord(text: string, start: number): {token: Token; end: number} {
	let value = '';
	const escaped: boolean[] = [];
	let index = start;
	while (index < text.length) {
		const char = text[index] ?? '';
		if (
			isQueryWhitespace(char.charCodeAt(0)) ||
			char in punctuation ||
			char === '"'
		)
			break;
		if (char === '\\') {
			const next = text[index + 1];
			if (next === undefined)
				throw syntaxError(
					index,
					"'\\' at the end of the query escapes nothing",
				);
			value += next;
			escaped.push(true);
			index += 2;
			continue;
		}

		const refused = refusal(char, text[index + 1]);
		if (refused) throw syntaxError(index, refused);
		if (char === '+' && index === start)
			throw syntaxError(
				index,
				"'+' is not supported: terms are required by default (AND)",
			);
		value += char;
		escaped.push(false);
		index++;
	}

	return {token: {kind: 'word', text: value, escaped, at: start}, end: index};
}

function tokenize(text: string): Token[] {
	const tokens: Token[] = [];
	let index = 0;
	while (index < text.length) {
		const char = text[index] ?? '';
		const kind = punctuation[char];
		if (isQueryWhitespace(char.charCodeAt(0))) {
			index++;
		} else if (kind) {
			if ((kind === 'less' || kind === 'greater') && text[index + 1] === '=')
				throw syntaxError(
					index,
					`'${char}=' is not supported: write (field${char}N OR field:N)`,
				);
			tokens.push({kind, text: char, at: index});
			index++;
		} else if (char === '"') {
			const {token, end} = readPhrase(text, index);
			tokens.push(token);
			index = end;
		} else if (char === '-' && !isSign(tokens.at(-1), text[index + 1])) {
			tokens.push({kind: 'minus', text: char, at: index});
			index++;
		} else {
			const {token, end} = readWord(text, index);
			tokens.push(token);
			index = end;
		}
	}

	return tokens;
}

const numberPattern = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function asNumber(text: string): number | undefined {
	if (!numberPattern.test(text)) return undefined;
	const number = Number(text);
	return Number.isFinite(number) ? number : undefined;
}

function isKeyword(token: Token | undefined, word?: string): boolean {
	if (token?.kind !== 'word' || token.escaped.includes(true)) return false;
	return word === undefined
		? token.text === 'AND' || token.text === 'OR' || token.text === 'NOT'
		: token.text === word;
}

function isBareStar(token: WordToken): boolean {
	return token.text === '*' && token.escaped[0] === false;
}

/** Named shadow names: the service's [a-zA-Z0-9:_-], plus '$' for AWS's reserved ones such as $package. */
const shadowNamePattern = /^[$a-zA-Z0-9:_-]+$/;
const registryRoots = new Set([
	'thingId',
	'thingTypeName',
	'thingGroupNames',
	'attributes',
	'registry',
]);
const sections = new Set<string>(['reported', 'desired', 'delta']);
const connectivityKeys = new Set<string>([
	'connected',
	'timestamp',
	'disconnectReason',
]);
const supportedFields =
	'thingName, shadow.reported|desired|delta.<path>, shadow.hasDelta, shadow.name.<name>.…, connectivity.connected|timestamp|disconnectReason';

/** The field's dot-separated segments, split on unescaped dots; '*' only as a whole unescaped segment. */
function fieldSegments(token: WordToken): string[] {
	const segments: string[] = [];
	let segment = '';
	let wild = false;
	const finish = () => {
		if (segment === '')
			throw syntaxError(
				token.at,
				`field '${shown(token.text)}' has an empty segment`,
			);
		if (wild && segment !== '*')
			throw syntaxError(
				token.at,
				`field '${shown(token.text)}': a wildcard in a field name must be a whole segment (a.*.b)`,
			);
		segments.push(segment);
		segment = '';
		wild = false;
	};

	for (let index = 0; index < token.text.length; index++) {
		const char = token.text[index] ?? '';
		const literal = token.escaped[index] === true;
		if (char === '.' && !literal) {
			finish();
		} else {
			if ((char === '*' || char === '?') && !literal) wild = true;
			segment += char;
		}
	}

	finish();
	return segments;
}

function resolveShadowField(
	token: WordToken,
	segments: readonly string[],
): FieldRef {
	const name = token.text;
	let shadowName = '';
	let rest = segments.slice(1);
	if (rest[0] === 'name') {
		shadowName = rest[1] ?? '';
		if (
			!shadowNamePattern.test(shadowName) ||
			shadowName.length > awsLimits.maxShadowNameLength
		)
			throw syntaxError(
				token.at,
				`field '${shown(name)}': a shadow name has 1 to ${awsLimits.maxShadowNameLength} of the characters a-z A-Z 0-9 : _ - $ (write \\: for ':')`,
			);
		rest = rest.slice(2);
	}

	const [section, ...path] = rest;
	if (section === 'hasDelta' && path.length === 0)
		return {kind: 'hasDelta', shadowName};
	if (section !== undefined && sections.has(section) && path.length > 0)
		return {
			kind: 'shadowValue',
			shadowName,
			section: section as ShadowSection,
			path,
		};
	if (section === 'version')
		throw new QueryError(
			`Field '${shown(name)}' is not searchable: shadow versions appear in results only, on AWS IoT as here`,
		);
	if (section === 'metadata')
		throw new QueryError(
			`Field '${shown(name)}' exists on AWS IoT, but this service does not index shadow metadata`,
		);
	throw unknownField(name);
}

function unknownField(name: string): QueryError {
	return new QueryError(
		`Unknown field '${shown(name)}' (field names are case-sensitive; supported: ${supportedFields})`,
	);
}

function resolveField(token: WordToken): FieldRef {
	const segments = fieldSegments(token);
	const [root] = segments;
	const name = token.text;
	if (root === 'thingName' && segments.length === 1) return {kind: 'thingName'};
	if (root === 'shadow') return resolveShadowField(token, segments);
	if (root === 'connectivity' && segments.length === 2) {
		const key = segments[1] ?? '';
		if (connectivityKeys.has(key))
			return {
				kind: 'connectivity',
				key: key as 'connected' | 'timestamp' | 'disconnectReason',
			};
		if (key === 'version')
			throw new QueryError(
				`Field '${shown(name)}' is not searchable: versions appear in results only, on AWS IoT as here`,
			);
	}

	if (root === 'registry' && segments[1] === 'version')
		throw new QueryError(
			`Field '${shown(name)}' is not searchable, and this service has no thing registry`,
		);
	if (root !== undefined && registryRoots.has(root))
		throw new QueryError(
			`Field '${shown(name)}' is an AWS IoT registry field; this service has no thing registry`,
		);
	if (root === 'deviceDefender')
		throw new QueryError(
			`Field '${shown(name)}' is an AWS IoT Device Defender field; this service has no Device Defender`,
		);
	throw unknownField(name);
}

/** A bare value: `*` (exists), a wildcard pattern or a term. */
function wordTest(token: WordToken): ValueTest {
	if (isBareStar(token)) return {kind: 'exists'};
	const text = token.text.toLowerCase();
	let firstWild = -1;
	let escapedWild = false;
	for (let index = 0; index < text.length; index++) {
		const char = text[index];
		if (char !== '*' && char !== '?') continue;
		if (token.escaped[index] === true) escapedWild = true;
		else if (firstWild === -1) firstWild = index;
	}

	if (firstWild === -1) {
		const number = asNumber(text);
		return number === undefined
			? {kind: 'term', text}
			: {kind: 'term', text, number};
	}

	if (escapedWild)
		throw syntaxError(
			token.at,
			`'${shown(token.text)}' mixes wildcards with an escaped * or ?, which is not supported`,
		);
	return {kind: 'wildcard', pattern: text, prefix: text.slice(0, firstWild)};
}

class Parser {
	private position = 0;
	private depth = 0;
	private terms = 0;
	private leadingWildcards = 0;

	constructor(
		private readonly text: string,
		private readonly tokens: readonly Token[],
	) {}

	parse(): QueryNode {
		if (this.tokens.length === 0)
			throw new QueryError('Query string must not be empty');
		const query = this.or(undefined);
		const rest = this.peek();
		if (rest)
			throw syntaxError(
				rest.at,
				rest.kind === 'close'
					? "')' has no matching '('"
					: `unexpected '${tokenText(rest)}'`,
			);
		if (
			this.leadingWildcards > 0 &&
			this.text.length > fleetQueryLimits.maxLeadingWildcardLength
		)
			throw new QueryError(
				`A query with a leading wildcard is limited to ${fleetQueryLimits.maxLeadingWildcardLength} characters (this one has ${this.text.length})`,
			);
		return query;
	}

	private peek(offset = 0): Token | undefined {
		return this.tokens[this.position + offset];
	}

	private describeNext(): string {
		const token = this.peek();
		return token ? `found '${tokenText(token)}'` : 'found the end of the query';
	}

	private where(): number {
		return this.peek()?.at ?? this.text.length;
	}

	private enter(at: number): void {
		if (++this.depth > fleetQueryLimits.maxDepth)
			throw syntaxError(
				at,
				`parentheses and NOT nest more than ${fleetQueryLimits.maxDepth} levels deep`,
			);
	}

	private countTerm(test: ValueTest): ValueTest {
		if (++this.terms > fleetQueryLimits.maxTerms)
			throw new QueryError(
				`Query string exceeds the maximum of ${fleetQueryLimits.maxTerms} terms`,
			);
		if (
			test.kind === 'wildcard' &&
			test.prefix === '' &&
			++this.leadingWildcards > fleetQueryLimits.maxLeadingWildcardTerms
		)
			throw new QueryError(
				'Only one leading wildcard term is allowed per query',
			);
		return test;
	}

	private or(group: FieldRef | undefined): QueryNode {
		const first = this.and(group);
		const operands = [first];
		while (isKeyword(this.peek(), 'OR')) {
			this.position++;
			operands.push(this.and(group));
		}

		return operands.length === 1 ? first : flatten('or', operands);
	}

	private and(group: FieldRef | undefined): QueryNode {
		const first = this.not(group);
		const operands = [first];
		for (;;) {
			const next = this.peek();
			if (!next || next.kind === 'close' || isKeyword(next, 'OR')) break;
			if (isKeyword(next, 'AND')) this.position++;
			operands.push(this.not(group));
		}

		return operands.length === 1 ? first : flatten('and', operands);
	}

	/** NOT and `-` chains are read in a loop; each still counts as a level. */
	private not(group: FieldRef | undefined): QueryNode {
		let count = 0;
		for (;;) {
			const token = this.peek();
			if (!token || !(token.kind === 'minus' || isKeyword(token, 'NOT'))) break;
			this.enter(token.at);
			count++;
			this.position++;
		}

		let node = this.primary(group);
		this.depth -= count;
		for (; count > 0; count--) node = {kind: 'not', operand: node};
		return node;
	}

	private primary(group: FieldRef | undefined): QueryNode {
		const token = this.peek();
		const previous = this.tokens[this.position - 1];
		if (!token)
			throw syntaxError(
				this.text.length,
				previous
					? `expected a term after '${tokenText(previous)}'`
					: 'expected a term',
			);
		switch (token.kind) {
			case 'open': {
				this.enter(token.at);
				this.position++;
				const inner = this.or(group);
				if (this.peek()?.kind !== 'close')
					throw syntaxError(
						this.where(),
						`expected ')' to close the '(' at position ${token.at + 1}, ${this.describeNext()}`,
					);
				this.position++;
				this.depth--;
				return inner;
			}

			case 'word': {
				if (isKeyword(token))
					throw syntaxError(
						token.at,
						`expected a term, found '${tokenText(token)}'`,
					);
				const next = this.peek(1)?.kind;
				if (next === 'colon' || next === 'less' || next === 'greater') {
					if (group)
						throw syntaxError(
							token.at,
							`a field group holds values only, found the field '${shown(token.text)}'`,
						);
					return this.clause(token);
				}

				return this.leaf(group, this.value(undefined));
			}

			case 'phrase':
			case 'rangeOpen': {
				return this.leaf(group, this.value(undefined));
			}

			case 'colon':
			case 'less':
			case 'greater': {
				throw syntaxError(
					token.at,
					`expected a field name before '${token.text}'`,
				);
			}

			default: {
				throw syntaxError(
					token.at,
					token.kind === 'close' && previous?.kind === 'open'
						? "expected a term inside '()'"
						: `expected a term, found '${tokenText(token)}'`,
				);
			}
		}
	}

	private leaf(group: FieldRef | undefined, test: ValueTest): QueryNode {
		return group
			? {kind: 'clause', field: group, test}
			: {kind: 'anyField', test};
	}

	private clause(fieldToken: WordToken): QueryNode {
		const field = resolveField(fieldToken);
		const operator = this.tokens[this.position + 1];
		this.position += 2;
		if (operator?.kind === 'colon') {
			const open = this.peek();
			if (open?.kind === 'open') {
				this.enter(open.at);
				this.position++;
				const inner = this.or(field);
				if (this.peek()?.kind !== 'close')
					throw syntaxError(
						this.where(),
						`expected ')' to close the field group of '${shown(fieldToken.text)}:', ${this.describeNext()}`,
					);
				this.position++;
				this.depth--;
				return inner;
			}

			return {
				kind: 'clause',
				field,
				test: this.value(`${shown(fieldToken.text)}:`),
			};
		}

		const after = `${shown(fieldToken.text)}${operator?.text ?? ''}`;
		const bound = this.peek();
		const number = bound?.kind === 'word' ? asNumber(bound.text) : undefined;
		if (number === undefined)
			throw syntaxError(
				this.where(),
				`expected a number after '${after}', ${this.describeNext()}`,
			);
		this.position++;
		const limit: Bound = {value: number, inclusive: false};
		return {
			kind: 'clause',
			field,
			test: this.countTerm(
				operator?.kind === 'less'
					? {kind: 'range', upper: limit}
					: {kind: 'range', lower: limit},
			),
		};
	}

	/** A value: `*`, a term, a wildcard, a phrase or a range. `after` names what precedes it, for messages. */
	private value(after: string | undefined): ValueTest {
		const token = this.peek();
		const expected = () =>
			syntaxError(
				this.where(),
				after === undefined
					? `expected a value, ${this.describeNext()}`
					: `expected a value after '${after}', ${this.describeNext()}`,
			);
		if (!token) throw expected();
		if (token.kind === 'phrase') {
			this.position++;
			const text = token.text.toLowerCase();
			const number = asNumber(text);
			return this.countTerm(
				number === undefined
					? {kind: 'term', text}
					: {kind: 'term', text, number},
			);
		}

		if (token.kind === 'rangeOpen') return this.countTerm(this.range(token));
		if (token.kind !== 'word' || isKeyword(token)) throw expected();
		this.position++;
		return this.countTerm(wordTest(token));
	}

	private range(open: Token): ValueTest {
		this.position++;
		const lower = this.bound(open.text === '[');
		if (!isKeyword(this.peek(), 'TO'))
			throw syntaxError(
				this.where(),
				`expected TO in the range, ${this.describeNext()}`,
			);
		this.position++;
		const upperAt = this.where();
		const upperValue = this.boundValue();
		const end = this.peek();
		if (end?.kind !== 'rangeClose')
			throw syntaxError(
				this.where(),
				`expected ] or } to close the range, ${this.describeNext()}`,
			);
		this.position++;
		const upper =
			upperValue === undefined
				? undefined
				: {value: upperValue, inclusive: end.text === ']'};
		if (lower === undefined && upper === undefined)
			throw syntaxError(
				open.at,
				'a range needs at least one bound (write field:* to test that a field exists)',
			);
		if (
			lower !== undefined &&
			upper !== undefined &&
			typeof lower.value !== typeof upper.value
		)
			throw syntaxError(
				upperAt,
				'range bounds must both be numbers or both be "phrases"',
			);
		return lower === undefined
			? {kind: 'range', upper}
			: upper === undefined
				? {kind: 'range', lower}
				: {kind: 'range', lower, upper};
	}

	private bound(inclusive: boolean): Bound | undefined {
		const value = this.boundValue();
		return value === undefined ? undefined : {value, inclusive};
	}

	/**
	A number, a "phrase" (a string bound, lower-cased), or `*` for an open
	bound. `*` is Lucene's syntax; whether AWS accepts it is unverified (1.2).
	*/
	private boundValue(): number | string | undefined {
		const token = this.peek();
		if (token?.kind === 'phrase') {
			this.position++;
			return token.text.toLowerCase();
		}

		if (token?.kind === 'word' && !isKeyword(token)) {
			if (isBareStar(token)) {
				this.position++;
				return undefined;
			}

			const number = asNumber(token.text);
			if (number !== undefined) {
				this.position++;
				return number;
			}
		}

		throw syntaxError(
			this.where(),
			`a range bound is a number, a "phrase" or *, ${this.describeNext()}`,
		);
	}
}

/** (a AND b) AND c reads as one list, so long chains add no depth to matching. */
function flatten(
	kind: 'and' | 'or',
	operands: readonly QueryNode[],
): QueryNode {
	const flat: QueryNode[] = [];
	for (const operand of operands) {
		if (operand.kind === kind) flat.push(...operand.operands);
		else flat.push(operand);
	}

	return {kind, operands: flat};
}

export function parseFleetQuery(text: string): ParsedFleetQuery {
	if (text.length > fleetQueryLimits.maxLength)
		return {
			ok: false,
			message: `Query string exceeds the maximum length of ${fleetQueryLimits.maxLength} characters (this one has ${text.length})`,
		};
	try {
		return {ok: true, query: new Parser(text, tokenize(text)).parse()};
	} catch (error: unknown) {
		if (error instanceof QueryError) return {ok: false, message: error.message};
		throw error;
	}
}

const specialCharacters = new Set(
	' \t\n\r()[]{}:<>"\\*?.-+!&|=~^/`@#%\';,'.split(''),
);

/** Text written so that the parser reads it back literally, as a term or a field segment. */
export function escapeFleetQueryText(text: string): string {
	let escaped = '';
	for (const char of text) {
		escaped +=
			specialCharacters.has(char) || isQueryWhitespace(char.charCodeAt(0))
				? `\\${char}`
				: char;
	}

	return escapeKeyword(escaped);
}

/** AND, OR and NOT as a value: an escaped letter keeps them from being operators. */
export function escapeKeyword(term: string): string {
	return term === 'AND' || term === 'OR' || term === 'NOT' ? `\\${term}` : term;
}

/** A "phrase" holding the text literally. */
export function quoteFleetQueryPhrase(text: string): string {
	return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}
