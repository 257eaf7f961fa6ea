/*
One traffic message in full (Enter in the inspector): the lines of
traffic-detail-lines.ts, scrolled.
*/
import {Box, Text} from 'ink';
import {useMemo} from 'react';
import type {TrafficEntry} from '../traffic/traffic-log.js';
import {useColor} from './color.js';
import {detailLines, type DetailLine} from './traffic-detail-lines.js';

type Props = {
	readonly entry: TrafficEntry | undefined;
	/** A request's answer, when it is in the buffer. */
	readonly answer?: TrafficEntry;
	readonly answerTimeoutMs: number;
	readonly scroll: number;
	readonly width: number;
	readonly height: number;
};

const toneColors: Record<NonNullable<DetailLine['tone']>, string> = {
	heading: 'cyan',
	error: 'red',
	added: 'green',
	removed: 'red',
	changed: 'yellow',
	dim: 'gray',
};

/** How far the detail of a message can scroll at this size. */
export function detailScrollLimit(
	entry: TrafficEntry | undefined,
	answerTimeoutMs: number,
	width: number,
	height: number,
): number {
	if (!entry) return 0;
	return Math.max(
		0,
		detailLines(entry, answerTimeoutMs, width).length - (height - 1),
	);
}

export function TrafficDetail({
	entry,
	answer,
	answerTimeoutMs,
	scroll,
	width,
	height,
}: Props) {
	const color = useColor();
	const lines = useMemo(
		() => (entry ? detailLines(entry, answerTimeoutMs, width, answer) : []),
		[entry, answer, answerTimeoutMs, width],
	);
	if (!entry)
		return (
			<Box height={height}>
				<Text dimColor>the message is no longer in the buffer</Text>
			</Box>
		);
	const rows = height - 1;
	const first = Math.max(0, Math.min(scroll, lines.length - rows));
	const shown = lines.slice(first, first + rows);
	const below = lines.length - first - shown.length;
	return (
		<Box flexDirection="column" width={width} height={height}>
			{shown.map((line, index) => (
				<Text
					key={first + index}
					bold={line.tone === 'heading'}
					color={line.tone ? color(toneColors[line.tone]) : undefined}
					wrap="truncate-end"
				>
					{line.text === '' ? ' ' : line.text}
				</Text>
			))}
			<Box flexGrow={1} />
			<Text dimColor wrap="truncate-end">
				{`${first > 0 ? `↑${first} ` : ''}${below > 0 ? `↓ ${below} more line${below === 1 ? '' : 's'}` : 'end'}`}
			</Text>
		</Box>
	);
}
