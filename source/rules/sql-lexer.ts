/*
Tokens of AWS IoT SQL (2016-03-23). Both 'single' and "double" quotes make
string literals: AWS's own examples use both (`parse_time("yyyy-MM-dd'T'…")`,
`get(mydata, "item2")` in the JSON extensions page, `'armed'` everywhere), and
a quote is written inside its own kind by doubling it ('it''s'), as ANSI SQL
does; a backslash has no special meaning. Identifiers are letters, digits and
`_`, not starting with a digit: AWS's docs say names with hyphens, spaces or a
leading digit need get(). Comments do not exist in AWS IoT SQL.

The lexer is a loop over characters, no regular expressions, and reads one
token per call so substitution templates can stop at the `}` that ends
`${…}`. Positions follow ANTLR, which AWS's messages come from: line 1-based,
column 0-based.
*/
import {shown, SqlSyntaxError, type SourcePosition} from './sql-error.js';

export type SymbolText =
	| '('
	| ')'
	| '['
	| ']'
	| '{'
	| '}'
	| ','
	| '.'
	| ':'
	| '*'
	| '+'
	| '-'
	| '/'
	| '%'
	| '='
	| '<>'
	| '!='
	| '<'
	| '>'
	| '<='
	| '>=';

export type Token = SourcePosition & {readonly offset: number} & (
		| {readonly kind: 'word'; readonly text: string; readonly upper: string}
		| {readonly kind: 'number'; readonly text: string; readonly value: number}
		| {readonly kind: 'string'; readonly text: string; readonly value: string}
		| {readonly kind: 'symbol'; readonly text: SymbolText}
		| {readonly kind: 'end'; readonly text: '<EOF>'}
	);

const twoCharacterSymbols = new Set(['<>', '!=', '<=', '>=']);
const oneCharacterSymbols = new Set('()[]{},.:*+-/%=<>');

function isDigit(char: string | undefined): boolean {
	return char !== undefined && char >= '0' && char <= '9';
}

function isWordStart(char: string | undefined): boolean {
	return (
		char !== undefined &&
		((char >= 'a' && char <= 'z') ||
			(char >= 'A' && char <= 'Z') ||
			char === '_')
	);
}

function isWordPart(char: string | undefined): boolean {
	return isWordStart(char) || isDigit(char);
}

/** Token text as AWS quotes it in a message: 'FORM', '<EOF>'. */
export function describeToken(token: Token): string {
	return `'${shown(token.text)}'`;
}

export class SqlLexer {
	private index: number;
	private line = 1;
	private lineStart = 0;

	constructor(
		private readonly text: string,
		start = 0,
		/** Where `start` is, when the text is a part of something larger. */
		origin: SourcePosition = {line: 1, column: 0},
	) {
		this.index = start;
		this.line = origin.line;
		this.lineStart = start - origin.column;
	}

	get offset(): number {
		return this.index;
	}

	next(): Token {
		this.skipWhitespace();
		const at = {
			line: this.line,
			column: this.index - this.lineStart,
			offset: this.index,
		};
		const char = this.text[this.index];
		if (char === undefined) return {...at, kind: 'end', text: '<EOF>'};
		if (char === "'" || char === '"')
			return {...at, ...this.readString(char, at)};
		if (isDigit(char)) return {...at, ...this.readNumber(at)};
		if (isWordStart(char)) {
			const start = this.index;
			while (isWordPart(this.text[this.index])) this.index++;
			const text = this.text.slice(start, this.index);
			return {...at, kind: 'word', text, upper: text.toUpperCase()};
		}

		const pair = this.text.slice(this.index, this.index + 2);
		if (twoCharacterSymbols.has(pair)) {
			this.index += 2;
			return {...at, kind: 'symbol', text: pair as SymbolText};
		}

		if (oneCharacterSymbols.has(char)) {
			this.index++;
			return {...at, kind: 'symbol', text: char as SymbolText};
		}

		throw new SqlSyntaxError(
			at,
			`token recognition error at: '${shown(char)}'`,
		);
	}

	private skipWhitespace(): void {
		for (;;) {
			const char = this.text[this.index];
			if (char === '\n') {
				this.index++;
				this.line++;
				this.lineStart = this.index;
			} else if (
				char === ' ' ||
				char === '\t' ||
				char === '\r' ||
				char === '\f'
			) {
				this.index++;
			} else {
				return;
			}
		}
	}

	private readString(
		quote: string,
		at: SourcePosition,
	): {kind: 'string'; text: string; value: string} {
		const start = this.index;
		const parts: string[] = [];
		let partStart = ++this.index;
		for (;;) {
			const char = this.text[this.index];
			if (char === undefined)
				throw new SqlSyntaxError(
					at,
					`token recognition error at: '${shown(this.text.slice(start, start + 20))}' (a string never closed with ${quote})`,
				);
			if (char === '\n') {
				this.line++;
				this.lineStart = this.index + 1;
			}

			if (char !== quote) {
				this.index++;
				continue;
			}

			parts.push(this.text.slice(partStart, this.index));
			if (this.text[this.index + 1] !== quote) break;
			// A doubled quote is one quote character inside the string.
			parts.push(quote);
			this.index += 2;
			partStart = this.index;
		}

		this.index++;
		return {
			kind: 'string',
			text: this.text.slice(start, this.index),
			value: parts.join(''),
		};
	}

	private readNumber(at: SourcePosition): {
		kind: 'number';
		text: string;
		value: number;
	} {
		const start = this.index;
		while (isDigit(this.text[this.index])) this.index++;
		if (this.text[this.index] === '.' && isDigit(this.text[this.index + 1])) {
			this.index++;
			while (isDigit(this.text[this.index])) this.index++;
		}

		const marker = this.text[this.index];
		if (marker === 'e' || marker === 'E') {
			const sign = this.text[this.index + 1];
			const digitsAt =
				sign === '+' || sign === '-' ? this.index + 2 : this.index + 1;
			if (isDigit(this.text[digitsAt])) {
				this.index = digitsAt;
				while (isDigit(this.text[this.index])) this.index++;
			}
		}

		const text = this.text.slice(start, this.index);
		const value = Number(text);
		if (!Number.isFinite(value))
			throw new SqlSyntaxError(at, `number '${shown(text)}' is out of range`);
		return {kind: 'number', text, value};
	}
}
