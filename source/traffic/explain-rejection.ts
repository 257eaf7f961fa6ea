/*
A rejection in plain words beside AWS's code and message, and how to fix it:
409 says who moved the shadow past the request's version and what they
changed, 413 which section takes how many bytes, 400 the offending path, 429
the thing's request rate. What the inspector saw before the rejection is the
context; where it saw nothing, the words say so rather than guess.
*/
import {
	isJsonObject,
	utf8Length,
	type JsonObject,
	type JsonValue,
} from '../shadow/json.js';
import {shapeOf} from '../shadow/json-shape.js';
import type {ShadowLimits} from '../shadow/limits.js';
import {mergeSection} from '../shadow/merge-section.js';
import type {Sections} from '../shadow/shadow-record.js';
import {shortName, type ShadowAddress} from '../shadow/topics.js';
import {offendingPath} from './offending-path.js';
import type {MessageSource, TrafficMessage} from './traffic-message.js';

export type Explanation = {
	readonly summary: string;
	readonly fix: string;
};

/** Who wrote a version, as the inspector saw it. */
export type Writer = {
	readonly version: number;
	readonly source: MessageSource | undefined;
	readonly clientToken: string | undefined;
	readonly at: number;
	/** Paths the update set (`desired.lights`, `reported`), or undefined when unknown. */
	readonly changed: readonly string[] | undefined;
};

export type RejectionContext = {
	readonly rejection: {readonly code: number; readonly message: string};
	/** The request it answers, when the inspector saw it. */
	readonly request: TrafficMessage | undefined;
	readonly address: ShadowAddress;
	/** The shadow's state when the request was sent (undefined: unknown; null: no shadow). */
	readonly before: Sections<JsonObject> | null | undefined;
	/** The shadow's version now, when known. */
	readonly currentVersion: number | undefined;
	/** The writer of a version, when the inspector saw its update accepted. */
	readonly writerOf: (version: number) => Writer | undefined;
	/** Requests for the thing the inspector saw in the second before the rejection. */
	readonly requestsLastSecond: number;
	readonly limits: ShadowLimits;
};

const number = (value: number) => value.toLocaleString('en-US');

export function explainRejection(context: RejectionContext): Explanation {
	const {code} = context.rejection;
	switch (code) {
		case 409: {
			return explainConflict(context);
		}

		case 413: {
			return explainTooLarge(context);
		}

		case 400: {
			return explainBadRequest(context);
		}

		case 429: {
			return explainThrottled(context);
		}

		case 401:
		case 403: {
			return {
				summary: `the service refused this identity ${context.request?.operation ?? 'the request'} on ${shortName(context.address)}: no policy allows it, or one denies it`,
				fix: "allow iot:GetThingShadow / UpdateThingShadow / DeleteThingShadow on this thing in the identity's policy (locally, the service log names the deciding statement)",
			};
		}

		case 404: {
			return {
				summary: `${shadowWords(context.address)} does not exist (never created, or deleted)`,
				fix: 'an update creates it; get and delete need it to exist',
			};
		}

		case 415: {
			return {
				summary: 'the payload is not UTF-8 text',
				fix: 'send the JSON as UTF-8',
			};
		}

		case 500:
		case 503: {
			return {
				summary:
					'the shadow service failed to handle the request; nothing was changed',
				fix: "send it again; if it keeps failing, read the service's log",
			};
		}

		default: {
			return {
				summary: `the service refused the request: ${context.rejection.message || 'no reason given'}`,
				fix: 'read the message AWS gives',
			};
		}
	}
}

function explainConflict(context: RejectionContext): Explanation {
	const asked = requestVersion(context.request);
	const current = context.currentVersion;
	const fix =
		'get the shadow again and make the change on its current version, or send it without a version';
	if (asked === undefined)
		return {
			summary: 'the request carried a version the shadow is not at',
			fix,
		};
	const writer = context.writerOf(asked + 1);
	const moved =
		current !== undefined && current > asked
			? `the shadow is at v${current}, not v${asked}: ${current - asked} update${current - asked === 1 ? '' : 's'} since`
			: `the shadow is not at v${asked}`;
	if (!writer)
		return {
			summary: `${moved}; v${asked + 1} was written before shadow-tui was watching`,
			fix,
		};
	const who =
		writer.source === 'console'
			? 'this console'
			: writer.source === 'other'
				? `another client${writer.clientToken ? ` (clientToken ${writer.clientToken})` : ''}`
				: 'a client shadow-tui did not see';
	const what =
		writer.changed && writer.changed.length > 0
			? `, setting ${listOf(writer.changed)}`
			: '';
	return {
		summary: `${moved}; v${asked + 1} was written by ${who}${what}`,
		fix,
	};
}

function explainTooLarge(context: RejectionContext): Explanation {
	const {request, limits} = context;
	if (request && request.bytes > limits.maxRequestBytes)
		return {
			summary: `the request is ${number(request.bytes)} bytes, over the ${number(limits.maxRequestBytes)} (128 KB) a request may be`,
			fix: 'send less in one request: split it into several updates',
		};
	const patch = statePatch(request?.payload, limits);
	if (!patch)
		return {
			summary: `the shadow's state would be over ${number(limits.maxDocBytes)} bytes (8 KB: desired and reported, metadata not counted)`,
			fix: 'remove keys (set them to null) or send smaller values',
		};
	const before = context.before ?? {};
	const sizes = (['desired', 'reported'] as const).map((section) => ({
		section,
		bytes: sectionBytes(before[section], patch[section]),
	}));
	const total = sizes.reduce((sum, size) => sum + size.bytes, 0);
	const over = total - limits.maxDocBytes;
	const largest = sizes.reduce((a, b) => (b.bytes > a.bytes ? b : a));
	const known =
		context.before === undefined
			? ' (the state before it is unknown, so at least)'
			: '';
	const parts = sizes
		.map(({section, bytes}) => `${section} ${number(bytes)} B`)
		.join(' + ');
	return {
		summary: `after the merge ${parts} = ${number(total)} B${known}, ${over > 0 ? `${number(over)} B ` : ''}over the ${number(limits.maxDocBytes)} B (8 KB) a shadow's state may be`,
		fix: `trim ${largest.section}${over > 0 ? ` by at least ${number(over)} B` : ''}: remove keys (null) or shorten values`,
	};
}

function explainBadRequest(context: RejectionContext): Explanation {
	const {request, limits, rejection} = context;
	if (request?.unparsed)
		return {
			summary: `the payload is ${request.unparsed.reason}`,
			fix: 'send one JSON object: {"state": {"desired": {…}}}',
		};
	if (request?.operation === 'update') {
		const offence = offendingPath(request.payload, limits);
		if (offence)
			return {
				summary: `${offence.path === '' ? 'the payload' : offence.path}: ${offence.problem}`,
				fix: fixFor(offence.path, offence.problem),
			};
	}

	return {
		summary: `the service refused the request's form: ${rejection.message}`,
		fix: 'compare the request with {"state": {"desired": {…}, "reported": {…}}, "clientToken": "…"}',
	};
}

function fixFor(path: string, problem: string): string {
	if (path === 'clientToken') return 'use a clientToken of at most 64 bytes';
	if (path === 'version')
		return 'send the version as a whole number, or leave it out';
	if (problem.includes('levels deep'))
		return 'flatten the value: a section may hold objects 6 levels deep at most';
	if (problem.includes('null inside an array'))
		return 'arrays may not hold null; remove it or use another value';
	if (path.startsWith('state.') && problem.startsWith('not a section'))
		return 'state holds only desired and reported';
	return 'fix the node named, then send again';
}

function explainThrottled(context: RejectionContext): Explanation {
	const rate = context.limits.requestsPerSecondPerThing;
	const limit = Number.isFinite(rate) ? `${rate} per second` : 'a limit';
	return {
		summary: `${context.requestsLastSecond} request${context.requestsLastSecond === 1 ? '' : 's'} for ${context.address.thingName} in the last second (as shadow-tui saw them); the service allows ${limit} per thing (AWS's limit, counted across the thing's shadows, MQTT and HTTP)`,
		fix: 'send less often: batch keys into one update, or back off and retry',
	};
}

function requestVersion(
	request: TrafficMessage | undefined,
): number | undefined {
	const payload = request?.payload;
	if (!isJsonObject(payload)) return undefined;
	const {version} = payload;
	return typeof version === 'number' ? version : undefined;
}

function statePatch(
	payload: JsonValue | undefined,
	limits: ShadowLimits,
): {desired?: JsonObject | null; reported?: JsonObject | null} | undefined {
	if (!isJsonObject(payload) || !isJsonObject(payload.state)) return undefined;
	// The merge walks the patch: only one a shadow could hold is merged.
	if (shapeOf(payload.state).depth > limits.maxDepth + 1) return undefined;
	const {desired, reported} = payload.state;
	return {
		...(isJsonObject(desired) || desired === null ? {desired} : {}),
		...(isJsonObject(reported) || reported === null ? {reported} : {}),
	};
}

/** Compact bytes of a section after a patch, as §3.5 counts them. */
function sectionBytes(
	before: JsonObject | undefined,
	patch: JsonObject | null | undefined,
): number {
	if (patch === null) return 0;
	const after =
		patch === undefined
			? before
			: mergeSection(before, undefined, patch, {timestamp: 0}).state;
	return after ? utf8Length(JSON.stringify(after)) : 0;
}

function listOf(paths: readonly string[]): string {
	const shown = paths.slice(0, 4).join(', ');
	return paths.length > 4 ? `${shown} and ${paths.length - 4} more` : shown;
}

function shadowWords(address: ShadowAddress): string {
	return address.shadowName === ''
		? `the classic shadow of ${address.thingName}`
		: `the shadow ${address.shadowName} of ${address.thingName}`;
}
