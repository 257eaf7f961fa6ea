/*
update --dry-run: what the update would do to the shadow as the service has
it now, and nothing sent. The shadow is read with a get; the engine's own
rules decide (preview-update.ts), so a refusal reads as the service's would.
*/
import type {JsonObject} from '../shadow/json.js';
import type {UpdatePreview} from '../shadow/preview-update.js';
import type {UpdateRequest} from '../shadow/request.js';
import type {ShadowAddress} from '../shadow/topics.js';

export {dryRunUpdate} from '../client/dry-run-update.js';

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
