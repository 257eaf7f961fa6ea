/*
A bulk update previewed before it is sent (update --match/--query
--dry-run, the console's fleet edit): each target read with a get, as many
at once as a bulk run sends, and the engine's own rules applied
(dry-run-update.ts); then how many would be updated, which would be refused
and why, and the deltas of the first few.
*/
import {dryRunUpdate} from '../client/dry-run-update.js';
import {ShadowRejectedError} from '../client/shadow-errors.js';
import type {ShadowClient} from '../client/shadow-client.js';
import type {UpdatePreview} from '../shadow/preview-update.js';
import type {UpdateRequest} from '../shadow/request.js';
import {shortName, type ShadowAddress} from '../shadow/topics.js';

/** As many gets in flight as a bulk run sends updates. */
const concurrency = 64;
/** Deltas shown of the shadows that would be updated. */
export const sampleSize = 5;

export type TargetPreview = {
	readonly address: ShadowAddress;
} & (
	| {readonly kind: 'preview'; readonly preview: UpdatePreview}
	| {readonly kind: 'failed'; readonly message: string}
);

/** Every target's preview, in the targets' order, `concurrency` gets at a time. */
export async function previewAll(
	client: ShadowClient,
	addresses: readonly ShadowAddress[],
	request: UpdateRequest,
): Promise<TargetPreview[]> {
	const results: TargetPreview[] = [];
	let next = 0;
	const worker = async () => {
		while (next < addresses.length) {
			const index = next++;
			const address = addresses[index];
			if (address === undefined) continue;
			try {
				const preview = await dryRunUpdate(client, address, request);
				results[index] = {address, kind: 'preview', preview};
			} catch (error: unknown) {
				results[index] = {
					address,
					kind: 'failed',
					message:
						error instanceof ShadowRejectedError
							? `${error.code} ${error.reason}`
							: error instanceof Error
								? error.message
								: String(error),
				};
			}
		}
	};

	await Promise.all(
		Array.from({length: Math.min(concurrency, addresses.length)}, worker),
	);
	return results;
}

type Tally = {
	readonly updated: (TargetPreview & {kind: 'preview'})[];
	readonly refused: (TargetPreview & {kind: 'preview'})[];
	readonly failed: (TargetPreview & {kind: 'failed'})[];
};

function tally(results: readonly TargetPreview[]): Tally {
	const counts: Tally = {updated: [], refused: [], failed: []};
	for (const result of results) {
		if (result.kind === 'failed') counts.failed.push(result);
		else if (result.preview.rejection) counts.refused.push(result);
		else counts.updated.push(result);
	}

	return counts;
}

/** How much of a patch or a delta a line of the text output shows. */
const shownChars = 120;
const cut = (value: unknown) => {
	const text = JSON.stringify(value);
	return text.length > shownChars ? `${text.slice(0, shownChars)}…` : text;
};

const at = (version: number) =>
	version === 0 ? 'does not exist yet' : `at v${version}`;

/** The bulk preview as a person reads it: the counts, every refusal, the first deltas. */
export function bulkPreviewLines(
	request: UpdateRequest,
	results: readonly TargetPreview[],
	selection: string,
): string[] {
	const {updated, refused, failed} = tally(results);
	const total = results.length;
	const sample = updated.slice(0, sampleSize);
	return [
		'dry run: nothing was sent',
		`patch: ${cut(request.state)}`,
		`${total} shadow${total === 1 ? '' : 's'} match${total === 1 ? 'es' : ''} ${selection}: ${updated.length} would be updated, ${refused.length} would be refused${failed.length > 0 ? `, ${failed.length} could not be read` : ''}`,
		...refused.flatMap(({address, preview}) => [
			`✗ ${shortName(address)} (${at(preview.from)}): would be refused: ${preview.rejection?.code ?? ''} ${preview.rejection?.message ?? ''}`,
			`  ${preview.rejection?.fix ?? ''}`,
		]),
		...failed.map(
			({address, message}) =>
				`✗ ${shortName(address)}: could not be read: ${message}`,
		),
		...(sample.length === 0
			? []
			: [
					`deltas (${sample.length === updated.length ? `all ${updated.length}` : `first ${sample.length} of ${updated.length}`} that would be updated):`,
					...sample.map(
						({address, preview}) =>
							`  ${shortName(address)} (${at(preview.from)}, would be v${preview.to ?? '?'}): ${preview.delta ? cut(preview.delta) : '(none: in sync)'}`,
					),
				]),
	];
}

/** The bulk preview for scripts: one object. */
export function bulkPreviewRecord(
	request: UpdateRequest,
	results: readonly TargetPreview[],
): unknown {
	const {updated, refused, failed} = tally(results);
	return {
		dryRun: true,
		patch: request.state,
		total: results.length,
		wouldUpdate: updated.length,
		wouldRefuse: refused.length,
		failed: failed.length,
		refused: refused.map(({address, preview}) => ({
			...address,
			from: preview.from,
			rejection: preview.rejection,
			sizes: preview.sizes,
		})),
		errors: failed.map(({address, message}) => ({...address, message})),
		sample: updated.slice(0, sampleSize).map(({address, preview}) => ({
			...address,
			from: preview.from,
			to: preview.to,
			delta: preview.delta ?? null,
			sizes: preview.sizes,
		})),
	};
}
