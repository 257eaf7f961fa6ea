import assert from 'node:assert/strict';
import {test} from 'node:test';
import {namePattern} from '../../source/fleet/name-pattern.js';
import {
	matches,
	parseQuery,
	type ShadowFacts,
} from '../../source/fleet/query.js';

const coffee: ShadowFacts = {
	thingName: 'coffee-maker-3',
	shadowName: '',
	version: 7,
	desired: {tempLimit: 95, power: 'on'},
	reported: {model: 'coffee-x', tempLimit: 92, power: 'off', connected: true},
	delta: {tempLimit: 95, power: 'on'},
};

function check(text: string, facts: ShadowFacts = coffee): boolean {
	const parsed = parseQuery(text);
	if (!parsed.ok) throw new Error(parsed.error);
	return matches(parsed.query, facts);
}

test('comparisons, AND, OR, NOT and parentheses', () => {
	assert.equal(
		check('reported.model = "coffee-x" AND desired.tempLimit > 90'),
		true,
	);
	assert.equal(
		check('reported.model = "coffee-x" AND desired.tempLimit > 95'),
		false,
	);
	assert.equal(
		check('desired.tempLimit >= 95 and reported.tempLimit <= 92'),
		true,
	);
	assert.equal(check('reported.power = "on" OR delta.power = "on"'), true);
	assert.equal(check('NOT (reported.connected = true)'), false);
	assert.equal(
		check('reported.missing = null AND reported.model != "pump"'),
		true,
	);
	assert.equal(
		check('thing ~ "coffee-*" AND version > 5 AND shadow = ""'),
		true,
	);
	assert.equal(
		check('reported.tempLimit > "90"'),
		false,
		'different types never compare',
	);
	assert.equal(check('desired.tempLimit = 95.0'), true);
});

test('malformed queries get a clear error with the column', () => {
	const cases: [string, string][] = [
		['', 'invalid query: the query is empty'],
		[
			'reported.model =',
			'invalid query: expected a value ("text", a number, true, false or null) at the end',
		],
		[
			'reported.model "x"',
			`invalid query: expected an operator (= != > >= < <= ~) at column 16 ('"x"')`,
		],
		[
			'model = "x"',
			"invalid query: 'model' at column 1 is not a path: start with desired, reported, delta, thing, shadow or version",
		],
		[
			'reported.a = 1 AND',
			'invalid query: expected a path such as reported.model at the end',
		],
		['(reported.a = 1', "invalid query: expected ')' at the end"],
		['reported.a = "x', 'invalid query at column 14: the string is not closed'],
		[
			'reported.a = 1 reported.b = 2',
			"invalid query: expected AND, OR or the end at column 16 ('reported.b')",
		],
		[
			'reported.a == 1',
			'invalid query: expected a value ("text", a number, true, false or null) at column 13 (\'=\')',
		],
		['thing ~ 3', 'invalid query: ~ takes a "pattern" at column 9'],
	];
	for (const [text, error] of cases)
		assert.deepEqual(parseQuery(text), {ok: false, error}, text);
});

test('name patterns: * and ?, everything else literal', () => {
	assert.equal(namePattern('coffee-*').test('coffee-maker-1'), true);
	assert.equal(namePattern('coffee-*').test('my-coffee-1'), false);
	assert.equal(namePattern('pump-?').test('pump-7'), true);
	assert.equal(namePattern('pump-?').test('pump-17'), false);
	assert.equal(namePattern('a.b').test('axb'), false);
});

test('hostile queries: nesting, length and patterns are bounded with a clear error, never a stack overflow', () => {
	const deep = `${'('.repeat(20_000)}thing = "a"${')'.repeat(20_000)}`;
	const nots = `${'NOT '.repeat(20_000)}thing = "a"`;
	for (const text of [deep.slice(0, 4000), nots.slice(0, 4000)]) {
		const parsed = parseQuery(text);
		assert.ok(!parsed.ok, text.slice(0, 20));
		assert.match(
			parsed.error,
			/^invalid query: more than 32 levels of parentheses and NOT at column \d+$/,
		);
	}

	for (const text of [deep, nots]) {
		const parsed = parseQuery(text);
		assert.ok(!parsed.ok);
		assert.match(
			parsed.error,
			/^invalid query: a query has at most 4096 characters \(this one has \d+\)$/,
		);
	}

	// 32 levels are fine, and so is a long flat chain (it adds no depth).
	assert.equal(
		check(
			`${'('.repeat(16)}${'NOT '.repeat(16)}thing ~ "coffee-*"${')'.repeat(16)}`,
		),
		true,
	);
	const chain = Array.from({length: 200}, (_, i) => `version = ${i}`).join(
		' OR ',
	);
	assert.ok(chain.length < 4096);
	assert.equal(check(chain), true);

	const long = parseQuery(`thing ~ "${'*'.repeat(257)}"`);
	assert.deepEqual(long, {
		ok: false,
		error:
			'invalid query: a name pattern has at most 256 characters (this one has 257) at column 9',
	});
});

test('a pattern that makes a regular expression backtrack for seconds is answered at once', () => {
	const started = Date.now();
	const facts = {...coffee, thingName: 'a'.repeat(128)};
	assert.equal(check('thing ~ "*?*?*?*?*?*?*?*?*?*?!"', facts), false);
	assert.equal(
		namePattern('*?*?*?*?*?*?*?*?*?*?!').test('a'.repeat(128)),
		false,
	);
	assert.equal(
		namePattern('*?*?*?*?*?*?*?*?*?*?a').test('a'.repeat(128)),
		true,
	);
	// Generous: a millisecond here, hours for the old regular expression on 128 characters.
	assert.ok(Date.now() - started < 5000, `${Date.now() - started} ms`);
});
