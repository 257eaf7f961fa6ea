/*
Undo of this console's own desired writes. Each accepted write is kept with
the desired state it was made on; undoing it puts back, for the keys that
write set, what they were before (null where a key did not exist), and
leaves every other key alone, so a change someone else made since is not
undone with it. The stack is bounded; an undo is not itself undoable.
*/
import {
	getOwn,
	isJsonObject,
	setOwn,
	type JsonObject,
	type JsonValue,
} from '../shadow/json.js';

export type OwnWrite = {
	/** What was sent as desired. */
	readonly patch: JsonObject;
	/** Desired as it was when the write was made. */
	readonly before: JsonObject;
	/** The version the write produced. */
	readonly version: number;
};

const maxUndo = 50;

export function pushOwnWrite(
	stack: readonly OwnWrite[],
	write: OwnWrite,
): readonly OwnWrite[] {
	const next = [...stack, write];
	return next.length > maxUndo ? next.slice(-maxUndo) : next;
}

/**
The desired patch that undoes `patch` applied to `before`. The walk is a
loop over an explicit stack: a patch is typed, but need not be shallow.
*/
export function undoPatch(patch: JsonObject, before: JsonObject): JsonObject {
	const result: JsonObject = {};
	const pending: {patch: JsonObject; before: JsonObject; into: JsonObject}[] = [
		{patch, before, into: result},
	];
	for (let step = pending.pop(); step; step = pending.pop()) {
		for (const key in step.patch) {
			const sent = step.patch[key] as JsonValue;
			const was = getOwn(step.before, key);
			if (isJsonObject(sent) && was !== undefined && isJsonObject(was)) {
				const nested: JsonObject = {};
				setOwn(step.into, key, nested);
				pending.push({patch: sent, before: was, into: nested});
			} else {
				setOwn(step.into, key, was === undefined ? null : was);
			}
		}
	}

	return result;
}
