/*
One message of the traffic inspector: what a raw MQTT message on a shadow or
presence topic is, read once when it arrives. Payloads came off the wire, so
a payload is parsed only when it is small enough to be a shadow message and
kept only when its shape is one a shadow message can have; otherwise the
inspector keeps the start of its text and says why.
*/
import {isJsonObject, type JsonValue} from '../shadow/json.js';
import {shapeOf} from '../shadow/json-shape.js';
import type {ShadowLimits} from '../shadow/limits.js';
import {
	parseShadowTopic,
	type Operation,
	type ReplyKind,
	type ShadowAddress,
} from '../shadow/topics.js';

/** Who put the message on the wire: this console, another client, or the shadow service. */
export type MessageSource = 'console' | 'other' | 'service';

export type MessageKind =
	| 'request'
	| ReplyKind
	| 'presence'
	| 'other'
	/** Not a message: this client's connection went away or came back. */
	| 'connection';

export type RawMessage = {
	readonly topic: string;
	readonly payload: Uint8Array;
	/** Epoch ms when it was sent or received. */
	readonly at: number;
	/** Published by this client (its own requests), rather than received. */
	readonly sent: boolean;
};

export type TrafficMessage = {
	readonly at: number;
	readonly source: MessageSource;
	readonly topic: string;
	readonly kind: MessageKind;
	readonly address?: ShadowAddress;
	readonly operation?: Operation;
	/** The topic in short form: `update`, `update/accepted`, `delta`, `presence connected`. */
	readonly short: string;
	readonly bytes: number;
	readonly version?: number;
	readonly clientToken?: string;
	/** The parsed payload, when it is JSON of a shape a shadow message can have. */
	readonly payload?: JsonValue;
	/** Why the payload is not kept parsed, and the start of its text. */
	readonly unparsed?: {readonly reason: string; readonly text: string};
	/** AWS's error document of a rejection. */
	readonly rejection?: {readonly code: number; readonly message: string};
	readonly presence?: {
		readonly event: string;
		readonly clientId: string;
	};
	/** What a connection entry says. */
	readonly note?: string;
};

/** The start of a payload kept as text when it cannot be kept parsed. */
const keptText = 2048;
/** Containers a payload may nest and still be drawn: a document's levels plus metadata's. */
const maxPayloadDepth = 16;

const decoder = new TextDecoder('utf-8', {fatal: false});

export function classifyMessage(
	raw: RawMessage,
	limits: ShadowLimits,
): TrafficMessage {
	const bytes = raw.payload.byteLength;
	const body = readPayload(raw.payload, limits);
	const base = {
		at: raw.at,
		topic: raw.topic,
		bytes,
		...body,
		...tokenAndVersion(body.payload),
	};
	if (raw.topic.startsWith('$aws/events/presence/')) {
		const [event = '', ...rest] = raw.topic
			.slice('$aws/events/presence/'.length)
			.split('/');
		return {
			...base,
			source: 'service',
			kind: 'presence',
			short: `presence ${event}`,
			presence: {event, clientId: rest.join('/')},
		};
	}

	const parsed = parseShadowTopic(raw.topic, limits);
	if (parsed.kind === 'other')
		return {
			...base,
			source: raw.sent ? 'console' : 'other',
			kind: 'other',
			short: raw.topic,
		};
	const {thingName, shadowName, operation, reply} = parsed.topic;
	const address = {thingName, shadowName};
	if (reply === undefined)
		return {
			...base,
			source: raw.sent ? 'console' : 'other',
			kind: 'request',
			address,
			operation,
			short: operation,
		};
	return {
		...base,
		source: 'service',
		kind: reply,
		address,
		operation,
		short:
			reply === 'delta' || reply === 'documents'
				? reply
				: `${operation}/${reply}`,
		...rejectionOf(reply, body.payload),
	};
}

function readPayload(
	payload: Uint8Array,
	limits: ShadowLimits,
): Pick<TrafficMessage, 'payload' | 'unparsed'> {
	if (payload.byteLength === 0) return {};
	const start = () =>
		decoder.decode(payload.subarray(0, keptText)) +
		(payload.byteLength > keptText ? '…' : '');
	// Four times a request: the largest reply (documents of a full shadow) fits.
	if (payload.byteLength > limits.maxRequestBytes * 4)
		return {
			unparsed: {
				reason: `${payload.byteLength} bytes, larger than any shadow message`,
				text: start(),
			},
		};
	const text = decoder.decode(payload);
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		return {unparsed: {reason: 'not JSON', text: start()}};
	}

	const shape = shapeOf(value);
	if (shape.depth > maxPayloadDepth)
		return {
			unparsed: {
				reason: `nested ${shape.depth} levels deep, deeper than a shadow message can be`,
				text: start(),
			},
		};
	return {payload: value as JsonValue};
}

function tokenAndVersion(
	payload: JsonValue | undefined,
): Pick<TrafficMessage, 'clientToken' | 'version'> {
	if (!isJsonObject(payload)) return {};
	const {clientToken} = payload;
	const current = isJsonObject(payload.current) ? payload.current : undefined;
	const version = current ? current.version : payload.version;
	return {
		...(typeof clientToken === 'string' ? {clientToken} : {}),
		...(typeof version === 'number' && Number.isSafeInteger(version)
			? {version}
			: {}),
	};
}

function rejectionOf(
	reply: ReplyKind,
	payload: JsonValue | undefined,
): Pick<TrafficMessage, 'rejection'> {
	if (reply !== 'rejected' || !isJsonObject(payload)) return {};
	const {code, message} = payload;
	return {
		rejection: {
			code: typeof code === 'number' ? code : 0,
			message: typeof message === 'string' ? message : '',
		},
	};
}
