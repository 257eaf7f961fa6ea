/*
Trends beside the keys of a pane (T): for each numeric leaf of a section,
a short sparkline of its values over the history's versions, keyed by the
leaf's path as json-lines.ts writes it. Bounded: the first 64 numeric
leaves, found with a loop.
*/
import type {HistoryEntry} from '../session/history.js';
import {keySeries} from '../session/key-series.js';
import {isJsonObject, type JsonObject, type JsonValue} from '../shadow/json.js';
import {sparkline} from './sparkline.js';

const maxLeaves = 64;
const maxDepth = 8;
/** Wide enough to show a shape, narrow enough for a third of 80 columns. */
export const paneTrendWidth = 10;

export function paneTrends(
	section: 'desired' | 'reported',
	document: JsonObject | undefined,
	history: readonly HistoryEntry[],
): ReadonlyMap<string, string> {
	const trends = new Map<string, string>();
	if (!document) return trends;
	const pending: {value: JsonValue; keys: string[]}[] = [
		{value: document, keys: []},
	];
	while (pending.length > 0 && trends.size < maxLeaves) {
		const next = pending.shift();
		if (!next) break;
		const {value, keys} = next;
		if (typeof value === 'number' && keys.length > 0) {
			const series = keySeries(history, {
				section,
				keys,
				text: [section, ...keys].join('.'),
			});
			// One value is no trend.
			if (series.points.length > 1)
				trends.set(
					keys.join('.'),
					sparkline(
						series.points.map((point) => point.value),
						paneTrendWidth,
					),
				);
		} else if (isJsonObject(value) && keys.length < maxDepth) {
			for (const key of Object.keys(value))
				pending.push({value: value[key] as JsonValue, keys: [...keys, key]});
		}
	}

	return trends;
}
