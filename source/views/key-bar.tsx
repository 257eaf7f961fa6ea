import {Box, Text} from 'ink';
import {useColor} from './color.js';

export type KeyHint = readonly [key: string, action: string];

type Props = {readonly hints: readonly KeyHint[]; readonly width: number};

/** The keys of the current mode, as many as fit on one line. */
export function KeyBar({hints, width}: Props) {
	const color = useColor();
	const shown: KeyHint[] = [];
	let used = 0;
	for (const hint of hints) {
		const size = hint[0].length + hint[1].length + 3;
		if (used + size > width) break;
		shown.push(hint);
		used += size;
	}

	return (
		<Box>
			{shown.map(([key, action]) => (
				<Text key={key}>
					<Text inverse color={color('cyan')}>
						{key}
					</Text>
					<Text> {action} </Text>
				</Text>
			))}
		</Box>
	);
}
