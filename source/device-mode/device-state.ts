/*
The device's own state and the two pure steps of the device loop: apply a
delta to it (null removes a key, objects merge, everything else replaces, as
the shadow does) and work out the reported patch that tells the shadow what
changed (changed leaves with their new values, removed keys as null).
Both recurse: their inputs are bounded before they get here (the client drops
replies deeper than a shadow can be, edits are checked in parse-edit.ts, the
runner refuses a too-deep initial state).
*/
import {
	getOwn,
	hasOwn,
	isJsonObject,
	jsonEqual,
	setOwn,
	type JsonObject,
	type JsonValue,
} from '../shadow/json.js';

export function applyPatch(state: JsonObject, patch: JsonObject): JsonObject {
	const next: JsonObject = {...state};
	for (const key in patch) {
		const value = patch[key] as JsonValue;
		const current = getOwn(state, key);
		if (value === null) delete next[key];
		else if (isJsonObject(value) && isJsonObject(current))
			setOwn(next, key, applyPatch(current, value));
		else setOwn(next, key, value);
	}

	return next;
}

/** The reported patch that turns `before` into `after`; {} when nothing changed. */
export function changes(before: JsonObject, after: JsonObject): JsonObject {
	const patch: JsonObject = {};
	for (const key in after) {
		const was = getOwn(before, key);
		const now = after[key] as JsonValue;
		if (was !== undefined && isJsonObject(was) && isJsonObject(now)) {
			const nested = changes(was, now);
			if (Object.keys(nested).length > 0) setOwn(patch, key, nested);
		} else if (was === undefined || !jsonEqual(was, now)) {
			setOwn(patch, key, now);
		}
	}

	for (const key in before) {
		if (!hasOwn(after, key)) setOwn(patch, key, null);
	}

	return patch;
}

export function isEmpty(patch: JsonObject): boolean {
	return Object.keys(patch).length === 0;
}
