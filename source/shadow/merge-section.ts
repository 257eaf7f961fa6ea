/*
The merge rules of §4 for one section (desired or reported), applied to the
state and its metadata together (§6.2). Each touched level is rebuilt in one
pass that keeps the stored key order; untouched subtrees are shared with the
previous record.
*/
import {
	getOwn,
	hasOwn,
	isJsonObject,
	setOwn,
	type JsonObject,
	type JsonValue,
} from './json.js';
import {metadataOf, objectMetadata, type MetadataLeaf} from './metadata.js';

export type MergedSection = {
	/** undefined when the section has no keys left and disappears. */
	readonly state: JsonObject | undefined;
	readonly metadata: JsonObject | undefined;
};

export function mergeSection(
	state: JsonObject | undefined,
	metadata: JsonObject | undefined,
	patch: JsonObject,
	leaf: MetadataLeaf,
): MergedSection {
	const merged = mergeObject(state ?? {}, metadata ?? {}, patch, leaf);
	if (Object.keys(merged.state).length === 0)
		return {state: undefined, metadata: undefined};
	return merged;
}

type Merged = {state: JsonObject; metadata: JsonObject};

function mergeObject(
	state: JsonObject,
	metadata: JsonObject,
	patch: JsonObject,
	leaf: MetadataLeaf,
): Merged {
	const next: Merged = {state: {}, metadata: {}};
	for (const key in state) {
		if (hasOwn(patch, key)) {
			mergeKey(
				next,
				key,
				state[key],
				getOwn(metadata, key),
				patch[key] as JsonValue,
				leaf,
			);
		} else {
			setOwn(next.state, key, state[key] as JsonValue);
			setOwn(
				next.metadata,
				key,
				getOwn(metadata, key) ?? metadataOf(state[key] as JsonValue, leaf),
			);
		}
	}

	for (const key in patch) {
		if (!hasOwn(state, key))
			mergeKey(next, key, undefined, undefined, patch[key] as JsonValue, leaf);
	}

	return next;
}

function mergeKey(
	next: Merged,
	key: string,
	current: JsonValue | undefined,
	currentMetadata: JsonValue | undefined,
	value: JsonValue,
	leaf: MetadataLeaf,
): void {
	if (value === null) return;
	if (
		isJsonObject(value) &&
		isJsonObject(current) &&
		Object.keys(value).length > 0
	) {
		const child = mergeObject(
			current,
			isJsonObject(currentMetadata)
				? currentMetadata
				: objectMetadata(current, leaf),
			value,
			leaf,
		);
		setOwn(next.state, key, child.state);
		setOwn(next.metadata, key, child.metadata);
		return;
	}

	const stored = isJsonObject(value) ? withoutNulls(value) : value;
	if (stored === undefined) {
		// An object made only of nulls, where there is nothing to delete from, creates nothing.
		if (current !== undefined) {
			setOwn(next.state, key, current);
			setOwn(next.metadata, key, currentMetadata ?? metadataOf(current, leaf));
		}

		return;
	}

	setOwn(next.state, key, stored);
	setOwn(next.metadata, key, metadataOf(stored, leaf));
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
