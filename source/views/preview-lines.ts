/*
The preview of a write as lines for the console: what it sets, what the
document becomes (as a diff of the sections), the delta the device will be
told, the size against the 8 KB limit, and a refusal with what to do. Pure:
preview-view.tsx draws it, tests read it.
*/
import type {ConsoleSnapshot, ShownShadow} from '../session/console-session.js';
import {
	previewWrite,
	type ProposedWrite,
	type WritePreview,
} from '../session/write-preview.js';
import {diffLines, diffText} from './diff-lines.js';
import type {Mode} from './modes.js';

export type PreviewLine = {
	readonly text: string;
	readonly tone?: 'title' | 'added' | 'removed' | 'changed' | 'bad' | 'note';
};

const bytes = (value: number) => `${value.toLocaleString('en-US')} B`;
const tones = {'+': 'added', '-': 'removed', '~': 'changed'} as const;

export function previewLines(
	write: ProposedWrite,
	preview: WritePreview,
	shown: ShownShadow | null | undefined,
): PreviewLine[] {
	const {sizes, rejection} = preview;
	const target =
		preview.to === undefined
			? `v${preview.from}`
			: `v${preview.from} → v${preview.to}`;
	const lock =
		write.version === undefined ? 'not version-locked' : 'version-locked';
	const changes = diffLines(shown?.state ?? {}, preview.state);
	const percent = Math.round((sizes.total / sizes.limit) * 100);
	return [
		{text: `preview: ${write.label} · ${target} · ${lock}`, tone: 'title'},
		{text: `sends    ${JSON.stringify({state: write.state})}`},
		...(changes.length === 0
			? [{text: 'changes  nothing: the document stays as it is'}]
			: changes.map((line, index): PreviewLine => ({
					text: `${index === 0 ? 'changes  ' : '         '}${diffText(line)}`,
					tone: tones[line.marker],
				}))),
		{
			text: `delta    ${
				rejection
					? '(not computed)'
					: preview.delta
						? `${JSON.stringify(preview.delta)} (the device is told this)`
						: 'none: desired and reported agree'
			}`,
		},
		{
			text: `size     desired ${bytes(sizes.desired)} + reported ${bytes(sizes.reported)} = ${bytes(sizes.total)} of ${bytes(sizes.limit)} (${percent}%)`,
			...(sizes.total > sizes.limit ? {tone: 'bad' as const} : {}),
		},
		...(preview.rebased
			? [{text: preview.rebased, tone: 'note' as const}]
			: []),
		...(rejection
			? [
					{
						text: `✗ the service would refuse it: ${rejection.code} ${rejection.message}`,
						tone: 'bad' as const,
					},
					{
						text: `  ${
							rejection.code === 409
								? `the shadow is at v${preview.from} now, not v${write.version ?? '?'}: Esc, then open this again to preview it on v${preview.from}`
								: rejection.fix
						}`,
						tone: 'bad' as const,
					},
				]
			: []),
	];
}

/** The lines of a preview mode against the shadow as the console shows it now. */
export function previewModeLines(
	mode: Extract<Mode, {kind: 'preview'}>,
	snapshot: ConsoleSnapshot,
	now: number,
): PreviewLine[] {
	const preview = previewWrite(snapshot.shadow, mode.write, {
		address: snapshot.address,
		now,
		...(mode.base ? {base: mode.base} : {}),
	});
	return previewLines(mode.write, preview, snapshot.shadow);
}

/** Continuation rows start under the values, after the labels' column (`sends    `). */
const hangingIndent = 9;

/**
The lines cut into rows of the width, nothing dropped: a preview that hid
the end of what it sends would not be one. The title stays one row.
*/
export function wrapPreview(
	lines: readonly PreviewLine[],
	width: number,
): PreviewLine[] {
	const room = Math.max(hangingIndent + 10, width - 1);
	const rows: PreviewLine[] = [];
	for (const line of lines) {
		const characters = Array.from(line.text);
		if (line.tone === 'title' || characters.length <= room) {
			rows.push(line);
			continue;
		}

		const indent = ' '.repeat(hangingIndent);
		rows.push({...line, text: characters.slice(0, room).join('')});
		for (
			let start = room;
			start < characters.length;
			start += room - hangingIndent
		)
			rows.push({
				...line,
				text:
					indent +
					characters.slice(start, start + room - hangingIndent).join(''),
			});
	}

	return rows;
}
