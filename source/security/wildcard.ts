/*
`*` and `?` patterns (policy resources and actions, policy attachments, the
fleet's name patterns) matched without regular expressions. A regular
expression built from `*?*?*?…!` backtracks exponentially, and both the
pattern (a fleet query) and the text (a topic) can come from a client. This
greedy two-pointer match backs up only to the last `*`, so it takes at most
O(text × pattern) steps, and usually about one per character.

Characters are UTF-16 code units, as the regular expressions compared them.
*/

/** A compiled pattern: a character code, or one of the two wildcards. */
export type Wildcard = readonly number[];

/** `*`: any run of characters, the empty one included. */
export const anyRun = -1;
/** `?`: exactly one character. */
export const anyOne = -2;

/** `*` and `?` are wildcards, every other character stands for itself. */
export function parseWildcard(
	glob: string,
	options: {readonly questionMark?: 'wildcard' | 'literal'} = {},
): Wildcard {
	const oneIsWild = options.questionMark !== 'literal';
	const codes: number[] = [];
	for (let index = 0; index < glob.length; index++) {
		const code = glob.charCodeAt(index);
		if (code === 42 /* * */) {
			// `**` means what `*` means; one is enough.
			if (codes.at(-1) !== anyRun) codes.push(anyRun);
		} else if (code === 63 /* ? */ && oneIsWild) {
			codes.push(anyOne);
		} else {
			codes.push(code);
		}
	}

	return codes;
}

/** The text itself, with no wildcards (a policy variable's value). */
export function literalWildcard(text: string): Wildcard {
	const codes: number[] = [];
	for (let index = 0; index < text.length; index++)
		codes.push(text.charCodeAt(index));
	return codes;
}

export function matchesWildcard(pattern: Wildcard, text: string): boolean {
	let p = 0;
	let t = 0;
	// Where the last `*` was, and where in the text its run currently ends.
	let star = -1;
	let starEnd = 0;
	while (t < text.length) {
		const code = pattern[p];
		if (code === anyRun) {
			star = p;
			starEnd = t;
			p++;
		} else if (
			code !== undefined &&
			(code === anyOne || code === text.charCodeAt(t))
		) {
			p++;
			t++;
		} else if (star === -1) {
			return false;
		} else {
			// Let the last `*` take one more character and try the rest again.
			// Earlier stars never need to: the last one can absorb anything they would.
			p = star + 1;
			starEnd++;
			t = starEnd;
		}
	}

	while (pattern[p] === anyRun) p++;
	return p === pattern.length;
}
