/*
Where a JSON text stops being valid, as a 0-based index. V8 names the
position for some errors and not for others ("Unexpected token '}', ... is
not valid JSON"), and an editor must always show where, so this walks the
text itself. Only called on text JSON.parse already refused.
*/
export function locateJsonError(text: string): number {
	let index = 0;
	const fail = (): never => {
		throw new RangeError(String(index));
	};

	const space = () => {
		while (index < text.length && ' \t\n\r'.includes(text[index] ?? ''))
			index++;
	};

	const literal = (word: string) => {
		if (text.startsWith(word, index)) index += word.length;
		else fail();
	};

	const string = () => {
		index++;
		while (index < text.length && text[index] !== '"') {
			const char = text[index] ?? '';
			if (char < ' ') fail();
			if (char === '\\') {
				index++;
				const escape = text[index] ?? '';
				if (escape === 'u') {
					if (!/^[0-9a-fA-F]{4}$/.test(text.slice(index + 1, index + 5)))
						fail();
					index += 4;
				} else if (!'"\\/bfnrt'.includes(escape) || escape === '') fail();
			}

			index++;
		}

		if (index >= text.length) fail();
		index++;
	};

	const number = () => {
		const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(
			text.slice(index),
		);
		if (!match) fail();
		index += match?.[0].length ?? 0;
	};

	const value = (): void => {
		space();
		const char = text[index];
		if (char === '{') {
			index++;
			space();
			if (text[index] === '}') {
				index++;
				return;
			}

			for (;;) {
				space();
				if (text[index] !== '"') fail();
				string();
				space();
				if (text[index] !== ':') fail();
				index++;
				value();
				space();
				if (text[index] === ',') index++;
				else if (text[index] === '}') {
					index++;
					return;
				} else fail();
			}
		}

		if (char === '[') {
			index++;
			space();
			if (text[index] === ']') {
				index++;
				return;
			}

			for (;;) {
				value();
				space();
				if (text[index] === ',') index++;
				else if (text[index] === ']') {
					index++;
					return;
				} else fail();
			}
		}

		if (char === '"') string();
		else if (char === 't') literal('true');
		else if (char === 'f') literal('false');
		else if (char === 'n') literal('null');
		else if (char === '-' || (char !== undefined && char >= '0' && char <= '9'))
			number();
		else fail();
	};

	try {
		value();
		space();
		return index < text.length ? index : text.length;
	} catch (error: unknown) {
		if (error instanceof RangeError) return Number(error.message);
		throw error;
	}
}
