/*
How a traffic entry is written: one line for a list or a log (`watch`), and
one JSON object for JSON Lines (`watch --json`, the inspector's save). The
same words in both, so a script and a person read the same thing.
*/
import type {JsonValue} from '../shadow/json.js';
import {shortName, type ShadowAddress} from '../shadow/topics.js';
import type {TrafficEntry} from './traffic-log.js';

/** `12:04:31.207`, local time as a person reads it in a terminal. */
export function clockTime(epochMs: number): string {
	const date = new Date(epochMs);
	const two = (value: number) => String(value).padStart(2, '0');
	return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

/** `→` sent by this console, `←` from another client, `·` from the service. */
export function sourceMark(entry: TrafficEntry): string {
	return entry.source === 'console'
		? '→'
		: entry.source === 'other'
			? '←'
			: '·';
}

export function sourceWords(entry: TrafficEntry): string {
	return entry.source === 'console'
		? 'this console'
		: entry.source === 'other'
			? 'another client'
			: 'the service';
}

export function shadowLabel(address: ShadowAddress | undefined): string {
	return address ? shortName(address) : '';
}

export function formatBytes(bytes: number): string {
	return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;
}

/** What happened to a request or what an answer answers: `✓ 4 ms`, `✗ 409 in 3 ms`, `no answer`. */
export function outcomeText(entry: TrafficEntry): string {
	if (entry.kind === 'request') {
		if (entry.answer)
			return `${entry.answer.short.endsWith('rejected') ? '✗' : '✓'} ${entry.answer.latencyMs} ms`;
		return entry.unanswered ? '⚠ no answer' : '… waiting';
	}

	if (entry.rejection)
		return `✗ ${entry.rejection.code} ${entry.rejection.message}`;
	return entry.request ? `after ${entry.request.latencyMs} ms` : '';
}

/** One line: time, source, short topic, shadow, version, token, size and outcome. */
export function entryLine(
	entry: TrafficEntry,
	options: {
		readonly withShadow: boolean;
		/** A stream prints a request before its answer: `… waiting` would end every request line. */
		readonly streamed?: boolean;
	},
): string {
	const parts = [
		clockTime(entry.at),
		sourceMark(entry),
		entry.short,
		...(options.withShadow && entry.address
			? [shadowLabel(entry.address)]
			: []),
		...(entry.presence ? [entry.presence.clientId] : []),
		...(entry.version === undefined ? [] : [`v${entry.version}`]),
		...(entry.clientToken === undefined ? [] : [`token ${entry.clientToken}`]),
		formatBytes(entry.bytes),
	];
	const waiting =
		entry.kind === 'request' && !entry.answer && !entry.unanswered;
	const outcome = options.streamed && waiting ? '' : outcomeText(entry);
	const explained = entry.explanation ? ` — ${entry.explanation.summary}` : '';
	return `${parts.join('  ')}${outcome ? `  ${outcome}` : ''}${explained}`;
}

/** The line `watch` prints when a request's answer does not come in time. */
export function unansweredLine(entry: TrafficEntry, timeoutMs: number): string {
	return `${clockTime(entry.at + timeoutMs)}  ⚠ no answer to ${entry.short} ${shadowLabel(entry.address)}${entry.clientToken === undefined ? '' : ` token ${entry.clientToken}`} (sent ${clockTime(entry.at)}) within ${timeoutMs} ms: is the shadow service running?`;
}

export type TrafficRecord = {
	readonly seq: number;
	readonly time: string;
	readonly source: 'console' | 'other' | 'service';
	readonly topic: string;
	readonly kind: string;
	readonly short: string;
	readonly thing?: string;
	readonly shadow?: string;
	readonly bytes: number;
	readonly version?: number;
	readonly clientToken?: string;
	readonly payload?: JsonValue;
	readonly unparsed?: {readonly reason: string; readonly text: string};
	readonly rejection?: {readonly code: number; readonly message: string};
	readonly presence?: {readonly event: string; readonly clientId: string};
	readonly note?: string;
	readonly explanation?: {readonly summary: string; readonly fix: string};
	readonly answer?: {
		readonly seq: number;
		readonly short: string;
		readonly latencyMs: number;
	};
	readonly request?: {
		readonly seq: number;
		readonly short: string;
		readonly latencyMs: number;
	};
	readonly unanswered?: boolean;
	readonly followUps?: readonly string[];
};

export function entryRecord(entry: TrafficEntry): TrafficRecord {
	return {
		seq: entry.seq,
		time: new Date(entry.at).toISOString(),
		source: entry.source,
		topic: entry.topic,
		kind: entry.kind,
		short: entry.short,
		...(entry.address
			? {thing: entry.address.thingName, shadow: entry.address.shadowName}
			: {}),
		bytes: entry.bytes,
		...(entry.version === undefined ? {} : {version: entry.version}),
		...(entry.clientToken === undefined
			? {}
			: {clientToken: entry.clientToken}),
		...(entry.payload === undefined ? {} : {payload: entry.payload}),
		...(entry.unparsed ? {unparsed: entry.unparsed} : {}),
		...(entry.rejection ? {rejection: entry.rejection} : {}),
		...(entry.presence ? {presence: entry.presence} : {}),
		...(entry.note ? {note: entry.note} : {}),
		...(entry.explanation ? {explanation: entry.explanation} : {}),
		...(entry.answer ? {answer: entry.answer} : {}),
		...(entry.request ? {request: entry.request} : {}),
		...(entry.unanswered ? {unanswered: true} : {}),
		...(entry.followUps ? {followUps: entry.followUps} : {}),
	};
}

/** The record `watch --json` prints when a request goes unanswered. */
export function unansweredRecord(
	entry: TrafficEntry,
	timeoutMs: number,
): {readonly kind: 'unanswered'} & Record<string, unknown> {
	return {
		kind: 'unanswered',
		time: new Date(entry.at + timeoutMs).toISOString(),
		request: entry.seq,
		topic: entry.topic,
		...(entry.address
			? {thing: entry.address.thingName, shadow: entry.address.shadowName}
			: {}),
		...(entry.clientToken === undefined
			? {}
			: {clientToken: entry.clientToken}),
		timeoutMs,
	};
}
