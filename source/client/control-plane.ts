/*
The AWS IoT APIs the console and the fleet commands need beyond MQTT, in
AWS's own shapes: Fleet Indexing's SearchIndex and GetBucketsAggregation, and
iot-data's ListNamedShadowsForThing. Two transports give them: plain HTTP to
the local service (its loopback trust, a password or a client certificate),
and the AWS SDK with SigV4 (AWS IoT Core, or the local service checking the
same signatures). Callers never know which one they hold.
*/

export type SearchIndexRequest = {
	readonly queryString: string;
	readonly nextToken?: string;
	/** At most 100, as on AWS. */
	readonly maxResults?: number;
};

/** AWS's ThingDocument, with what shadow-tui reads of it. */
export type ThingDocument = {
	readonly thingName: string;
	readonly thingId?: string;
	/** A JSON string: desired, reported, metadata, hasDelta, version, and name: {SHADOW: {…}} for named shadows. */
	readonly shadow?: string;
	readonly connectivity?: {
		readonly connected?: boolean;
		/** Epoch milliseconds. */
		readonly timestamp?: number;
		readonly disconnectReason?: string;
	};
};

export type SearchIndexPage = {
	readonly things: readonly ThingDocument[];
	readonly nextToken?: string;
};

export type BucketsRequest = {
	readonly queryString: string;
	readonly aggregationField: string;
	/** AWS's default is 10. */
	readonly maxBuckets?: number;
};

export type BucketsAnswer = {
	readonly totalCount: number;
	readonly buckets: readonly {
		readonly keyValue: string;
		readonly count: number;
	}[];
};

export type NamedShadowsPage = {
	readonly results: readonly string[];
	readonly nextToken?: string;
};

export type ControlPlane = {
	/** Where it goes, for messages: a URL, or "AWS IoT Core (eu-west-1)". */
	readonly describe: string;
	searchIndex(request: SearchIndexRequest): Promise<SearchIndexPage>;
	bucketsAggregation(request: BucketsRequest): Promise<BucketsAnswer>;
	listNamedShadows(
		thingName: string,
		nextToken?: string,
	): Promise<NamedShadowsPage>;
};

/** A refusal or a failure, named as AWS names it (InvalidQueryException, ForbiddenException, …). */
export class ControlPlaneError extends Error {
	override readonly name = 'ControlPlaneError';
	constructor(
		message: string,
		/** AWS's error name; 'NetworkError' when the API could not be reached. */
		readonly code: string,
		readonly status?: number,
	) {
		super(message);
	}
}
