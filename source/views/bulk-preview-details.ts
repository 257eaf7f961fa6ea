/*
The preview of a fleet edit, in the few lines under its question: how many
would be updated and refused, the first refusals with their reason, and a
sample of the deltas the devices would be told.
*/
import type {TargetPreview} from '../fleet/bulk-preview.js';
import {shortName} from '../shadow/topics.js';

const shownRefusals = 4;
const shownDeltas = 3;

export function bulkPreviewDetails(
	results: readonly TargetPreview[],
	width: number,
): string[] {
	const refused: string[] = [];
	const failed: string[] = [];
	const deltas: string[] = [];
	let updated = 0;
	for (const result of results) {
		if (result.kind === 'failed') {
			failed.push(
				`✗ ${shortName(result.address)}: could not be read: ${result.message}`,
			);
			continue;
		}

		const {rejection, delta} = result.preview;
		if (rejection) {
			// The fix first: it says what to do, and the width cuts the end.
			refused.push(
				`✗ ${shortName(result.address)}: ${rejection.code}: ${rejection.fix} (${rejection.message})`,
			);
			continue;
		}

		updated++;
		if (deltas.length < shownDeltas)
			deltas.push(
				`${shortName(result.address)} v${result.preview.from} → v${result.preview.to ?? '?'}: delta ${delta ? JSON.stringify(delta) : 'none (in sync)'}`,
			);
	}

	const cut = (line: string) =>
		line.length > width - 3
			? `${line.slice(0, Math.max(10, width - 4))}…`
			: line;
	return [
		`preview: ${updated} would be updated, ${refused.length} refused${failed.length > 0 ? `, ${failed.length} unreadable` : ''}`,
		...[...refused, ...failed].slice(0, shownRefusals).map(cut),
		...(refused.length + failed.length > shownRefusals
			? [`… ${refused.length + failed.length - shownRefusals} more refused`]
			: []),
		...deltas.map((line) => cut(`  ${line}`)),
	];
}
