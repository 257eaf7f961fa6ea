/*
Where a JSON text stops being valid, as a 0-based index. V8 names the
position for some errors and not for others ("Unexpected token '}', ... is
not valid JSON"), and an editor must always show where, so this walks the
text itself. Only called on text JSON.parse already refused. The walk keeps
its open containers in an array, not on the call stack: a pasted line of
20,000 '[' must get its column like any other.
*/
export function locateJsonError(text: string): number {
	let index = 0;

	const space = () => {
		while (index < text.length && ' \t\n\r'.includes(text[index] ?? ''))
			index++;
	};

	const literal = (word: string): boolean => {
		if (!text.startsWith(word, index)) return false;
		index += word.length;
		return true;
	};

	const string = (): boolean => {
		index++;
		while (index < text.length && text[index] !== '"') {
			const char = text[index] ?? '';
			if (char < ' ') return false;
			if (char === '\\') {
				index++;
				const escape = text[index] ?? '';
				if (escape === 'u') {
					if (!/^[0-9a-fA-F]{4}$/.test(text.slice(index + 1, index + 5)))
						return false;
					index += 4;
				} else if (!'"\\/bfnrt'.includes(escape) || escape === '') return false;
			}

			index++;
		}

		if (index >= text.length) return false;
		index++;
		return true;
	};

	// Sticky, so a number is matched where it stands without copying the rest of the text.
	const numberPattern = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
	const number = (): boolean => {
		numberPattern.lastIndex = index;
		const match = numberPattern.exec(text);
		if (!match) return false;
		index += match[0].length;
		return true;
	};

	const scalar = (): boolean => {
		const char = text[index];
		if (char === '"') return string();
		if (char === 't') return literal('true');
		if (char === 'f') return literal('false');
		if (char === 'n') return literal('null');
		if (char === '-' || (char !== undefined && char >= '0' && char <= '9'))
			return number();
		return false;
	};

	/** A member's key and its colon, leaving the index where its value starts. */
	const key = (): boolean => {
		space();
		if (text[index] !== '"' || !string()) return false;
		space();
		if (text[index] !== ':') return false;
		index++;
		return true;
	};

	// What closes each container still open, the innermost last.
	const open: ('}' | ']')[] = [];
	for (;;) {
		// A value starts here.
		space();
		const char = text[index];
		if (char === '{' || char === '[') {
			index++;
			space();
			const closer = char === '{' ? '}' : ']';
			if (text[index] === closer) index++;
			else {
				open.push(closer);
				if (closer === '}' && !key()) return index;
				continue;
			}
		} else if (!scalar()) return index;

		// A value ended: close what it ends, or go on to the next member.
		for (;;) {
			space();
			const closer = open.at(-1);
			if (closer === undefined) return Math.min(index, text.length);
			if (text[index] === closer) {
				index++;
				open.pop();
				continue;
			}

			if (text[index] !== ',') return index;
			index++;
			if (closer === '}' && !key()) return index;
			break;
		}
	}
}
