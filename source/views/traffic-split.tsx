/*
The traffic beside the panes on a wide terminal (I): the newest messages of
the open shadow, one short row each, so a change and the messages that made
it are seen together. i opens the whole inspector.
*/
import {Box, Text} from 'ink';
import type {TrafficSnapshot} from '../session/traffic-session.js';
import {outcomeText, sourceMark} from '../traffic/traffic-format.js';
import {useColor} from './color.js';
import {fitText} from './fleet-view.js';
import {rowTone} from './traffic-rows.js';

/** Columns from which the split shows beside the three panes. */
export const splitColumns = 150;
/** What the split takes of a wide terminal. */
export function splitWidth(columns: number): number {
	return Math.max(40, Math.floor(columns * 0.34));
}

type Props = {
	readonly traffic: TrafficSnapshot;
	readonly width: number;
	readonly height: number;
};

export function TrafficSplit({traffic, width, height}: Props) {
	const color = useColor();
	const rows = traffic.shown.slice(-(height - 1));
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text bold wrap="truncate-end">
				{fitText(`  traffic (${traffic.shown.length}) · i opens it`, width)}
			</Text>
			{traffic.error ? (
				<Text color={color('red')} wrap="truncate-end">
					{fitText(`✗ ${traffic.error}`, width)}
				</Text>
			) : null}
			{rows.map((entry) => {
				const tone = rowTone(entry);
				const time = new Date(entry.at).toTimeString().slice(0, 8);
				const version = entry.version === undefined ? '' : ` v${entry.version}`;
				return (
					<Text
						key={entry.seq}
						color={
							tone === 'error'
								? color('red')
								: tone === 'warning'
									? color('yellow')
									: undefined
						}
						wrap="truncate-end"
					>
						{fitText(
							`${time} ${sourceMark(entry)} ${entry.short}${version} ${outcomeText(entry)}`,
							width,
						)}
					</Text>
				);
			})}
		</Box>
	);
}
