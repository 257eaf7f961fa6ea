import {Box, Text} from 'ink';
import type {DeviceView} from '../session/console-session.js';
import {useColor} from './color.js';

/** The device role's incoming delta, where it cannot be missed. */
export function DeltaBanner({
	device,
	width,
}: {
	readonly device: DeviceView;
	readonly width: number;
}) {
	const color = useColor();
	const {pending, lastDelta} = device;
	if (pending) {
		return (
			<Box width={width} height={1} overflow="hidden">
				<Text wrap="truncate-end">
					<Text> a accept · x decline </Text>
					<Text bold inverse color={color('yellow')}>
						{` ! delta v${pending.version} ${JSON.stringify(pending.delta)} `}
					</Text>
				</Text>
			</Box>
		);
	}

	return (
		<Text color={color('magenta')} wrap="truncate-end">
			{lastDelta
				? `» delta v${lastDelta.version} ${JSON.stringify(lastDelta.delta)}: ${lastDelta.outcome}`
				: '» device role: waiting for deltas'}
		</Text>
	);
}
