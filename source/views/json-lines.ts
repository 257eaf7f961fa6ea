/*
Pretty-printed JSON as lines of typed tokens, so a pane can colour them,
scroll them and mark the keys that are in the delta. Markers are text too
('*' before a delta key), so nothing is lost without colour. Given the
section's metadata, every line that starts with a key carries the time its
value last changed (value-ages.ts), for the pane to draw as an age.
*/
import {
	getOwn,
	isJsonObject,
	type JsonObject,
	type JsonValue,
} from '../shadow/json.js';
import {newestTimestamps} from './value-ages.js';

export type TokenKind =
	'key' | 'string' | 'number' | 'boolean' | 'null' | 'punctuation';
export type Token = {readonly text: string; readonly kind: TokenKind};
export type JsonLine = {
	readonly indent: number;
	readonly tokens: readonly Token[];
	readonly marked: boolean;
	/** Epoch seconds the key's value last changed (its newest metadata leaf); only on lines with a key. */
	readonly timestamp?: number;
	/** The keys from the document's top to this line's key, joined with `.`; only on lines with a key. */
	readonly path?: string;
};

function scalar(value: JsonValue): Token {
	if (typeof value === 'string')
		return {text: JSON.stringify(value), kind: 'string'};
	if (typeof value === 'number') return {text: String(value), kind: 'number'};
	if (typeof value === 'boolean') return {text: String(value), kind: 'boolean'};
	return {text: 'null', kind: 'null'};
}

type Step =
	| {
			readonly kind: 'value';
			readonly value: JsonValue;
			readonly indent: number;
			readonly key: string | undefined;
			/** The dotted path of the value; '' for the document itself. */
			readonly path: string;
			readonly mark: JsonValue | undefined;
			/** The metadata mirroring `value`, if any. */
			readonly meta: JsonValue | undefined;
			readonly marked: boolean;
			readonly last: boolean;
	  }
	| {readonly kind: 'close'; readonly line: JsonLine};

/**
`mark` is the delta (or any object) whose keys should be marked in the lines
of `value`; `metadata` mirrors `value` (a section's metadata). The walk keeps
its pending steps in an array rather than on the call stack, so no document,
however it was nested, can overflow it.
*/
export function jsonLines(
	value: JsonValue | undefined,
	mark?: JsonObject,
	metadata?: JsonValue,
): JsonLine[] {
	if (value === undefined) return [];
	const times: ReadonlyMap<object, number> =
		metadata === undefined ? new Map() : newestTimestamps(metadata);
	const lines: JsonLine[] = [];
	const steps: Step[] = [
		{
			kind: 'value',
			value,
			indent: 0,
			key: undefined,
			path: '',
			mark,
			meta: metadata,
			marked: false,
			last: true,
		},
	];
	for (let step = steps.pop(); step !== undefined; step = steps.pop()) {
		if (step.kind === 'close') lines.push(step.line);
		else lines.push(open(step, steps, times));
	}

	return lines;
}

function timeOf(
	meta: JsonValue | undefined,
	times: ReadonlyMap<object, number>,
): number | undefined {
	return typeof meta === 'object' && meta !== null
		? times.get(meta)
		: undefined;
}

/** The line a value starts with; a container's members and closing line go onto `steps`. */
function open(
	{value, indent, key, path, mark, meta, marked, last}: Step & {kind: 'value'},
	steps: Step[],
	times: ReadonlyMap<object, number>,
): JsonLine {
	const timestamp = key === undefined ? undefined : timeOf(meta, times);
	const time = {
		...(timestamp === undefined ? {} : {timestamp}),
		...(key === undefined ? {} : {path}),
	};
	const prefix: Token[] =
		key === undefined
			? []
			: [
					{text: JSON.stringify(key), kind: 'key'},
					{text: ': ', kind: 'punctuation'},
				];
	const comma: Token[] = last ? [] : [{text: ',', kind: 'punctuation'}];
	const isObject = isJsonObject(value);
	const members: Step[] = [];
	if (isObject) {
		const keys = Object.keys(value);
		for (const [index, child] of keys.entries()) {
			const childMark = isJsonObject(mark) ? getOwn(mark, child) : undefined;
			members.push({
				kind: 'value',
				value: value[child] as JsonValue,
				indent: indent + 1,
				key: child,
				path: path === '' ? child : `${path}.${child}`,
				mark: childMark,
				meta: isJsonObject(meta) ? getOwn(meta, child) : undefined,
				marked: childMark !== undefined,
				last: index === keys.length - 1,
			});
		}
	} else if (Array.isArray(value)) {
		for (const [index, item] of value.entries())
			members.push({
				kind: 'value',
				value: item,
				indent: indent + 1,
				key: undefined,
				path: path === '' ? String(index) : `${path}.${index}`,
				mark: undefined,
				meta: Array.isArray(meta) ? meta[index] : undefined,
				marked,
				last: index === value.length - 1,
			});
	}

	if (members.length > 0) {
		steps.push({
			kind: 'close',
			line: {
				indent,
				tokens: [{text: isObject ? '}' : ']', kind: 'punctuation'}, ...comma],
				marked,
			},
		});
		for (let index = members.length - 1; index >= 0; index--) {
			const member = members[index];
			if (member) steps.push(member);
		}

		return {
			indent,
			tokens: [...prefix, {text: isObject ? '{' : '[', kind: 'punctuation'}],
			marked,
			...time,
		};
	}

	const token: Token = isObject
		? {text: '{}', kind: 'punctuation'}
		: Array.isArray(value)
			? {text: '[]', kind: 'punctuation'}
			: scalar(value);
	return {indent, tokens: [...prefix, token, ...comma], marked, ...time};
}
