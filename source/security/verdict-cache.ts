/*
Remembered policy decisions for one connection. The keys are requests
(action and topic), and topics come from the client: counting entries
alone let a client that publishes to 1,000 topics of 60 KB each park
~90 MB here. So the cache is bounded by the characters of its keys, drops
the least recently used decision first, and never keeps a key longer than
a typical topic: deciding afresh is cheap (wildcard.ts), memory is not.
*/

export type VerdictCacheLimits = {
	/** Characters of all keys together. */
	readonly maxChars: number;
	/** A longer key is decided every time, never stored. */
	readonly maxKeyLength: number;
};

export const defaultVerdictCacheLimits: VerdictCacheLimits = {
	maxChars: 16_384,
	maxKeyLength: 256,
};

export type VerdictCache = {
	get(key: string): boolean | undefined;
	set(key: string, verdict: boolean): void;
	/** Characters held in keys, for tests and diagnostics. */
	readonly chars: number;
	readonly size: number;
};

export function createVerdictCache(
	limits: VerdictCacheLimits = defaultVerdictCacheLimits,
): VerdictCache {
	// A Map iterates in insertion order: re-inserting on use keeps the oldest first.
	const verdicts = new Map<string, boolean>();
	let chars = 0;
	return {
		get(key) {
			const verdict = verdicts.get(key);
			if (verdict !== undefined) {
				verdicts.delete(key);
				verdicts.set(key, verdict);
			}

			return verdict;
		},
		set(key, verdict) {
			if (key.length > limits.maxKeyLength) return;
			if (verdicts.delete(key)) chars -= key.length;
			for (const oldest of verdicts.keys()) {
				if (chars + key.length <= limits.maxChars) break;
				verdicts.delete(oldest);
				chars -= oldest.length;
			}

			verdicts.set(key, verdict);
			chars += key.length;
		},
		get chars() {
			return chars;
		},
		get size() {
			return verdicts.size;
		},
	};
}
