/*
The MQTT topic grammar of §2: parse any $aws/things/... topic into its parts
and format topics from parts. The classic shadow has the empty shadow name.
*/
import type {Rejection} from './errors.js';
import type {ShadowLimits} from './limits.js';
import {checkShadowName, checkThingName} from './names.js';

export type Operation = 'get' | 'update' | 'delete';
export type ReplyKind = 'accepted' | 'rejected' | 'delta' | 'documents';

export type ShadowAddress = {
	readonly thingName: string;
	/** '' is the classic (unnamed) shadow. */
	readonly shadowName: string;
};

export type ShadowTopic = ShadowAddress & {
	readonly operation: Operation;
	/** Absent for a request topic. */
	readonly reply?: ReplyKind;
};

export type ParsedTopic =
	| {readonly kind: 'shadow'; readonly topic: ShadowTopic}
	/** Shaped like a shadow topic but a name breaks the rules; answer on rejected. */
	| {
			readonly kind: 'bad-name';
			readonly topic: ShadowTopic;
			readonly rejection: Rejection;
	  }
	| {readonly kind: 'other'};

const operations = new Set<string>(['get', 'update', 'delete']);
const replies = new Set<string>(['accepted', 'rejected', 'delta', 'documents']);

export function parseShadowTopic(
	topic: string,
	limits: ShadowLimits,
): ParsedTopic {
	const parts = topic.split('/');
	if (parts[0] !== '$aws' || parts[1] !== 'things' || parts[3] !== 'shadow') {
		return {kind: 'other'};
	}

	const thingName = parts[2] ?? '';
	const named = parts[4] === 'name';
	const shadowName = named ? (parts[5] ?? '') : '';
	const rest = parts.slice(named ? 6 : 4);
	const operation = rest[0];
	if (
		operation === undefined ||
		!operations.has(operation) ||
		rest.length > 2
	) {
		return {kind: 'other'};
	}

	const reply = rest[1];
	if (reply !== undefined && !isReplyOf(operation as Operation, reply)) {
		return {kind: 'other'};
	}

	const parsed: ShadowTopic = {
		thingName,
		shadowName,
		operation: operation as Operation,
		...(reply === undefined ? {} : {reply: reply as ReplyKind}),
	};
	const rejection =
		checkThingName(thingName, limits) ??
		(named ? checkShadowName(shadowName, limits) : undefined);
	return rejection
		? {kind: 'bad-name', topic: parsed, rejection}
		: {kind: 'shadow', topic: parsed};
}

function isReplyOf(operation: Operation, reply: string): boolean {
	if (!replies.has(reply)) return false;
	return operation === 'update' || reply === 'accepted' || reply === 'rejected';
}

export function shadowPrefix(address: ShadowAddress): string {
	const base = `$aws/things/${address.thingName}/shadow`;
	return address.shadowName === ''
		? base
		: `${base}/name/${address.shadowName}`;
}

export function formatShadowTopic(
	address: ShadowAddress,
	operation: Operation,
	reply?: ReplyKind,
): string {
	const request = `${shadowPrefix(address)}/${operation}`;
	return reply === undefined ? request : `${request}/${reply}`;
}

/** Filters that match every shadow request topic, classic and named. */
export const requestTopicFilters = [
	'$aws/things/+/shadow/+',
	'$aws/things/+/shadow/name/+/+',
];

/** A map key for one shadow; NUL cannot occur in a valid name. */
export function addressKey(address: ShadowAddress): string {
	return `${address.thingName}\u0000${address.shadowName}`;
}

/** A shadow in short: `thing` for the classic one, `thing/shadow` for a named one. */
export function shortName(address: ShadowAddress): string {
	return address.shadowName === ''
		? address.thingName
		: `${address.thingName}/${address.shadowName}`;
}

/** How a shadow is named in messages: the shadow name, or the thing name for the classic one. */
export function displayName(address: ShadowAddress): string {
	return address.shadowName === '' ? address.thingName : address.shadowName;
}
