/*
Trends in the history view: which keys have one (the numeric leaves of the
newest version, found with a bounded loop, not recursion), and the trend
line of one of them over the history's versions, with min, max and last.
*/
import type {HistoryEntry} from '../session/history.js';
import {keySeries, parseKeyPath} from '../session/key-series.js';
import {isJsonObject, type JsonValue} from '../shadow/json.js';
import {sparkline} from './sparkline.js';

/** Enough to choose from with a key; a document can hold thousands. */
const maxPaths = 64;
const maxDepth = 8;

/** The numeric leaves of the newest version, reported first: `reported.temperature`. */
export function numericKeyPaths(history: readonly HistoryEntry[]): string[] {
	const newest = history.find((entry) => entry.kind === 'document');
	if (!newest) return [];
	const found: string[] = [];
	for (const section of ['reported', 'desired'] as const) {
		const pending: {value: JsonValue; path: string; depth: number}[] = [];
		const root = newest.state[section];
		if (root) pending.push({value: root, path: section, depth: 0});
		while (pending.length > 0 && found.length < maxPaths) {
			const {value, path, depth} = pending.shift() ?? {
				value: null,
				path: '',
				depth: 0,
			};
			if (typeof value === 'number' && Number.isFinite(value)) found.push(path);
			else if (isJsonObject(value) && depth < maxDepth)
				for (const key of Object.keys(value)) {
					// A key with a dot could not be named by a path: it is left out.
					if (key.includes('.') || key === '') continue;
					pending.push({
						value: value[key] as JsonValue,
						path: `${path}.${key}`,
						depth: depth + 1,
					});
				}
		}
	}

	return found;
}

/** The key after `current` in numericKeyPaths, wrapping; undefined when there is none. */
export function nextTrendKey(
	history: readonly HistoryEntry[],
	current: string | undefined,
): string | undefined {
	const paths = numericKeyPaths(history);
	if (paths.length === 0) return undefined;
	const at = current === undefined ? -1 : paths.indexOf(current);
	return at + 1 >= paths.length ? undefined : paths[at + 1];
}

export type TrendLine = {
	readonly key: string;
	readonly line: string;
	readonly summary: string;
	readonly min: number | undefined;
	readonly max: number | undefined;
	readonly last: number | undefined;
	readonly count: number;
};

const number = (value: number | undefined) =>
	value === undefined
		? '–'
		: Number.isInteger(value)
			? String(value)
			: String(Math.round(value * 100) / 100);

export function trendLine(
	history: readonly HistoryEntry[],
	key: string,
	width: number,
): TrendLine | undefined {
	const path = parseKeyPath(key);
	if (!path.ok) return undefined;
	const series = keySeries(history, path.path);
	const count = series.points.length;
	const summary = `min ${number(series.min)} · max ${number(series.max)} · last ${number(series.last)} · ${count} version${count === 1 ? '' : 's'}`;
	return {
		key,
		line: sparkline(
			series.points.map((point) => point.value),
			Math.max(8, width),
		),
		summary,
		min: series.min,
		max: series.max,
		last: series.last,
		count,
	};
}
