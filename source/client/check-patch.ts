/*
Whether a patch someone typed (a CLI flag, a console edit) can be a shadow
update at all, decided before anything is sent and in AWS's words (§3.2):
text over maxRequestBytes and values that alone exceed maxDocBytes are 413,
null inside an array and numbers JSON cannot hold (1e400 parses to Infinity,
which JSON.stringify would send as null) are `Invalid JSON`, and more than
maxDepth levels is the nesting error. The shape is read in one iterative pass
before anything recursive (JSON.stringify, the merge, rendering) sees the
value, because the typist chooses the depth.
*/
import {messages, reject, type Rejection} from '../shadow/errors.js';
import {
	isJsonObject,
	setOwn,
	utf8Length,
	type JsonObject,
} from '../shadow/json.js';
import type {ShadowLimits} from '../shadow/limits.js';
import {
	shapeProblem,
	type ShapeProblem,
	type StatePatch,
} from '../shadow/request.js';

export type PatchSection = 'desired' | 'reported';

export type PatchProblem = Rejection & {
	/** The section at fault; absent when only the sections together break a limit. */
	readonly section?: PatchSection;
	/** What AWS's message leaves unsaid: which rule, by how much. */
	readonly detail: string;
};

const shapeDetails: Record<ShapeProblem['rule'], (depth: number) => string> = {
	'null in array': () => 'null inside an array (remove the element instead)',
	'non-finite number': () => 'a number JSON cannot hold, such as 1e400',
	depth: (depth) => `this has ${depth}`,
};

/** AWS's message with what broke it, for one line on a terminal. */
export function describePatchProblem(problem: PatchProblem): string {
	return `${problem.message}: ${problem.detail}`;
}

/** The raw text, before it is parsed: AWS refuses a request over maxRequestBytes unread. */
export function checkPatchText(
	text: string,
	limits: ShadowLimits,
): PatchProblem | undefined {
	const bytes = utf8Length(text);
	return bytes > limits.maxRequestBytes
		? {
				...reject(413, messages.payloadTooLarge),
				detail: `${bytes} bytes, at most ${limits.maxRequestBytes} in a request`,
			}
		: undefined;
}

export function checkStatePatch(
	state: StatePatch,
	limits: ShadowLimits,
): PatchProblem | undefined {
	const sections = (['desired', 'reported'] as const).filter((section) =>
		isJsonObject(state[section]),
	);
	// The service's own checks 11 and 12, in its order.
	const shape = shapeProblem(state, limits);
	if (shape)
		return {
			...shape.rejection,
			section: shape.section,
			detail: shapeDetails[shape.rule](shape.depth),
		};

	// Only now is the value known to be shallow enough for JSON.stringify.
	const requestBytes = utf8Length(JSON.stringify({state}));
	if (requestBytes > limits.maxRequestBytes)
		return {
			...reject(413, messages.payloadTooLarge),
			...(sections.length === 1 && sections[0] ? {section: sections[0]} : {}),
			detail: `${requestBytes} bytes, at most ${limits.maxRequestBytes} in a request`,
		};
	const sizes = sections.map((section) => ({
		section,
		bytes: leastStoredBytes(state[section] as JsonObject),
	}));
	const stored = sizes.reduce((sum, {bytes}) => sum + bytes, 0);
	if (stored > limits.maxDocBytes) {
		const alone = sizes.find(({bytes}) => bytes > limits.maxDocBytes);
		return {
			...reject(413, messages.payloadTooLarge),
			...(alone ? {section: alone.section} : {}),
			detail: `the values alone are ${stored} bytes, at most ${limits.maxDocBytes} in a shadow`,
		};
	}

	return undefined;
}

/**
A lower bound on what the section adds to the stored document (§3.5): every
value but null lands in the merged section at its path (§4), so the patch
without its removals is part of the result and no larger than it. A patch
over maxDocBytes by this measure can never be accepted.
*/
function leastStoredBytes(patch: JsonObject): number {
	const kept = withoutRemovals(patch);
	return kept === undefined || Object.keys(kept).length === 0
		? 0
		: utf8Length(JSON.stringify(kept));
}

/** The patch without null-valued keys and the objects only they filled; depth is checked before. */
function withoutRemovals(patch: JsonObject): JsonObject | undefined {
	const kept: JsonObject = {};
	let removed = false;
	for (const key in patch) {
		const value = patch[key];
		if (value === undefined || value === null) {
			removed = true;
			continue;
		}

		const inner =
			isJsonObject(value) && Object.keys(value).length > 0
				? withoutRemovals(value)
				: value;
		if (inner === undefined) removed = true;
		else setOwn(kept, key, inner);
	}

	return removed && Object.keys(kept).length === 0 ? undefined : kept;
}
