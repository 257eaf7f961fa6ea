import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {parseFleetQuery, type ValueTest} from '../../source/fleet/aws-query.js';
import {
	indexValue,
	matchesThing,
	testMatches,
	type IndexedShadow,
	type IndexedThing,
} from '../../source/fleet/aws-query-match.js';

function thing(
	thingName: string,
	shadows: Record<string, IndexedShadow>,
	connectivity?: IndexedThing['connectivity'],
): IndexedThing {
	return {
		thingName,
		shadows: new Map(Object.entries(shadows)),
		...(connectivity ? {connectivity} : {}),
	};
}

const coffee = thing(
	'Coffee-Maker-3',
	{
		'': {
			desired: {tempLimit: 95, power: 'on'},
			reported: {
				model: 'Coffee-X',
				tempLimit: 92,
				power: 'off',
				on: true,
				stats: {battery: 80},
				myvalues: [1, 2, 3],
				readings: [{t: 20}, {t: 'hot'}, [{t: 40}]],
				location: {lat: 1},
				code: '22',
				tags: [],
			},
			delta: {tempLimit: 95, power: 'on'},
		},
		$package: {
			reported: {
				SamplePackage: {version: '1.0.0', attributes: {packageID: 2000}},
				OtherPackage: {version: '1.2.5', attributes: {packageID: 10}},
			},
		},
		cfg: {desired: {mode: 'eco'}, reported: {mode: 'eco'}},
	},
	{connected: true, timestamp: 1_557_700_000_000, disconnectReason: 'NONE'},
);
const plasma = thing('tv-plasma-1', {'': {reported: {model: 'legacy'}}});
const lcd = thing('TV-lcd-2', {});

function check(text: string, target: IndexedThing = coffee): boolean {
	const parsed = parseFleetQuery(text);
	if (!parsed.ok) throw new Error(`${text}: ${parsed.message}`);
	return matchesThing(parsed.query, target);
}

function table(rows: ReadonlyArray<readonly [string, boolean]>): void {
	for (const [text, expected] of rows)
		assert.equal(check(text), expected, text);
}

test('terms: case-insensitive strings, numbers, booleans', () => {
	table([
		['shadow.reported.model:coffee\\-x', true],
		['shadow.reported.model:"COFFEE-X"', true],
		['shadow.reported.model:coffee', false],
		['shadow.reported.tempLimit:92', true],
		['shadow.reported.tempLimit:92.0', true],
		['shadow.reported.tempLimit:93', false],
		['shadow.reported.code:22', true],
		['shadow.reported.code:22.0', false],
		['shadow.reported.on:true', true],
		['shadow.reported.on:TRUE', true],
		['shadow.reported.on:false', false],
		['shadow.desired.power:on', true],
		['shadow.delta.power:on', true],
		['shadow.delta.model:coffee\\-x', false],
		['shadow.reported.missing:1', false],
		['shadow.reported.stats:80', false],
	]);
});

test('arrays match any element, and arrays of objects are walked', () => {
	table([
		['shadow.reported.myvalues:2', true],
		['shadow.reported.myvalues:4', false],
		['shadow.reported.readings.t:20', true],
		['shadow.reported.readings.t:hot', true],
		['shadow.reported.readings.t:40', true],
		['shadow.reported.readings.t>30', true],
		['shadow.reported.readings.t>50', false],
		['shadow.reported.tags:*', true],
	]);
});

test('field:* asks whether the path is present', () => {
	table([
		['shadow.reported.location:*', true],
		['shadow.reported.location.lat:*', true],
		['shadow.reported.location.lon:*', false],
		['shadow.reported.location:* NOT shadow.desired.stats.battery:*', true],
		['shadow.desired.tempLimit:*', true],
		['shadow.name.cfg.desired.mode:*', true],
		['shadow.name.nope.desired.mode:*', false],
		['connectivity.connected:*', true],
	]);
	assert.equal(check('connectivity.connected:*', plasma), false);
});

test('wildcards on names and values, in linear time', () => {
	table([
		['thingName:coffee*', true],
		['thingName:*maker*', true],
		['thingName:*3', true],
		['thingName:coffee\\-maker\\-?', true],
		['thingName:coffee\\-maker\\-??', false],
		['shadow.reported.model:c*x', true],
		['shadow.reported.tempLimit:9*', true],
		['shadow.reported.on:tr*', true],
		['shadow.reported.power:x*', false],
	]);
	const long = thing(`${'a'.repeat(10_000)}c`, {});
	assert.equal(check('thingName:*a*a*a*a*a*a*a*a*b', long), false);
	assert.equal(
		check('thingName:*a*a*a*a*a*a*a*a*c', long),
		true,
		'the same shape matches when the last character does',
	);
});

test('ranges compare numbers with numbers and strings with strings', () => {
	table([
		['shadow.reported.stats.battery:[80 TO 100]', true],
		['shadow.reported.stats.battery:{80 TO 100]', false],
		['shadow.reported.stats.battery:{70 TO 80]', true],
		['shadow.reported.stats.battery:{70 TO 80}', false],
		['shadow.reported.stats.battery:[70 TO *]', true],
		['shadow.reported.stats.battery:[* TO 79]', false],
		['shadow.reported.stats.battery<81', true],
		['shadow.reported.stats.battery>80', false],
		['shadow.reported.model:["coffee" TO "coffee\\-z"]', true],
		['shadow.reported.model:["COFFEE\\-Y" TO *]', false],
		['shadow.reported.code:[20 TO 30]', false],
		['shadow.reported.tempLimit:["0" TO "z"]', false],
		['shadow.reported.on:["a" TO "z"]', true],
		['shadow.name.$package.reported.*.attributes.packageID>1500', true],
		['shadow.name.$package.reported.*.attributes.packageID>5000', false],
	]);
});

test('hasDelta: true with a non-empty delta, false without, neither without the shadow', () => {
	table([
		['shadow.hasDelta:true', true],
		['shadow.hasDelta:false', false],
		['shadow.name.cfg.hasDelta:false', true],
		['shadow.name.cfg.hasDelta:true', false],
		['shadow.name.nope.hasDelta:true', false],
		['shadow.name.nope.hasDelta:false', false],
		['NOT shadow.name.nope.hasDelta:true', true],
	]);
	const emptyDelta = thing('x', {'': {reported: {a: 1}, delta: {}}});
	assert.equal(check('shadow.hasDelta:false', emptyDelta), true);
	assert.equal(check('shadow.hasDelta:true', lcd), false);
	assert.equal(check('shadow.hasDelta:false', lcd), false);
});

test('connectivity fields', () => {
	table([
		['connectivity.connected:true', true],
		['connectivity.connected:false', false],
		['connectivity.timestamp > 1557651600000', true],
		['connectivity.timestamp : [1557651600000 TO 1557867600000]', true],
		['connectivity.timestamp < 1557651600000', false],
		['connectivity.disconnectReason:none', true],
		['connectivity.disconnectReason:CONNECTION_LOST', false],
	]);
	const offline = thing('x', {}, {connected: false});
	assert.equal(check('connectivity.connected:false', offline), true);
	assert.equal(check('connectivity.timestamp:*', offline), false);
	assert.equal(check('connectivity.connected:false', lcd), false);
});

test('named shadows, the doc examples', () => {
	table([
		['shadow.name.$package.reported.SamplePackage.version:1.0.0', true],
		['NOT shadow.name.$package.reported.OtherPackage.version:1.2.5', false],
		['shadow.name.$package.reported.OtherPackage.version:1.2.*', true],
		['shadow.name.cfg.reported.mode:eco', true],
		['shadow.reported.mode:eco', false],
	]);
});

test('unfielded terms search the name and every shadow value', () => {
	table([
		['eco', true],
		['ECO', true],
		['coffee\\-maker\\-3', true],
		['2000', true],
		['hot', true],
		['true', true],
		['absent', false],
		['lat', false],
		['[90 TO 95]', true],
		['[2001 TO *]', false],
		['*', true],
		['c?ffee*', true],
	]);
});

test('AND, OR, NOT, - and field grouping', () => {
	// Terms equal whole values (no word splitting), so the excluded name is written in full.
	const query = parseFleetQuery(String.raw`thingName:(tv* AND -tv\-plasma\-1)`);
	assert.ok(query.ok);
	assert.equal(matchesThing(query.query, lcd), true);
	assert.equal(matchesThing(query.query, plasma), false);
	assert.equal(matchesThing(query.query, coffee), false);
	table([
		[
			'shadow.reported.stats.battery:{70 TO 100} (v2 OR coffee*) NOT shadow.reported.model:legacy',
			true,
		],
		['shadow.reported.power:off shadow.desired.power:on', true],
		['shadow.reported.power:on OR shadow.desired.power:on', true],
		['shadow.reported.power:on OR shadow.desired.power:off', false],
		['-shadow.reported.power:on', true],
		['NOT NOT shadow.reported.power:on', false],
		['(eco OR nothing) AND NOT (legacy OR plasma)', true],
	]);
});

test('indexValue and testMatches are the primitive the index uses', () => {
	assert.equal(indexValue('AbC'), 'abc');
	assert.equal(indexValue(22), 22);
	assert.equal(indexValue(true), 'true');
	assert.equal(indexValue(false), 'false');
	assert.equal(indexValue(null), undefined);
	assert.equal(indexValue({a: 1}), undefined);
	assert.equal(indexValue([1]), undefined);
	const term: ValueTest = {kind: 'term', text: '22', number: 22};
	assert.equal(testMatches(term, 22), true);
	assert.equal(testMatches(term, '22'), true);
	assert.equal(testMatches(term, '022'), false);
	assert.equal(testMatches({kind: 'term', text: 'abc'}, 0), false);
	assert.equal(testMatches({kind: 'exists'}, 'x'), true);
	assert.equal(
		testMatches({kind: 'wildcard', pattern: '1*', prefix: '1'}, 15),
		true,
	);
	assert.equal(testMatches({kind: 'range'}, 1), false, 'no bound, no match');
	assert.equal(
		testMatches({kind: 'range', lower: {value: 'b', inclusive: true}}, 'b'),
		true,
	);
	assert.equal(
		testMatches({kind: 'range', lower: {value: 'b', inclusive: true}}, 3),
		false,
	);
});

test('NOT x matches exactly the things x does not', () => {
	const scalar = fc.oneof(
		fc.integer({min: -5, max: 5}),
		fc.constantFrom('on', 'off', 'eco', 'Coffee-X'),
		fc.boolean(),
	);
	const document = fc.dictionary(
		fc.constantFrom('a', 'b', 'model', 'power'),
		fc.oneof(scalar, fc.array(scalar, {maxLength: 3})),
		{maxKeys: 4},
	);
	const query = fc.constantFrom(
		'shadow.reported.a:1',
		'shadow.reported.a:[0 TO 3}',
		'shadow.reported.model:coffee*',
		'shadow.desired.power:*',
		'shadow.hasDelta:true',
		'on',
		'thingName:t?',
		'shadow.reported.b<0 OR shadow.desired.b>2',
	);
	fc.assert(
		fc.property(
			query,
			document,
			document,
			fc.option(document),
			(text, reported, desired, delta) => {
				const target = thing('t1', {
					'': delta ? {reported, desired, delta} : {reported, desired},
				});
				assert.equal(check(`NOT (${text})`, target), !check(text, target));
			},
		),
		{numRuns: 500},
	);
});
