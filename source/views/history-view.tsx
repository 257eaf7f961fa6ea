/*
The history: one row per version (newest first) with when, who wrote it
and what changed; under it the selected version as a diff (against the one
before, or against the version marked with Space) or whole, and the trend
of a numeric key when one is chosen (t).
*/
import {Box, Text} from 'ink';
import {useMemo} from 'react';
import type {ConsoleSnapshot} from '../session/console-session.js';
import type {HistoryEntry, HistoryWriter} from '../session/history.js';
import type {JsonObject} from '../shadow/json.js';
import {useColor} from './color.js';
import {diffLines, diffText} from './diff-lines.js';
import {DocumentPane} from './document-pane.js';
import {formatTime} from './header.js';
import {trendLine} from './history-trend.js';

type Props = {
	readonly history: readonly HistoryEntry[];
	readonly source: ConsoleSnapshot['historySource'];
	readonly selected: number;
	readonly show: 'diff' | 'document';
	/** The key of the entry marked with Space. */
	readonly mark?: string | undefined;
	readonly trend?: string | undefined;
	readonly width: number;
	readonly height: number;
};

const markerColors = {'+': 'green', '-': 'red', '~': 'yellow'} as const;

const sources = {
	journal: "the service's journal",
	seen: 'versions seen by consoles here (the service keeps no journal)',
	console: 'seen by this console',
} as const;

export function summarize(
	entry: HistoryEntry,
	before: HistoryEntry | undefined,
	source: ConsoleSnapshot['historySource'] = 'console',
): string {
	if (entry.kind === 'deleted')
		return `deleted (v${entry.version} was the last)`;
	if (before?.kind === 'deleted') return 'created again after the delete';
	if (!before || before.version !== entry.version - 1) {
		const keys =
			Object.keys(entry.state.desired ?? {}).length +
			Object.keys(entry.state.reported ?? {}).length;
		const count = `${keys} key${keys === 1 ? '' : 's'}`;
		if (!before && entry.version === 1) return `created with ${count}`;
		if (source === 'journal')
			return before
				? `${count} (versions between not in the journal)`
				: `${count} (the oldest the journal keeps)`;
		return before
			? `${count} (versions between not seen)`
			: `${count} (first seen)`;
	}

	const lines = diffLines(before.state, entry.state);
	if (lines.length === 0) return 'no change';
	const first = lines[0];
	return `${first ? diffText(first) : ''}${lines.length > 1 ? ` (+${lines.length - 1} more)` : ''}`;
}

/** Who wrote it, short: a signed-in name, else the client id, else the channel. */
export function writerLabel(writer: HistoryWriter | undefined): string {
	if (!writer) return '';
	if (writer.principal && writer.principal !== 'local') return writer.principal;
	return writer.clientId ?? writer.channel;
}

function fitWriter(writer: string, width: number): string {
	const characters = Array.from(writer);
	return characters.length > width
		? `${characters.slice(0, width - 1).join('')}…`
		: writer.padEnd(width);
}

function writerInFull(writer: HistoryWriter | undefined): string {
	if (!writer) return '';
	const parts = [
		writer.clientId ? `client ${writer.clientId}` : undefined,
		writer.principal ? `as ${writer.principal}` : undefined,
		`over ${writer.channel.toUpperCase()}`,
	].filter(Boolean);
	return ` · ${parts.join(' ')}`;
}

export function HistoryView({
	history,
	source,
	selected,
	show,
	mark,
	trend,
	width,
	height,
}: Props) {
	const color = useColor();
	const trendShown = trend ? trendLine(history, trend, width - 2) : undefined;
	const trendRows = trendShown ? 2 : 0;
	const listHeight = Math.max(
		3,
		Math.min(history.length + 1, Math.floor((height - trendRows) / 2)),
	);
	const detailHeight = height - listHeight - trendRows;
	const first = Math.max(
		0,
		Math.min(
			selected - Math.floor((listHeight - 1) / 2),
			history.length - (listHeight - 1),
		),
	);
	const rows = history.slice(first, first + listHeight - 1);
	const entry = history[selected];
	const marked = mark ? history.find((each) => each.key === mark) : undefined;
	const before =
		marked && marked.key !== entry?.key ? marked : history[selected + 1];
	const diff = useMemo(
		() =>
			entry
				? diffLines(
						before?.state as JsonObject | undefined,
						entry.state as JsonObject,
					)
				: [],
		[entry, before],
	);
	const label = (row: HistoryEntry) =>
		row.kind === 'deleted' ? 'deleted' : `v${row.version}`;
	const versionWidth = Math.max(0, ...rows.map((row) => label(row).length));
	const writerWidth = Math.min(
		20,
		Math.max(0, ...rows.map((row) => writerLabel(row.writer).length)),
	);
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text bold inverse wrap="truncate-end">
				{`  history: ${history.length} version${history.length === 1 ? '' : 's'}, ${sources[source]}, newest first${history.length > rows.length ? ` · rows ${first + 1}-${first + rows.length}` : ''}`}
			</Text>
			{rows.map((row, index) => {
				const position = first + index;
				const writer = writerLabel(row.writer);
				return (
					<Text
						key={row.key}
						inverse={position === selected}
						wrap="truncate-end"
					>
						{position === selected ? '▸' : row.key === mark ? '*' : ' '}{' '}
						{label(row).padEnd(versionWidth)} {formatTime(row.at)}{' '}
						{writerWidth > 0 ? `${fitWriter(writer, writerWidth)} ` : ''}
						{summarize(row, history[position + 1], source)}
					</Text>
				);
			})}
			{trendShown ? (
				<>
					<Text wrap="truncate-end">
						<Text bold>{`trend ${trendShown.key}`}</Text>
						{`  ${trendShown.summary}`}
					</Text>
					<Text color={color('cyan')} wrap="truncate-end">
						{trendShown.count === 0
							? '  (no numeric values of this key in these versions)'
							: `  ${trendShown.line}`}
					</Text>
				</>
			) : null}
			{entry === undefined ? (
				<Text dimColor>no versions yet</Text>
			) : show === 'diff' ? (
				<Box flexDirection="column" height={detailHeight}>
					<Text bold wrap="truncate-end">
						{entry.kind === 'deleted'
							? `deleted (v${entry.version} was the last)`
							: before
								? `v${entry.version} against ${before.kind === 'deleted' ? 'the delete' : `v${before.version}`}${before === marked ? ' (marked)' : ''}`
								: `v${entry.version} (nothing older)`}
						{diff.length === 0 ? ': no change' : ''}
						{writerInFull(entry.writer)}
					</Text>
					{diff.slice(0, Math.max(0, detailHeight - 1)).map((line, index) => (
						<Text
							key={index}
							color={color(markerColors[line.marker])}
							wrap="truncate-end"
						>
							{diffText(line)}
						</Text>
					))}
				</Box>
			) : (
				<DocumentPane
					title={`v${entry.version} as a whole`}
					document={entry.state}
					width={width}
					height={detailHeight}
					scroll={0}
					focused={false}
					empty="(empty)"
				/>
			)}
		</Box>
	);
}
