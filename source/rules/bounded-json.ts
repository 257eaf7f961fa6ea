/*
JSON text for values the rules engine holds, written with an explicit stack:
JSON.stringify recurses and throws RangeError on a payload nested a few
thousand levels deep, which JSON.parse accepts. It stops as soon as the text
passes a length or depth bound, so a statement that multiplies a large
payload never builds the whole text. Keys with an undefined value are left
out and undefined array items become null, as JSON.stringify does.
*/

type Frame =
	| {readonly kind: 'array'; readonly items: readonly unknown[]; index: number}
	| {
			readonly kind: 'object';
			readonly object: {readonly [key: string]: unknown};
			readonly keys: readonly string[];
			index: number;
			written: number;
	  };

export type StringifyLimits = {
	readonly maxLength: number;
	readonly maxDepth?: number;
};

export type StringifyResult =
	| {readonly ok: true; readonly text: string}
	| {
			readonly ok: false;
			readonly reason: 'length' | 'depth';
			readonly partial: string;
	  };

function scalarText(value: unknown): string | undefined {
	if (value === null || typeof value === 'boolean' || typeof value === 'string')
		return JSON.stringify(value);
	if (typeof value === 'number')
		return Number.isFinite(value) ? JSON.stringify(value) : 'null';
	return undefined;
}

/** The next value a frame writes, with what goes before it; undefined when the frame is done. */
function nextEntry(frame: Frame): {prefix: string; value: unknown} | undefined {
	if (frame.kind === 'array') {
		if (frame.index >= frame.items.length) return undefined;
		const prefix = frame.index === 0 ? '' : ',';
		const value = frame.items[frame.index++];
		return {prefix, value: value === undefined ? null : value};
	}

	while (frame.index < frame.keys.length) {
		const key = frame.keys[frame.index++] ?? '';
		const value = frame.object[key];
		if (value === undefined) continue;
		const prefix = `${frame.written++ === 0 ? '' : ','}${JSON.stringify(key)}:`;
		return {prefix, value};
	}

	return undefined;
}

export function stringifyJson(
	value: unknown,
	limits: StringifyLimits,
): StringifyResult {
	// AWS serializes an Undefined on its own as the empty string (data types page).
	if (value === undefined) return {ok: true, text: ''};
	const maxDepth = limits.maxDepth ?? Number.POSITIVE_INFINITY;
	const parts: string[] = [];
	let length = 0;
	const stack: Frame[] = [];
	let pending: unknown = value;
	for (;;) {
		let text = scalarText(pending);
		if (text === undefined) {
			if (stack.length >= maxDepth)
				return {ok: false, reason: 'depth', partial: parts.join('')};
			if (Array.isArray(pending)) {
				stack.push({kind: 'array', items: pending, index: 0});
				text = '[';
			} else {
				const object = pending as {readonly [key: string]: unknown};
				stack.push({
					kind: 'object',
					object,
					keys: Object.keys(object),
					index: 0,
					written: 0,
				});
				text = '{';
			}
		}

		parts.push(text);
		length += text.length;
		for (;;) {
			if (length > limits.maxLength)
				return {ok: false, reason: 'length', partial: parts.join('')};
			const frame = stack.at(-1);
			if (!frame) return {ok: true, text: parts.join('')};
			const entry = nextEntry(frame);
			if (entry) {
				parts.push(entry.prefix);
				length += entry.prefix.length;
				pending = entry.value;
				break;
			}

			stack.pop();
			parts.push(frame.kind === 'array' ? ']' : '}');
			length++;
		}
	}
}

/** The start of a value's JSON, for messages: at most maxLength characters, … when cut. */
export function previewJson(value: unknown, maxLength: number): string {
	const result = stringifyJson(value, {maxLength});
	return result.ok ? result.text : `${result.partial.slice(0, maxLength - 1)}…`;
}

/** Compact JSON of a value, or undefined when it is longer than maxLength. */
export function stringifyBounded(
	value: unknown,
	maxLength: number,
): string | undefined {
	const result = stringifyJson(value, {maxLength});
	return result.ok ? result.text : undefined;
}
