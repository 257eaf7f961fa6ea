/*
The documents the service sends (§8). Optional keys are left out rather than
set to undefined so that what is built here is exactly what is serialised.
*/
import type {Rejection} from './errors.js';
import type {JsonObject} from './json.js';
import type {Sections} from './shadow-record.js';
import type {StatePatch} from './request.js';

export type ErrorDocument = {
	readonly code: number;
	readonly message: string;
	readonly timestamp: number;
	readonly clientToken?: string;
};

export type UpdateAccepted = {
	readonly state: StatePatch | null;
	readonly metadata: JsonObject;
	readonly version: number;
	readonly timestamp: number;
	readonly clientToken?: string;
};

export type DeltaDocument = {
	readonly state: JsonObject;
	readonly metadata: JsonObject;
	readonly version: number;
	readonly timestamp: number;
	readonly clientToken?: string;
};

export type DocumentSnapshot = {
	readonly state: Sections<JsonObject>;
	readonly metadata: Sections<JsonObject>;
	readonly version: number;
};

export type DocumentsDocument = {
	readonly previous: DocumentSnapshot | null;
	readonly current: DocumentSnapshot;
	readonly timestamp: number;
	readonly clientToken?: string;
};

export type GetAccepted = {
	readonly state: Sections<JsonObject> & {readonly delta?: JsonObject};
	readonly metadata: Sections<JsonObject>;
	readonly version: number;
	readonly timestamp: number;
	readonly clientToken?: string;
};

export type DeleteAccepted = {
	readonly version: number;
	readonly timestamp: number;
	readonly clientToken?: string;
};

export function withToken<T extends object>(
	document: T,
	clientToken: string | undefined,
): T {
	return clientToken === undefined ? document : {...document, clientToken};
}

export function errorDocument(
	rejection: Rejection,
	now: number,
	clientToken?: string,
): ErrorDocument {
	return withToken(
		{code: rejection.code, message: rejection.message, timestamp: now},
		clientToken,
	);
}
