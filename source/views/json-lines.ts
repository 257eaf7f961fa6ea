/*
Pretty-printed JSON as lines of typed tokens, so a pane can colour them,
scroll them and mark the keys that are in the delta. Markers are text too
('*' before a delta key), so nothing is lost without colour.
*/
import {
	getOwn,
	isJsonObject,
	type JsonObject,
	type JsonValue,
} from '../shadow/json.js';

export type TokenKind =
	'key' | 'string' | 'number' | 'boolean' | 'null' | 'punctuation';
export type Token = {readonly text: string; readonly kind: TokenKind};
export type JsonLine = {
	readonly indent: number;
	readonly tokens: readonly Token[];
	readonly marked: boolean;
};

function scalar(value: JsonValue): Token {
	if (typeof value === 'string')
		return {text: JSON.stringify(value), kind: 'string'};
	if (typeof value === 'number') return {text: String(value), kind: 'number'};
	if (typeof value === 'boolean') return {text: String(value), kind: 'boolean'};
	return {text: 'null', kind: 'null'};
}

/** `mark` is the delta (or any object) whose keys should be marked in the lines of `value`. */
export function jsonLines(
	value: JsonValue | undefined,
	mark?: JsonObject,
): JsonLine[] {
	if (value === undefined) return [];
	const lines: JsonLine[] = [];
	walk(value, 0, undefined, mark, false, true, lines);
	return lines;
}

function walk(
	value: JsonValue,
	indent: number,
	key: string | undefined,
	mark: JsonValue | undefined,
	marked: boolean,
	last: boolean,
	lines: JsonLine[],
): void {
	const prefix: Token[] =
		key === undefined
			? []
			: [
					{text: JSON.stringify(key), kind: 'key'},
					{text: ': ', kind: 'punctuation'},
				];
	const comma: Token[] = last ? [] : [{text: ',', kind: 'punctuation'}];
	const isObject = isJsonObject(value);
	if (
		(isObject && Object.keys(value).length > 0) ||
		(Array.isArray(value) && value.length > 0)
	) {
		lines.push({
			indent,
			tokens: [...prefix, {text: isObject ? '{' : '[', kind: 'punctuation'}],
			marked,
		});
		if (isObject) {
			const keys = Object.keys(value);
			keys.forEach((child, index) => {
				const childMark = isJsonObject(mark) ? getOwn(mark, child) : undefined;
				walk(
					value[child] as JsonValue,
					indent + 1,
					child,
					childMark,
					childMark !== undefined,
					index === keys.length - 1,
					lines,
				);
			});
		} else {
			value.forEach((item, index) => {
				walk(
					item,
					indent + 1,
					undefined,
					undefined,
					marked,
					index === value.length - 1,
					lines,
				);
			});
		}

		lines.push({
			indent,
			tokens: [{text: isObject ? '}' : ']', kind: 'punctuation'}, ...comma],
			marked,
		});
		return;
	}

	const token: Token = isObject
		? {text: '{}', kind: 'punctuation'}
		: Array.isArray(value)
			? {text: '[]', kind: 'punctuation'}
			: scalar(value);
	lines.push({indent, tokens: [...prefix, token, ...comma], marked});
}
