/*
The fleet as Fleet Indexing's SearchIndex lists it, on the local service or
on AWS IoT Core alike (control-plane.ts), every page followed: one row per
shadow of each thing found. --match and --query become one AWS query string
(a name pattern is thingName:PATTERN), so the same filter means the same on
both. A query in shadow-tui's old language is answered with its AWS form
before anything is sent.
*/
import {escapeFleetQueryText} from '../fleet/aws-query.js';
import {legacyQueryMessage} from '../fleet/legacy-query-hint.js';
import type {ShadowSummary} from '../fleet/list-shadows.js';
import {summariesOf} from '../fleet/thing-summaries.js';
import {ControlPlaneError, type ControlPlane} from './control-plane.js';
import type {HttpCredentials} from './get-json.js';
import {httpControlPlane} from './http-control-plane.js';

export type FleetFilter = {
	readonly match?: string;
	readonly query?: string;
	readonly shadowName?: string;
	readonly withState?: boolean;
};

export class FleetListError extends Error {
	override readonly name = 'FleetListError';
	constructor(
		message: string,
		/** AWS's error name when the service refused (InvalidQueryException, …). */
		readonly code?: string,
	) {
		super(message);
	}
}

export type FleetLister = (filter: FleetFilter) => Promise<ShadowSummary[]>;

/** A name pattern (* and ?) as a thingName term: everything else literal. */
export function nameTerm(pattern: string): string {
	return pattern
		.split(/([*?])/)
		.map((part) =>
			part === '*' || part === '?' ? part : escapeFleetQueryText(part),
		)
		.join('');
}

/** The one AWS query string that --match and --query ask for together. */
export function fleetQueryString(filter: FleetFilter): string {
	const parts = [
		...(filter.match === undefined
			? []
			: [`thingName:${nameTerm(filter.match)}`]),
		...(filter.query === undefined ? [] : [`(${filter.query})`]),
	];
	return parts.length === 0 ? 'thingName:*' : parts.join(' AND ');
}

export function fleetListerOf(plane: ControlPlane): FleetLister {
	return async (filter) => {
		if (filter.query !== undefined) {
			const hint = legacyQueryMessage(filter.query);
			if (hint) throw new FleetListError(hint, 'InvalidQueryException');
		}

		const queryString = fleetQueryString(filter);
		const results: ShadowSummary[] = [];
		let nextToken: string | undefined;
		do {
			let page;
			try {
				page = await plane.searchIndex({
					queryString,
					maxResults: 100,
					...(nextToken ? {nextToken} : {}),
				});
			} catch (error: unknown) {
				if (error instanceof ControlPlaneError)
					throw new FleetListError(error.message, error.code);
				throw error;
			}

			for (const thing of page.things)
				for (const row of summariesOf(thing, filter)) results.push(row);
			nextToken = page.nextToken;
		} while (nextToken);
		return results;
	};
}

/** On the local service's HTTP API, without SigV4. */
export function createFleetLister(
	httpUrl: string,
	credentials: HttpCredentials = {},
): FleetLister {
	return fleetListerOf(httpControlPlane(httpUrl, credentials));
}
