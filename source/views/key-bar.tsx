import {Box, Text} from 'ink';
import {useColor} from './color.js';
import type {BarHint} from './keymap.js';

type Props = {readonly hints: readonly BarHint[]; readonly width: number};

/** The keys of the current mode that fit one line (keymap.ts chooses them). */
export function KeyBar({hints, width}: Props) {
	const color = useColor();
	return (
		<Box width={width} height={1} overflow="hidden">
			{hints.map(([key, action]) => (
				<Text key={key} wrap="truncate-end">
					<Text inverse color={color('cyan')}>
						{key}
					</Text>
					<Text>{` ${action} `}</Text>
				</Text>
			))}
		</Box>
	);
}
