import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {
	literalWildcard,
	matchesWildcard,
	parseWildcard,
} from '../../source/security/wildcard.js';

const matches = (glob: string, text: string) =>
	matchesWildcard(parseWildcard(glob), text);

test('* is any run, ? one character, everything else literal', () => {
	const cases: [string, string, boolean][] = [
		['', '', true],
		['', 'a', false],
		['*', '', true],
		['*', 'anything at all', true],
		['?', '', false],
		['?', 'x', true],
		['?', 'xy', false],
		['coffee-*', 'coffee-maker-1', true],
		['coffee-*', 'my-coffee-1', false],
		['*-1', 'coffee-maker-1', true],
		['*-1', 'coffee-maker-12', false],
		['pump-?', 'pump-7', true],
		['pump-?', 'pump-17', false],
		['a*b*c', 'abc', true],
		['a*b*c', 'aXbYc', true],
		['a*b*c', 'aXbYcZ', false],
		['a*b*c', 'acb', false],
		['*a*a', 'banana', true],
		['**', 'x', true],
		['a.b', 'axb', false],
		['a.b', 'a.b', true],
		['$aws/things/*/shadow/*', '$aws/things/lamp/shadow/update', true],
		['$aws/things/*/shadow/*', '$aws/things/lamp/shadowy', false],
		['[a]', 'a', false],
		['[a]', '[a]', true],
	];
	for (const [glob, text, expected] of cases)
		assert.equal(matches(glob, text), expected, `${glob} ~ ${text}`);
});

test('a literal part never acts as a wildcard, and ? may be literal', () => {
	const pattern = [
		...parseWildcard('devices/'),
		...literalWildcard('a*?'),
		...parseWildcard('/*'),
	];
	assert.equal(matchesWildcard(pattern, 'devices/a*?/x'), true);
	assert.equal(matchesWildcard(pattern, 'devices/abc/x'), false);
	const selector = parseWildcard('user:al?ce', {questionMark: 'literal'});
	assert.equal(matchesWildcard(selector, 'user:al?ce'), true);
	assert.equal(matchesWildcard(selector, 'user:alice'), false);
});

test('agrees with the regular expression it replaces', () => {
	const toRegExp = (glob: string) =>
		new RegExp(
			`^${glob.replaceAll(/[.*+?^${}()|[\]\\/]/g, (character) =>
				character === '*' ? '.*' : character === '?' ? '.' : `\\${character}`,
			)}$`,
			's',
		);
	const alphabet = fc.constantFrom('a', 'b', '*', '?', '.', '/');
	fc.assert(
		fc.property(
			fc.string({unit: alphabet, maxLength: 8}),
			fc.string({unit: fc.constantFrom('a', 'b', '.', '/'), maxLength: 12}),
			(glob, text) => matches(glob, text) === toRegExp(glob).test(text),
		),
		{numRuns: 5000},
	);
});

test('patterns that make a regular expression backtrack for seconds are answered at once', () => {
	const started = Date.now();
	// As a regular expression, this one takes seconds on a 35-character name.
	assert.equal(matches('*?*?*?*?*?*?*?*?*?*?!', 'a'.repeat(100_000)), false);
	assert.equal(matches('*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(100_000)), false);
	assert.equal(matches(`*${'a'.repeat(200)}b`, `${'a'.repeat(10_000)}b`), true);
	// Generous: about a millisecond here; seconds (or hours) with the regular expression.
	assert.ok(Date.now() - started < 5000, `${Date.now() - started} ms`);
});
