import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {parseFleetQuery} from '../../source/fleet/aws-query.js';
import {matchesThing} from '../../source/fleet/aws-query-match.js';
import {
	legacyQueryHint,
	legacyQueryMessage,
} from '../../source/fleet/legacy-query-hint.js';
import {matches, parseQuery} from '../../source/fleet/query.js';

test('old queries are written in AWS Fleet Indexing syntax', () => {
	for (const [old, aws] of [
		['reported.model = "coffee-x"', 'shadow.reported.model:"coffee-x"'],
		['desired.tempLimit > 90', 'shadow.desired.tempLimit>90'],
		['delta.tempLimit < -5', 'shadow.delta.tempLimit<-5'],
		['reported.a != "b"', 'NOT shadow.reported.a:"b"'],
		['desired.t >= 90', '(shadow.desired.t>90 OR shadow.desired.t:90)'],
		['desired.t <= 90', '(shadow.desired.t<90 OR shadow.desired.t:90)'],
		['reported.s > "m"', 'shadow.reported.s:{"m" TO *]'],
		['reported.s <= "m"', 'shadow.reported.s:[* TO "m"]'],
		['reported.on = true', 'shadow.reported.on:true'],
		['reported.gone = null', 'NOT shadow.reported.gone:*'],
		['reported.here != null', 'shadow.reported.here:*'],
		['thing ~ "coffee-*"', String.raw`thingName:coffee\-*`],
		['thing = "lamp-1"', 'thingName:"lamp-1"'],
		[
			'reported.model ~ "c?ffee x*"',
			String.raw`shadow.reported.model:c?ffee\ x*`,
		],
		['reported.model ~ "AND"', String.raw`shadow.reported.model:\AND`],
		['reported.my-key = 1', String.raw`shadow.reported.my\-key:1`],
		[
			'reported.model = "coffee-x" AND desired.tempLimit > 90',
			'shadow.reported.model:"coffee-x" AND shadow.desired.tempLimit>90',
		],
		[
			'NOT (reported.a = 1 OR reported.b = 2) AND reported.c = 3',
			'NOT (shadow.reported.a:1 OR shadow.reported.b:2) AND shadow.reported.c:3',
		],
		[
			'reported.a = 1 OR reported.b = 2 AND reported.c = 3',
			'shadow.reported.a:1 OR (shadow.reported.b:2 AND shadow.reported.c:3)',
		],
	] as const) {
		assert.equal(legacyQueryHint(old), aws, old);
		assert.equal(parseFleetQuery(aws).ok, true, aws);
	}
});

test('no hint for AWS queries, non-queries, or old queries without an AWS form', () => {
	for (const text of [
		'thingName:coffee*',
		'shadow.reported.model:"coffee-x"',
		'abc',
		'',
		'a = = b',
		'reported.model =',
		'version > 3',
		'shadow = "cfg"',
		'reported = null',
		'reported.a > true',
		'reported.a ~ 3',
		Array.from({length: 13}, (_, index) => `reported.k${index} = 1`).join(
			' AND ',
		),
	])
		assert.equal(legacyQueryHint(text), undefined, text);
});

test('the message is one line with the AWS form', () => {
	assert.equal(
		legacyQueryMessage('reported.model = "coffee-x"'),
		`that is shadow-tui's old query language; in AWS IoT Fleet Indexing's, which works here and on AWS IoT Core: shadow.reported.model:"coffee-x"`,
	);
	assert.match(
		legacyQueryMessage('version > 3') ?? '',
		/^that is shadow-tui's old query language, which is gone, and AWS IoT Fleet Indexing's has no form for this query/,
	);
	assert.equal(legacyQueryMessage('thingName:abc'), undefined);
	assert.equal(legacyQueryMessage('what is this'), undefined);
});

test('the AWS form means what the old query meant on the classic shadow', () => {
	const scalar = fc.oneof(
		fc.integer({min: -3, max: 3}),
		fc.constantFrom('on', 'off', 'eco'),
		fc.boolean(),
	);
	const document = fc.dictionary(fc.constantFrom('a', 'b', 'mode'), scalar, {
		maxKeys: 3,
	});
	const comparison = fc
		.tuple(
			fc.constantFrom('reported', 'desired'),
			fc.constantFrom('a', 'b', 'mode'),
			fc.constantFrom('=', '!=', '>', '>=', '<', '<='),
			fc.oneof(
				fc.integer({min: -3, max: 3}).map(String),
				fc.constantFrom('"on"', '"eco"', 'true', 'null'),
			),
		)
		.filter(
			([, , operator, value]) =>
				// Old string comparisons are case-sensitive, AWS ranges are not; booleans and null do not order.
				!['>', '>=', '<', '<='].includes(operator) || /^-?\d+$/.test(value),
		)
		.map(
			([section, key, operator, value]) =>
				`${section}.${key} ${operator} ${value}`,
		);
	const query = fc
		.tuple(
			comparison,
			comparison,
			fc.constantFrom(' AND ', ' OR '),
			fc.boolean(),
		)
		.map(([a, b, join, negate]) =>
			negate ? `NOT (${a}${join}${b})` : `${a}${join}${b}`,
		);
	fc.assert(
		fc.property(query, document, document, (old, reported, desired) => {
			const parsedOld = parseQuery(old);
			assert.ok(parsedOld.ok, old);
			const hint = legacyQueryHint(old);
			assert.ok(hint, old);
			const parsedAws = parseFleetQuery(hint);
			assert.ok(parsedAws.ok, hint);
			const expected = matches(parsedOld.query, {
				thingName: 't',
				shadowName: '',
				version: 1,
				reported,
				desired,
			});
			const actual = matchesThing(parsedAws.query, {
				thingName: 't',
				shadows: new Map([['', {reported, desired}]]),
			});
			assert.equal(actual, expected, `${old} -> ${hint}`);
		}),
		{numRuns: 500},
	);
});
