/*
Rule statements of AWS IoT SQL 2016-03-23:
`SELECT [VALUE] <items> FROM '<topic filter>' [WHERE <condition>]`, keywords
in any case. A statement that does not parse is refused with the message of
AWS's SqlParseException (`Line L:C …`), since CreateTopicRule refuses it
there and the user should learn it before deploying.

Output names follow AWS: `AS name` (dotted aliases nest, `AS state.reported.x`),
else a path's last key (`a.b.c` → `c`), else a call's function name as written
(`timestamp()` → `timestamp`). Anything else unaliased (a literal, `a + 1`) is
named `_1`, `_2`… by its place in the list. [guess: AWS does not document it]

The text's length is checked before it is read; see sql-limits.ts.
*/
import type {Expression, SelectClause, SelectItem} from './sql-ast.js';
import {SqlSyntaxError, type SourcePosition} from './sql-error.js';
import {ExpressionParser} from './sql-expression-parser.js';
import {SqlLexer, type Token} from './sql-lexer.js';
import {ruleSqlLimits} from './sql-limits.js';

/** The exception CreateTopicRule answers with when parseRuleSql refuses a statement. */
export {sqlParseExceptionName} from './sql-error.js';

export type ParsedSql = {
	readonly select: SelectClause;
	/** The topic filter of FROM, validated; `+` and `#` as in MQTT. */
	readonly from: string;
	readonly where: Expression | undefined;
};

export type ParseSqlResult =
	| {readonly ok: true; readonly sql: ParsedSql}
	| {readonly ok: false; readonly message: string};

/** Every token to the end of the text, the end token included. */
export function tokenizeAll(text: string): Token[] {
	const lexer = new SqlLexer(text);
	const tokens: Token[] = [];
	for (;;) {
		const token = lexer.next();
		tokens.push(token);
		if (token.kind === 'end') return tokens;
	}
}

/** What is wrong with a topic filter, or undefined: `#` only as the last level, `+` only as a whole level. */
export function checkTopicFilter(filter: string): string | undefined {
	if (filter === '') return 'the topic filter must not be empty';
	if (Buffer.byteLength(filter) > ruleSqlLimits.maxTopicFilterBytes)
		return `the topic filter is longer than ${ruleSqlLimits.maxTopicFilterBytes} bytes`;
	if (filter.includes('\u0000'))
		return 'the topic filter must not contain the character U+0000';
	const levels = filter.split('/');
	for (const [index, level] of levels.entries()) {
		if (level.includes('#') && (level !== '#' || index !== levels.length - 1))
			return `'#' must be a whole level and the last one of the topic filter`;
		if (level.includes('+') && level !== '+')
			return `'+' must be a whole level of the topic filter`;
	}

	return undefined;
}

function startsOperand(token: Token): boolean {
	if (token.kind === 'number' || token.kind === 'string') return true;
	if (token.kind === 'word') return token.upper !== 'FROM';
	return token.kind === 'symbol' && ['(', '-', '[', '{'].includes(token.text);
}

/** VALUE is a keyword right after SELECT, unless it is used as a payload key (`SELECT value, …`, `value.x`). */
function startsSelectValue(parser: ExpressionParser): boolean {
	if (!parser.isWord('VALUE')) return false;
	const next = parser.peek(1);
	if (next.kind === 'end') return false;
	if (next.kind === 'word') return next.upper !== 'FROM' && next.upper !== 'AS';
	// A literal (SELECT VALUE 'x'), a sign, a group or an object or array literal.
	if (next.kind !== 'symbol') return true;
	// `value * n` multiplies; `VALUE * FROM` and `VALUE * > 1` select the payload.
	if (next.text === '*') return !startsOperand(parser.peek(2));
	return ['-', '(', '{', '['].includes(next.text);
}

function defaultName(expression: Expression, position: number): string {
	if (expression.kind === 'path') {
		for (let index = expression.steps.length - 1; index >= 0; index--) {
			const step = expression.steps[index];
			if (step?.kind === 'key') return step.name;
		}
	}

	return expression.kind === 'call' ? expression.written : `_${position}`;
}

/** `AS a.b.c`: any words, keywords too, joined by dots. */
function alias(parser: ExpressionParser): string[] {
	const name: string[] = [];
	do {
		if (name.length > 0) parser.advance();
		const token = parser.peek();
		if (token.kind !== 'word') parser.fail('an alias name');
		name.push(parser.advance().text);
	} while (parser.isSymbol('.'));
	return name;
}

function selectItem(parser: ExpressionParser, position: number): SelectItem {
	const bareStar =
		parser.isSymbol('*') &&
		(parser.isSymbol(',', 1) ||
			parser.isWord('FROM', 1) ||
			parser.peek(1).kind === 'end');
	if (bareStar) {
		parser.advance();
		return {kind: 'all'};
	}

	const expression = parser.expression();
	if (!parser.isWord('AS'))
		return {
			kind: 'expression',
			expression,
			name: [defaultName(expression, position)],
		};
	parser.advance();
	return {kind: 'expression', expression, name: alias(parser)};
}

function selectClause(parser: ExpressionParser): SelectClause {
	if (startsSelectValue(parser)) {
		parser.advance();
		return {kind: 'value', expression: parser.expression()};
	}

	const items: SelectItem[] = [];
	for (;;) {
		const at = parser.peek();
		if (items.length === ruleSqlLimits.maxSelectItems)
			throw new SqlSyntaxError(
				at,
				`the SELECT list has more than ${ruleSqlLimits.maxSelectItems} items`,
			);
		items.push(selectItem(parser, items.length + 1));
		if (!parser.isSymbol(',')) return {kind: 'items', items};
		parser.advance();
	}
}

function fromClause(parser: ExpressionParser): string {
	if (!parser.isWord('FROM'))
		parser.fail(parser.peek().kind === 'end' ? 'FROM' : `{',', AS, FROM}`);
	parser.advance();
	const token = parser.peek();
	if (token.kind !== 'string' || !token.text.startsWith("'"))
		parser.fail("a topic filter in single quotes ('a/+/b')");
	parser.advance();
	const problem = checkTopicFilter(token.value);
	if (problem) throw new SqlSyntaxError(token, problem);
	return token.value;
}

function statement(text: string): ParsedSql {
	const parser = new ExpressionParser(tokenizeAll(text));
	parser.expectWord('SELECT');
	const select = selectClause(parser);
	const from = fromClause(parser);
	let where: Expression | undefined;
	if (parser.isWord('WHERE')) {
		parser.advance();
		where = parser.expression();
	}

	if (parser.peek().kind !== 'end')
		parser.fail(where ? '<EOF>' : '{WHERE, <EOF>}');
	return {select, from, where};
}

const start: SourcePosition = {line: 1, column: 0};

export function parseRuleSql(sql: string): ParseSqlResult {
	if (sql.length > ruleSqlLimits.maxLength)
		return {
			ok: false,
			message: new SqlSyntaxError(
				start,
				`the statement has ${sql.length} characters; the maximum is ${ruleSqlLimits.maxLength}`,
			).message,
		};
	try {
		return {ok: true, sql: statement(sql)};
	} catch (error: unknown) {
		if (error instanceof SqlSyntaxError)
			return {ok: false, message: error.message};
		throw error;
	}
}
