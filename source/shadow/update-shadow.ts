/*
An update from request bytes to the next record and every reply it causes
(§3 to §8). Pure: the caller stores `shadow`, and only then publishes.
*/
import {
	messages,
	reject,
	tooManyNamedShadows,
	type Rejection,
} from './errors.js';
import {utf8Length, type JsonObject} from './json.js';
import type {EngineOptions} from './limits.js';
import {leafMetadata, objectMetadata, type MetadataLeaf} from './metadata.js';
import {mergeSection} from './merge-section.js';
import {computeDelta} from './compute-delta.js';
import {
	errorDocument,
	withToken,
	type DeltaDocument,
	type DocumentSnapshot,
	type DocumentsDocument,
	type ErrorDocument,
	type UpdateAccepted,
} from './replies.js';
import {
	parseUpdateRequest,
	type Payload,
	type UpdateRequest,
} from './request.js';
import {
	baseVersion,
	sectionsOf,
	type LiveShadow,
	type ShadowRecord,
} from './shadow-record.js';
import type {ShadowAddress} from './topics.js';

export type OperationContext = {
	readonly address: ShadowAddress;
	/** Epoch seconds; the engine has no clock of its own. */
	readonly now: number;
	readonly options: EngineOptions;
	/** Live named shadows the thing has now; checked when a named shadow is created. */
	readonly namedShadowCount?: number;
};

export type UpdateOutcome =
	| {
			readonly ok: true;
			readonly shadow: LiveShadow;
			readonly accepted: UpdateAccepted;
			/** Present when the resulting document has a delta to announce. */
			readonly delta?: DeltaDocument;
			readonly documents: DocumentsDocument;
	  }
	| {
			readonly ok: false;
			readonly rejection: Rejection;
			readonly error: ErrorDocument;
	  };

export function updateShadow(
	record: ShadowRecord | undefined,
	payload: Payload,
	context: OperationContext,
): UpdateOutcome {
	const parsed = parseUpdateRequest(payload, context.options.limits);
	if (!parsed.ok)
		return rejected(parsed.rejection, context.now, parsed.clientToken);
	return applyUpdate(record, parsed.value, context);
}

export function applyUpdate(
	record: ShadowRecord | undefined,
	request: UpdateRequest,
	context: OperationContext,
): UpdateOutcome {
	const {now, options, address} = context;
	const {limits} = options;
	const {clientToken} = request;
	const previous = record?.kind === 'live' ? record : undefined;
	const base = baseVersion(record, now, limits);
	if (request.version !== undefined && request.version !== base) {
		return rejected(reject(409, messages.versionConflict), now, clientToken);
	}

	if (
		!previous &&
		address.shadowName !== '' &&
		(context.namedShadowCount ?? 0) >= limits.namedShadowsPerThing
	) {
		return rejected(
			tooManyNamedShadows(limits.namedShadowsPerThing),
			now,
			clientToken,
		);
	}

	const leaf = leafMetadata(now);
	const next = mergeState(previous, request, leaf, base + 1);
	if (documentBytes(next) > limits.maxDocBytes) {
		return rejected(reject(413, messages.payloadTooLarge), now, clientToken);
	}

	const accepted = withToken<UpdateAccepted>(
		{
			state: request.state,
			metadata: acceptedMetadata(request, leaf),
			version: next.version,
			timestamp: now,
		},
		clientToken,
	);
	const documents = withToken<DocumentsDocument>(
		{
			previous: previous ? snapshot(previous) : null,
			current: snapshot(next),
			timestamp: now,
		},
		clientToken,
	);
	const touchedDesired =
		request.state !== null && request.state.desired !== undefined;
	const delta =
		touchedDesired || options.deltaOnReportedOnlyUpdates
			? computeDelta(
					next.state.desired,
					next.state.reported,
					next.metadata.desired,
				)
			: undefined;
	const outcome = {ok: true as const, shadow: next, accepted, documents};
	if (!delta) return outcome;
	return {
		...outcome,
		delta: withToken<DeltaDocument>(
			{
				state: delta.state,
				metadata: delta.metadata,
				version: next.version,
				timestamp: now,
			},
			clientToken,
		),
	};
}

function mergeState(
	previous: LiveShadow | undefined,
	request: UpdateRequest,
	leaf: MetadataLeaf,
	version: number,
): LiveShadow {
	const {state: patch} = request;
	const now = leaf.timestamp;
	if (patch === null) {
		return {kind: 'live', state: {}, metadata: {}, version, updatedAt: now};
	}

	let desired = previous?.state.desired;
	let desiredMetadata = previous?.metadata.desired;
	let reported = previous?.state.reported;
	let reportedMetadata = previous?.metadata.reported;
	if (patch.desired === null) {
		desired = undefined;
		desiredMetadata = undefined;
	} else if (patch.desired !== undefined) {
		const merged = mergeSection(desired, desiredMetadata, patch.desired, leaf);
		desired = merged.state;
		desiredMetadata = merged.metadata;
	}

	if (patch.reported === null) {
		reported = undefined;
		reportedMetadata = undefined;
	} else if (patch.reported !== undefined) {
		const merged = mergeSection(
			reported,
			reportedMetadata,
			patch.reported,
			leaf,
		);
		reported = merged.state;
		reportedMetadata = merged.metadata;
	}

	return {
		kind: 'live',
		state: sectionsOf(desired, reported),
		metadata: sectionsOf(desiredMetadata, reportedMetadata),
		version,
		updatedAt: now,
	};
}

/** §3.5: compact desired plus compact reported, metadata excluded. */
export function documentBytes(shadow: LiveShadow): number {
	const {desired, reported} = shadow.state;
	return (
		(desired ? utf8Length(JSON.stringify(desired)) : 0) +
		(reported ? utf8Length(JSON.stringify(reported)) : 0)
	);
}

/** §6.3: built from the request alone; null leaves and null sections get a timestamp too. */
function acceptedMetadata(
	request: UpdateRequest,
	leaf: MetadataLeaf,
): JsonObject {
	const {state} = request;
	if (state === null) return leaf;
	const metadata: JsonObject = {};
	for (const section of ['desired', 'reported'] as const) {
		const value = state[section];
		if (value === null) metadata[section] = leaf;
		else if (value !== undefined)
			metadata[section] = objectMetadata(value, leaf);
	}

	return metadata;
}

function snapshot(shadow: LiveShadow): DocumentSnapshot {
	return {
		state: shadow.state,
		metadata: shadow.metadata,
		version: shadow.version,
	};
}

function rejected(
	rejection: Rejection,
	now: number,
	clientToken?: string,
): UpdateOutcome {
	return {
		ok: false,
		rejection,
		error: errorDocument(rejection, now, clientToken),
	};
}
