import {Box, Text} from 'ink';
import type {ConsoleSnapshot} from '../session/console-session.js';
import {useColor} from './color.js';

type Props = {readonly snapshot: ConsoleSnapshot; readonly width: number};

const connectionColor: Readonly<Record<string, 'green' | 'yellow' | 'red'>> = {
	connected: 'green',
	connecting: 'yellow',
	reconnecting: 'yellow',
	offline: 'red',
	closed: 'red',
};

/** The console's own connection and the device's presence, on one line. */
export function StatusBar({snapshot, width}: Props) {
	const color = useColor();
	const {connection, deviceOnline, lockVersion} = snapshot;
	const device =
		deviceOnline === undefined
			? 'device: unknown'
			: deviceOnline
				? 'device: online'
				: 'device: offline';
	const status =
		connection.status === 'connecting' ? 'connecting…' : connection.status;
	return (
		<Box width={width} height={1} overflow="hidden">
			<Text wrap="truncate-end">
				<Text color={color(connectionColor[connection.status] ?? 'yellow')}>
					● {status}
				</Text>
				{` ${connection.url} · `}
				<Text
					color={color(
						deviceOnline === undefined
							? 'gray'
							: deviceOnline
								? 'green'
								: 'red',
					)}
				>
					{device}
				</Text>
				<Text dimColor>
					{` · edits ${lockVersion ? 'locked to version' : 'unlocked'}`}
				</Text>
				{/* Last, so that a long reason never hides presence. */}
				{connection.error ? ` · ${connection.error}` : ''}
			</Text>
		</Box>
	);
}
