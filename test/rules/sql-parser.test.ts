import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import type {Expression} from '../../source/rules/sql-ast.js';
import {ruleSqlLimits} from '../../source/rules/sql-limits.js';
import {
	checkTopicFilter,
	parseRuleSql,
	sqlParseExceptionName,
	type ParsedSql,
} from '../../source/rules/sql-parser.js';

function parsed(sql: string): ParsedSql {
	const result = parseRuleSql(sql);
	if (!result.ok) throw new Error(`${sql}: ${result.message}`);
	return result.sql;
}

function refusal(sql: string): string {
	const result = parseRuleSql(sql);
	if (result.ok) throw new Error(`${sql} was accepted`);
	return result.message;
}

const path = (...names: string[]): Expression => ({
	kind: 'path',
	base: undefined,
	steps: names.map((name) => ({kind: 'key', name})),
});
const literal = (value: null | boolean | number | string): Expression => ({
	kind: 'literal',
	value,
});

test('the statement parts: SELECT list, FROM filter, WHERE, keywords in any case', () => {
	assert.deepEqual(
		parsed(
			"select state.desired.cfg as cfg from '$aws/things/+/shadow/get/accepted'",
		),
		{
			select: {
				kind: 'items',
				items: [
					{
						kind: 'expression',
						expression: path('state', 'desired', 'cfg'),
						name: ['cfg'],
					},
				],
			},
			from: '$aws/things/+/shadow/get/accepted',
			where: undefined,
		},
	);
	const withWhere = parsed("SeLeCt * FrOm 'a/#' WhErE a = 1");
	assert.deepEqual(withWhere.select, {kind: 'items', items: [{kind: 'all'}]});
	assert.deepEqual(withWhere.where, {
		kind: 'comparison',
		operator: '=',
		left: path('a'),
		right: literal(1),
	});
	assert.equal(parsed("SELECT *\n  FROM\t'x'\r\n  WHERE true").from, 'x');
});

test('precedence: OR < AND < NOT < comparison < + - < * / % < unary minus', () => {
	const where = (condition: string) =>
		parsed(`SELECT * FROM 't' WHERE ${condition}`).where;
	assert.deepEqual(where('a OR b AND NOT c = 1 + 2 * -d'), {
		kind: 'logical',
		operator: 'or',
		operands: [
			path('a'),
			{
				kind: 'logical',
				operator: 'and',
				operands: [
					path('b'),
					{
						kind: 'not',
						operand: {
							kind: 'comparison',
							operator: '=',
							left: path('c'),
							right: {
								kind: 'arithmetic',
								operator: '+',
								left: literal(1),
								right: {
									kind: 'arithmetic',
									operator: '*',
									left: literal(2),
									right: {kind: 'negate', operand: path('d')},
								},
							},
						},
					},
				],
			},
		],
	});
	assert.deepEqual(
		where('a != -5'),
		{kind: 'comparison', operator: '<>', left: path('a'), right: literal(-5)},
		'!= is <>, -5 a literal',
	);
	const chain = where('a AND b AND c AND d');
	assert.equal(
		chain?.kind === 'logical' && chain.operands.length,
		4,
		'AND chains are flat',
	);
	assert.deepEqual(where('(a OR b) AND c'), {
		kind: 'logical',
		operator: 'and',
		operands: [
			{kind: 'logical', operator: 'or', operands: [path('a'), path('b')]},
			path('c'),
		],
	});
});

test('SELECT VALUE, and value as an ordinary key', () => {
	assert.deepEqual(parsed("SELECT VALUE arr FROM 't'").select, {
		kind: 'value',
		expression: path('arr'),
	});
	assert.deepEqual(parsed("SELECT value FROM 't'").select, {
		kind: 'items',
		items: [{kind: 'expression', expression: path('value'), name: ['value']}],
	});
	assert.deepEqual(
		parsed("SELECT value AS v, x FROM 't'").select.kind,
		'items',
	);
	assert.deepEqual(parsed("SELECT value.x FROM 't'").select.kind, 'items');
	assert.deepEqual(parsed("SELECT VALUE * FROM 't'").select, {
		kind: 'value',
		expression: {kind: 'payload'},
	});
	assert.deepEqual(
		parsed("SELECT value * 2 AS v FROM 't'").select.kind,
		'items',
	);
	assert.deepEqual(parsed("SELECT VALUE [a, b] FROM 't'").select.kind, 'value');
	assert.deepEqual(
		parsed("SELECT VALUE {'a': 1} FROM 't'").select.kind,
		'value',
	);
});

test('names of SELECT items', () => {
	const names = (list: string) => {
		const {select} = parsed(`SELECT ${list} FROM 't'`);
		assert.equal(select.kind, 'items');
		return select.kind === 'items'
			? select.items.map((item) =>
					item.kind === 'all' ? '*' : item.name.join('.'),
				)
			: [];
	};

	assert.deepEqual(
		names('*, timestamp() as parsedAt, topic(3) as topic_name'),
		['*', 'parsedAt', 'topic_name'],
	);
	assert.deepEqual(
		names(
			'a.b.c, timestamp(), TOPIC(2), 1 + 2, "s", a[0], get(x, 0).y, x AS state.reported.x',
		),
		['c', 'timestamp', 'TOPIC', '_4', '_5', 'a', 'y', 'state.reported.x'],
	);
	assert.deepEqual(
		names('a AS value, b AS from'),
		['value', 'from'],
		'aliases may be keywords',
	);
});

test('functions are matched in any case and stored under AWS spelling', () => {
	const {select} = parsed(
		"SELECT ISUNDEFINED(a), Round(1.5), Trim(' x ') FROM 't'",
	);
	assert.ok(select.kind === 'items');
	const calls = select.items.map((item) =>
		item.kind === 'expression' && item.expression.kind === 'call'
			? item.expression.name
			: '',
	);
	assert.deepEqual(calls, ['isUndefined', 'round', 'trim']);
});

test('cast(x AS type) with AWS type keywords', () => {
	const type = (keyword: string) => {
		const {select} = parsed(`SELECT VALUE cast(a AS ${keyword}) FROM 't'`);
		return select.kind === 'value' && select.expression.kind === 'cast'
			? select.expression.type
			: undefined;
	};

	assert.equal(type('String'), 'String');
	assert.equal(type('varchar'), 'String');
	assert.equal(type('INT'), 'Int');
	assert.equal(type('Integer'), 'Int');
	assert.equal(type('Decimal'), 'Decimal');
	assert.equal(type('Double'), 'Decimal');
	assert.equal(type('Bool'), 'Boolean');
	assert.equal(type('Boolean'), 'Boolean');
	assert.match(
		refusal("SELECT cast(a AS Date) FROM 't'"),
		/^Line 1:17 mismatched input 'Date' expecting a type/,
	);
	assert.match(
		refusal("SELECT cast(a, 'Int') FROM 't'"),
		/^Line 1:13 mismatched input ',' expecting AS/,
	);
});

test('refusals are SqlParseException messages with a line and column', () => {
	assert.equal(sqlParseExceptionName, 'SqlParseException');
	const cases: [string, string][] = [
		[
			"SELECT unknownfn(a) FROM 't'",
			'Line 1:7 Function unknownfn is not supported',
		],
		[
			"SELECT parse_time('yyyy', timestamp()) FROM 't'",
			'Line 1:7 Function parse_time is not supported by this local service',
		],
		[
			"SELECT coalesce(a, b) FROM 't'",
			'Line 1:7 Function coalesce is not supported',
		],
		[
			"SELECT topic(1, 2) FROM 't'",
			'Line 1:7 Function topic takes 0 to 1 arguments, not 2',
		],
		[
			"SELECT upper() FROM 't'",
			'Line 1:7 Function upper takes 1 argument, not 0',
		],
		[
			"SELECT replace('a', 'b') FROM 't'",
			'Line 1:7 Function replace takes 3 arguments, not 2',
		],
		[
			"SELECT encode(a, 'hex') FROM 't'",
			"Line 1:7 encode() supports only the literal encoding scheme 'base64'",
		],
		[
			"SELECT 'abc FROM 't'",
			"Line 1:19 token recognition error at: ''' (a string never closed with ')",
		],
		[
			"SELECT a FROM 't' WHERE b = \"x",
			'Line 1:28 token recognition error at: \'"x\' (a string never closed with ")',
		],
		['SELECT a', "Line 1:8 mismatched input '<EOF>' expecting FROM"],
		[
			"SELECT a 't'",
			"Line 1:9 mismatched input ''t'' expecting {',', AS, FROM}",
		],
		[
			"SELECT * FORM 't'",
			"Line 1:9 mismatched input 'FORM' expecting {',', AS, FROM}",
		],
		[
			'SELECT * FROM topic/a',
			"Line 1:14 mismatched input 'topic' expecting a topic filter in single quotes ('a/+/b')",
		],
		['SELECT * FROM $aws/things', "Line 1:14 token recognition error at: '$'"],
		[
			'SELECT * FROM "a/b"',
			"Line 1:14 mismatched input '\"a/b\"' expecting a topic filter in single quotes ('a/+/b')",
		],
		[
			"SELECT * FROM 'a/#/b'",
			"Line 1:14 '#' must be a whole level and the last one of the topic filter",
		],
		[
			"SELECT * FROM 'a/b+'",
			"Line 1:14 '+' must be a whole level of the topic filter",
		],
		["SELECT * FROM ''", 'Line 1:14 the topic filter must not be empty'],
		[
			"SELECT * FROM 't' WHERE",
			"Line 1:23 mismatched input '<EOF>' expecting an expression",
		],
		[
			"SELECT * FROM 't' WHERE a = 1 b",
			"Line 1:30 mismatched input 'b' expecting <EOF>",
		],
		[
			"SELECT * FROM 't' LIMIT 1",
			"Line 1:18 mismatched input 'LIMIT' expecting {WHERE, <EOF>}",
		],
		[
			"SELECT * FROM 't' WHERE a IS NULL",
			'Line 1:26 IS [NOT] NULL is not AWS IoT SQL: write isNull(x) or isUndefined(x)',
		],
		[
			"SELECT * FROM 't' WHERE a IN (1, 2)",
			'Line 1:26 the IN operator is not supported by this local service',
		],
		[
			"SELECT * FROM 't' WHERE a LIKE 'x%'",
			'Line 1:26 LIKE is not AWS IoT SQL: write startswith(), endswith() or indexof()',
		],
		["SELECT `a` FROM 't'", "Line 1:7 token recognition error at: '`'"],
		[
			"SELECT a /* comment */ FROM 't'",
			"Line 1:12 mismatched input 'comment' expecting {',', AS, FROM}",
		],
		[
			"SELECT a.0 FROM 't'",
			"Line 1:9 mismatched input '0' expecting an identifier (use get() for other keys)",
		],
		[
			"SELECT {a: 1} FROM 't'",
			"Line 1:8 mismatched input 'a' expecting a quoted key ('key': value)",
		],
		[
			"SELECT (SELECT v FROM e) AS s FROM 't'",
			"Line 1:8 mismatched input 'SELECT' expecting an expression",
		],
		[
			"SELECT CASE a END FROM 't'",
			"Line 1:14 mismatched input 'END' expecting WHEN",
		],
		["SELECT 1e999 FROM 't'", "Line 1:7 number '1e999' is out of range"],
		['INSERT INTO x', "Line 1:0 mismatched input 'INSERT' expecting SELECT"],
		['', "Line 1:0 mismatched input '<EOF>' expecting SELECT"],
		[
			"SELECT *\nFROM 't'\nWHERE a = 'x",
			"Line 3:10 token recognition error at: ''x' (a string never closed with ')",
		],
	];
	for (const [sql, message] of cases) assert.equal(refusal(sql), message, sql);
});

test('topic filters: + and # as whole levels, # last', () => {
	for (const filter of [
		'a',
		'#',
		'+',
		'a/+/b',
		'a/#',
		'+/+/#',
		'$aws/things/+/shadow/update/documents',
		'a//b',
		'/',
	])
		assert.equal(checkTopicFilter(filter), undefined, filter);
	for (const filter of [
		'',
		'a/#/b',
		'#/a',
		'a#',
		'a/b#',
		'a+',
		'+a/b',
		'a/\u0000',
		'x'.repeat(257),
	])
		assert.notEqual(checkTopicFilter(filter), undefined, filter);
});

test('limits: length is checked first, nesting is refused at the token where it got too deep', () => {
	const tooLong = `SELECT '${'x'.repeat(ruleSqlLimits.maxLength)}' FROM 't'`;
	assert.match(
		refusal(tooLong),
		/^Line 1:0 the statement has \d+ characters; the maximum is 262144$/,
	);

	const started = performance.now();
	const parens = `SELECT ${'('.repeat(50_000)}1${')'.repeat(50_000)} FROM 't'`;
	assert.equal(
		refusal(parens),
		`Line 1:${7 + ruleSqlLimits.maxDepth} expression nesting exceeds the maximum depth of 32`,
	);
	assert.match(
		refusal(`SELECT ${'NOT '.repeat(10_000)}true FROM 't'`),
		/nesting exceeds the maximum depth of 32/,
	);
	assert.match(
		refusal(`SELECT ${'-'.repeat(10_000)}a FROM 't'`),
		/nesting exceeds/,
	);
	assert.match(
		refusal(`SELECT ${'a + '.repeat(40)}a FROM 't'`),
		/nesting exceeds/,
		'left-leaning chains count too',
	);
	assert.match(
		refusal(`SELECT ${'['.repeat(10_000)}${']'.repeat(10_000)} FROM 't'`),
		/nesting exceeds/,
	);
	assert.match(
		refusal(`SELECT ${"{'a':".repeat(10_000)}1${'}'.repeat(10_000)} FROM 't'`),
		/nesting exceeds/,
	);
	assert.match(
		refusal(`SELECT ${'upper('.repeat(10_000)}a${')'.repeat(10_000)} FROM 't'`),
		/nesting exceeds/,
	);
	assert.ok(
		performance.now() - started < 5000,
		'deep input is refused quickly',
	);

	assert.ok(
		parseRuleSql(`SELECT ${'('.repeat(31)}1${')'.repeat(31)} FROM 't'`).ok,
	);
	assert.ok(
		parseRuleSql(
			`SELECT * FROM 't' WHERE ${Array.from({length: 500}, (_, index) => `a${index} = ${index}`).join(' AND ')}`,
		).ok,
		'long AND chains are flat',
	);

	const items = Array.from(
		{length: ruleSqlLimits.maxSelectItems + 1},
		(_, index) => `a${index}`,
	).join(', ');
	assert.match(
		refusal(`SELECT ${items} FROM 't'`),
		/the SELECT list has more than 100 items/,
	);
	const array = `[${Array.from({length: ruleSqlLimits.maxNodes}, () => '1').join(',')}]`;
	assert.match(
		refusal(`SELECT ${array} AS a FROM 't'`),
		new RegExp(`more than ${ruleSqlLimits.maxNodes} expressions`),
	);
});

test('random text never makes parseRuleSql throw', () => {
	const fragments = fc.constantFrom(
		'SELECT ',
		'FROM ',
		'WHERE ',
		'VALUE ',
		'AS ',
		'AND ',
		'OR ',
		'NOT ',
		'CASE ',
		'WHEN ',
		'THEN ',
		'END ',
		'cast(',
		'*',
		',',
		'(',
		')',
		'[',
		']',
		'{',
		'}',
		':',
		'.',
		'+',
		'-',
		'/',
		'%',
		'=',
		'<>',
		'<=',
		"'t'",
		"'a/#'",
		'"x"',
		"'",
		'a',
		'b.c',
		'topic(',
		'concat(',
		'get(',
		'1',
		'2.5e3',
		'null',
		'true',
		' ',
		'\n',
	);
	fc.assert(
		fc.property(
			fc.oneof(
				fc.string(),
				fc.array(fragments, {maxLength: 40}).map((parts) => parts.join('')),
			),
			(text) => {
				const result = parseRuleSql(text);
				assert.equal(typeof result.ok, 'boolean');
				if (!result.ok) assert.match(result.message, /^Line \d+:\d+ /);
			},
		),
		{numRuns: 2000},
	);
});
