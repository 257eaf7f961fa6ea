/*
The traffic inspector (i): the messages of what it watches, newest last, one
row each, the selected one's explanation under the list. The selection
follows the newest message until the user moves it; then it stays on its
message as more arrive.
*/
import {Box, Text} from 'ink';
import type {TrafficSnapshot} from '../session/traffic-session.js';
import {describeScope} from '../traffic/topic-filter.js';
import {outcomeText, shadowLabel} from '../traffic/traffic-format.js';
import type {TrafficEntry} from '../traffic/traffic-log.js';
import {useColor} from './color.js';
import {fitText} from './fleet-view.js';
import {rowTone, trafficRow, type RowTone} from './traffic-rows.js';
import {wrapWords} from './wrap-words.js';

type Props = {
	readonly traffic: TrafficSnapshot;
	/** The selected message's seq; undefined follows the newest. */
	readonly selected: number | undefined;
	readonly width: number;
	readonly height: number;
};

const toneColors: Record<RowTone, string | undefined> = {
	error: 'red',
	warning: 'yellow',
	console: 'cyan',
	plain: undefined,
};

/** The index in `shown` of the selection (the newest when following). */
export function selectedIndex(
	shown: readonly TrafficEntry[],
	selected: number | undefined,
): number {
	if (selected === undefined) return shown.length - 1;
	const index = shown.findIndex((entry) => entry.seq === selected);
	if (index !== -1) return index;
	// Filtered out or dropped from the buffer: the nearest newer one.
	const newer = shown.findIndex((entry) => entry.seq > selected);
	return newer === -1 ? shown.length - 1 : newer;
}

/** The lines under the list about the selected message: its outcome, why, and the fix. */
export function summaryLines(
	entry: TrafficEntry | undefined,
	width: number,
): string[] {
	if (!entry) return [];
	const room = Math.max(20, width - 1);
	if (entry.explanation)
		return [
			...wrapWords(`why: ${entry.explanation.summary}`, room),
			...wrapWords(`fix: ${entry.explanation.fix}`, room),
		].slice(0, 4);
	const outcome = outcomeText(entry);
	return [
		fitText(
			`${entry.topic}${outcome ? ` · ${outcome}` : ''}${entry.unparsed ? ` · ${entry.unparsed.reason}` : ''}`,
			room,
		),
	];
}

export function TrafficView({traffic, selected, width, height}: Props) {
	const color = useColor();
	const {shown} = traffic;
	const index = selectedIndex(shown, selected);
	const entry = shown[index];
	const summary = summaryLines(entry, width);
	const listRows = Math.max(
		1,
		height - 2 - summary.length - (traffic.error ? 1 : 0),
	);
	const first = Math.max(
		0,
		Math.min(
			index - listRows + 1 + Math.floor(listRows / 3),
			shown.length - listRows,
		),
	);
	const start =
		selected === undefined ? Math.max(0, shown.length - listRows) : first;
	const rows = shown.slice(start, start + listRows);
	const column =
		traffic.scope.kind === 'shadow'
			? 'none'
			: traffic.scope.kind === 'thing'
				? 'shadow'
				: 'thing';
	const count =
		traffic.filter === ''
			? `${shown.length} message${shown.length === 1 ? '' : 's'}`
			: `${shown.length} of ${traffic.entries.length} match "${traffic.filter}"`;
	const title = `traffic · ${describeScope(traffic.scope)} · ${count} · keeps ${traffic.capacity}${traffic.dropped > 0 ? ` (${traffic.dropped} older dropped)` : ''}${selected === undefined ? ' · following' : ''}${traffic.note ? ` · ${traffic.note}` : ''}`;
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text bold inverse wrap="truncate-end">
				{fitText(` ${title}`, width)}
			</Text>
			{traffic.error ? (
				<Text color={color('red')} wrap="truncate-end">
					{`✗ ${traffic.error}`}
				</Text>
			) : shown.length === 0 ? (
				<Text dimColor wrap="truncate-end">
					{traffic.entries.length === 0
						? traffic.status === 'starting'
							? 'subscribing…'
							: `no messages yet on ${describeScope(traffic.scope)}; they show as they pass`
						: 'no message matches the filter (/ changes it)'}
				</Text>
			) : null}
			{rows.map((row) => {
				const isSelected = row.seq === entry?.seq;
				return (
					<Text
						key={row.seq}
						inverse={isSelected}
						color={color(toneColors[rowTone(row)] ?? '')}
						wrap="truncate-end"
					>
						{isSelected ? '▸' : ' '}
						{trafficRow(row, width - 1, column)}
					</Text>
				);
			})}
			<Box flexGrow={1} />
			<Text dimColor wrap="truncate-end">
				{entry
					? fitText(
							`#${entry.seq} ${entry.short}${entry.address ? ` ${shadowLabel(entry.address)}` : ''} · Enter: payload and diff`,
							width,
						)
					: ''}
			</Text>
			{summary.map((line, row) => (
				<Text
					key={row}
					color={entry?.explanation ? color('red') : undefined}
					wrap="truncate-end"
				>
					{line}
				</Text>
			))}
		</Box>
	);
}
