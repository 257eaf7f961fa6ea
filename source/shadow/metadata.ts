/*
Metadata mirrors the state tree with {"timestamp": T} at every leaf, arrays
as arrays of per-element metadata (§6.1). Records are immutable, so all the
leaves written at one instant share one frozen leaf object.
*/
import {isJsonObject, setOwn, type JsonObject, type JsonValue} from './json.js';

export type MetadataLeaf = Readonly<{timestamp: number}>;

export function leafMetadata(now: number): MetadataLeaf {
	return Object.freeze({timestamp: now});
}

export function metadataOf(value: JsonValue, leaf: MetadataLeaf): JsonValue {
	if (Array.isArray(value)) return value.map((item) => metadataOf(item, leaf));
	if (isJsonObject(value)) return objectMetadata(value, leaf);
	return leaf;
}

export function objectMetadata(
	value: JsonObject,
	leaf: MetadataLeaf,
): JsonObject {
	const result: JsonObject = {};
	for (const key in value)
		setOwn(result, key, metadataOf(value[key] as JsonValue, leaf));
	return result;
}

/** A {"timestamp": T} leaf's T; undefined for anything else (a state key named timestamp mirrors as {"timestamp": {...}}). */
export function leafTimestamp(
	value: JsonValue | undefined,
): number | undefined {
	if (!isJsonObject(value)) return undefined;
	const {timestamp} = value;
	if (typeof timestamp !== 'number' || !Number.isFinite(timestamp))
		return undefined;
	for (const key in value) if (key !== 'timestamp') return undefined;
	return timestamp;
}

/** The newest leaf under `metadata`, or undefined when it has none; a loop, as metadata may come off the wire. */
export function newestTimestamp(
	metadata: JsonValue | undefined,
): number | undefined {
	let newest: number | undefined;
	const pending: (JsonValue | undefined)[] = [metadata];
	while (pending.length > 0) {
		const value = pending.pop();
		const leaf = leafTimestamp(value);
		if (leaf !== undefined) newest = Math.max(newest ?? leaf, leaf);
		else if (Array.isArray(value)) for (const item of value) pending.push(item);
		else if (isJsonObject(value))
			for (const key in value) pending.push(value[key]);
	}

	return newest;
}
