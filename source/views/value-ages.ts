/*
How old each value of a shadow is, from its metadata (shadow-semantics.md §6):
metadata mirrors the state with a {"timestamp": T} leaf (epoch seconds) under
every value, arrays as arrays of per-element leaves that an update always
writes together, so the age of a key is the newest leaf under it: its own
leaf for a scalar, the newest of its members for an object, the whole array's
for an array. Metadata comes off the wire, so every walk here keeps its own
stack instead of recursing.
*/
import {isJsonObject, type JsonValue} from '../shadow/json.js';
import {leafTimestamp} from '../shadow/metadata.js';

export {leafTimestamp, newestTimestamp} from '../shadow/metadata.js';

/** The age of a line's value as drawn beside it: `12 s`, or `4 h` and stale. */
export type AgeLabel = {readonly age: string; readonly stale: boolean};

/** The widest age formatAge draws (`59 min`): layouts reserve this much so nothing jumps as ages grow. */
export const widestAge = '59 min'.length;

/**
The newest leaf under every object and array of `metadata` (and every leaf's
own timestamp), in one pass: parents are listed before their children, so
the list read backwards settles every child before its parent.
*/
export function newestTimestamps(
	metadata: JsonValue | undefined,
): ReadonlyMap<object, number> {
	const newest = new Map<object, number>();
	const order: (readonly JsonValue[] | Record<string, JsonValue>)[] = [];
	const pending: (JsonValue | undefined)[] = [metadata];
	for (let value = pending.pop(); value !== undefined; value = pending.pop()) {
		if (Array.isArray(value)) {
			order.push(value);
			for (const item of value) pending.push(item);
		} else if (isJsonObject(value)) {
			const leaf = leafTimestamp(value);
			if (leaf !== undefined) newest.set(value, leaf);
			else {
				order.push(value);
				for (const key in value) pending.push(value[key]);
			}
		}
	}

	for (let index = order.length - 1; index >= 0; index--) {
		const container = order[index];
		if (container === undefined) continue;
		const children: readonly JsonValue[] = Array.isArray(container)
			? container
			: Object.values(container);
		let latest: number | undefined;
		for (const child of children) {
			const time =
				typeof child === 'object' && child !== null
					? newest.get(child)
					: undefined;
			if (time !== undefined) latest = Math.max(latest ?? time, time);
		}

		if (latest !== undefined) newest.set(container, latest);
	}

	return newest;
}

/** Seconds since `timestamp`; a timestamp ahead of this clock (skew) is 0 s old, not negative. */
export function ageOf(timestamp: number, now: number): number {
	return Math.max(0, Math.floor(now - timestamp));
}

/** `0 s` … `59 s`, `1 min` … `59 min`, `1 h` … `23 h`, `1 d` … `999 d`, then years: whole units, rounded down. */
export function formatAge(seconds: number): string {
	const whole = Math.max(0, Math.floor(seconds));
	if (whole < 60) return `${whole} s`;
	if (whole < 3600) return `${Math.floor(whole / 60)} min`;
	if (whole < 86_400) return `${Math.floor(whole / 3600)} h`;
	const days = Math.floor(whole / 86_400);
	return days < 1000 ? `${days} d` : `${Math.floor(days / 365)} y`;
}

/** The label of a value changed at `timestamp`; stale when older than `staleAfter` seconds (never without one). */
export function ageLabel(
	timestamp: number | undefined,
	now: number,
	staleAfter: number | undefined,
): AgeLabel | undefined {
	if (timestamp === undefined) return undefined;
	const age = ageOf(timestamp, now);
	return {
		age: formatAge(age),
		stale: staleAfter !== undefined && age > staleAfter,
	};
}

/** One way to draw a label: the age, the stale mark, or both, and the text they make. */
export type LabelForm = {
	readonly age: string | undefined;
	readonly stale: boolean;
	readonly text: string;
};

/** The ways to draw a label, widest first: a stale value keeps its mark (`stale`) after its age gave way. */
export function labelForms(label: AgeLabel): readonly LabelForm[] {
	if (!label.stale) return [{age: label.age, stale: false, text: label.age}];
	return [
		{age: label.age, stale: true, text: `${label.age} stale`},
		{age: undefined, stale: true, text: 'stale'},
	];
}
