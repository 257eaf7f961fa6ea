/*
Counts per value of one field over the fleet, as AWS IoT Fleet Indexing's
GetBucketsAggregation answers them (`{totalCount, buckets[{keyValue,
count}]}`, buckets by count, most first). The function that asks is given to
the fleet session by whoever knows the service (the local HTTP API or AWS
IoT Core); the session asks again whenever the table is listed again, over
the same query, and keeps the last counts on the screen while it does.
*/

export type FleetBucket = {readonly keyValue: string; readonly count: number};

export type FleetCounts = {
	/** Things the query matched (with or without the field). */
	readonly totalCount: number;
	readonly buckets: readonly FleetBucket[];
};

export type FleetAggregateRequest = {
	readonly field: string;
	/** The table's query when one is applied, so the counts are over the same things. */
	readonly query?: string;
};

export type FleetAggregate = (
	request: FleetAggregateRequest,
) => Promise<FleetCounts>;

export type FleetAggregation = {
	readonly field: string;
	/** The query the counts are over; undefined: every thing. */
	readonly query: string | undefined;
	/** True while an answer is awaited (the last counts stay meanwhile). */
	readonly counting: boolean;
	readonly counts: FleetCounts | undefined;
	/** Why the last request failed, as it came; undefined after a success. */
	readonly error: string | undefined;
};

function isBucket(value: unknown): value is FleetBucket {
	if (typeof value !== 'object' || value === null) return false;
	const {keyValue, count} = value as {keyValue?: unknown; count?: unknown};
	return (
		typeof keyValue === 'string' &&
		typeof count === 'number' &&
		Number.isFinite(count)
	);
}

/** An answer as the view may draw it: buckets that are not a string and a count are dropped. */
export function checkedCounts(answer: unknown): FleetCounts {
	const {totalCount, buckets} = (answer ?? {}) as {
		totalCount?: unknown;
		buckets?: unknown;
	};
	const kept = Array.isArray(buckets) ? buckets.filter(isBucket) : [];
	return {
		totalCount:
			typeof totalCount === 'number' && Number.isFinite(totalCount)
				? totalCount
				: kept.reduce((sum, bucket) => sum + bucket.count, 0),
		buckets: kept,
	};
}
