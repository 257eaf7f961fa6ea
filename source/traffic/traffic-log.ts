/*
The traffic inspector's memory: the last N messages of what it watches, each
request paired with its accepted/rejected answer (by clientToken, or in order
for requests without one), with the latency; requests still unanswered after
a timeout marked; update/accepted linked to the delta and documents of its
version; every rejection explained (explain-rejection.ts). It follows the
state of each shadow it sees (documents, get and update answers, deletes), so
a message can be shown with the state before it and a diff.

Pure: messages and times come in as values. Everything it keeps is bounded:
the entries by `capacity`, and the maps beside them by what is in the entries
or by fixed sizes, so a flood (or a fleet) cannot grow it.
*/
import {isJsonObject, utf8Length, type JsonObject} from '../shadow/json.js';
import type {ShadowLimits} from '../shadow/limits.js';
import {mergeSection} from '../shadow/merge-section.js';
import type {Sections} from '../shadow/shadow-record.js';
import {addressKey, type ShadowAddress} from '../shadow/topics.js';
import {
	explainRejection,
	type Explanation,
	type Writer,
} from './explain-rejection.js';
import {
	classifyMessage,
	type RawMessage,
	type TrafficMessage,
} from './traffic-message.js';

export type KnownState = {
	readonly state: Sections<JsonObject>;
	readonly version: number;
};

export type Pairing = {
	readonly seq: number;
	/** `update/accepted`, `update/rejected`, or the request's short form. */
	readonly short: string;
	readonly latencyMs: number;
};

export type TrafficEntry = TrafficMessage & {
	/** Counts every message the log took, from 1. */
	readonly seq: number;
	/** The shadow's state when the message arrived: undefined when unknown, null when there was none. */
	before: KnownState | null | undefined;
	/** On a request: its answer, once it came. */
	answer?: Pairing;
	/** On an answer: its request, when the log saw it. */
	request?: Pairing;
	/** On a request: no answer within the timeout (it may still come late). */
	unanswered?: boolean;
	/** On update/accepted: the delta and documents of its version, as they came. */
	followUps?: string[];
	/** On a delta or documents: the update/accepted of its version, when the log saw it. */
	cause?: number;
	explanation?: Explanation;
};

export type TrafficLogOptions = {
	readonly capacity: number;
	readonly answerTimeoutMs: number;
	readonly limits: ShadowLimits;
};

export type TrafficLog = {
	/** The entry the message became, or undefined for the broker's echo of this console's own request. */
	add(raw: RawMessage): TrafficEntry | undefined;
	/** A row saying this client's connection dropped or came back: messages in between were not seen. */
	connection(up: boolean, at: number, reason?: string): TrafficEntry;
	/** Marks the requests unanswered at `now` (epoch ms) and returns them. */
	tick(now: number): TrafficEntry[];
	/** What the shadow is known to be before any message (the console's get). */
	seed(address: ShadowAddress, known: KnownState | null): void;
	known(address: ShadowAddress): KnownState | null | undefined;
	/** Oldest first. */
	entries(): readonly TrafficEntry[];
	size(): number;
	clear(): void;
};

const maxKnownShadows = 10_000;
const writersPerShadow = 64;
const rememberedOwnTokens = 1024;

export function createTrafficLog(options: TrafficLogOptions): TrafficLog {
	const {limits} = options;
	let items: TrafficEntry[] = [];
	let start = 0;
	let seq = 0;
	/** Requests waiting for an answer, by shadow, operation and token. */
	const waiting = new Map<string, TrafficEntry>();
	/** Requests without a token, waiting in order, per shadow and operation. */
	const waitingInOrder = new Map<string, TrafficEntry[]>();
	/** Requests in the order they were sent, for the timeout. */
	let timeouts: TrafficEntry[] = [];
	const knownStates = new Map<string, KnownState | null>();
	const writers = new Map<string, Map<number, Writer>>();
	const accepted = new Map<string, TrafficEntry>();
	const ownTokens = new Set<string>();
	const requestTimes = new Map<string, number[]>();

	const pairKey = (entry: TrafficMessage, token: string) =>
		`${addressKey(entry.address as ShadowAddress)}\u0000${entry.operation ?? ''}\u0000${token}`;
	const orderKey = (entry: TrafficMessage) =>
		`${addressKey(entry.address as ShadowAddress)}\u0000${entry.operation ?? ''}`;

	function setKnown(
		address: ShadowAddress,
		known: KnownState | null | undefined,
	) {
		const key = addressKey(address);
		knownStates.delete(key);
		if (known === undefined) return;
		knownStates.set(key, known);
		if (knownStates.size > maxKnownShadows) {
			const oldest = knownStates.keys().next().value;
			if (oldest !== undefined) knownStates.delete(oldest);
		}
	}

	function known(address: ShadowAddress): KnownState | null | undefined {
		return knownStates.get(addressKey(address));
	}

	function evict(entry: TrafficEntry): void {
		if (entry.kind === 'request' && !entry.answer) {
			if (entry.clientToken !== undefined) {
				const key = pairKey(entry, entry.clientToken);
				if (waiting.get(key) === entry) waiting.delete(key);
			} else {
				const queue = waitingInOrder.get(orderKey(entry));
				const index = queue?.indexOf(entry) ?? -1;
				if (queue && index !== -1) queue.splice(index, 1);
				if (queue?.length === 0) waitingInOrder.delete(orderKey(entry));
			}
		}

		if (entry.kind === 'accepted' && entry.operation === 'update') {
			const key = `${addressKey(entry.address as ShadowAddress)}\u0000${entry.version ?? ''}`;
			if (accepted.get(key) === entry) accepted.delete(key);
		}
	}

	function push(entry: TrafficEntry): void {
		items.push(entry);
		while (items.length - start > options.capacity) {
			const old = items[start];
			if (old) evict(old);
			start++;
		}

		if (start > options.capacity) {
			items = items.slice(start);
			start = 0;
		}
	}

	function noteOwnToken(token: string): void {
		ownTokens.add(token);
		if (ownTokens.size > rememberedOwnTokens) {
			const oldest = ownTokens.values().next().value;
			if (oldest !== undefined) ownTokens.delete(oldest);
		}
	}

	function requestsLastSecond(thingName: string, now: number): number {
		return (requestTimes.get(thingName) ?? []).filter((at) => at > now - 1000)
			.length;
	}

	function countRequest(thingName: string, at: number): void {
		const times = requestTimes.get(thingName) ?? [];
		times.push(at);
		while (times.length > 0 && (times[0] ?? 0) <= at - 1000) times.shift();
		if (times.length > 200) times.shift();
		requestTimes.delete(thingName);
		requestTimes.set(thingName, times);
		if (requestTimes.size > maxKnownShadows) {
			const oldest = requestTimes.keys().next().value;
			if (oldest !== undefined) requestTimes.delete(oldest);
		}
	}

	function onRequest(entry: TrafficEntry): void {
		const address = entry.address as ShadowAddress;
		countRequest(address.thingName, entry.at);
		if (entry.clientToken === undefined) {
			const key = orderKey(entry);
			const queue = waitingInOrder.get(key) ?? [];
			queue.push(entry);
			waitingInOrder.set(key, queue);
		} else waiting.set(pairKey(entry, entry.clientToken), entry);
		timeouts.push(entry);
	}

	function requestOf(entry: TrafficEntry): TrafficEntry | undefined {
		if (entry.clientToken === undefined && entry.rejection?.code === 400) {
			// A token too long to echo: its answer carries none.
			const prefix = orderKey(entry);
			for (const [key, request] of waiting)
				if (
					key.startsWith(`${prefix}\u0000`) &&
					utf8Length(request.clientToken ?? '') > limits.maxClientTokenBytes
				) {
					waiting.delete(key);
					return request;
				}
		}

		if (entry.clientToken !== undefined) {
			const key = pairKey(entry, entry.clientToken);
			const request = waiting.get(key);
			if (request) waiting.delete(key);
			return request;
		}

		const key = orderKey(entry);
		const queue = waitingInOrder.get(key);
		// The service refuses a request over the rate at once, ahead of those queued before it.
		const request =
			entry.rejection?.code === 429 ? queue?.pop() : queue?.shift();
		if (queue?.length === 0) waitingInOrder.delete(key);
		return request;
	}

	function onAnswer(entry: TrafficEntry): void {
		const request = requestOf(entry);
		if (request) {
			const latencyMs = Math.max(0, entry.at - request.at);
			request.answer = {seq: entry.seq, short: entry.short, latencyMs};
			entry.request = {seq: request.seq, short: request.short, latencyMs};
		}

		const address = entry.address as ShadowAddress;
		if (entry.kind === 'rejected' && entry.rejection) {
			entry.explanation = explainRejection({
				rejection: entry.rejection,
				request,
				address,
				before:
					request?.before === undefined
						? undefined
						: (request.before?.state ?? null),
				currentVersion: known(address)?.version,
				writerOf: (version) => writers.get(addressKey(address))?.get(version),
				requestsLastSecond: requestsLastSecond(address.thingName, entry.at),
				limits,
			});
			return;
		}

		if (entry.operation === 'update' && entry.version !== undefined) {
			accepted.set(`${addressKey(address)}\u0000${entry.version}`, entry);
			noteWriter(address, entry, request);
		}
	}

	function noteWriter(
		address: ShadowAddress,
		entry: TrafficEntry,
		request: TrafficEntry | undefined,
	): void {
		const key = addressKey(address);
		const versions = writers.get(key) ?? new Map<number, Writer>();
		versions.set(entry.version as number, {
			version: entry.version as number,
			source: request?.source,
			clientToken: entry.clientToken,
			at: entry.at,
			changed: changedPaths(entry),
		});
		if (versions.size > writersPerShadow) {
			const oldest = versions.keys().next().value;
			if (oldest !== undefined) versions.delete(oldest);
		}

		writers.delete(key);
		writers.set(key, versions);
		if (writers.size > maxKnownShadows) {
			const oldest = writers.keys().next().value;
			if (oldest !== undefined) writers.delete(oldest);
		}
	}

	function follow(entry: TrafficEntry): void {
		const address = entry.address as ShadowAddress;
		const payload = entry.payload;
		if (!isJsonObject(payload)) return;
		if (entry.kind === 'delta' || entry.kind === 'documents') {
			const update = accepted.get(
				`${addressKey(address)}\u0000${entry.version ?? ''}`,
			);
			if (update) {
				update.followUps = [...(update.followUps ?? []), entry.kind];
				entry.cause = update.seq;
			}
		}

		if (entry.kind === 'documents' && isJsonObject(payload.current)) {
			// Its own previous is the state before it, whatever came first.
			const {previous} = payload;
			entry.before =
				previous === null
					? null
					: isJsonObject(previous) &&
						  typeof previous.version === 'number' &&
						  isJsonObject(previous.state)
						? {state: sectionsOf(previous.state), version: previous.version}
						: entry.before;
			const {current} = payload;
			if (typeof current.version === 'number' && isJsonObject(current.state))
				setKnown(address, {
					state: sectionsOf(current.state),
					version: current.version,
				});
			return;
		}

		if (entry.kind !== 'accepted') return;
		if (entry.operation === 'delete') {
			setKnown(address, null);
			return;
		}

		if (typeof payload.version !== 'number') return;
		if (entry.operation === 'get' && isJsonObject(payload.state)) {
			setKnown(address, {
				state: sectionsOf(payload.state),
				version: payload.version,
			});
			return;
		}

		if (entry.operation === 'update') {
			const before = entry.before;
			// AWS keeps no order between topics: the documents of this version may have come first.
			if (before && before.version >= payload.version) return;
			const base =
				before === null ? {state: {}, version: payload.version - 1} : before;
			setKnown(
				address,
				base && base.version === payload.version - 1
					? {
							state: applyPatch(base.state, payload.state),
							version: payload.version,
						}
					: undefined,
			);
		}
	}

	return {
		add(raw) {
			const message = classifyMessage(raw, limits);
			if (message.kind === 'request' && message.clientToken !== undefined) {
				if (raw.sent) noteOwnToken(message.clientToken);
				else if (ownTokens.has(message.clientToken)) return undefined;
			}

			const entry: TrafficEntry = {
				...message,
				seq: ++seq,
				before: message.address ? known(message.address) : undefined,
			};
			if (entry.kind === 'request') onRequest(entry);
			else if (entry.kind === 'accepted' || entry.kind === 'rejected')
				onAnswer(entry);
			if (entry.address) follow(entry);
			push(entry);
			return entry;
		},
		connection(up, at, reason) {
			const entry: TrafficEntry = {
				at,
				source: 'console',
				topic: '',
				kind: 'connection',
				short: up ? 'reconnected' : 'connection lost',
				bytes: 0,
				note: up
					? 'connected again: messages sent while this console was away were not seen'
					: `this console's connection dropped${reason ? ` (${reason})` : ''}: messages from now until it is back are not seen`,
				seq: ++seq,
				before: undefined,
			};
			push(entry);
			return entry;
		},
		tick(now) {
			const marked: TrafficEntry[] = [];
			let index = 0;
			for (; index < timeouts.length; index++) {
				const entry = timeouts[index] as TrafficEntry;
				if (entry.answer) continue;
				if (entry.at + options.answerTimeoutMs > now) break;
				entry.unanswered = true;
				marked.push(entry);
			}

			if (index > 0) timeouts = timeouts.slice(index);
			return marked;
		},
		seed(address, state) {
			setKnown(address, state);
		},
		known,
		entries: () => (start === 0 ? items : items.slice(start)),
		size: () => items.length - start,
		clear() {
			for (const entry of items.slice(start)) evict(entry);
			items = [];
			start = 0;
			timeouts = [];
		},
	};
}

function sectionsOf(state: JsonObject): Sections<JsonObject> {
	const {desired, reported} = state;
	return {
		...(isJsonObject(desired) ? {desired} : {}),
		...(isJsonObject(reported) ? {reported} : {}),
	};
}

/** The state after an update's patch (`state` of the request or its accepted answer). */
export function applyPatch(
	before: Sections<JsonObject>,
	patch: unknown,
): Sections<JsonObject> {
	if (patch === null) return {};
	if (!isJsonObject(patch)) return before;
	let {desired, reported} = before;
	for (const section of ['desired', 'reported'] as const) {
		const value = patch[section];
		if (value === null) {
			if (section === 'desired') desired = undefined;
			else reported = undefined;
		} else if (isJsonObject(value)) {
			const merged = mergeSection(
				section === 'desired' ? desired : reported,
				undefined,
				value,
				{timestamp: 0},
			).state;
			if (section === 'desired') desired = merged;
			else reported = merged;
		}
	}

	return {
		...(desired ? {desired} : {}),
		...(reported ? {reported} : {}),
	};
}

/** `desired.lights`, `reported`: what an accepted update set, one level into each section. */
function changedPaths(entry: TrafficEntry): string[] | undefined {
	const payload = entry.payload;
	if (!isJsonObject(payload)) return undefined;
	const {state} = payload;
	if (state === null) return ['desired', 'reported'];
	if (!isJsonObject(state)) return undefined;
	const paths: string[] = [];
	for (const section of ['desired', 'reported'] as const) {
		const value = state[section];
		if (value === null) paths.push(section);
		else if (isJsonObject(value))
			for (const key of Object.keys(value)) paths.push(`${section}.${key}`);
	}

	return paths;
}

/** The state a message leaves the shadow in, for its diff against `before`. */
export function stateAfter(
	entry: TrafficEntry,
): Sections<JsonObject> | null | undefined {
	const payload = entry.payload;
	const before = entry.before;
	if (
		entry.kind === 'documents' &&
		isJsonObject(payload) &&
		isJsonObject(payload.current)
	)
		return isJsonObject(payload.current.state)
			? sectionsOf(payload.current.state)
			: undefined;
	if (entry.operation === 'delete' && entry.kind === 'accepted') return null;
	if (
		entry.operation === 'get' &&
		entry.kind === 'accepted' &&
		isJsonObject(payload)
	)
		return isJsonObject(payload.state) ? sectionsOf(payload.state) : undefined;
	if (
		entry.operation === 'update' &&
		(entry.kind === 'request' || entry.kind === 'accepted') &&
		isJsonObject(payload) &&
		before !== undefined
	)
		return applyPatch(before?.state ?? {}, payload.state);
	return undefined;
}
