import assert from 'node:assert/strict';
import {test} from 'node:test';
import {
	evaluateRule,
	ruleOutputLimits,
	serializeRuleOutput,
	sqlMatchesTopic,
	type RuleContext,
} from '../../source/rules/sql-eval.js';
import {parseRuleSql, type ParsedSql} from '../../source/rules/sql-parser.js';

const now = 1_700_000_000_000;

function parsed(sql: string): ParsedSql {
	const result = parseRuleSql(sql);
	if (!result.ok) throw new Error(`${sql}: ${result.message}`);
	return result.sql;
}

function context(topic: string, payload: unknown): RuleContext {
	let count = 0;
	return {
		topic,
		clientId: 'client-1',
		now,
		newUuid: () => `uuid-${++count}`,
		payload: Buffer.isBuffer(payload)
			? payload
			: Buffer.from(JSON.stringify(payload)),
	};
}

/** The output of a rule that must fire. */
function output(sql: string, payload: unknown, topic = 't'): unknown {
	const result = evaluateRule(parsed(sql), context(topic, payload));
	if (!result.fired)
		throw new Error(
			`${sql} did not fire${result.error ? `: ${result.error}` : ''}`,
		);
	return result.output;
}

function fires(sql: string, payload: unknown, topic = 't'): boolean {
	return evaluateRule(parsed(sql), context(topic, payload)).fired;
}

const documents = {
	previous: {
		state: {
			reported: {
				interiorDoor: 'closed',
				securitySystem: 'armed',
				dev: {v: {brdV: '1.0'}},
			},
		},
		metadata: {},
		version: 4,
	},
	current: {
		state: {
			reported: {
				interiorDoor: 'open',
				securitySystem: 'armed',
				dev: {v: {brdV: '1.0'}},
			},
		},
		metadata: {},
		version: 5,
	},
	timestamp: 1_700_000_000,
};

test('the documents rule adds a timestamp and the thing name to the whole payload', () => {
	const sql =
		"SELECT *, timestamp() as parsedAt, topic(3) as topic_name FROM '$aws/things/+/shadow/update/documents'";
	assert.deepEqual(
		output(sql, documents, '$aws/things/door-1/shadow/update/documents'),
		{
			...documents,
			parsedAt: now,
			topic_name: 'door-1',
		},
	);
	assert.equal(
		fires(sql, documents, '$aws/things/door-1/shadow/update/accepted'),
		false,
	);
	assert.equal(
		fires(sql, documents, '$aws/things/door-1/shadow/name/n/update/documents'),
		false,
		'+ is one level',
	);
});

test('change detection between previous and current fires only on a change while armed', () => {
	const sql =
		"SELECT current.state.reported.interiorDoor AS door FROM '$aws/things/+/shadow/update/documents' WHERE current.state.reported.interiorDoor <> previous.state.reported.interiorDoor AND current.state.reported.securitySystem = 'armed'";
	const topic = '$aws/things/house/shadow/update/documents';
	assert.deepEqual(output(sql, documents, topic), {door: 'open'});
	const unchanged = {...documents, previous: documents.current};
	assert.equal(fires(sql, unchanged, topic), false);
	const disarmed = structuredClone(documents);
	disarmed.current.state.reported.securitySystem = 'disarmed';
	assert.equal(fires(sql, disarmed, topic), false);
	assert.equal(
		fires(sql, {current: {}}, topic),
		false,
		'missing values are Undefined',
	);
});

test('isUndefined(previous…) = true OR a change fires for a first report and for a change', () => {
	const sql =
		"SELECT current.state.reported.dev.v.brdV AS v FROM '$aws/things/+/shadow/update/documents' WHERE isUndefined(previous.state.reported.dev.v.brdV) = true OR previous.state.reported.dev.v.brdV <> current.state.reported.dev.v.brdV";
	const topic = '$aws/things/tracker/shadow/update/documents';
	assert.equal(fires(sql, documents, topic), false, 'same version, no fire');
	const first = {current: documents.current, timestamp: 1};
	assert.deepEqual(output(sql, first, topic), {v: '1.0'});
	const changed = structuredClone(documents);
	changed.current.state.reported.dev.v.brdV = '2.0';
	assert.deepEqual(output(sql, changed, topic), {v: '2.0'});
});

test('<> NULL fires for any present value, not for null or a missing one', () => {
	const sql =
		"SELECT current.state.reported.roam.v.cell AS cell FROM 't' WHERE current.state.reported.roam.v.cell <> NULL";
	const at = (cell: unknown) => ({
		current: {state: {reported: {roam: {v: {cell}}}}},
	});
	assert.deepEqual(output(sql, at(42)), {cell: 42});
	assert.deepEqual(output(sql, at('x')), {cell: 'x'});
	assert.equal(fires(sql, at(null)), false);
	assert.equal(fires(sql, {current: {}}), false);
});

test('the trim rule republishes one subtree of get/accepted', () => {
	const sql =
		"SELECT state.desired.cfg AS cfg FROM '$aws/things/+/shadow/get/accepted'";
	const accepted = {
		state: {
			desired: {cfg: {act: true, actwt: 60}},
			reported: {cfg: {act: false}},
		},
		metadata: {desired: {cfg: {act: {timestamp: 1}}}},
		version: 3,
		timestamp: 2,
	};
	assert.deepEqual(
		output(sql, accepted, '$aws/things/asset/shadow/get/accepted'),
		{
			cfg: {act: true, actwt: 60},
		},
	);
	assert.deepEqual(
		output(sql, {state: {}}, '$aws/things/asset/shadow/get/accepted'),
		{},
		'Undefined items are left out',
	);
});

test('a delta trim keeps only state.color', () => {
	const sql =
		"SELECT state.color AS color FROM '$aws/things/+/shadow/update/delta'";
	const delta = {
		version: 7,
		timestamp: 1_700_000_001,
		state: {color: 'green', size: 2},
		metadata: {color: {timestamp: 1}},
	};
	assert.deepEqual(output(sql, delta, '$aws/things/lamp/shadow/update/delta'), {
		color: 'green',
	});
});

test('startswith(topic(3), …) picks things by name prefix', () => {
	const sql =
		"SELECT * FROM '$aws/things/+/shadow/update/accepted' WHERE startswith(topic(3), 'pet_door')";
	assert.equal(
		fires(sql, {state: {}}, '$aws/things/pet_door_2/shadow/update/accepted'),
		true,
	);
	assert.equal(
		fires(sql, {state: {}}, '$aws/things/front_door/shadow/update/accepted'),
		false,
	);
});

test('a WHERE that is false, Undefined, or a non-Boolean never fires', () => {
	for (const where of [
		'false',
		'1 = 2',
		'missing = 1',
		'missing',
		"'yes'",
		'1',
		'NULL',
		'NOT true',
		"a > 'x'",
	])
		assert.equal(
			fires(`SELECT * FROM 't' WHERE ${where}`, {a: 1}),
			false,
			where,
		);
	for (const where of [
		'true',
		'1 = 1',
		'a = 1',
		"NOT 'false'",
		"'true' AND true",
		'a >= 1 AND a <= 1',
	])
		assert.equal(
			fires(`SELECT * FROM 't' WHERE ${where}`, {a: 1}),
			true,
			where,
		);
});

test('Undefined: comparisons with a missing value are Undefined, and NOT keeps it Undefined', () => {
	assert.equal(fires("SELECT * FROM 't' WHERE NOT (missing = 1)", {}), false);
	assert.equal(fires("SELECT * FROM 't' WHERE NOT (missing <> 1)", {}), false);
	assert.equal(fires("SELECT * FROM 't' WHERE isUndefined(missing)", {}), true);
	assert.equal(
		fires("SELECT * FROM 't' WHERE isUndefined(missing.deeper.still)", {}),
		true,
	);
	assert.equal(
		fires("SELECT * FROM 't' WHERE missing = 1 OR true", {}),
		true,
		'a true operand decides OR',
	);
	assert.equal(
		fires("SELECT * FROM 't' WHERE NOT (missing = 1 AND false)", {}),
		true,
		'a false operand decides AND',
	);
	assert.equal(
		fires("SELECT * FROM 't' WHERE missing = 1 OR false", {}),
		false,
	);
});

test('equality follows AWS: mismatched types are unequal, numbers compare by value, objects by content', () => {
	const equal = (a: string, b: string) =>
		output(`SELECT VALUE ${a} = ${b} FROM 't'`, {});
	assert.equal(equal("'5'", '5'), false);
	assert.equal(output("SELECT VALUE '5' <> 5 FROM 't'", {}), true);
	assert.equal(equal('1', '1.0'), true);
	assert.equal(equal('true', "'true'"), false);
	assert.equal(equal('NULL', 'NULL'), true);
	assert.equal(output("SELECT VALUE NULL <> NULL FROM 't'", {}), false);
	assert.equal(equal('[1, 2]', '[1, 2]'), true);
	assert.equal(equal('[1, 2]', '[2, 1]'), false);
	assert.equal(equal("{'a': 1, 'b': [true]}", "{'b': [true], 'a': 1}"), true);
	assert.equal(equal("{'a': 1}", "{'a': 1, 'b': 2}"), false);
	assert.equal(
		output("SELECT VALUE a = b FROM 't'", {
			a: {x: [1, {y: 2}]},
			b: {x: [1, {y: 2}]},
		}),
		true,
	);
});

test('ordering converts strings to Decimal and is Undefined otherwise', () => {
	const value = (expression: string) =>
		output(`SELECT VALUE ${expression} FROM 't'`, {});
	assert.equal(value("'10' > 9"), true);
	assert.equal(value("'1.5E1' >= 15"), true);
	assert.equal(value('2 <= 2'), true);
	assert.equal(value('3 < 2'), false);
	assert.equal(value("isUndefined('abc' < 1)"), true);
	assert.equal(
		value("isUndefined('a' < 'b')"),
		true,
		'strings are not ordered as text',
	);
	assert.equal(value('isUndefined(true > false)'), true);
});

test('arithmetic: Int / Int truncates, Decimals stay, + concatenates strings, bad operands are Undefined', () => {
	const value = (expression: string) =>
		output(`SELECT VALUE ${expression} FROM 't'`, {n: 7});
	assert.equal(value('n / 2'), 3);
	assert.equal(value('n / 3.5'), 2);
	assert.equal(value('n / 2.0'), 3, 'a whole Decimal is an Int in 2016-03-23');
	assert.equal(value('-n % 3'), -1);
	assert.equal(value('2 * -(3 - 5)'), 4);
	assert.equal(value("'a' + 1"), 'a1');
	assert.equal(value("1 + 'a'"), '1a');
	assert.equal(
		value("'4' * 2"),
		8,
		'strings that look like numbers convert for - * / %',
	);
	assert.equal(value("isUndefined('4' + 2 = 6)"), false);
	assert.equal(value('isUndefined(n / 0)'), true);
	assert.equal(value('isUndefined(n % 0)'), true);
	assert.equal(value('isUndefined(true + 1)'), true);
	assert.equal(value('isUndefined(1e308 * 10)'), true, 'overflow is Undefined');
	assert.equal(value('isUndefined(-missing)'), true);
});

test('output naming: aliases, last path keys, function names, _N for the rest', () => {
	assert.deepEqual(
		output(
			"SELECT color, color.red, timestamp(), Upper(name), 15, 'x' AS y, a.b[1] FROM 't'",
			{
				color: {red: 255},
				name: 'n',
				a: {b: [1, 2]},
			},
		),
		{
			color: {red: 255},
			red: 255,
			timestamp: now,
			Upper: 'N',
			_5: 15,
			y: 'x',
			b: 2,
		},
	);
	assert.deepEqual(
		output("SELECT *, 15 as speed FROM 't'", {color: 'red', speed: 1}),
		{color: 'red', speed: 15},
	);
	assert.deepEqual(
		output("SELECT foo.bar AS bar.baz FROM 't'", {foo: {bar: 'RED'}}),
		{bar: {baz: 'RED'}},
	);
	assert.deepEqual(
		output("SELECT * AS payload, topic() AS t FROM 'a/+'", {x: 1}, 'a/b'),
		{payload: {x: 1}, t: 'a/b'},
	);
});

test('a dotted alias nests into a copy of what * copied, leaving the payload alone', () => {
	const result = output("SELECT *, 1 AS state.reported.extra FROM 't'", {
		state: {reported: {a: 1}},
		v: 2,
	});
	assert.deepEqual(result, {state: {reported: {a: 1, extra: 1}}, v: 2});
	const kept = output(
		"SELECT *, state.reported AS copy, 1 AS state.reported.extra FROM 't'",
		{state: {reported: {a: 1}}},
	);
	assert.deepEqual(kept, {state: {reported: {a: 1, extra: 1}}, copy: {a: 1}});
});

test('SELECT VALUE outputs the value itself, arrays and scalars included', () => {
	assert.deepEqual(
		output("SELECT VALUE arr FROM 't'", {arr: [1, 2, 3]}),
		[1, 2, 3],
	);
	assert.equal(output("SELECT VALUE color FROM 't'", {color: 'red'}), 'red');
	assert.deepEqual(output("SELECT VALUE {'n': n + 1} FROM 't'", {n: 1}), {
		n: 2,
	});
	assert.equal(output("SELECT VALUE missing FROM 't'", {}), undefined);
	assert.deepEqual(
		serializeRuleOutput(undefined),
		Buffer.alloc(0),
		'an Undefined output is an empty payload',
	);
});

test('literals: objects with either quote, arrays, booleans, null; Undefined members are left out', () => {
	assert.deepEqual(
		output(
			`SELECT {'a': 1, "b": 'two', 'c': [true, false, null], 'd': missing} AS o, [lat, long] AS ll FROM 't'`,
			{lat: 47.6, long: -122.3},
		),
		{o: {a: 1, b: 'two', c: [true, false, null]}, ll: [47.6, -122.3]},
	);
	assert.deepEqual(output("SELECT [missing, 1] AS a FROM 't'", {}), {
		a: [null, 1],
	});
	assert.deepEqual(output("SELECT NULL AS n FROM 't'", {}), {n: null});
	assert.deepEqual(
		output('SELECT \'it\'\'s\' AS s, "say ""hi""" AS d FROM \'t\'', {}),
		{s: "it's", d: 'say "hi"'},
	);
});

test('paths read own keys only: no prototype members, no paths into non-objects', () => {
	assert.deepEqual(
		output("SELECT constructor, a.toString, a.length, s.length FROM 't'", {
			a: [1],
			s: 'abc',
		}),
		{},
	);
	assert.deepEqual(
		output(
			"SELECT __proto__ AS p FROM 't'",
			JSON.parse('{"__proto__": {"x": 1}}'),
		),
		{p: {x: 1}},
	);
	const copied = output(
		"SELECT *, 1 AS one FROM 't'",
		JSON.parse('{"__proto__": {"x": 1}}'),
	) as object;
	assert.equal(
		Object.getPrototypeOf(copied),
		Object.prototype,
		'the key is copied, not made the prototype',
	);
	assert.deepEqual(Object.keys(copied), ['__proto__', 'one']);
});

test('array indexes: a[0], out of range and non-arrays are Undefined', () => {
	const payload = {a: [10, {b: 'x'}], o: {k: 1}};
	assert.deepEqual(
		output(
			"SELECT a[0] AS first, a[1].b AS b, a[2] AS none, a[-1] AS negative, o['k'] AS k, o[0] AS o0 FROM 't'",
			payload,
		),
		{
			first: 10,
			b: 'x',
			k: 1,
		},
	);
	assert.deepEqual(output("SELECT get(a, 1).b AS b FROM 't'", payload), {
		b: 'x',
	});
});

test('CASE picks the first matching WHEN, else ELSE, else Undefined', () => {
	const sql =
		"SELECT CASE color WHEN 'green' THEN 'go' WHEN 'yellow' THEN 'caution' WHEN 'red' THEN 'stop' ELSE 'not a light' END AS instructions FROM 't'";
	assert.deepEqual(output(sql, {color: 'yellow'}), {instructions: 'caution'});
	assert.deepEqual(output(sql, {color: 'blue'}), {instructions: 'not a light'});
	assert.deepEqual(
		output("SELECT CASE n WHEN 1 THEN 'one' END AS c FROM 't'", {n: 2}),
		{},
	);
});

test('payloads that are not JSON: * passes raw bytes, paths are Undefined, encode(*) is base64', () => {
	const bytes = Buffer.from([0xff, 0x00, 0x80, 0x41]);
	assert.deepEqual(output("SELECT * FROM 't'", bytes), bytes);
	assert.deepEqual(output("SELECT VALUE * FROM 't'", bytes), bytes);
	assert.deepEqual(
		output(
			"SELECT encode(*, 'base64') AS data, timestamp() AS ts FROM 't'",
			bytes,
		),
		{data: bytes.toString('base64'), ts: now},
	);
	assert.deepEqual(
		output("SELECT *, a AS b, 1 AS one FROM 't'", bytes),
		{one: 1},
		'* adds nothing, a is Undefined',
	);
	assert.deepEqual(output("SELECT * AS raw FROM 't'", bytes), {
		raw: bytes.toString('base64'),
	});
	assert.deepEqual(
		output("SELECT * FROM 't'", Buffer.alloc(0)),
		Buffer.alloc(0),
		'an empty payload is not JSON',
	);
	assert.equal(
		fires(
			"SELECT * FROM 't' WHERE decode(encode(*, 'base64'), 'base64') > 50",
			Buffer.from('80'),
		),
		true,
	);
});

test('JSON payloads that are not objects: * is the value itself, paths are Undefined', () => {
	assert.deepEqual(output("SELECT * FROM 't'", [1, 2]), [1, 2]);
	assert.equal(output("SELECT * FROM 't'", 42), 42);
	assert.deepEqual(output("SELECT *, 1 AS one FROM 't'", [1, 2]), {one: 1});
	assert.deepEqual(output("SELECT a FROM 't'", 'text'), {});
	assert.equal(output("SELECT VALUE * > 41 FROM 't'", 42), true);
});

test('context functions read the context: topic levels, client id, timestamp, fresh uuids', () => {
	assert.deepEqual(
		output(
			"SELECT topic() AS t, topic(1) AS t1, topic(4) AS t4, topic(0) AS t0, topic('2') AS t2, clientid() AS c, newuuid() AS u1, newuuid() AS u2 FROM 'a/+/c'",
			{},
			'a/b/c',
		),
		{t: 'a/b/c', t1: 'a', t2: 'b', c: 'client-1', u1: 'uuid-1', u2: 'uuid-2'},
	);
});

test('sqlMatchesTopic uses MQTT filter matching, $ topics included', () => {
	assert.equal(
		sqlMatchesTopic(
			parsed("SELECT * FROM '$aws/things/+/shadow/#'"),
			'$aws/things/x/shadow/update',
		),
		true,
	);
	assert.equal(
		sqlMatchesTopic(parsed("SELECT * FROM '#'"), '$aws/things/x/shadow/update'),
		false,
	);
	assert.equal(sqlMatchesTopic(parsed("SELECT * FROM 'a/#'"), 'a'), true);
	assert.equal(sqlMatchesTopic(parsed("SELECT * FROM 'a/b'"), 'a/b/c'), false);
});

test('an output that repeats a large payload is dropped with a reason, not built', () => {
	const big = {s: 'x'.repeat(100_000)};
	const items = Array.from({length: 20}, (_, index) => `s AS s${index}`).join(
		', ',
	);
	const result = evaluateRule(
		parsed(`SELECT ${items} FROM 't'`),
		context('t', big),
	);
	assert.equal(result.fired, false);
	assert.match((result as {error: string}).error, /longer than/);
	assert.ok(ruleOutputLimits.maxLength < 20 * 100_000);
});

test('deep payloads: SELECT * of a very deep one is dropped, paths and equality still work', () => {
	let deep: unknown = 1;
	for (let level = 0; level < 100_000; level++) deep = {a: deep};
	assert.throws(
		() => JSON.stringify(deep),
		RangeError,
		'JSON.stringify would overflow here',
	);
	const payload = Buffer.from(
		`{"deep":${serializeRuleOutput(deep).toString()},"other":1}`,
	);
	const all = evaluateRule(parsed("SELECT * FROM 't'"), context('t', payload));
	assert.equal(all.fired, false);
	assert.match((all as {error: string}).error, /nested deeper/);
	const sql =
		"SELECT other, isUndefined(length(deep)) AS tooLong FROM 't' WHERE deep = deep AND deep <> other AND isUndefined(deep.a.a.b) AND NOT isUndefined(deep.a.a.a)";
	assert.deepEqual(output(sql, payload), {other: 1, tooLong: true});
});

test('serializeRuleOutput writes compact JSON and passes bytes through', () => {
	assert.equal(
		serializeRuleOutput({a: [1, 'b', null, true], c: {}}).toString(),
		'{"a":[1,"b",null,true],"c":{}}',
	);
	const bytes = Buffer.from([1, 2, 3]);
	assert.equal(serializeRuleOutput(bytes), bytes);
});
