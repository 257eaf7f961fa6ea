/*
Reads a shadow's version journal from the local service's HTTP API (its own
route, /api/history, beside AWS's). A service without a journal (an older
shadow-tui, `--history-versions 0`, AWS IoT Core) answers 404: that is
NoJournal, so that a caller can fall back to what it has seen itself.
Whatever a page holds that is not a version is skipped, not trusted; a page
nested deeper than a shadow can be is refused whole.
*/
import type {HistoryPage, HistoryVersion} from '../service/journal-route.js';
import type {ShadowAddress} from '../shadow/topics.js';
import {deeperThan} from '../shadow/json-shape.js';
import {awsLimits} from '../shadow/limits.js';
import {getJson, type HttpCredentials} from './get-json.js';

export type {HistoryPage, HistoryVersion} from '../service/journal-route.js';

export type HistoryRequest = {
	readonly address: ShadowAddress;
	readonly order?: 'asc' | 'desc';
	/** Epoch seconds, inclusive. */
	readonly since?: number;
	readonly until?: number;
	readonly version?: number;
	readonly pageSize?: number;
	readonly nextToken?: string;
};

export class NoJournal extends Error {
	override readonly name = 'NoJournal';
}

/** A page no journal of shadows can send: refused before anything walks it. */
export class HistoryPageError extends Error {
	override readonly name = 'HistoryPageError';
}

/** A page, its versions, a version, its metadata mirror and the leaves' timestamps, around a section of maxDepth levels. */
const deepestPage = awsLimits.maxDepth + 6;

export type HistoryReader = {
	/** The HTTP API it reads, for messages. */
	readonly url: string;
	page(request: HistoryRequest): Promise<HistoryPage>;
	/** Pages until `max` versions or the end; the newest `max` for desc. */
	versions(request: HistoryRequest, max: number): Promise<HistoryVersion[]>;
};

export function createHistoryReader(
	httpUrl: string,
	credentials: HttpCredentials = {},
): HistoryReader {
	async function page(request: HistoryRequest): Promise<HistoryPage> {
		const {address} = request;
		const query = new URLSearchParams();
		if (address.shadowName !== '') query.set('name', address.shadowName);
		for (const name of [
			'order',
			'since',
			'until',
			'version',
			'pageSize',
			'nextToken',
		] as const) {
			const value = request[name];
			if (value !== undefined) query.set(name, String(value));
		}

		const url = `${httpUrl}/api/history/things/${encodeURIComponent(address.thingName)}/shadow?${query.toString()}`;
		const response = await getJson(url, credentials);
		const body = (response.body ?? {}) as Record<string, unknown>;
		const message = typeof body.message === 'string' ? body.message : '';
		if (response.status === 404)
			throw new NoJournal(
				message.includes('journal')
					? message
					: `the service at ${httpUrl} keeps no version journal`,
			);
		if (response.status !== 200)
			throw new Error(`${response.status} ${message}`.trim());
		if (deeperThan(response.body, deepestPage))
			throw new HistoryPageError(
				`the HTTP API at ${httpUrl} sent a version nested deeper than a shadow can be`,
			);
		return parseHistoryPage(body);
	}

	return {
		url: httpUrl,
		page,
		async versions(request, max) {
			const found: HistoryVersion[] = [];
			let nextToken = request.nextToken;
			do {
				const next = await page({
					...request,
					pageSize: Math.min(1000, Math.max(1, max - found.length)),
					...(nextToken ? {nextToken} : {}),
				});
				for (const version of next.versions) found.push(version);
				nextToken = next.nextToken;
			} while (nextToken && found.length < max);
			return found.slice(0, max);
		},
	};
}

export function parseHistoryPage(body: Record<string, unknown>): HistoryPage {
	const versions: HistoryVersion[] = [];
	if (Array.isArray(body.versions))
		for (const item of body.versions as unknown[]) {
			const version = parseHistoryVersion(item);
			if (version) versions.push(version);
		}

	const retention = (body.retention ?? {}) as Record<string, unknown>;
	return {
		versions,
		...(typeof body.nextToken === 'string' ? {nextToken: body.nextToken} : {}),
		retention: {
			versions: typeof retention.versions === 'number' ? retention.versions : 0,
			maxAgeSeconds:
				typeof retention.maxAgeSeconds === 'number'
					? retention.maxAgeSeconds
					: null,
		},
	};
}

function parseHistoryVersion(value: unknown): HistoryVersion | undefined {
	if (typeof value !== 'object' || value === null) return undefined;
	const item = value as Record<string, unknown>;
	if (
		(item.kind !== 'document' && item.kind !== 'deleted') ||
		!Number.isSafeInteger(item.version) ||
		typeof item.timestamp !== 'number' ||
		!isObject(item.state)
	)
		return undefined;
	const writer = isObject(item.writer) ? item.writer : {};
	return {
		kind: item.kind,
		version: item.version as number,
		timestamp: item.timestamp,
		state: item.state,
		metadata: isObject(item.metadata) ? item.metadata : {},
		writer: {
			channel: typeof writer.channel === 'string' ? writer.channel : 'unknown',
			...(typeof writer.clientId === 'string'
				? {clientId: writer.clientId}
				: {}),
			...(typeof writer.principal === 'string'
				? {principal: writer.principal}
				: {}),
		},
		...(typeof item.clientToken === 'string'
			? {clientToken: item.clientToken}
			: {}),
	};
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
