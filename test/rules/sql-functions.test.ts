import assert from 'node:assert/strict';
import {test} from 'node:test';
import {evaluateRule} from '../../source/rules/sql-eval.js';
import {supportedFunctionNames} from '../../source/rules/sql-functions.js';
import {parseRuleSql} from '../../source/rules/sql-parser.js';
import {ruleValueLimits} from '../../source/rules/sql-values.js';

const payload = {
	s: ' Hi There ',
	n: -5.5,
	i: 7,
	arr: [1, 2, 3],
	obj: {a: 'b', 'my-key': 1},
	t: true,
	nul: null,
};

/** The value of one expression, evaluated against `payload`; undefined when it is Undefined. */
function value(expression: string, topic = 'a/b/c'): unknown {
	const parsed = parseRuleSql(`SELECT VALUE ${expression} FROM '#'`);
	if (!parsed.ok) throw new Error(`${expression}: ${parsed.message}`);
	const result = evaluateRule(parsed.sql, {
		topic,
		clientId: 'me',
		now: 1234,
		newUuid: () => 'the-uuid',
		payload: Buffer.from(JSON.stringify(payload)),
	});
	if (!result.fired) throw new Error(`${expression} did not fire`);
	return result.output;
}

test('the supported functions carry AWS names', () => {
	assert.deepEqual(supportedFunctionNames, [
		'abs',
		'cast',
		'ceil',
		'clientid',
		'concat',
		'decode',
		'encode',
		'endswith',
		'floor',
		'get',
		'indexof',
		'isNull',
		'isUndefined',
		'length',
		'lower',
		'ltrim',
		'mod',
		'newuuid',
		'numbytes',
		'remainder',
		'replace',
		'round',
		'rtrim',
		'sign',
		'sql_version',
		'startswith',
		'substring',
		'timestamp',
		'topic',
		'trim',
		'upper',
	]);
});

test('numeric functions follow the reference examples; strings convert, others are Undefined', () => {
	assert.equal(value('abs(-5)'), 5);
	assert.equal(value("abs('-5.123')"), 5.123);
	assert.equal(value('abs(t)'), undefined);
	assert.equal(value('abs(nul)'), undefined);
	assert.equal(value('ceil(1.2)'), 2);
	assert.equal(value('ceil(-1.2)'), -1);
	assert.equal(value('floor(1.2)'), 1);
	assert.equal(value('floor(-1.2)'), -2);
	assert.equal(value("floor('x')"), undefined);
	for (const [input, expected] of [
		[1.2, 1],
		[1.5, 2],
		[1.7, 2],
		[-1.1, -1],
		[-1.5, -2],
	] as const)
		assert.equal(value(`round(${input})`), expected, `round(${input})`);
	assert.equal(value('sign(n)'), -1);
	assert.equal(value('mod(8, 3)'), 2);
	assert.equal(value('remainder(8, 3)'), 2);
	assert.equal(value('mod(8, 0)'), undefined);
	assert.equal(value('mod(8.5, 2)'), 0.5);
});

test('concat joins strings, or builds one array when any argument is an array', () => {
	assert.equal(value('concat()'), undefined);
	assert.equal(value('concat(1)'), 1, 'one argument comes back unmodified');
	assert.deepEqual(value('concat([1, 2, 3], 4)'), [1, 2, 3, 4]);
	assert.deepEqual(value('concat([1, 2, 3], "hello")'), [1, 2, 3, 'hello']);
	assert.equal(value('concat("con", "cat")'), 'concat');
	assert.equal(value('concat(1, "hello")'), '1hello');
	assert.equal(value('concat("he", "is", "man")'), 'heisman');
	assert.deepEqual(value('concat([1, 2, 3], "hello", [4, 5, 6])'), [
		1,
		2,
		3,
		'hello',
		4,
		5,
		6,
	]);
	assert.equal(value('concat(1, 2)'), undefined, 'no string and no array');
	assert.equal(value("concat('a', missing)"), undefined);
	assert.equal(value("concat('a', obj)"), 'a{"a":"b","my-key":1}');
	assert.equal(value("concat('x', topic(2), '/', clientid())"), 'xb/me');
});

test('startswith, endswith, indexof, get', () => {
	assert.equal(value('startswith("ranger", "ran")'), true);
	assert.equal(value('startswith("ranger", "anger")'), false);
	assert.equal(value('endswith("cat", "at")'), true);
	assert.equal(
		value('endswith(123, 3)'),
		true,
		'other values are compared as strings',
	);
	assert.equal(value('startswith(nul, "a")'), undefined);
	assert.equal(value('startswith("a", missing)'), undefined);
	assert.equal(value('indexof("abcd", "bc")'), 1);
	assert.equal(value('indexof("abcd", "x")'), -1);
	assert.equal(value('get(["a", "b", "c"], 1)'), 'b');
	assert.equal(value("get(arr, '2')"), 3, 'the index converts to Int');
	assert.equal(value('get(arr, 3)'), undefined);
	assert.equal(value('get({"a": "b"}, "a")'), 'b');
	assert.equal(value("get(obj, 'my-key')"), 1, 'get reaches keys paths cannot');
	assert.equal(value('get("abc", 1)'), 'b');
	assert.equal(
		value('get(obj, 1)'),
		undefined,
		'object keys are not converted',
	);
	assert.equal(value('get(5, 0)'), undefined);
});

test('string functions convert their arguments to strings', () => {
	assert.equal(value('upper("hello")'), 'HELLO');
	assert.equal(value('upper(["hello"])'), '["HELLO"]');
	assert.equal(value('lower(["HELLO"])'), '["hello"]');
	assert.equal(value('lower(s)'), ' hi there ');
	assert.equal(value("trim(' hi ')"), 'hi');
	assert.equal(value("ltrim(' h i ')"), 'h i ');
	assert.equal(value("rtrim(' h i ')"), ' h i');
	assert.equal(value("trim('\t\n x \r')"), 'x');
	assert.equal(value('trim(nul)'), undefined);
	assert.equal(value('length("hi")'), 2);
	assert.equal(value('length(false)'), 5);
	assert.equal(value('numbytes("hi")'), 2);
	assert.equal(value("numbytes('€')"), 3);
	assert.equal(value('replace("abcd", "bc", "x")'), 'axd');
	assert.equal(value('replace("abcdabcd", "b", "x")'), 'axcdaxcd');
	assert.equal(value('replace("ab", "", "-")'), '-a-b-');
	assert.equal(value('replace(i, 7, "seven")'), 'seven');
	assert.equal(
		value("replace('a-a', 'a', '$&$&$1')"),
		'$&$&$1-$&$&$1',
		'no replacement patterns',
	);
});

test('substring follows the reference examples', () => {
	const examples: [string, string][] = [
		['substring("012345", 0)', '012345'],
		['substring("012345", 2)', '2345'],
		['substring("012345", 2.745)', '2345'],
		['substring(123, 2)', '3'],
		['substring("012345", -1)', '012345'],
		['substring(true, 1.2)', 'rue'],
		['substring(false, -2.411E247)', 'false'],
		['substring("012345", 1, 3)', '12'],
		['substring("012345", -50, 50)', '012345'],
		['substring("012345", 3, 1)', ''],
	];
	for (const [expression, expected] of examples)
		assert.equal(value(expression), expected, expression);
	assert.equal(value('substring("abc", "x")'), undefined);
});

test('isUndefined and isNull tell Undefined and Null apart', () => {
	assert.equal(value('isUndefined(5)'), false);
	assert.equal(value('isUndefined(floor([1, 2, 3]))'), true);
	assert.equal(value('isUndefined(nul)'), false);
	assert.equal(value('isNull(nul)'), true);
	assert.equal(value('isNull(NULL)'), true);
	assert.equal(value('isNull(missing)'), false);
	assert.equal(value('isNull(5)'), false);
});

test('context functions', () => {
	assert.equal(value('topic()', 'x/y'), 'x/y');
	assert.equal(value('topic(2)', 'x/y'), 'y');
	assert.equal(value('topic(3)', 'x/y'), undefined);
	assert.equal(value('topic(1.9)', 'x/y'), 'x');
	assert.equal(value('clientid()'), 'me');
	assert.equal(value('timestamp()'), 1234);
	assert.equal(value('newuuid()'), 'the-uuid');
	assert.equal(value('sql_version()'), '2016-03-23');
});

test('cast converts, Booleans to and from numbers included', () => {
	assert.equal(value('cast(true AS Int)'), 1);
	assert.equal(value('cast(false AS Decimal)'), 0);
	assert.equal(value("cast('12.7' AS Int)"), 12);
	assert.equal(value('cast(-12.7 AS Integer)'), -12);
	assert.equal(value("cast('5E-1' AS Decimal)"), 0.5);
	assert.equal(value("cast('x' AS Int)"), undefined);
	assert.equal(value('cast(2 AS Bool)'), true);
	assert.equal(value('cast(0 AS Boolean)'), false);
	assert.equal(value("cast('TRUE' AS Boolean)"), true);
	assert.equal(value("cast('yes' AS Boolean)"), undefined);
	assert.equal(value('cast(i AS String)'), '7');
	assert.equal(value('cast(arr AS String)'), '[1,2,3]');
	assert.equal(value('cast(nul AS String)'), undefined);
	assert.equal(
		value('cast(1e21 AS String)'),
		'1000000000000000000000',
		'Ints in standard notation',
	);
});

test('encode and decode base64', () => {
	assert.equal(value("encode('hi', 'base64')"), 'aGk=');
	assert.equal(
		value("encode(*, 'base64')"),
		Buffer.from(JSON.stringify(payload)).toString('base64'),
	);
	assert.deepEqual(
		value("decode('eyAidGVtcGVyYXR1cmUiOiAzMyB9Cg==', 'base64')"),
		{temperature: 33},
	);
	assert.equal(
		value("decode('eyAidGVtcGVyYXR1cmUiOiAzMyB9Cg==', 'base64').temperature"),
		33,
	);
	assert.equal(value("decode('aGk=', 'base64')"), 'hi', 'not JSON: the text');
	assert.equal(value("decode('not base64!', 'base64')"), null);
	assert.equal(
		value("decode('abc', 'base64')"),
		null,
		'the length must be a multiple of 4',
	);
});

test('functions never build strings or arrays past the bounds', () => {
	const nested = (depth: number) => {
		let expression = "'aaaaaaaaaaaaaaaa'";
		for (let level = 0; level < depth; level++)
			expression = `replace(${expression}, 'a', 'aaaaaaaaaaaaaaaa')`;
		return expression;
	};

	assert.equal(value(nested(3)), 'a'.repeat(16 ** 4));
	assert.equal(
		value(nested(20)),
		undefined,
		'16^21 characters are never built',
	);
	const half = `replace('${'x'.repeat(1000)}', 'x', '${'y'.repeat(150)}')`;
	assert.equal((value(half) as string).length, 150_000);
	assert.ok(2 * 150_000 > ruleValueLimits.maxStringLength);
	assert.equal(
		value(`${half} + ${half}`),
		undefined,
		'+ stays under the bound',
	);
	assert.equal(value(`concat(${half}, ${half})`), undefined);
	assert.equal(value(`upper(concat(${half}, 'x'))`), 'Y'.repeat(150_000) + 'X');
	assert.equal(value(`length(${"'xx' + ".repeat(30)}'x')`), 61);
});
