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
	const rest = ` ${shadowName} · role ${role} · ${version}`;
	// A long name gives way first: the role and the version must stay in view.
	const room = Math.max(8, width - rest.length - 1);
	const thing =
		address.thingName.length > room
			? `${address.thingName.slice(0, room - 1)}…`
			: address.thingName;
	return (
		<Box width={width} height={1} overflow="hidden">
			<Text wrap="truncate-end">
				<Text bold color={color('cyan')}>
					{thing}
				</Text>
				{` ${shadowName} · role `}
				<Text bold>{role === 'app' ? 'app' : 'device'}</Text>
				{` · ${version}${changed}${snapshot.busy ? ' · …' : ''}`}
			</Text>
		</Box>
	);
}
