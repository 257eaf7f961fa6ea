import {Box, Text} from 'ink';
import type {ConsoleSnapshot} from '../session/console-session.js';
import {useColor} from './color.js';

export function formatTime(epochSeconds: number): string {
	return new Date(epochSeconds * 1000)
		.toISOString()
		.replace('T', ' ')
		.slice(0, 19);
}

type Props = {readonly snapshot: ConsoleSnapshot};

export function Header({snapshot}: Props) {
	const color = useColor();
	const {address, role, shadow} = snapshot;
	const shadowName =
		address.shadowName === ''
			? 'classic shadow'
			: `shadow ${address.shadowName}`;
	const version = shadow
		? `v${shadow.version}`
		: shadow === null
			? 'no shadow yet'
			: 'loading…';
	return (
		<Box>
			<Text bold color={color('cyan')}>
				{address.thingName}
			</Text>
			<Text>
				{' '}
				{shadowName} · role{' '}
				<Text bold>{role === 'app' ? 'app' : 'device'}</Text> · {version}
				{shadow ? ` · changed ${formatTime(shadow.changedAt)}` : ''}
				{snapshot.busy ? ' · …' : ''}
			</Text>
		</Box>
	);
}
