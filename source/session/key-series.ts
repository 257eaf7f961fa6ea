/*
One numeric key of a shadow over its versions: `history --series
reported.temperature` prints it for scripts, and the console draws it. A
path names a section (desired, reported or delta) and the keys under it,
joined with `.`; a key of an array may be its index (`reported.temps.0`).

Versions where the key is absent, or holds anything but a finite number
(text, an object, a deleted shadow's empty state), are left out, so a gap in
the readings is a gap in the series, not a zero. Pure, and walks no further
than the path is long.
*/
import {getOwn, isJsonObject, type JsonValue} from '../shadow/json.js';

export type KeySection = 'desired' | 'reported' | 'delta';

export type KeyPath = {
	readonly section: KeySection;
	/** The keys under the section, outermost first; never empty. */
	readonly keys: readonly string[];
	/** As typed: `reported.temperature`. */
	readonly text: string;
};

/** Any version with a state: the journal's HistoryVersion, or the console's entries (`at`). */
export type SeriesVersion = {
	readonly version: number;
	readonly state: {
		readonly desired?: unknown;
		readonly reported?: unknown;
		readonly delta?: unknown;
	};
} & ({readonly timestamp: number} | {readonly at: number});

export type SeriesPoint = {
	readonly version: number;
	/** Epoch seconds of the version. */
	readonly timestamp: number;
	readonly value: number;
};

export type KeySeries = {
	/** Oldest first. */
	readonly points: readonly SeriesPoint[];
	/** Undefined when there are no points. */
	readonly min: number | undefined;
	readonly max: number | undefined;
	/** The value of the newest point. */
	readonly last: number | undefined;
};

/** Longer than any path a person types; a bound on what is split and walked. */
export const maxKeyPathLength = 1024;
/** More keys than a shadow can be deep. */
export const maxKeyPathKeys = 32;

const sections: readonly KeySection[] = ['desired', 'reported', 'delta'];

/** `reported.temperature` as a path, or why not (one line, for a usage error). */
export function parseKeyPath(
	text: string,
): {ok: true; path: KeyPath} | {ok: false; error: string} {
	const shown = JSON.stringify(
		text.length > 40 ? `${text.slice(0, 40)}…` : text,
	);
	const refuse = (why: string) => ({
		ok: false as const,
		error: `${why}, got ${shown}`,
	});
	if (text.length > maxKeyPathLength)
		return refuse(`a key path is at most ${maxKeyPathLength} characters`);
	const [section, ...keys] = text.split('.');
	if (!sections.includes(section as KeySection) || keys.length === 0)
		return refuse(
			'a key path starts with desired., reported. or delta. and names a key (reported.temperature)',
		);
	if (keys.length > maxKeyPathKeys)
		return refuse(`a key path has at most ${maxKeyPathKeys} keys`);
	if (keys.includes(''))
		return refuse('a key path has no empty keys (nothing between two dots)');
	return {ok: true, path: {section: section as KeySection, keys, text}};
}

/** The value at `path` in one version's state, or undefined when it is not there. */
export function valueAt(
	state: SeriesVersion['state'],
	path: KeyPath,
): JsonValue | undefined {
	let value = state[path.section] as JsonValue | undefined;
	for (const key of path.keys) {
		if (isJsonObject(value)) value = getOwn(value, key);
		else if (Array.isArray(value) && /^\d{1,9}$/.test(key))
			value = value[Number(key)];
		else return undefined;
	}

	return value;
}

const timeOf = (version: SeriesVersion): number =>
	'timestamp' in version ? version.timestamp : version.at;

/** The numeric values of `path` over `versions` (in any order), oldest first. */
export function keySeries(
	versions: readonly SeriesVersion[],
	path: KeyPath,
): KeySeries {
	const points: SeriesPoint[] = [];
	for (const version of versions) {
		const value = valueAt(version.state, path);
		if (typeof value === 'number' && Number.isFinite(value))
			points.push({
				version: version.version,
				timestamp: timeOf(version),
				value,
			});
	}

	// By time, then version: a shadow re-created after AWS forgot it counts from 1 again, days later.
	points.sort((a, b) => a.timestamp - b.timestamp || a.version - b.version);
	let min: number | undefined;
	let max: number | undefined;
	for (const {value} of points) {
		min = min === undefined ? value : Math.min(min, value);
		max = max === undefined ? value : Math.max(max, value);
	}

	return {points, min, max, last: points.at(-1)?.value};
}
