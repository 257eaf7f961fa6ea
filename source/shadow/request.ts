/*
Reading request payloads: the update validation of §3.2 (checks 1-12, in
that order; 13 and 14 need the stored shadow and live in update-shadow.ts)
and the clientToken-only bodies of get and delete (§2.4).
*/
import {
	invalidStateNode,
	messages,
	reject,
	tooDeep,
	type Rejection,
} from './errors.js';
import {
	isJsonObject,
	utf8Length,
	type JsonObject,
	type JsonValue,
} from './json.js';
import {shapeOf} from './json-shape.js';
import type {ShadowLimits} from './limits.js';

export type StatePatch = {
	readonly desired?: JsonObject | null;
	readonly reported?: JsonObject | null;
};

export type UpdateRequest = {
	/** null is `"state": null`: clear both sections. */
	readonly state: StatePatch | null;
	readonly clientToken?: string;
	readonly version?: number;
};

export type Parsed<T> =
	| {readonly ok: true; readonly value: T}
	| {
			readonly ok: false;
			readonly rejection: Rejection;
			readonly clientToken?: string;
	  };

export type Payload = Uint8Array | string;

const utf8 = new TextDecoder('utf-8', {fatal: true});

function decode(payload: Payload): string | undefined {
	if (typeof payload === 'string') return payload;
	try {
		return utf8.decode(payload);
	} catch {
		return undefined;
	}
}

function byteLength(payload: Payload): number {
	return typeof payload === 'string' ? utf8Length(payload) : payload.byteLength;
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

function isValidToken(token: unknown, limits: ShadowLimits): token is string {
	return (
		typeof token === 'string' && utf8Length(token) <= limits.maxClientTokenBytes
	);
}

function fail<T>(rejection: Rejection, clientToken?: string): Parsed<T> {
	return clientToken === undefined
		? {ok: false, rejection}
		: {ok: false, rejection, clientToken};
}

export function parseUpdateRequest(
	payload: Payload,
	limits: ShadowLimits,
): Parsed<UpdateRequest> {
	const text = decode(payload);
	if (text === undefined) return fail(reject(415, messages.badEncoding));
	if (byteLength(payload) > limits.maxRequestBytes) {
		return fail(reject(413, messages.payloadTooLarge));
	}

	const body = parseJson(text);
	if (!isJsonObject(body)) return fail(reject(400, messages.invalidJson));

	const rawToken = body.clientToken;
	let clientToken: string | undefined;
	if (rawToken !== undefined && rawToken !== null) {
		if (!isValidToken(rawToken, limits))
			return fail(reject(400, messages.invalidClientToken));
		clientToken = rawToken;
	}

	const rawVersion = body.version;
	let version: number | undefined;
	if (rawVersion !== undefined && rawVersion !== null) {
		if (
			typeof rawVersion !== 'number' ||
			!Number.isSafeInteger(rawVersion) ||
			rawVersion < 0
		) {
			return fail(reject(400, messages.invalidVersion), clientToken);
		}

		version = rawVersion;
	}

	if (!Object.prototype.hasOwnProperty.call(body, 'state')) {
		return fail(reject(400, messages.missingState), clientToken);
	}

	const state = body.state;
	const problem = checkState(state, limits);
	if (problem) return fail(problem, clientToken);

	return {
		ok: true,
		value: {
			state: state as StatePatch | null,
			...(clientToken === undefined ? {} : {clientToken}),
			...(version === undefined ? {} : {version}),
		},
	};
}

function checkState(
	state: JsonValue | undefined,
	limits: ShadowLimits,
): Rejection | undefined {
	if (state === null) return undefined;
	if (!isJsonObject(state)) return reject(400, messages.stateNotObject);
	for (const key of Object.keys(state)) {
		if (key !== 'desired' && key !== 'reported') return invalidStateNode(key);
	}

	const {desired, reported} = state;
	if (desired !== undefined && desired !== null && !isJsonObject(desired)) {
		return reject(400, messages.desiredNotObject);
	}

	if (reported !== undefined && reported !== null && !isJsonObject(reported)) {
		return reject(400, messages.reportedNotObject);
	}

	return shapeProblem({desired, reported}, limits)?.rejection;
}

export type ShapeProblem = {
	readonly rejection: Rejection;
	readonly section: 'desired' | 'reported';
	readonly rule: 'null in array' | 'non-finite number' | 'depth';
	readonly depth: number;
};

/**
Checks 11 and 12 of §3.2 over the sections that are objects, in one iterative
pass each: a null inside an array or a number JSON cannot hold (1e400 parses
to Infinity, which would be stored as null) in either section before the
depth of either. The service and the client's checks of typed input share it.
*/
export function shapeProblem(
	sections: {readonly desired?: unknown; readonly reported?: unknown},
	limits: ShadowLimits,
): ShapeProblem | undefined {
	const shapes = (['desired', 'reported'] as const)
		.filter((section) => isJsonObject(sections[section]))
		.map((section) => ({section, ...shapeOf(sections[section])}));
	for (const {section, nullInArray, nonFinite, depth} of shapes) {
		if (nullInArray || nonFinite)
			return {
				rejection: reject(400, messages.invalidJson),
				section,
				rule: nullInArray ? 'null in array' : 'non-finite number',
				depth,
			};
	}

	const deep = shapes.find(({depth}) => depth > limits.maxDepth);
	return deep
		? {
				rejection: tooDeep(limits.maxDepth),
				section: deep.section,
				rule: 'depth',
				depth: deep.depth,
			}
		: undefined;
}

/**
Get and delete ignore their body except a string clientToken (§2.4). A token
that breaks the length rule is refused as it would be on update, because the
SDKs wait for the echo and would otherwise time out without a reason.
*/
export function parseTokenOnly(
	payload: Payload,
	limits: ShadowLimits,
): Parsed<{clientToken?: string}> {
	if (byteLength(payload) > limits.maxRequestBytes) {
		return fail(reject(413, messages.payloadTooLarge));
	}

	const text = decode(payload);
	const body = text === undefined || text === '' ? undefined : parseJson(text);
	if (!isJsonObject(body) || typeof body.clientToken !== 'string')
		return {ok: true, value: {}};
	if (!isValidToken(body.clientToken, limits))
		return fail(reject(400, messages.invalidClientToken));
	return {ok: true, value: {clientToken: body.clientToken}};
}
