/*
Help: every key of every mode, from the keymap (the mode help was opened
from comes first), scrolled with ↑↓ PgUp PgDn and searched with /. Each line
is cut with … at the width, never wrapped, so the overlay keeps its height.
*/
import {Box, Text} from 'ink';
import {helpLines, type HelpLine, type ModeKind} from './keymap.js';
import type {LineState} from './line-edit.js';
import {LineView} from './line-input.js';
import {wrapWords} from './wrap-words.js';

export type HelpState = {
	readonly from: ModeKind;
	readonly scroll: number;
	readonly search: LineState;
	/** True while / is being typed. */
	readonly searching: boolean;
};

/** The lines help shows for a search (all of them for none). */
export function shownHelpLines(from: ModeKind, search: string): HelpLine[] {
	const lines = helpLines(from);
	const wanted = search.trim().toLowerCase();
	if (wanted === '') return lines;
	const matches = (line: HelpLine) =>
		`${line.keys ?? ''} ${line.words ?? ''}`.toLowerCase().includes(wanted);
	// A heading stays when one of its keys matches.
	return lines.filter(
		(line, index) =>
			matches(line) ||
			(line.heading !== undefined &&
				lines
					.slice(index + 1, nextHeading(lines, index + 1))
					.some((key) => matches(key))),
	);
}

function nextHeading(lines: readonly HelpLine[], from: number): number {
	const index = lines.findIndex(
		(line, at) => at >= from && line.heading !== undefined,
	);
	return index === -1 ? lines.length : index;
}

/** A help line as drawn: a key's words wrap onto rows of their own, never cut. */
export type HelpRow = {
	readonly heading?: string;
	readonly keys: string;
	readonly words: string;
};

export function keyColumnWidth(width: number): number {
	return Math.min(24, Math.floor(width / 3));
}

/** The rows help draws at `width`: long words continue on the next row, under the words. */
export function helpRows(
	from: ModeKind,
	search: string,
	width: number,
): HelpRow[] {
	const keyColumn = keyColumnWidth(width);
	const room = Math.max(10, width - keyColumn - 3);
	return shownHelpLines(from, search).flatMap((line): HelpRow[] => {
		if (line.heading !== undefined)
			return [{heading: line.heading, keys: '', words: ''}];
		const keys = line.keys ?? '';
		const rows: HelpRow[] = [];
		// Keys wider than their column get a row of their own.
		if (keys.length > keyColumn) rows.push({keys, words: ''});
		const words = wrapWords(line.words ?? '', room);
		for (const [index, part] of words.entries())
			rows.push({
				keys: index === 0 && keys.length <= keyColumn ? keys : '',
				words: part,
			});
		return rows;
	});
}

/** Rows of help lines in a body of `height`: a title row and a row for the search. */
export function helpPageRows(height: number): number {
	return Math.max(1, height - 2);
}

export function HelpOverlay({
	state,
	width,
	height,
}: {
	readonly state: HelpState;
	readonly width: number;
	readonly height: number;
}) {
	const lines = helpRows(state.from, state.search.value, width);
	const rows = helpPageRows(height);
	const scroll = Math.max(0, Math.min(state.scroll, lines.length - rows));
	const page = lines.slice(scroll, scroll + rows);
	const more = scroll + rows < lines.length;
	const keyColumn = keyColumnWidth(width);
	return (
		<Box flexDirection="column" height={height} width={width}>
			<Text bold inverse wrap="truncate-end">
				{lines.length === 0
					? `  keys: none matches "${state.search.value}"`
					: `  keys  ${scroll + 1}-${scroll + page.length} of ${lines.length}${more ? ' (↓ more)' : ''}`}
			</Text>
			{page.map((line, index) =>
				line.heading === undefined ? (
					<Text key={index} wrap="truncate-end">
						{'  '}
						{line.keys.padEnd(keyColumn)} {line.words}
					</Text>
				) : (
					<Text key={index} bold wrap="truncate-end">
						{line.heading}
					</Text>
				),
			)}
			{state.searching || state.search.value !== '' ? (
				<Box>
					<Text bold>search/ </Text>
					<LineView
						line={state.search}
						width={width - 9}
						placeholder="words or a key"
					/>
				</Box>
			) : (
				<Text dimColor wrap="truncate-end">
					/ searches · Esc closes
				</Text>
			)}
		</Box>
	);
}
