/*
Metadata mirrors the state tree with {"timestamp": T} at every leaf, arrays
as arrays of per-element metadata (§6.1).
*/
import {isJsonObject, setOwn, type JsonObject, type JsonValue} from './json.js';

export function leafMetadata(now: number): JsonObject {
	return {timestamp: now};
}

export function metadataOf(value: JsonValue, now: number): JsonValue {
	if (Array.isArray(value)) return value.map((item) => metadataOf(item, now));
	if (isJsonObject(value)) return objectMetadata(value, now);
	return leafMetadata(now);
}

export function objectMetadata(value: JsonObject, now: number): JsonObject {
	const result: JsonObject = {};
	for (const key in value)
		setOwn(result, key, metadataOf(value[key] as JsonValue, now));
	return result;
}
