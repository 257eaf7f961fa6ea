/*
shadow-tui's own HTTP route (not part of AWS's API): the version journal of
one shadow, paged.

	GET /api/history/things/THING/shadow?name=SHADOW&order=desc|asc
	    &since=EPOCH&until=EPOCH&version=V&pageSize=N&nextToken=T

Each entry carries the document as GetThingShadow shows it (state with the
delta computed from desired and reported, metadata, version, timestamp) plus
what AWS has no place for: the kind (document or deleted), who wrote it and
over which channel, and its clientToken.
*/
import {computeDelta} from '../shadow/compute-delta.js';
import {reject, type Rejection} from '../shadow/errors.js';
import type {ShadowAddress} from '../shadow/topics.js';
import type {
	JournalEntry,
	JournalQuery,
	JournalRetention,
} from '../store/journal.js';

export const historyPath = /^\/api\/history\/things\/([^/]*)\/shadow\/?$/;
export const historyPageSizeMax = 1000;
const historyPageSizeDefault = 100;

/** One version as the route shows it; the console and the CLI read this shape. */
export type HistoryVersion = {
	readonly kind: 'document' | 'deleted';
	readonly version: number;
	readonly timestamp: number;
	readonly state: {
		readonly desired?: unknown;
		readonly reported?: unknown;
		readonly delta?: unknown;
	};
	readonly metadata: {readonly desired?: unknown; readonly reported?: unknown};
	readonly writer: {
		readonly channel: string;
		readonly clientId?: string;
		readonly principal?: string;
	};
	readonly clientToken?: string;
};

export type HistoryPage = {
	readonly versions: HistoryVersion[];
	readonly nextToken?: string;
	readonly retention: {
		readonly versions: number;
		readonly maxAgeSeconds: number | null;
	};
};

/** The journal query a request asks for, or AWS-shaped 400 with what is wrong. */
export function parseHistoryQuery(
	address: ShadowAddress,
	query: URLSearchParams,
): JournalQuery | Rejection {
	const order = query.get('order') ?? 'desc';
	if (order !== 'asc' && order !== 'desc')
		return reject(400, `order must be asc or desc, got ${order.slice(0, 20)}`);
	const limit = integerParameter(query, 'pageSize', historyPageSizeDefault);
	if (limit === undefined || limit < 1 || limit > historyPageSizeMax)
		return reject(400, `pageSize must be between 1 and ${historyPageSizeMax}`);
	const since = integerParameter(query, 'since', undefined);
	const until = integerParameter(query, 'until', undefined);
	const version = integerParameter(query, 'version', undefined);
	for (const [name, value] of [
		['since', since],
		['until', until],
		['version', version],
	] as const) {
		if (query.has(name) && (value === undefined || value < 0))
			return reject(400, `${name} must be a whole number of at least 0`);
	}

	const token = query.get('nextToken');
	const from = token === null ? undefined : decodeToken(token);
	if (token !== null && from === undefined)
		return reject(400, 'Invalid nextToken');
	return {
		address,
		order,
		limit,
		...(from === undefined ? {} : {from}),
		...(since === undefined ? {} : {since}),
		...(until === undefined ? {} : {until}),
		...(version === undefined ? {} : {version}),
	};
}

/** A page of the journal; `entries` holds one more than the page when there is a next one. */
export function historyPage(
	entries: readonly JournalEntry[],
	limit: number,
	retention: JournalRetention,
): HistoryPage {
	const shown = entries.slice(0, limit);
	const last = shown.at(-1);
	return {
		versions: shown.map((entry) => historyVersion(entry)),
		...(entries.length > limit && last
			? {nextToken: Buffer.from(String(last.seq)).toString('base64url')}
			: {}),
		retention: {
			versions: retention.versions,
			maxAgeSeconds: Number.isFinite(retention.maxAgeSeconds)
				? retention.maxAgeSeconds
				: null,
		},
	};
}

export function historyVersion(entry: JournalEntry): HistoryVersion {
	const {desired, reported} = entry.state;
	const delta = computeDelta(desired, reported, entry.metadata.desired);
	return {
		kind: entry.kind,
		version: entry.version,
		timestamp: entry.at,
		state: {
			...entry.state,
			...(delta ? {delta: delta.state} : {}),
		},
		metadata: entry.metadata,
		writer: entry.writer,
		...(entry.clientToken === undefined
			? {}
			: {clientToken: entry.clientToken}),
	};
}

function integerParameter(
	query: URLSearchParams,
	name: string,
	fallback: number | undefined,
): number | undefined {
	const text = query.get(name);
	if (text === null) return fallback;
	if (!/^\d{1,15}$/.test(text)) return undefined;
	return Number(text);
}

function decodeToken(token: string): number | undefined {
	const text = Buffer.from(token, 'base64url').toString('utf8');
	return /^\d{1,15}$/.test(text) ? Number(text) : undefined;
}
