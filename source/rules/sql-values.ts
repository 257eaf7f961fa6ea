/*
AWS IoT SQL's data types over JavaScript values, and the standard conversions
of the "Data types" page of the AWS IoT SQL reference. `undefined` is AWS's
Undefined (a missing key, a function given bad arguments); `null` is Null.
Int and Decimal are both JavaScript numbers: an Int is a number with no
fraction, which is also how SQL 2016-03-23 treats `10.0` (the data types
page). Values come from JSON.parse or from the statement, so they are
acyclic; walks over them still use explicit stacks because a payload can be
nested deeper than the call stack.
*/
import {stringifyBounded} from './bounded-json.js';

export type JsonObject = {readonly [key: string]: unknown};

export const ruleValueLimits = {
	/** Our bound on a String a function or `+` builds; longer results are Undefined. */
	maxStringLength: 256 * 1024,
	/** Our bound on an Array concat() builds. */
	maxArrayLength: 65_536,
} as const;

export function isJsonObject(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own keys only, so `toString` or `__proto__` never reach the prototype. */
export function memberOf(value: unknown, key: string): unknown {
	if (!isJsonObject(value) || !Object.hasOwn(value, key)) return undefined;
	return value[key];
}

/** Sets a key even when it is `__proto__`, which plain assignment would turn into a prototype. */
export function setMember(
	target: Record<string, unknown>,
	key: string,
	value: unknown,
): void {
	Object.defineProperty(target, key, {
		value,
		enumerable: true,
		writable: true,
		configurable: true,
	});
}

export function isInt(value: unknown): value is number {
	return typeof value === 'number' && Number.isInteger(value);
}

/** AWS's pattern for strings that convert to Decimal: ^-?\d+(\.\d+)?((?i)E-?\d+)?$, as a scan. */
function decimalFromString(text: string): number | undefined {
	let index = text.startsWith('-') ? 1 : 0;
	const digits = () => {
		const start = index;
		for (
			let code = text.charCodeAt(index);
			code >= 48 && code <= 57;
			code = text.charCodeAt(index)
		)
			index++;
		return index > start;
	};

	if (!digits()) return undefined;
	if (text[index] === '.') {
		index++;
		if (!digits()) return undefined;
	}

	if (text[index] === 'e' || text[index] === 'E') {
		index++;
		if (text[index] === '-') index++;
		if (!digits()) return undefined;
	}

	if (index !== text.length) return undefined;
	const value = Number(text);
	return Number.isFinite(value) ? value : undefined;
}

/** "To decimal": numbers as they are, strings that look like decimals; Booleans, Null and the rest are Undefined. */
export function toDecimal(value: unknown): number | undefined {
	if (typeof value === 'number') return value;
	if (typeof value === 'string') return decimalFromString(value);
	return undefined;
}

/** "To int", with the fraction dropped (AWS's pages disagree between rounding and truncating; their examples truncate). */
export function toInt(value: unknown): number | undefined {
	const decimal = toDecimal(value);
	return decimal === undefined ? undefined : Math.trunc(decimal);
}

/** "To Boolean": Booleans, and the strings "true"/"false" in any case. */
export function toBoolean(value: unknown): boolean | undefined {
	if (typeof value === 'boolean') return value;
	if (typeof value !== 'string') return undefined;
	const lower = value.toLowerCase();
	if (lower === 'true') return true;
	return lower === 'false' ? false : undefined;
}

/** An Int in standard notation (no exponent, as Java's BigDecimal prints it); a Decimal as JavaScript prints it. */
export function formatNumber(value: number): string {
	if (Number.isInteger(value) && Math.abs(value) >= 1e21)
		return BigInt(value).toString();
	return Object.is(value, -0) ? '0' : String(value);
}

/** "To string": Arrays and Objects as compact JSON; Null and Undefined are Undefined. */
export function toSqlString(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (typeof value === 'number') return formatNumber(value);
	if (typeof value === 'boolean') return value ? 'true' : 'false';
	if (typeof value === 'object' && value !== null)
		return stringifyBounded(value, ruleValueLimits.maxStringLength);
	return undefined;
}

/** A string result, or Undefined when it would pass our length bound. */
export function boundedString(text: string): string | undefined {
	return text.length > ruleValueLimits.maxStringLength ? undefined : text;
}

function sameKind(left: unknown, right: unknown): boolean {
	if (left === null || right === null) return left === right;
	if (Array.isArray(left) || Array.isArray(right))
		return Array.isArray(left) && Array.isArray(right);
	return typeof left === typeof right;
}

/** Arrays in order, Objects by keys in any order, numbers by value; iterative for deep payloads. */
function deepEqual(left: unknown, right: unknown): boolean {
	const pending: [unknown, unknown][] = [[left, right]];
	for (let pair = pending.pop(); pair; pair = pending.pop()) {
		const [a, b] = pair;
		if (a === b) continue;
		if (!sameKind(a, b) || typeof a !== 'object' || a === null) return false;
		if (Array.isArray(a) && Array.isArray(b)) {
			if (a.length !== b.length) return false;
			for (const [index, item] of a.entries()) pending.push([item, b[index]]);
			continue;
		}

		const keys = Object.keys(a);
		if (keys.length !== Object.keys(b as object).length) return false;
		for (const key of keys) {
			if (!Object.hasOwn(b as object, key)) return false;
			pending.push([memberOf(a, key), memberOf(b, key)]);
		}
	}

	return true;
}

/** The `=` operator: Undefined with Undefined, false for mismatched types. */
export function sqlEquals(left: unknown, right: unknown): boolean | undefined {
	if (left === undefined || right === undefined) return undefined;
	return sameKind(left, right) && deepEqual(left, right);
}

/** `<`, `>`, `<=`, `>=`: both sides are converted to Decimal, or the result is Undefined. */
export function sqlCompare(left: unknown, right: unknown): number | undefined {
	const a = toDecimal(left);
	const b = toDecimal(right);
	if (a === undefined || b === undefined) return undefined;
	return a < b ? -1 : a > b ? 1 : 0;
}
