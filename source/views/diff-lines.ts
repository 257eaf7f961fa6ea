/*
The difference between two versions, computed with jsondiffpatch and drawn
for a terminal: "+ path: value" added, "- path: value" removed,
"~ path: old -> new" changed. Arrays are replaced whole in shadows, so a
changed array is one "~" line. jsondiffpatch and the drawing recurse, so a
value deeper than a shadow's sections under {desired, reported} can be is
not compared at all.
*/
import {create, type Delta} from 'jsondiffpatch';
import {getOwn, isJsonObject, type JsonValue} from '../shadow/json.js';
import {deeperThan} from '../shadow/json-shape.js';
import {awsLimits} from '../shadow/limits.js';

export type DiffLine = {
	readonly marker: '+' | '-' | '~';
	readonly path: string;
	readonly text: string;
};

const differ = create();

const show = (value: unknown): string =>
	value === undefined ? 'undefined' : JSON.stringify(value);

/** The sections' container levels plus the {desired, reported} around them. */
const deepestCompared = awsLimits.maxDepth + 1;

export function diffLines(
	before: JsonValue | undefined,
	after: JsonValue | undefined,
	maxDepth = deepestCompared,
): DiffLine[] {
	if (deeperThan(before, maxDepth) || deeperThan(after, maxDepth))
		return [
			{
				marker: '~',
				path: '',
				text: 'nested deeper than a shadow can be; not compared',
			},
		];
	const delta = differ.diff(before ?? {}, after ?? {});
	const lines: DiffLine[] = [];
	if (delta !== undefined) walk(delta, [], before, after, lines);
	return lines;
}

function walk(
	delta: Delta,
	path: string[],
	before: unknown,
	after: unknown,
	lines: DiffLine[],
): void {
	if (typeof delta !== 'object') return;
	if (Array.isArray(delta)) {
		describe(delta as unknown[], path, before, after, lines);
		return;
	}

	if ((delta as {_t?: unknown})._t === 'a') {
		lines.push({
			marker: '~',
			path: path.join('.'),
			text: `${show(before)} -> ${show(after)}`,
		});
		return;
	}

	for (const [key, child] of Object.entries(delta as Record<string, Delta>)) {
		const pick = (value: unknown) =>
			isJsonObject(value) ? getOwn(value, key) : undefined;
		walk(child, [...path, key], pick(before), pick(after), lines);
	}
}

function describe(
	change: unknown[],
	path: string[],
	before: unknown,
	after: unknown,
	lines: DiffLine[],
): void {
	const where = path.join('.');
	if (change.length === 1)
		lines.push({marker: '+', path: where, text: show(change[0])});
	else if (change.length === 2)
		lines.push({
			marker: '~',
			path: where,
			text: `${show(change[0])} -> ${show(change[1])}`,
		});
	else if (change[2] === 0)
		lines.push({marker: '-', path: where, text: show(change[0])});
	else
		lines.push({
			marker: '~',
			path: where,
			text: `${show(before)} -> ${show(after)}`,
		});
}

export function diffText(line: DiffLine): string {
	return `${line.marker} ${line.path}: ${line.text}`;
}
