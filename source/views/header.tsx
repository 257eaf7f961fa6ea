import {Box, Text} from 'ink';
import type {ConsoleSnapshot} from '../session/console-session.js';
import {useColor} from './color.js';

export function formatTime(epochSeconds: number): string {
	return new Date(epochSeconds * 1000)
		.toISOString()
		.replace('T', ' ')
		.slice(0, 19);
}

type Props = {readonly snapshot: ConsoleSnapshot; readonly width: number};

/** Thing, shadow, role and version on one line, cut with … when narrow. */
export function Header({snapshot, width}: Props) {
	const color = useColor();
	const {address, role, shadow} = snapshot;
	const shadowName =
		address.shadowName === ''
			? 'classic shadow'
			: `shadow ${address.shadowName}`;
	const version = shadow
		? `v${shadow.version}`
		: shadow === null
			? snapshot.deleted
				? `deleted at v${snapshot.deleted.version}`
				: 'no shadow'
			: 'loading…';
	// A shadow without metadata (an empty one) has no time of change to show.
	const changed =
		shadow && shadow.changedAt > 0
			? ` · changed ${formatTime(shadow.changedAt)}`
			: '';
	return (
		<Box width={width} height={1} overflow="hidden">
			<Text wrap="truncate-end">
				<Text bold color={color('cyan')}>
					{address.thingName}
				</Text>
				{` ${shadowName} · role `}
				<Text bold>{role === 'app' ? 'app' : 'device'}</Text>
				{` · ${version}${changed}${snapshot.busy ? ' · …' : ''}`}
			</Text>
		</Box>
	);
}
