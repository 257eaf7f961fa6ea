/*
The delta of §5.1: desired keys whose value differs from reported, with the
full path but only the differing leaves, and the desired metadata of exactly
those leaves (§6.3).
*/
import {
	getOwn,
	isJsonObject,
	jsonEqual,
	setOwn,
	type JsonObject,
	type JsonValue,
} from './json.js';

export type Delta = {
	readonly state: JsonObject;
	readonly metadata: JsonObject;
};

/** undefined when there is no delta. */
export function computeDelta(
	desired: JsonObject | undefined,
	reported: JsonObject | undefined,
	desiredMetadata: JsonObject | undefined,
): Delta | undefined {
	if (desired === undefined) return undefined;
	const delta = deltaOf(desired, reported ?? {}, desiredMetadata ?? {});
	return Object.keys(delta.state).length === 0 ? undefined : delta;
}

function deltaOf(
	desired: JsonObject,
	reported: JsonObject,
	metadata: JsonObject,
): Delta {
	const state: JsonObject = {};
	const deltaMetadata: JsonObject = {};
	for (const key in desired) {
		const wanted = desired[key] as JsonValue;
		const actual = getOwn(reported, key);
		const keyMetadata = getOwn(metadata, key) ?? {};
		if (actual !== undefined && isJsonObject(wanted) && isJsonObject(actual)) {
			const nested = deltaOf(
				wanted,
				actual,
				isJsonObject(keyMetadata) ? keyMetadata : {},
			);
			if (Object.keys(nested.state).length > 0) {
				setOwn(state, key, nested.state);
				setOwn(deltaMetadata, key, nested.metadata);
			}
		} else if (actual === undefined || !jsonEqual(wanted, actual)) {
			setOwn(state, key, wanted);
			setOwn(deltaMetadata, key, keyMetadata);
		}
	}

	return {state, metadata: deltaMetadata};
}
