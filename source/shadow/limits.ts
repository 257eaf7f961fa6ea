/*
Every limit of §12 of shadow-semantics.md, configurable, with AWS's values as
defaults. The service, the client and the console all read them from here.
*/

export type ShadowLimits = {
	/** Compact UTF-8 bytes of desired + reported after the merge (§3.5). */
	readonly maxDocBytes: number;
	/** Container levels inside desired or reported (§3.4). */
	readonly maxDepth: number;
	readonly maxClientTokenBytes: number;
	readonly maxThingNameLength: number;
	readonly maxShadowNameLength: number;
	/** Raw request payload, MQTT or HTTP. */
	readonly maxRequestBytes: number;
	readonly requestsPerSecondPerThing: number;
	readonly maxInFlightPerThing: number;
	readonly deletedVersionRetentionHours: number;
	/** Named shadows per thing; Infinity means unlimited, as on AWS. */
	readonly namedShadowsPerThing: number;
	readonly listPageSizeMax: number;
	readonly listPageSizeDefault: number;
};

export const awsLimits: ShadowLimits = Object.freeze({
	maxDocBytes: 8192,
	maxDepth: 6,
	maxClientTokenBytes: 64,
	maxThingNameLength: 128,
	maxShadowNameLength: 64,
	maxRequestBytes: 131_072,
	requestsPerSecondPerThing: 20,
	maxInFlightPerThing: 10,
	deletedVersionRetentionHours: 48,
	namedShadowsPerThing: Number.POSITIVE_INFINITY,
	listPageSizeMax: 100,
	listPageSizeDefault: 25,
});

export type EngineOptions = {
	readonly limits: ShadowLimits;
	/**
	Publish update/delta after updates that did not touch desired (§5.3, §14.1).
	AWS's documentation says yes; some field reports say no.
	*/
	readonly deltaOnReportedOnlyUpdates: boolean;
};

export const defaultEngineOptions: EngineOptions = Object.freeze({
	limits: awsLimits,
	deltaOnReportedOnlyUpdates: true,
});

export function withLimits(overrides: Partial<ShadowLimits>): EngineOptions {
	return {...defaultEngineOptions, limits: {...awsLimits, ...overrides}};
}
