/*
Get and delete (§9): a live shadow answers, anything else is a 404 that names
the shadow (or, for the classic shadow, the thing). Delete leaves a tombstone
one version above the deleted document (§7.4).
*/
import {noSuchShadow, type Rejection} from './errors.js';
import {computeDelta} from './compute-delta.js';
import {
	errorDocument,
	withToken,
	type DeleteAccepted,
	type ErrorDocument,
	type GetAccepted,
} from './replies.js';
import {parseTokenOnly, type Payload} from './request.js';
import type {DeletedShadow, ShadowRecord} from './shadow-record.js';
import {displayName} from './topics.js';
import type {OperationContext} from './update-shadow.js';

type Failure = {
	readonly ok: false;
	readonly rejection: Rejection;
	readonly error: ErrorDocument;
};

export type GetOutcome =
	{readonly ok: true; readonly accepted: GetAccepted} | Failure;

export type DeleteOutcome =
	| {
			readonly ok: true;
			readonly shadow: DeletedShadow;
			readonly accepted: DeleteAccepted;
	  }
	| Failure;

export function getShadow(
	record: ShadowRecord | undefined,
	payload: Payload,
	context: OperationContext,
): GetOutcome {
	const {now} = context;
	const parsed = parseTokenOnly(payload, context.options.limits);
	if (!parsed.ok) return failure(parsed.rejection, now);
	const {clientToken} = parsed.value;
	if (record?.kind !== 'live')
		return failure(
			noSuchShadow(displayName(context.address)),
			now,
			clientToken,
		);

	const {desired, reported} = record.state;
	const delta = computeDelta(desired, reported, record.metadata.desired);
	const state = delta ? {...record.state, delta: delta.state} : record.state;
	return {
		ok: true,
		accepted: withToken<GetAccepted>(
			{
				state,
				metadata: record.metadata,
				version: record.version,
				timestamp: now,
			},
			clientToken,
		),
	};
}

export function deleteShadow(
	record: ShadowRecord | undefined,
	payload: Payload,
	context: OperationContext,
): DeleteOutcome {
	const {now} = context;
	const parsed = parseTokenOnly(payload, context.options.limits);
	if (!parsed.ok) return failure(parsed.rejection, now);
	const {clientToken} = parsed.value;
	if (record?.kind !== 'live')
		return failure(
			noSuchShadow(displayName(context.address)),
			now,
			clientToken,
		);

	return {
		ok: true,
		shadow: {kind: 'deleted', version: record.version + 1, deletedAt: now},
		accepted: withToken<DeleteAccepted>(
			{version: record.version, timestamp: now},
			clientToken,
		),
	};
}

function failure(
	rejection: Rejection,
	now: number,
	clientToken?: string,
): Failure {
	return {
		ok: false,
		rejection,
		error: errorDocument(rejection, now, clientToken),
	};
}
