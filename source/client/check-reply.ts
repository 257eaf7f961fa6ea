/*
Whether a message on a reply topic can be what a shadow service sends (§8),
decided before the client reads a field of it. On an external broker, or on
AWS with a loose policy, anyone who may publish on a reply topic chooses
these payloads: a 20,000-level document would overflow every recursive walk
after this point (delta, merge, rendering, diff), a documents message without
`current` would throw in the message handler, and a version of 1e400
(Infinity) would make every later message look stale. So the shape is read
in one iterative pass first, then only the fields the client relies on, and that the state is no larger
than a shadow holds (§3.5): the console draws every value, and a terminal
library measures every character of a 400 KB string on every frame.
*/
import {isJsonObject, utf8Length} from '../shadow/json.js';
import {deeperThan, shapeOf} from '../shadow/json-shape.js';
import type {ShadowLimits} from '../shadow/limits.js';
import type {Operation, ReplyKind} from '../shadow/topics.js';

/**
AWS IoT Core delivers no message over 128 KB; the local service's largest
reply (documents of a full 8 KB shadow, previous and current with their
metadata) stays well below four times that.
*/
export function maxReplyBytes(limits: ShadowLimits): number {
	return limits.maxRequestBytes * 4;
}

/**
The deepest reply: documents, where the root, `current` and `metadata` sit
above a section, and metadata adds its {"timestamp"} leaf under the deepest
value (§6).
*/
export function maxReplyDepth(limits: ShadowLimits): number {
	return limits.maxDepth + 4;
}

/** Why the message cannot be a reply of the shadow service, or undefined when it can. */
export function checkReply(
	operation: Operation,
	reply: ReplyKind,
	document: unknown,
	limits: ShadowLimits,
): string | undefined {
	if (!isJsonObject(document)) return 'not a JSON object';
	const shape = shapeOf(document);
	if (shape.depth > maxReplyDepth(limits))
		return `nested ${shape.depth} levels deep, deeper than a shadow document can be`;
	if (shape.nonFinite) return 'holds a number JSON cannot hold';
	const token = document.clientToken;
	if (token !== undefined && token !== null && typeof token !== 'string')
		return 'its clientToken is not a string';
	if (reply === 'rejected')
		return typeof document.code === 'number' &&
			typeof document.message === 'string'
			? undefined
			: 'an error document needs a numeric code and a message';
	if (reply === 'documents') {
		const {previous} = document;
		return (
			checkSnapshot(document.current, 'current', limits) ??
			(previous === null || previous === undefined
				? undefined
				: checkSnapshot(previous, 'previous', limits))
		);
	}

	const version = checkVersion(document.version, 'version');
	if (version !== undefined || operation === 'delete') return version;
	if (reply === 'delta')
		return (
			checkSection(document.state, 'state', limits.maxDepth) ??
			checkBytes([document.state], 'state', limits.maxDocBytes) ??
			(document.metadata === undefined
				? undefined
				: checkSection(document.metadata, 'metadata', limits.maxDepth + 1))
		);
	const {state} = document;
	return (
		checkSections(state, 'state', limits.maxDepth, operation === 'update') ??
		// update/accepted echoes the request, whose removals the 8 KB does not count.
		(operation === 'update'
			? checkBytes([state], 'state', limits.maxRequestBytes)
			: checkBytes(sectionsOf(state), 'state', limits.maxDocBytes)) ??
		checkMetadata(document.metadata, 'metadata', limits)
	);
}

/** Desired and reported of a state already checked to be an object; the delta is not counted (§3.5). */
function sectionsOf(state: unknown): unknown[] {
	return isJsonObject(state) ? [state.desired, state.reported] : [];
}

/** Compact JSON bytes of values whose depth is already checked, so stringifying them is safe. */
function checkBytes(
	values: unknown[],
	what: string,
	maxBytes: number,
): string | undefined {
	let bytes = 0;
	for (const value of values)
		if (value !== undefined && value !== null)
			bytes += utf8Length(JSON.stringify(value));
	return bytes > maxBytes
		? `${what} is ${bytes} bytes, more than ${maxBytes}`
		: undefined;
}

function checkSnapshot(
	value: unknown,
	what: string,
	limits: ShadowLimits,
): string | undefined {
	if (!isJsonObject(value)) return `${what} is not an object`;
	return (
		checkVersion(value.version, `${what}.version`) ??
		checkSections(value.state, `${what}.state`, limits.maxDepth, false) ??
		checkBytes(sectionsOf(value.state), `${what}.state`, limits.maxDocBytes) ??
		checkMetadata(value.metadata, `${what}.metadata`, limits)
	);
}

function checkVersion(value: unknown, what: string): string | undefined {
	return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
		? undefined
		: `${what} is not a version number`;
}

function checkMetadata(
	value: unknown,
	what: string,
	limits: ShadowLimits,
): string | undefined {
	return value === undefined
		? undefined
		: checkSections(value, what, limits.maxDepth + 1, true);
}

/** `state` or `metadata`: an object whose desired, reported and delta are sections. */
function checkSections(
	value: unknown,
	what: string,
	maxDepth: number,
	nullable: boolean,
): string | undefined {
	// update/accepted echoes a request's `"state": null` (§4).
	if (value === null && nullable) return undefined;
	if (!isJsonObject(value)) return `${what} is not an object`;
	for (const name of ['desired', 'reported', 'delta']) {
		const section = value[name];
		if (section === undefined || (section === null && nullable)) continue;
		const problem = checkSection(section, `${what}.${name}`, maxDepth);
		if (problem) return problem;
	}

	return undefined;
}

function checkSection(
	value: unknown,
	what: string,
	maxDepth: number,
): string | undefined {
	if (!isJsonObject(value)) return `${what} is not an object`;
	return deeperThan(value, maxDepth)
		? `${what} is nested deeper than ${maxDepth} levels`
		: undefined;
}
