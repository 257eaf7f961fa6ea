/*
The fleet as the local service's HTTP API lists it (GET /api/shadows), every
page followed. A malformed query comes back as the service's 400 message.
*/
import type {ShadowSummary} from '../fleet/list-shadows.js';
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

			const body = response.body as {
				results?: ShadowSummary[];
				nextToken?: string;
				message?: string;
			};
			if (response.status !== 200)
				throw new FleetListError(body.message ?? `HTTP ${response.status}`);
			results.push(...(body.results ?? []));
			nextToken = body.nextToken;
		} while (nextToken);
		return results;
	};
}
