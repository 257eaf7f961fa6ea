/*
Name patterns as users type them: `*` any run of characters, `?` one
character, the rest literal. Patterns come from clients (`match=`, a query's
`~`), so they are matched in linear-ish time (security/wildcard.ts), never as
regular expressions, and their length is capped.
*/
import {
	matchesWildcard,
	parseWildcard,
	type Wildcard,
} from '../security/wildcard.js';

/** Thing names have at most 128 characters; twice that leaves room for wildcards. */
export const maxNamePatternLength = 256;

export type NamePattern = {
	test(name: string): boolean;
};

export function namePattern(pattern: string): NamePattern {
	const compiled: Wildcard = parseWildcard(pattern);
	return {test: (name) => matchesWildcard(compiled, name)};
}

/** Why a client's pattern is refused, or undefined when it may be used. */
export function checkNamePattern(pattern: string): string | undefined {
	return pattern.length > maxNamePatternLength
		? `a name pattern has at most ${maxNamePatternLength} characters (this one has ${pattern.length})`
		: undefined;
}
