/** A name pattern as users type it: * any run of characters, ? one character; the rest literal. */
export function namePattern(pattern: string): RegExp {
	const source = Array.from(pattern, (char) => char)
		.map((char) =>
			char === '*'
				? '.*'
				: char === '?'
					? '.'
					: char.replace(/[\\^$.|+()[\]{}]/g, '\\$&'),
		)
		.join('');
	return new RegExp(`^${source}$`);
}
