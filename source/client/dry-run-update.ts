/*
What an update would do to the shadow as the service has it now, with
nothing sent: the shadow is read with a get and the engine's own rules
decide (preview-update.ts), so a refusal reads as the service's would.
*/
import {ShadowRejectedError} from './shadow-errors.js';
import type {ShadowClient} from './shadow-client.js';
import {defaultEngineOptions} from '../shadow/limits.js';
import {previewUpdate, type UpdatePreview} from '../shadow/preview-update.js';
import type {GetAccepted} from '../shadow/replies.js';
import type {UpdateRequest} from '../shadow/request.js';
import type {LiveShadow} from '../shadow/shadow-record.js';
import type {ShadowAddress} from '../shadow/topics.js';

export async function dryRunUpdate(
	client: ShadowClient,
	address: ShadowAddress,
	request: UpdateRequest,
): Promise<UpdatePreview> {
	let current: GetAccepted | undefined;
	try {
		current = await client.get(address);
	} catch (error: unknown) {
		if (!(error instanceof ShadowRejectedError && error.code === 404))
			throw error;
	}

	return previewUpdate(current ? liveOf(current) : undefined, request, {
		address,
		now: Math.floor(Date.now() / 1000),
		options: defaultEngineOptions,
	});
}

function liveOf(shadow: GetAccepted): LiveShadow {
	const {delta: _delta, ...state} = shadow.state;
	return {
		kind: 'live',
		state,
		metadata: shadow.metadata,
		version: shadow.version,
		updatedAt: shadow.timestamp,
	};
}
