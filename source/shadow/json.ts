/*
Plain JSON values as the shadow service sees them, and the few helpers every
rule needs. Objects from JSON.parse may carry an own "__proto__" key; plain
assignment would change the prototype instead, so writes go through setOwn.
*/

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export type JsonObject = {[key: string]: JsonValue};

export function isJsonObject(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function setOwn(
	target: JsonObject,
	key: string,
	value: JsonValue,
): void {
	if (key === '__proto__') {
		Object.defineProperty(target, key, {
			value,
			enumerable: true,
			writable: true,
			configurable: true,
		});
	} else {
		target[key] = value;
	}
}

export function hasOwn(target: JsonObject, key: string): boolean {
	return Object.prototype.hasOwnProperty.call(target, key);
}

export function getOwn(target: JsonObject, key: string): JsonValue | undefined {
	return hasOwn(target, key) ? target[key] : undefined;
}

/** Deep equality as §5.1 defines it: order matters in arrays, types must match. */
export function jsonEqual(a: JsonValue, b: JsonValue): boolean {
	if (a === b) return true;
	if (
		typeof a !== 'object' ||
		typeof b !== 'object' ||
		a === null ||
		b === null
	) {
		return false;
	}

	if (Array.isArray(a)) {
		if (!Array.isArray(b) || a.length !== b.length) return false;
		for (let i = 0; i < a.length; i++) {
			if (!jsonEqual(a[i] as JsonValue, b[i] as JsonValue)) return false;
		}

		return true;
	}

	if (Array.isArray(b)) return false;
	const aKeys = Object.keys(a);
	if (aKeys.length !== Object.keys(b).length) return false;
	for (const key of aKeys) {
		const other = getOwn(b, key);
		if (other === undefined || !jsonEqual(a[key] as JsonValue, other))
			return false;
	}

	return true;
}

export function utf8Length(text: string): number {
	return Buffer.byteLength(text, 'utf8');
}
