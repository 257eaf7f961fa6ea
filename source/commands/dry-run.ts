/*
update --dry-run: what the update would do to the shadow as the service has
it now, and nothing sent. The shadow is read with a get; the engine's own
rules decide (preview-update.ts), so a refusal reads as the service's would.
*/
import {ShadowRejectedError} from '../client/shadow-errors.js';
import type {ShadowClient} from '../client/shadow-client.js';
import type {JsonObject} from '../shadow/json.js';
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

const bytes = (value: number) => `${value.toLocaleString('en-US')} B`;
const compact = (value: JsonObject | undefined) =>
	value === undefined ? '(none)' : JSON.stringify(value);

/** The preview as a person reads it: one fact a line. */
export function previewLines(
	address: ShadowAddress,
	request: UpdateRequest,
	preview: UpdatePreview,
): string[] {
	const name =
		address.shadowName === ''
			? `${address.thingName} (classic shadow)`
			: `${address.thingName} (shadow ${address.shadowName})`;
	const {sizes} = preview;
	const percent = Math.round((sizes.total / sizes.limit) * 100);
	return [
		'dry run: nothing was sent',
		`${name}: ${preview.from === 0 ? 'does not exist yet' : `at v${preview.from}`}${preview.to === undefined ? '' : `, would be v${preview.to}`}`,
		`patch:    ${JSON.stringify(request.state)}`,
		`desired:  ${compact(preview.state.desired)}`,
		`reported: ${compact(preview.state.reported)}`,
		`delta:    ${preview.rejection ? '(not computed)' : preview.delta ? JSON.stringify(preview.delta) : '(none: in sync)'}`,
		`size:     desired ${bytes(sizes.desired)} + reported ${bytes(sizes.reported)} = ${bytes(sizes.total)} of ${bytes(sizes.limit)} (${percent}%)`,
		...(preview.rejection
			? [
					`✗ would be refused: ${preview.rejection.code} ${preview.rejection.message}`,
					`  ${preview.rejection.fix}`,
				]
			: []),
	];
}
