/*
Listing the fleet: live shadows filtered by a name pattern and a query, one
page at a time, each summarised the way the fleet table shows it (version,
online, how many keys differ, when it last changed and when reported last
did), optionally with state.
Visibility is checked first: a caller's pattern and query only ever run over
the shadows it may read.
*/
import {computeDelta} from '../shadow/compute-delta.js';
import type {JsonObject} from '../shadow/json.js';
import type {LiveShadow, Sections} from '../shadow/shadow-record.js';
import type {ShadowAddress} from '../shadow/topics.js';
import {namePattern} from './name-pattern.js';
import {matches, type Query} from './query.js';
import {newestTimestamp} from '../shadow/metadata.js';

export type ShadowSummary = {
	readonly thingName: string;
	readonly shadowName: string;
	readonly version: number;
	/** Epoch seconds of the last accepted update. */
	readonly updatedAt: number;
	/** Epoch seconds of the newest reported value (its metadata); absent without reported state. */
	readonly reportedAt?: number;
	/** reported.connected when it is a boolean. */
	readonly connected?: boolean;
	readonly deltaKeys: number;
	readonly state?: Sections<JsonObject> & {readonly delta?: JsonObject};
};

export type ListFilter = {
	/** Thing name pattern (coffee-*). */
	readonly match?: string;
	readonly query?: Query;
	/** Only this shadow of each thing ('' is the classic one); every shadow when absent. */
	readonly shadowName?: string;
	readonly withState?: boolean;
	/** Only things the caller may read (its policy); every thing when absent. */
	readonly visible?: (thingName: string) => boolean;
};

export type Scan = (
	after: ShadowAddress,
	visit: (address: ShadowAddress, shadow: LiveShadow) => boolean,
) => void;

export function listShadows(
	scan: Scan,
	filter: ListFilter,
	after: ShadowAddress,
	limit: number,
): {results: ShadowSummary[]; last: ShadowAddress | undefined} {
	const pattern =
		filter.match === undefined ? undefined : namePattern(filter.match);
	const results: ShadowSummary[] = [];
	let last: ShadowAddress | undefined;
	scan(after, (address, shadow) => {
		if (
			filter.shadowName !== undefined &&
			address.shadowName !== filter.shadowName
		)
			return true;
		// What the caller may not see costs it nothing beyond this check.
		if (filter.visible && !filter.visible(address.thingName)) return true;
		if (pattern && !pattern.test(address.thingName)) return true;
		const {desired, reported} = shadow.state;
		const delta = computeDelta(
			desired,
			reported,
			shadow.metadata.desired,
		)?.state;
		if (
			filter.query &&
			!matches(filter.query, {
				...address,
				version: shadow.version,
				...shadow.state,
				...(delta ? {delta} : {}),
			})
		)
			return true;
		const connected = reported?.connected;
		const reportedAt = newestTimestamp(shadow.metadata.reported);
		results.push({
			...address,
			version: shadow.version,
			updatedAt: shadow.updatedAt,
			...(reportedAt === undefined ? {} : {reportedAt}),
			...(typeof connected === 'boolean' ? {connected} : {}),
			deltaKeys: delta ? Object.keys(delta).length : 0,
			...(filter.withState
				? {state: {...shadow.state, ...(delta ? {delta} : {})}}
				: {}),
		});
		last = address;
		return results.length < limit;
	});
	return {results, last: results.length < limit ? undefined : last};
}
