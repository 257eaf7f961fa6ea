/*
What the store keeps for one shadow (§1): a live document, or the tombstone
that a delete leaves so that versions keep counting up (§7.4). Records are
immutable; every operation returns a new one that shares untouched subtrees.
*/
import type {JsonObject} from './json.js';
import type {ShadowLimits} from './limits.js';

export type Sections<T> = {
	readonly desired?: T;
	readonly reported?: T;
};

export type LiveShadow = {
	readonly kind: 'live';
	readonly state: Sections<JsonObject>;
	readonly metadata: Sections<JsonObject>;
	readonly version: number;
	/** Epoch seconds of the last accepted update. */
	readonly updatedAt: number;
};

export type DeletedShadow = {
	readonly kind: 'deleted';
	/** The deleted document's version plus one: a delete counts as a version step. */
	readonly version: number;
	readonly deletedAt: number;
};

export type ShadowRecord = LiveShadow | DeletedShadow;

/**
The version an update must name to pass the optimistic lock, and the one the
next accepted update increments (§7.2, §7.4).
*/
export function baseVersion(
	record: ShadowRecord | undefined,
	now: number,
	limits: ShadowLimits,
): number {
	if (record === undefined) return 0;
	if (record.kind === 'live') return record.version;
	const retained =
		now - record.deletedAt < limits.deletedVersionRetentionHours * 3600;
	return retained ? record.version : 0;
}

/** Sections without absent keys, so that {} renders as {} (§8.3, §8.4). */
export function sectionsOf<T>(
	desired: T | undefined,
	reported: T | undefined,
): Sections<T> {
	if (desired === undefined) return reported === undefined ? {} : {reported};
	return reported === undefined ? {desired} : {desired, reported};
}
