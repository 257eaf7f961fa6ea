/*
The device's own state and the pure steps of the device loop: apply a delta
to it (null removes a key, objects merge, everything else replaces, as the
shadow does), work out the reported patch that tells the shadow what changed
(changed leaves with their new values, removed keys as null), and tell which
values of an edit the next report undoes (overrides). The first two recurse:
their inputs are bounded before they get here (the client drops replies
deeper than a shadow can be, edits are checked in parse-edit.ts, the runner
refuses a too-deep initial state); overrides is a loop.
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

/** A value the device set at a path, undoing an edit made there just before. */
export type Override = {
	readonly path: readonly string[];
	readonly value: JsonValue;
};

/**
Where `report` (what the device reports next) undoes `edit` (a reported patch
sent just before): every leaf of the edit that the report sets to another
value, or whose parent the report replaces with something that is not an
object. One loop over both at once, not recursion: the edit was typed.
*/
export function overrides(edit: JsonObject, report: JsonObject): Override[] {
	const found: Override[] = [];
	const pending: Step[] = [];
	const descend = (
		parent: Step | undefined,
		edited: JsonObject,
		reported: JsonObject,
	) => {
		for (const key of Object.keys(edited).reverse())
			pending.push({
				key,
				parent,
				edited: edited[key] as JsonValue,
				reported: getOwn(reported, key),
			});
	};

	descend(undefined, edit, report);
	for (let step = pending.pop(); step; step = pending.pop()) {
		const {edited, reported} = step;
		if (reported === undefined) continue;
		const branches = isJsonObject(edited) && !isEmpty(edited);
		if (branches && isJsonObject(reported)) descend(step, edited, reported);
		else if (branches || !jsonEqual(edited, reported))
			found.push({path: pathOf(step), value: reported});
	}

	return found;
}

/** One key of the edit, beside what the report holds there; parents link back to the root. */
type Step = {
	readonly key: string;
	readonly parent: Step | undefined;
	readonly edited: JsonValue;
	readonly reported: JsonValue | undefined;
};

function pathOf(step: Step): string[] {
	const path: string[] = [];
	for (let node: Step | undefined = step; node; node = node.parent)
		path.push(node.key);
	return path.reverse();
}
