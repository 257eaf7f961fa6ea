import {Box, Text} from 'ink';
import type {ConsoleSnapshot} from '../session/console-session.js';
import {useColor} from './color.js';

type Props = {readonly snapshot: ConsoleSnapshot};

const connectionColor = {
	connected: 'green',
	reconnecting: 'yellow',
	offline: 'red',
	closed: 'red',
} as const;

export function StatusBar({snapshot}: Props) {
	const color = useColor();
	const {connection, deviceOnline, lockVersion} = snapshot;
	const device =
		deviceOnline === undefined
			? 'device: unknown'
			: deviceOnline
				? 'device: online'
				: 'device: offline';
	return (
		<Box>
			<Text color={color(connectionColor[connection.status])}>
				● {connection.status}
			</Text>
			<Text> {connection.url} · </Text>
			<Text
				color={color(
					deviceOnline === undefined ? 'gray' : deviceOnline ? 'green' : 'red',
				)}
			>
				{device}
			</Text>
			<Text dimColor>
				{' '}
				· edits {lockVersion ? 'locked to version' : 'unlocked'}
			</Text>
		</Box>
	);
}
