/*
The String and collection functions of the AWS IoT SQL reference's
"Functions" page. Arguments that are not Strings go through the standard
string conversion; Null and Undefined make the result Undefined. Results
longer than ruleValueLimits allows are Undefined, checked before they are
built, so nested replace() or concat() cannot grow a string without bound.
*/
import {
	boundedString,
	isJsonObject,
	memberOf,
	ruleValueLimits,
	toInt,
	toSqlString,
} from './sql-values.js';

/** Every argument as a String, or undefined when one does not convert. */
export function strings(args: readonly unknown[]): string[] | undefined {
	const texts: string[] = [];
	for (const arg of args) {
		const text = toSqlString(arg);
		if (text === undefined) return undefined;
		texts.push(text);
	}

	return texts;
}

/**
concat(): no arguments is Undefined, one is returned as it is; with an Array
among them the result is one Array holding every argument (Arrays spread),
otherwise, when one is a String, the Strings of all of them joined.
*/
export function concat(args: readonly unknown[]): unknown {
	if (args.length === 0) return undefined;
	if (args.length === 1) return args[0];
	if (args.includes(undefined)) return undefined;
	if (args.some((arg) => Array.isArray(arg))) {
		const items: unknown[] = [];
		for (const arg of args) {
			const added: readonly unknown[] = Array.isArray(arg) ? arg : [arg];
			if (items.length + added.length > ruleValueLimits.maxArrayLength)
				return undefined;
			for (const item of added) items.push(item);
		}

		return items;
	}

	if (!args.some((arg) => typeof arg === 'string')) return undefined;
	const texts: string[] = [];
	let length = 0;
	for (const arg of args) {
		const text = toSqlString(arg);
		if (text === undefined) return undefined;
		length += text.length;
		if (length > ruleValueLimits.maxStringLength) return undefined;
		texts.push(text);
	}

	return texts.join('');
}

/** get(): an Array item or a String's character by 0-based Int index, or an Object's member by String key. */
export function get(collection: unknown, key: unknown): unknown {
	if (Array.isArray(collection) || typeof collection === 'string') {
		const index = toInt(key);
		if (index === undefined || index < 0 || index >= collection.length)
			return undefined;
		return collection[index] as unknown;
	}

	if (isJsonObject(collection) && typeof key === 'string')
		return memberOf(collection, key);
	return undefined;
}

/** Java's String.trim, which AWS runs on: every character up to U+0020. */
function isTrimmed(code: number): boolean {
	return code <= 0x20;
}

function isSpaceOrTab(code: number): boolean {
	return code === 0x20 || code === 0x09;
}

function trimWith(
	text: string,
	strip: (code: number) => boolean,
	start: boolean,
	end: boolean,
) {
	let from = 0;
	let to = text.length;
	while (start && from < to && strip(text.charCodeAt(from))) from++;
	while (end && to > from && strip(text.charCodeAt(to - 1))) to--;
	return text.slice(from, to);
}

export const trim = (text: string) => trimWith(text, isTrimmed, true, true);
/** ltrim and rtrim remove "tabs and spaces", AWS's page says. */
export const ltrim = (text: string) =>
	trimWith(text, isSpaceOrTab, true, false);
export const rtrim = (text: string) =>
	trimWith(text, isSpaceOrTab, false, true);

/** substring(s, start[, end]): 0-based, end exclusive, both clamped to the string. */
export function substring(
	text: string,
	start: unknown,
	end: unknown,
	hasEnd: boolean,
): unknown {
	const clamp = (index: number) => Math.min(Math.max(index, 0), text.length);
	const from = toInt(start);
	const to = hasEnd ? toInt(end) : text.length;
	if (from === undefined || to === undefined) return undefined;
	const first = clamp(from);
	const last = clamp(to);
	return first >= last ? '' : text.slice(first, last);
}

/** replace(): every occurrence, with the result's length known before it is built. */
export function replace(
	text: string,
	search: string,
	replacement: string,
): unknown {
	let count = 0;
	if (search === '') {
		count = text.length + 1;
	} else {
		for (
			let at = text.indexOf(search);
			at !== -1;
			at = text.indexOf(search, at + search.length)
		)
			count++;
	}

	const length = text.length + count * (replacement.length - search.length);
	if (length > ruleValueLimits.maxStringLength) return undefined;
	// A function keeps `$&` and `$1` in the replacement literal, as Java's String.replace does.
	return text.replaceAll(search, () => replacement);
}

/** Standard base64 text: the alphabet, `=` padding only at the end, length a multiple of 4. */
function isBase64(text: string): boolean {
	if (text.length % 4 !== 0) return false;
	let padding = 0;
	for (let index = 0; index < text.length; index++) {
		const char = text[index] ?? '';
		if (char === '=') {
			padding++;
			continue;
		}

		const letter = (char >= 'A' && char <= 'Z') || (char >= 'a' && char <= 'z');
		const digit = char >= '0' && char <= '9';
		if (padding > 0 || !(letter || digit || char === '+' || char === '/'))
			return false;
	}

	return padding <= 2;
}

/**
decode(v, 'base64'): the decoded JSON document when it is one, else the
decoded text; Null when the text is not base64, as AWS documents.
*/
export function decodeBase64(value: unknown): unknown {
	if (typeof value !== 'string') return undefined;
	if (!isBase64(value)) return null;
	const text = Buffer.from(value, 'base64').toString('utf8');
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

export function encodeBase64(bytes: Buffer): unknown {
	return boundedString(bytes.toString('base64'));
}
