/*
The order people expect for device names: runs of digits compare as numbers,
so brewer-2 comes before brewer-10. The rest compares by code unit (names
are ASCII, [a-zA-Z0-9:_-]), and when two names are equal as numbers
(brewer-02, brewer-2) the plain comparison decides, so the order is total.
*/

function runs(text: string): string[] {
	return text.match(/\d+|\D+/g) ?? [];
}

function compareDigits(a: string, b: string): number {
	// By value without parsing: numbers may have more digits than a double holds.
	const left = a.replace(/^0+(?=\d)/, '');
	const right = b.replace(/^0+(?=\d)/, '');
	if (left.length !== right.length) return left.length - right.length;
	return left < right ? -1 : left > right ? 1 : 0;
}

export function compareNatural(a: string, b: string): number {
	const left = runs(a);
	const right = runs(b);
	for (let index = 0; index < Math.min(left.length, right.length); index++) {
		const x = left[index] ?? '';
		const y = right[index] ?? '';
		const digits = /^\d/.test(x) && /^\d/.test(y);
		const order = digits ? compareDigits(x, y) : x < y ? -1 : x > y ? 1 : 0;
		if (order !== 0) return order;
	}

	if (left.length !== right.length) return left.length - right.length;
	return a < b ? -1 : a > b ? 1 : 0;
}
