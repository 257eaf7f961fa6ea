import {Box, Text} from 'ink';
import {useMemo} from 'react';
import type {HistoryEntry} from '../session/history.js';
import type {JsonObject} from '../shadow/json.js';
import {useColor} from './color.js';
import {diffLines, diffText} from './diff-lines.js';
import {DocumentPane} from './document-pane.js';
import {formatTime} from './header.js';

type Props = {
	readonly history: readonly HistoryEntry[];
	readonly selected: number;
	readonly show: 'diff' | 'document';
	readonly width: number;
	readonly height: number;
};

const markerColors = {'+': 'green', '-': 'red', '~': 'yellow'} as const;

export function summarize(
	entry: HistoryEntry,
	before: HistoryEntry | undefined,
): string {
	if (entry.kind === 'deleted')
		return `deleted (v${entry.version} was the last)`;
	if (before?.kind === 'deleted') return 'created again after the delete';
	if (!before || before.version !== entry.version - 1) {
		const keys =
			Object.keys(entry.state.desired ?? {}).length +
			Object.keys(entry.state.reported ?? {}).length;
		const count = `${keys} key${keys === 1 ? '' : 's'}`;
		return before
			? `${count} (versions between not seen)`
			: `${count} (first seen)`;
	}

	const lines = diffLines(before.state, entry.state);
	if (lines.length === 0) return 'no change';
	const first = lines[0];
	return `${first ? diffText(first) : ''}${lines.length > 1 ? ` (+${lines.length - 1} more)` : ''}`;
}

export function HistoryView({history, selected, show, width, height}: Props) {
	const color = useColor();
	const listHeight = Math.max(
		3,
		Math.min(history.length + 1, Math.floor(height / 2)),
	);
	const detailHeight = height - listHeight;
	const first = Math.max(
		0,
		Math.min(
			selected - Math.floor((listHeight - 1) / 2),
			history.length - (listHeight - 1),
		),
	);
	const rows = history.slice(first, first + listHeight - 1);
	const entry = history[selected];
	const before = history[selected + 1];
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
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text bold inverse>
				{`  history: ${history.length} version${history.length === 1 ? '' : 's'} seen, newest first${history.length > rows.length ? ` · rows ${first + 1}-${first + rows.length}${first > 0 ? ' (↑ newer)' : ''}${first + rows.length < history.length ? ' (↓ older)' : ''}` : ''}`}
			</Text>
			{rows.map((row, index) => {
				const position = first + index;
				return (
					<Text
						key={row.key}
						inverse={position === selected}
						wrap="truncate-end"
					>
						{position === selected ? '▸' : ' '}{' '}
						{row.kind === 'deleted' ? 'deleted' : `v${row.version}`}{' '}
						{formatTime(row.at)} {summarize(row, history[position + 1])}
					</Text>
				);
			})}
			{entry === undefined ? (
				<Text dimColor>no versions seen yet</Text>
			) : show === 'diff' ? (
				<Box flexDirection="column" height={detailHeight}>
					<Text bold>
						{before
							? `v${entry.version} against v${before.version}`
							: `v${entry.version} (nothing older seen)`}
						{diff.length === 0 ? ': no change' : ''}
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
