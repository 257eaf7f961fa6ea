/*
The merge rules of §4 for one section (desired or reported), applied to the
state and its metadata together (§6.2). Only the path the patch touches is
copied; everything else is shared with the previous record.
*/
import {
	getOwn,
	isJsonObject,
	setOwn,
	type JsonObject,
	type JsonValue,
} from './json.js';
import {metadataOf, objectMetadata} from './metadata.js';

export type MergedSection = {
	/** undefined when the section has no keys left and disappears. */
	readonly state: JsonObject | undefined;
	readonly metadata: JsonObject | undefined;
};

export function mergeSection(
	state: JsonObject | undefined,
	metadata: JsonObject | undefined,
	patch: JsonObject,
	now: number,
): MergedSection {
	const merged = mergeObject(state ?? {}, metadata ?? {}, patch, now);
	if (Object.keys(merged.state).length === 0)
		return {state: undefined, metadata: undefined};
	return merged;
}

function mergeObject(
	state: JsonObject,
	metadata: JsonObject,
	patch: JsonObject,
	now: number,
): {state: JsonObject; metadata: JsonObject} {
	const nextState: JsonObject = {...state};
	const nextMetadata: JsonObject = {...metadata};
	for (const key in patch) {
		const value = patch[key] as JsonValue;
		if (value === null) {
			delete nextState[key];
			delete nextMetadata[key];
			continue;
		}

		const current = getOwn(state, key);
		if (
			isJsonObject(value) &&
			isJsonObject(current) &&
			Object.keys(value).length > 0
		) {
			const currentMetadata = getOwn(metadata, key);
			const child = mergeObject(
				current,
				isJsonObject(currentMetadata)
					? currentMetadata
					: objectMetadata(current, now),
				value,
				now,
			);
			setOwn(nextState, key, child.state);
			setOwn(nextMetadata, key, child.metadata);
			continue;
		}

		const stored = isJsonObject(value) ? withoutNulls(value) : value;
		// An object made only of nulls, where there is nothing to delete from, creates nothing.
		if (stored === undefined) continue;
		setOwn(nextState, key, stored);
		setOwn(nextMetadata, key, metadataOf(stored, now));
	}

	return {state: nextState, metadata: nextMetadata};
}

/**
Drops null-valued keys recursively. Returns undefined when that leaves an
object empty that was not written empty ({} is kept, {"a": null} vanishes).
*/
function withoutNulls(value: JsonObject): JsonObject | undefined {
	const result: JsonObject = {};
	let kept = 0;
	let dropped = 0;
	for (const key in value) {
		const child = value[key] as JsonValue;
		const stored = isJsonObject(child) ? withoutNulls(child) : child;
		if (stored === null || stored === undefined) {
			dropped++;
		} else {
			setOwn(result, key, stored);
			kept++;
		}
	}

	return kept === 0 && dropped > 0 ? undefined : result;
}
