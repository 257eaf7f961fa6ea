/*
When a reported value counts as stale: older than --stale-after when it was
given, else three times the device's reporting interval once the console has
seen enough reports to tell it, else an hour.

The interval comes from the history (history.ts): a version that follows the
one before it and changed reported, or changed nothing visible (a device
reporting the same reading again bumps the version and its timestamps,
shadow-semantics.md §6.2, while an app seldom sets desired to what it
already is), is a report at its time. A version that only changed desired is
not. The median gap between reports is the interval, so a missed version or
a burst of edits does not move it much; gaps of 0 s (several reports in one
second) are no interval at all and are left out.
*/
import {jsonEqual, type JsonObject} from '../shadow/json.js';
import type {HistoryEntry} from './history.js';

export type StaleAfter = {
	/** Values older than this many seconds are stale. */
	readonly seconds: number;
	readonly source: 'flag' | 'interval' | 'default';
};

export const defaultStaleAfter = 3600;
/** Gaps between reports needed before the interval is trusted. */
export const minimumGaps = 3;
/** The newest gaps looked at: the interval follows a device that changes its pace. */
const gapsLooked = 16;
/** The newest versions looked through for them: a flood of desired edits costs a bounded scan per frame. */
const entriesLooked = 256;
/** The fewest seconds a derived threshold is, so a fast device does not flicker stale between reports. */
const minimumDerived = 3;

const units: Readonly<Record<string, number>> = {
	s: 1,
	m: 60,
	min: 60,
	h: 3600,
	d: 86_400,
};
/** Ten years: a larger threshold is a typo, and it keeps the arithmetic exact. */
const maximumSeconds = 3650 * 86_400;

/** `90s`, `5m`, `4h`, `2d`, or parts of them (`1h30m`): the seconds, or why not (one line, for a UsageError). */
export function parseDuration(
	text: string,
	flag = '--stale-after',
): {ok: true; seconds: number} | {ok: false; error: string} {
	const shown = JSON.stringify(
		text.length > 40 ? `${text.slice(0, 40)}…` : text,
	);
	const problem = {
		ok: false as const,
		error: `${flag} must be a duration such as 90s, 5m, 4h or 2d, got ${shown}`,
	};
	const trimmed = text.trim().toLowerCase();
	if (!/^(?:\d+(?:min|[smhd]))+$/.test(trimmed)) return problem;
	let seconds = 0;
	for (const [, count, unit] of trimmed.matchAll(/(\d+)(min|[smhd])/g))
		seconds += Number(count) * (units[unit ?? ''] ?? Number.NaN);
	if (!Number.isSafeInteger(seconds) || seconds <= 0)
		return seconds === 0
			? {
					ok: false,
					error: `${flag} must be longer than 0 s, got ${shown}`,
				}
			: problem;
	if (seconds > maximumSeconds)
		return {
			ok: false,
			error: `${flag} must be at most 3650d, got ${shown}`,
		};
	return {ok: true, seconds};
}

/** `90 s`, `5 min`, `4 h`, `2 d`: the largest unit that says it exactly. */
export function formatDuration(seconds: number): string {
	if (seconds >= 86_400 && seconds % 86_400 === 0)
		return `${seconds / 86_400} d`;
	if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600} h`;
	if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60} min`;
	return `${Math.round(seconds)} s`;
}

function sameSection(
	a: JsonObject | undefined,
	b: JsonObject | undefined,
): boolean {
	return a === b || (a !== undefined && b !== undefined && jsonEqual(a, b));
}

/** The times of the reports in `history` (newest first, as history.ts keeps it), newest first. */
export function reportTimes(
	history: readonly HistoryEntry[],
	limit = gapsLooked + 1,
): number[] {
	const times: number[] = [];
	const end = Math.min(history.length, entriesLooked);
	for (let index = 0; index + 1 < end; index++) {
		if (times.length >= limit) break;
		const entry = history[index];
		const before = history[index + 1];
		if (
			entry?.kind !== 'document' ||
			before?.kind !== 'document' ||
			entry.incarnation !== before.incarnation ||
			entry.version !== before.version + 1
		)
			continue;
		const reportedSame = sameSection(
			entry.state.reported,
			before.state.reported,
		);
		const desiredSame = sameSection(entry.state.desired, before.state.desired);
		if (!reportedSame || desiredSame) times.push(entry.at);
	}

	return times;
}

/** The device's reporting interval in seconds, once `minimumGaps` gaps between reports were seen. */
export function reportingInterval(
	history: readonly HistoryEntry[],
): number | undefined {
	const times = reportTimes(history);
	const gaps: number[] = [];
	for (let index = 0; index + 1 < times.length; index++) {
		const gap = (times[index] ?? 0) - (times[index + 1] ?? 0);
		if (gap > 0) gaps.push(gap);
	}

	if (gaps.length < minimumGaps) return undefined;
	gaps.sort((a, b) => a - b);
	const middle = Math.floor(gaps.length / 2);
	return gaps.length % 2 === 1
		? gaps[middle]
		: ((gaps[middle - 1] ?? 0) + (gaps[middle] ?? 0)) / 2;
}

/** The threshold in use: the flag's, else 3x the reporting interval, else an hour. */
export function staleAfter(
	flagSeconds: number | undefined,
	history: readonly HistoryEntry[],
): StaleAfter {
	if (flagSeconds !== undefined) return {seconds: flagSeconds, source: 'flag'};
	const interval = reportingInterval(history);
	if (interval === undefined)
		return {seconds: defaultStaleAfter, source: 'default'};
	return {
		seconds: Math.max(minimumDerived, Math.round(interval * 3)),
		source: 'interval',
	};
}

/** Why this threshold, for the screen: widest first, so a narrow place can take a shorter one. */
export function describeStaleAfter(threshold: StaleAfter): readonly string[] {
	const duration = formatDuration(threshold.seconds);
	const short = `stale after ${duration}`;
	const why =
		threshold.source === 'flag'
			? ['--stale-after', 'flag']
			: threshold.source === 'interval'
				? ['3x the reporting interval', '3x interval']
				: ['default'];
	return [
		...why.map((reason) => `${short} (${reason})`),
		short,
		`stale > ${duration}`,
	];
}
