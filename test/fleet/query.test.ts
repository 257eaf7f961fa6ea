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
