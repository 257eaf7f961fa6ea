/*
Per-thing request rate limit (§12, AWS's 20 requests per second per thing):
a token bucket per thing that holds one second's worth of requests and
refills continuously, so a device may burst up to the limit and then goes at
the limit's pace. A request over it is answered 429 before it reaches the
queue, so one runaway device cannot delay the others' commits.
*/
export type RateLimiter = {
	/** False when the thing is over its rate; the request must be refused. */
	take(thingName: string): boolean;
};

export function createRateLimiter(
	perSecond: number,
	/** Milliseconds, monotonic. */
	now: () => number,
): RateLimiter {
	if (!Number.isFinite(perSecond) || perSecond <= 0) return {take: () => true};
	const buckets = new Map<string, {tokens: number; at: number}>();
	let sweptAt = now();

	const refilled = (bucket: {tokens: number; at: number}, time: number) =>
		Math.min(
			perSecond,
			bucket.tokens + ((time - bucket.at) / 1000) * perSecond,
		);

	function sweep(time: number): void {
		// A bucket that has refilled is the same as no bucket: forget it, keep memory flat.
		for (const [thing, bucket] of buckets) {
			if (refilled(bucket, time) >= perSecond) buckets.delete(thing);
		}

		sweptAt = time;
	}

	return {
		take(thingName) {
			const time = now();
			if (time - sweptAt > 10_000) sweep(time);
			const bucket = buckets.get(thingName) ?? {tokens: perSecond, at: time};
			const tokens = refilled(bucket, time);
			if (tokens < 1) {
				buckets.set(thingName, {tokens, at: time});
				return false;
			}

			buckets.set(thingName, {tokens: tokens - 1, at: time});
			return true;
		},
	};
}
