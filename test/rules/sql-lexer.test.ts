import assert from 'node:assert/strict';
import {test} from 'node:test';
import {SqlSyntaxError} from '../../source/rules/sql-error.js';
import {SqlLexer, type Token} from '../../source/rules/sql-lexer.js';
import {tokenizeAll} from '../../source/rules/sql-parser.js';

function kinds(text: string): string[] {
	return tokenizeAll(text).map((token) => `${token.kind}:${token.text}`);
}

function lexError(text: string): string {
	try {
		tokenizeAll(text);
	} catch (error: unknown) {
		if (error instanceof SqlSyntaxError) return error.message;
		throw error;
	}

	throw new Error(`${text} was read without an error`);
}

test('words, numbers, strings and symbols', () => {
	assert.deepEqual(kinds("SELECT a.b_1, 12, 2.5e-3, 'x' FROM"), [
		'word:SELECT',
		'word:a',
		'symbol:.',
		'word:b_1',
		'symbol:,',
		'number:12',
		'symbol:,',
		'number:2.5e-3',
		'symbol:,',
		"string:'x'",
		'word:FROM',
		'end:<EOF>',
	]);
	assert.deepEqual(kinds('<> != <= >= < > = + - * / % ( ) [ ] { } :'), [
		...[
			'<>',
			'!=',
			'<=',
			'>=',
			'<',
			'>',
			'=',
			'+',
			'-',
			'*',
			'/',
			'%',
			'(',
			')',
			'[',
			']',
			'{',
			'}',
			':',
		].map((symbol) => `symbol:${symbol}`),
		'end:<EOF>',
	]);
	assert.deepEqual(kinds('1.x 1e 1E+2'), [
		'number:1',
		'symbol:.',
		'word:x',
		'number:1',
		'word:e',
		'number:1E+2',
		'end:<EOF>',
	]);
});

test('strings: single or double quotes, a doubled quote inside, no backslash escapes', () => {
	const values = (text: string) =>
		tokenizeAll(text)
			.filter(
				(token): token is Extract<Token, {kind: 'string'}> =>
					token.kind === 'string',
			)
			.map((token) => token.value);
	assert.deepEqual(values(`'it''s' "say ""hi""" 'a"b' "a'b" '' 'a\\n'`), [
		"it's",
		'say "hi"',
		'a"b',
		"a'b",
		'',
		'a\\n',
	]);
	assert.deepEqual(values("'line\none'"), ['line\none']);
});

test('positions are line 1-based and column 0-based, across newlines', () => {
	const tokens = tokenizeAll("SELECT a\n  FROM 'x\ny' WHERE");
	const where = tokens.find((token) => token.text === 'WHERE');
	assert.deepEqual([tokens[1]?.line, tokens[1]?.column], [1, 7]);
	assert.deepEqual([tokens[2]?.line, tokens[2]?.column], [2, 2]);
	assert.deepEqual([where?.line, where?.column], [3, 3]);
	const lexer = new SqlLexer('ab ${x}', 4, {line: 1, column: 4});
	const token = lexer.next();
	assert.deepEqual([token.kind, token.column, lexer.offset], ['symbol', 4, 5]);
});

test('characters outside the language are refused where they are', () => {
	assert.equal(
		lexError('SELECT #'),
		"Line 1:7 token recognition error at: '#'",
	);
	assert.equal(
		lexError('a\n  ! b'),
		"Line 2:2 token recognition error at: '!'",
	);
	assert.equal(
		lexError("'abc"),
		"Line 1:0 token recognition error at: ''abc' (a string never closed with ')",
	);
	assert.equal(lexError('1e400'), "Line 1:0 number '1e400' is out of range");
	assert.equal(
		lexError('\u0000'),
		"Line 1:0 token recognition error at: ' '",
		'control characters are not printed',
	);
});
