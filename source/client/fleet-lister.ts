/*
The fleet as the local service's HTTP API lists it (GET /api/shadows), every
page followed. A malformed query comes back as the service's 400 message. A
page nested deeper than a listing of shadows can be is refused before
anything walks it (printing it with --json would recurse). A reportedAt
that is no time (a string, 1e400) is dropped rather than drawn as an age.
*/
import type {ShadowSummary} from '../fleet/list-shadows.js';
import {deeperThan} from '../shadow/json-shape.js';
import {awsLimits} from '../shadow/limits.js';
import {getJson, type HttpCredentials} from './get-json.js';

export type FleetFilter = {
	readonly match?: string;
	readonly query?: string;
	readonly shadowName?: string;
	readonly withState?: boolean;
};

export class FleetListError extends Error {
	override readonly name = 'FleetListError';
}

export type FleetLister = (filter: FleetFilter) => Promise<ShadowSummary[]>;

/** A page, its results, a summary, its state, then a section of maxDepth levels. */
const deepestPage = awsLimits.maxDepth + 4;

function isTime(value: unknown): boolean {
	return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** A listed summary, without a reportedAt that is no epoch time. */
export function withTimes(item: unknown): ShadowSummary {
	const summary = item as ShadowSummary & {reportedAt?: unknown};
	if (
		typeof item !== 'object' ||
		item === null ||
		!('reportedAt' in item) ||
		isTime(summary.reportedAt)
	)
		return summary;
	const {reportedAt: _dropped, ...rest} = summary;
	return rest;
}

export function createFleetLister(
	httpUrl: string,
	credentials: HttpCredentials = {},
): FleetLister {
	return async (filter) => {
		const results: ShadowSummary[] = [];
		let nextToken: string | undefined;
		do {
			const query = new URLSearchParams({
				pageSize: '1000',
				...(filter.match === undefined ? {} : {match: filter.match}),
				...(filter.query === undefined ? {} : {query: filter.query}),
				...(filter.shadowName === undefined ? {} : {shadow: filter.shadowName}),
				...(filter.withState ? {state: 'true'} : {}),
				...(nextToken ? {nextToken} : {}),
			});
			let response: {status: number; body: unknown};
			try {
				response = await getJson(
					`${httpUrl}/api/shadows?${query.toString()}`,
					credentials,
				);
			} catch (error: unknown) {
				throw new FleetListError(
					`cannot reach the HTTP API at ${httpUrl}: ${error instanceof Error ? error.message : String(error)}`,
				);
			}

			if (deeperThan(response.body, deepestPage))
				throw new FleetListError(
					`the HTTP API at ${httpUrl} sent a page nested deeper than a listing of shadows can be`,
				);
			const body = (response.body ?? {}) as {
				results?: unknown;
				nextToken?: unknown;
				message?: unknown;
			};
			if (response.status !== 200)
				throw new FleetListError(
					typeof body.message === 'string'
						? body.message
						: `HTTP ${response.status}`,
				);
			// A loop, not push(...results): spreading a huge array overflows the stack.
			if (Array.isArray(body.results))
				for (const item of body.results) results.push(withTimes(item));
			nextToken =
				typeof body.nextToken === 'string' ? body.nextToken : undefined;
		} while (nextToken);
		return results;
	};
}
