import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {
	escapeFleetQueryText,
	fleetQueryLimits,
	parseFleetQuery,
	quoteFleetQueryPhrase,
	type FieldRef,
	type QueryNode,
	type ValueTest,
} from '../../source/fleet/aws-query.js';

function parsed(text: string): QueryNode {
	const result = parseFleetQuery(text);
	if (!result.ok) throw new Error(`${text}: ${result.message}`);
	return result.query;
}

function refusal(text: string): string {
	const result = parseFleetQuery(text);
	if (result.ok) throw new Error(`${text} was accepted`);
	return result.message;
}

const thingName: FieldRef = {kind: 'thingName'};
const reported = (...path: string[]): FieldRef => ({
	kind: 'shadowValue',
	shadowName: '',
	section: 'reported',
	path,
});
const clause = (field: FieldRef, test: ValueTest): QueryNode => ({
	kind: 'clause',
	field,
	test,
});
const term = (text: string): ValueTest => ({kind: 'term', text});
const numberTerm = (text: string, number: number): ValueTest => ({
	kind: 'term',
	text,
	number,
});

test('terms, phrases and escapes, lower-cased', () => {
	assert.deepEqual(parsed('abc'), {kind: 'anyField', test: term('abc')});
	assert.deepEqual(parsed('ABC'), {kind: 'anyField', test: term('abc')});
	assert.deepEqual(
		parsed('shadow.reported.model:"Coffee X"'),
		clause(reported('model'), term('coffee x')),
	);
	assert.deepEqual(
		parsed(String.raw`shadow.reported.model:coffee\-x`),
		clause(reported('model'), term('coffee-x')),
	);
	assert.deepEqual(
		parsed('shadow.reported.model:coffee-x'),
		clause(reported('model'), term('coffee-x')),
		'a hyphen inside a value is part of it',
	);
	assert.deepEqual(
		parsed(String.raw`shadow.reported.a:\*\?\(\:\@`),
		clause(reported('a'), term('*?(:@')),
	);
	assert.deepEqual(
		parsed(String.raw`shadow.reported.a:"say \"hi\" \\ *"`),
		clause(reported('a'), term(String.raw`say "hi" \ *`)),
	);
	assert.deepEqual(
		parsed('shadow.reported.myvalues:2'),
		clause(reported('myvalues'), numberTerm('2', 2)),
	);
	assert.deepEqual(
		parsed('shadow.reported.t:-2.5'),
		clause(reported('t'), numberTerm('-2.5', -2.5)),
	);
	assert.deepEqual(
		parsed('shadow.reported.t:"22"'),
		clause(reported('t'), numberTerm('22', 22)),
	);
	assert.deepEqual(
		parsed('shadow.reported.t:1e500'),
		clause(reported('t'), term('1e500')),
		'a number too large for a double is text',
	);
});

test('wildcards and field:*', () => {
	assert.deepEqual(
		parsed('thingName:My*'),
		clause(thingName, {kind: 'wildcard', pattern: 'my*', prefix: 'my'}),
	);
	assert.deepEqual(
		parsed('thingName:*my'),
		clause(thingName, {kind: 'wildcard', pattern: '*my', prefix: ''}),
	);
	assert.deepEqual(
		parsed('thingName:*my*'),
		clause(thingName, {kind: 'wildcard', pattern: '*my*', prefix: ''}),
	);
	assert.deepEqual(
		parsed('thingName:ab?'),
		clause(thingName, {kind: 'wildcard', pattern: 'ab?', prefix: 'ab'}),
	);
	assert.deepEqual(
		parsed(String.raw`thingName:a\-b*`),
		clause(thingName, {kind: 'wildcard', pattern: 'a-b*', prefix: 'a-b'}),
	);
	assert.deepEqual(
		parsed('shadow.reported.location:*'),
		clause(reported('location'), {kind: 'exists'}),
	);
	assert.deepEqual(
		parsed(String.raw`shadow.reported.location:\*`),
		clause(reported('location'), term('*')),
	);
	assert.deepEqual(
		parsed('connectivity.connected:*'),
		clause({kind: 'connectivity', key: 'connected'}, {kind: 'exists'}),
	);
});

test('ranges, inclusive, exclusive, mixed, open, strings, < and >', () => {
	const battery = reported('stats', 'battery');
	assert.deepEqual(
		parsed('shadow.reported.stats.battery:[75 TO 80]'),
		clause(battery, {
			kind: 'range',
			lower: {value: 75, inclusive: true},
			upper: {value: 80, inclusive: true},
		}),
	);
	assert.deepEqual(
		parsed('shadow.reported.stats.battery:{75 TO 80]'),
		clause(battery, {
			kind: 'range',
			lower: {value: 75, inclusive: false},
			upper: {value: 80, inclusive: true},
		}),
	);
	assert.deepEqual(
		parsed('shadow.reported.stats.battery:[-5 TO 80}'),
		clause(battery, {
			kind: 'range',
			lower: {value: -5, inclusive: true},
			upper: {value: 80, inclusive: false},
		}),
	);
	assert.deepEqual(
		parsed('shadow.reported.stats.battery:[90 TO *]'),
		clause(battery, {kind: 'range', lower: {value: 90, inclusive: true}}),
	);
	assert.deepEqual(
		parsed('shadow.reported.serialNumber:["ABCD" TO "abcf"]'),
		clause(reported('serialNumber'), {
			kind: 'range',
			lower: {value: 'abcd', inclusive: true},
			upper: {value: 'abcf', inclusive: true},
		}),
	);
	for (const text of [
		'shadow.reported.stats.battery<5',
		'shadow.reported.stats.battery < 5',
		'shadow.reported.stats.battery <5',
	])
		assert.deepEqual(
			parsed(text),
			clause(battery, {kind: 'range', upper: {value: 5, inclusive: false}}),
			text,
		);
	assert.deepEqual(
		parsed('connectivity.timestamp > 1557651600000'),
		clause(
			{kind: 'connectivity', key: 'timestamp'},
			{kind: 'range', lower: {value: 1_557_651_600_000, inclusive: false}},
		),
	);
	assert.deepEqual(
		parsed('connectivity.timestamp : [1557651600000 TO 1557867600000]'),
		clause(
			{kind: 'connectivity', key: 'timestamp'},
			{
				kind: 'range',
				lower: {value: 1_557_651_600_000, inclusive: true},
				upper: {value: 1_557_867_600_000, inclusive: true},
			},
		),
	);
	assert.deepEqual(
		parsed('shadow.reported.t<-3'),
		clause(reported('t'), {
			kind: 'range',
			upper: {value: -3, inclusive: false},
		}),
	);
});

test('AND, OR, NOT, -, juxtaposition and grouping', () => {
	const a = {kind: 'anyField', test: term('a')} as const;
	const b = {kind: 'anyField', test: term('b')} as const;
	const c = {kind: 'anyField', test: term('c')} as const;
	assert.deepEqual(parsed('a AND b'), {kind: 'and', operands: [a, b]});
	assert.deepEqual(parsed('a b c'), {kind: 'and', operands: [a, b, c]});
	assert.deepEqual(parsed('a OR b c'), {
		kind: 'or',
		operands: [a, {kind: 'and', operands: [b, c]}],
	});
	assert.deepEqual(parsed('(a OR b) c'), {
		kind: 'and',
		operands: [{kind: 'or', operands: [a, b]}, c],
	});
	assert.deepEqual(parsed('a AND (b AND c)'), {
		kind: 'and',
		operands: [a, b, c],
	});
	assert.deepEqual(parsed('NOT a'), {kind: 'not', operand: a});
	assert.deepEqual(parsed('-a'), {kind: 'not', operand: a});
	assert.deepEqual(parsed('a -b'), {
		kind: 'and',
		operands: [a, {kind: 'not', operand: b}],
	});
	assert.deepEqual(parsed('NOT NOT a'), {
		kind: 'not',
		operand: {kind: 'not', operand: a},
	});
	assert.deepEqual(parsed('a and b'), {
		kind: 'and',
		operands: [a, {kind: 'anyField', test: term('and')}, b],
	});
});

test('field grouping distributes the field over bare values', () => {
	assert.deepEqual(parsed('thingName:(tv* AND -plasma)'), {
		kind: 'and',
		operands: [
			clause(thingName, {kind: 'wildcard', pattern: 'tv*', prefix: 'tv'}),
			{kind: 'not', operand: clause(thingName, term('plasma'))},
		],
	});
	assert.deepEqual(parsed('shadow.reported.v : ( 1 OR (2 "three") )'), {
		kind: 'or',
		operands: [
			clause(reported('v'), numberTerm('1', 1)),
			{
				kind: 'and',
				operands: [
					clause(reported('v'), numberTerm('2', 2)),
					clause(reported('v'), term('three')),
				],
			},
		],
	});
	assert.match(
		refusal('thingName:(a OR shadow.reported.x:1)'),
		/field group holds values only/,
	);
});

test('every field this service indexes', () => {
	assert.deepEqual(parsed('shadow.hasDelta:true'), {
		kind: 'clause',
		field: {kind: 'hasDelta', shadowName: ''},
		test: term('true'),
	});
	assert.deepEqual(parsed('shadow.name.Home01.hasDelta:false').kind, 'clause');
	assert.deepEqual(parsed('shadow.name.Home01.reported.welcome: *'), {
		kind: 'clause',
		field: {
			kind: 'shadowValue',
			shadowName: 'Home01',
			section: 'reported',
			path: ['welcome'],
		},
		test: {kind: 'exists'},
	});
	assert.deepEqual(
		parsed('shadow.name.$package.reported.SamplePackage.version:1.0.0'),
		{
			kind: 'clause',
			field: {
				kind: 'shadowValue',
				shadowName: '$package',
				section: 'reported',
				path: ['SamplePackage', 'version'],
			},
			test: term('1.0.0'),
		},
	);
	assert.deepEqual(
		parsed(
			String.raw`shadow.name.\$package.reported.telemetry\-agent.version:*`,
		),
		{
			kind: 'clause',
			field: {
				kind: 'shadowValue',
				shadowName: '$package',
				section: 'reported',
				path: ['telemetry-agent', 'version'],
			},
			test: {kind: 'exists'},
		},
	);
	assert.deepEqual(
		parsed('shadow.name.$package.reported.*.attributes.packageID>1500'),
		{
			kind: 'clause',
			field: {
				kind: 'shadowValue',
				shadowName: '$package',
				section: 'reported',
				path: ['*', 'attributes', 'packageID'],
			},
			test: {kind: 'range', lower: {value: 1500, inclusive: false}},
		},
	);
	assert.deepEqual(parsed(String.raw`shadow.name.a\:b_c-d.desired.x:1`), {
		kind: 'clause',
		field: {
			kind: 'shadowValue',
			shadowName: 'a:b_c-d',
			section: 'desired',
			path: ['x'],
		},
		test: numberTerm('1', 1),
	});
	assert.deepEqual(parsed(String.raw`shadow.delta.a\.b.c:1`), {
		kind: 'clause',
		field: {
			kind: 'shadowValue',
			shadowName: '',
			section: 'delta',
			path: ['a.b', 'c'],
		},
		test: numberTerm('1', 1),
	});
	for (const key of ['connected', 'timestamp', 'disconnectReason'] as const)
		assert.deepEqual(parsed(`connectivity.${key}:x`), {
			kind: 'clause',
			field: {kind: 'connectivity', key},
			test: term('x'),
		});
});

test("the doc's example queries that use fields this service has", () => {
	for (const text of [
		'abc',
		'thingName:my*',
		'thingName:*my',
		'thingName:*my*',
		'thingName:ab?',
		'shadow.hasDelta:true',
		'shadow.reported.stats.battery:{70 TO 100} (v2 OR v3) NOT shadow.reported.model:legacy',
		'shadow.reported.myvalues:2',
		'shadow.reported.location:* NOT shadow.desired.stats.battery:*',
		'connectivity.connected:true',
		'connectivity.timestamp : [1557651600000 TO 1557867600000]',
		'connectivity.timestamp > 1557651600000',
		'connectivity.connected:*',
		'shadow.name.Home01.reported.welcome: *',
		'shadow.name.$package.reported.SamplePackage.version:1.0.0',
		'NOT shadow.name.$package.reported.OtherPackage.version:1.2.5',
		'shadow.name.$package.reported.*.attributes.packageID>1500',
		String.raw`shadow.name.$package.reported.telemetry\-agent.version:*`,
		'thingName:(tv* AND -plasma)',
	])
		assert.equal(parseFleetQuery(text).ok, true, text);
});

test('registry and other AWS fields are refused, naming the field', () => {
	for (const [text, reason] of [
		[
			'thingId:abc',
			/'thingId' is an AWS IoT registry field; this service has no thing registry/,
		],
		['thingTypeName:lamp', /'thingTypeName' is an AWS IoT registry field/],
		['thingGroupNames:a*', /'thingGroupNames' is an AWS IoT registry field/],
		[
			'attributes.myAttribute:[75 TO 80]',
			/'attributes.myAttribute' is an AWS IoT registry field/,
		],
		['registry.version:3', /'registry.version' is not searchable/],
		['shadow.version:3', /'shadow.version' is not searchable/],
		[
			'shadow.name.cfg.version:3',
			/'shadow.name.cfg.version' is not searchable/,
		],
		['connectivity.version:3', /'connectivity.version' is not searchable/],
		[
			'shadow.metadata.reported.a.timestamp:1',
			/'shadow.metadata.reported.a.timestamp'.*does not index shadow metadata/,
		],
		[
			'deviceDefender.x:1',
			/'deviceDefender.x' is an AWS IoT Device Defender field/,
		],
		[
			'ThingName:abc',
			/Unknown field 'ThingName' \(field names are case-sensitive/,
		],
		['reported.model:x', /Unknown field 'reported.model'/],
		['shadow.reported:x', /Unknown field 'shadow.reported'/],
		['connectivity.foo:x', /Unknown field 'connectivity.foo'/],
		['shadow.hasDelta.x:true', /Unknown field/],
	] as const)
		assert.match(refusal(text), reason, text);
});

test('malformed fields are refused', () => {
	assert.match(refusal('shadow.reported..a:1'), /empty segment/);
	assert.match(refusal('shadow.reported.a.:1'), /empty segment/);
	assert.match(refusal('shadow.reported.a*b:1'), /whole segment/);
	assert.match(refusal('shadow.name..reported.a:1'), /empty segment/);
	assert.match(refusal('shadow.name.a!b.reported.a:1'), /'!' is not supported/);
	assert.match(
		refusal('shadow.name.*.reported.a:1'),
		/a shadow name has 1 to 64/,
	);
	assert.match(
		refusal(`shadow.name.${'n'.repeat(65)}.reported.a:1`),
		/a shadow name has 1 to 64/,
	);
	assert.equal(
		parseFleetQuery(`shadow.name.${'n'.repeat(64)}.reported.a:1`).ok,
		true,
	);
});

test('unsupported syntax is refused as one line', () => {
	for (const [text, reason] of [
		['thingName:/ab.*/', /position 11: regular expressions/],
		['thingName:abc~', /fuzzy and proximity search/],
		['"a b"~2', /fuzzy and proximity search/],
		['thingName:abc^2', /boosting/],
		['thingName=abc', /position 10: '=' is not an operator here/],
		['shadow.reported.a != 1', /'!=' is not supported: write NOT/],
		['!a', /'!' is not supported: write NOT/],
		['a && b', /'&&' and '\|\|' are not supported/],
		['a || b', /'&&' and '\|\|' are not supported/],
		['+a', /'\+' is not supported/],
		[
			'shadow.reported.a >= 1',
			/'>=' is not supported: write \(field>N OR field:N\)/,
		],
		['shadow.reported.a<=1', /'<=' is not supported/],
		["thingName:it's", /the character ''' is not supported/],
		['a,b', /the character ',' is not supported/],
		['a;b', /the character ';' is not supported/],
		['a@b', /the character '@' is not supported \(write \\@/],
		['a#b', /'#'/],
		['a%b', /'%'/],
		['a`b', /'`'/],
	] as const)
		assert.match(refusal(text), reason, text);
	assert.deepEqual(parsed(String.raw`a\@b\,c`), {
		kind: 'anyField',
		test: term('a@b,c'),
	});
});

test('syntax errors say where and what was expected', () => {
	for (const [text, message] of [
		['', 'Query string must not be empty'],
		['   ', 'Query string must not be empty'],
		[
			'thingName:',
			"Syntax error in query string at position 11: expected a value after 'thingName:', found the end of the query",
		],
		[
			'thingName: AND x',
			"Syntax error in query string at position 12: expected a value after 'thingName:', found 'AND'",
		],
		[
			'thingName:)',
			"Syntax error in query string at position 11: expected a value after 'thingName:', found ')'",
		],
		[
			'a AND',
			"Syntax error in query string at position 6: expected a term after 'AND'",
		],
		[
			'OR a',
			"Syntax error in query string at position 1: expected a term, found 'OR'",
		],
		[
			'a OR OR b',
			"Syntax error in query string at position 6: expected a term, found 'OR'",
		],
		[
			'(a',
			"Syntax error in query string at position 3: expected ')' to close the '(' at position 1, found the end of the query",
		],
		[
			'a)',
			"Syntax error in query string at position 2: ')' has no matching '('",
		],
		[
			'()',
			"Syntax error in query string at position 2: expected a term inside '()'",
		],
		[
			'thingName:(a',
			"Syntax error in query string at position 13: expected ')' to close the field group of 'thingName:', found the end of the query",
		],
		[
			':a',
			"Syntax error in query string at position 1: expected a field name before ':'",
		],
		[
			'"abc',
			'Syntax error in query string at position 1: the phrase is not closed with "',
		],
		[
			'a\\',
			"Syntax error in query string at position 2: '\\' at the end of the query escapes nothing",
		],
		[
			'shadow.reported.a>x',
			"Syntax error in query string at position 19: expected a number after 'shadow.reported.a>', found 'x'",
		],
		[
			'shadow.reported.a>',
			"Syntax error in query string at position 19: expected a number after 'shadow.reported.a>', found the end of the query",
		],
		[
			'shadow.reported.a:[1 2]',
			"Syntax error in query string at position 22: expected TO in the range, found '2'",
		],
		[
			'shadow.reported.a:[1 TO 2',
			'Syntax error in query string at position 26: expected ] or } to close the range, found the end of the query',
		],
		[
			'shadow.reported.a:[a TO 2]',
			'Syntax error in query string at position 20: a range bound is a number, a "phrase" or *, found \'a\'',
		],
		[
			'shadow.reported.a:[1 TO "b"]',
			'Syntax error in query string at position 25: range bounds must both be numbers or both be "phrases"',
		],
		[
			'shadow.reported.a:[* TO *]',
			'Syntax error in query string at position 19: a range needs at least one bound (write field:* to test that a field exists)',
		],
		[
			'thingName:a*\\*',
			"Syntax error in query string at position 11: 'a**' mixes wildcards with an escaped * or ?, which is not supported",
		],
		[
			']',
			"Syntax error in query string at position 1: expected a term, found ']'",
		],
	] as const)
		assert.equal(refusal(text), message, text);
});

test('AWS limits: 12 terms, one leading wildcard, 100 characters with it', () => {
	const terms = (count: number) =>
		Array.from({length: count}, (_, index) => `t${index}`).join(' ');
	assert.equal(parseFleetQuery(terms(12)).ok, true);
	assert.equal(
		refusal(terms(13)),
		'Query string exceeds the maximum of 12 terms',
	);
	assert.equal(
		refusal(
			'thingName:(a OR b OR c OR d OR e OR f OR g) shadow.reported.x:(1 2 3 4 5 6)',
		),
		'Query string exceeds the maximum of 12 terms',
		'values in a field group count one each',
	);
	assert.equal(
		refusal('thingName:*my AND shadow.reported.a:?echo'),
		'Only one leading wildcard term is allowed per query',
	);
	assert.equal(
		parseFleetQuery(
			'thingName:*my AND shadow.reported.a:echo* AND shadow.reported.b:*',
		).ok,
		true,
		'trailing wildcards and field:* are not leading wildcards',
	);
	const padded = (length: number) => {
		const base = 'thingName:*my OR shadow.reported.a:';
		return base + 'x'.repeat(length - base.length);
	};

	assert.equal(parseFleetQuery(padded(100)).ok, true);
	assert.equal(
		refusal(padded(101)),
		'A query with a leading wildcard is limited to 100 characters (this one has 101)',
	);
	assert.equal(
		parseFleetQuery(`shadow.reported.a:${'x'.repeat(200)}`).ok,
		true,
	);
});

test('our limits: 4096 characters, checked first, and 32 levels of nesting', () => {
	assert.equal(
		refusal('x'.repeat(4097)),
		'Query string exceeds the maximum length of 4096 characters (this one has 4097)',
	);
	assert.equal(
		refusal('"'.repeat(4097)),
		'Query string exceeds the maximum length of 4096 characters (this one has 4097)',
		'the length is checked before tokenizing',
	);
	assert.equal(parseFleetQuery(`${'('.repeat(32)}a${')'.repeat(32)}`).ok, true);
	assert.match(
		refusal(`${'('.repeat(33)}a${')'.repeat(33)}`),
		/^Syntax error in query string at position 33: parentheses and NOT nest more than 32 levels deep$/,
	);
	assert.equal(parseFleetQuery(`${'NOT '.repeat(32)}a`).ok, true);
	assert.match(refusal(`${'NOT '.repeat(33)}a`), /more than 32 levels/);
	assert.match(refusal(`${'-'.repeat(33)}a`), /more than 32 levels/);
	assert.match(
		refusal(`${'NOT ('.repeat(17)}a${')'.repeat(17)}`),
		/more than 32 levels/,
	);
	assert.match(
		refusal(`thingName:${'('.repeat(33)}a${')'.repeat(33)}`),
		/more than 32 levels/,
	);
	assert.equal(
		parseFleetQuery(`${'NOT ('.repeat(16)}a${')'.repeat(16)}`).ok,
		true,
	);
	assert.equal(fleetQueryLimits.maxDepth, 32);
});

test('100,000-deep nesting is refused without a stack overflow', () => {
	for (const text of [
		'('.repeat(100_000) + 'a' + ')'.repeat(100_000),
		'NOT '.repeat(100_000) + 'a',
		'-'.repeat(100_000) + 'a',
	]) {
		assert.match(refusal(text), /maximum length of 4096/);
		// Under the length limit, the depth check catches the same shapes.
		const short = text.slice(0, 4000);
		assert.match(refusal(short), /more than 32 levels/);
	}
});

test('escaped keywords are terms', () => {
	assert.equal(escapeFleetQueryText('AND'), String.raw`\AND`);
	assert.deepEqual(parsed(`thingName:${escapeFleetQueryText('OR')}`), {
		kind: 'clause',
		field: thingName,
		test: term('or'),
	});
	assert.deepEqual(parsed(String.raw`\NOT`), {
		kind: 'anyField',
		test: term('not'),
	});
});

test('escaping helpers round-trip through the parser', () => {
	fc.assert(
		fc.property(fc.string({minLength: 1, maxLength: 40}), (text) => {
			const asTerm = parseFleetQuery(
				`shadow.reported.a:${escapeFleetQueryText(text)}`,
			);
			const asPhrase = parseFleetQuery(
				`shadow.reported.a:${quoteFleetQueryPhrase(text)}`,
			);
			const expected = text.toLowerCase();
			for (const result of [asTerm, asPhrase]) {
				assert.ok(result.ok, text);
				assert.equal(result.query.kind, 'clause');
				if (result.query.kind === 'clause') {
					assert.equal(result.query.test.kind, 'term');
					if (result.query.test.kind === 'term')
						assert.equal(result.query.test.text, expected);
				}
			}

			const field = parseFleetQuery(
				`shadow.reported.${escapeFleetQueryText(text)}:1`,
			);
			assert.ok(field.ok, text);
			if (field.ok && field.query.kind === 'clause')
				assert.deepEqual(field.query.field, reported(text));
		}),
		{numRuns: 300},
	);
});

test('random text never throws and always gives a result', () => {
	const alphabet = fc.constantFrom(
		...'ab ()[]{}:<>"\\*?-.TOANDRNOT$=!~^/'.split(''),
		'AND ',
		'OR ',
		'NOT ',
		' TO ',
		'thingName',
		'shadow.reported.',
		'shadow.name.x.desired.',
		'connectivity.timestamp',
	);
	fc.assert(
		fc.property(
			fc.oneof(
				fc.string({maxLength: 200}),
				fc.array(alphabet, {maxLength: 60}).map((parts) => parts.join('')),
			),
			(text) => {
				const result = parseFleetQuery(text);
				assert.equal(typeof result.ok, 'boolean');
				if (!result.ok) {
					assert.ok(result.message.length > 0);
					assert.ok(!/[\n\r]/.test(result.message), result.message);
				}
			},
		),
		{numRuns: 2000},
	);
});
