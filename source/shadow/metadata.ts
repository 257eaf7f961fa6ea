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
