/*
A row of the fleet table: one shadow as Fleet Indexing found it
(thing-summaries.ts), summarised: version, online, how many keys differ,
when it last changed and when reported last did, optionally with state.
*/
import type {JsonObject} from '../shadow/json.js';
import type {Sections} from '../shadow/shadow-record.js';

export type ShadowSummary = {
	readonly thingName: string;
	readonly shadowName: string;
	readonly version: number;
	/** Epoch seconds of the newest timestamp in its metadata (the last accepted change). */
	readonly updatedAt: number;
	/** Epoch seconds of the newest reported value (its metadata); absent without reported state. */
	readonly reportedAt?: number;
	/** reported.connected when it is a boolean, else Fleet Indexing's connectivity once seen. */
	readonly connected?: boolean;
	readonly deltaKeys: number;
	readonly state?: Sections<JsonObject> & {readonly delta?: JsonObject};
};
