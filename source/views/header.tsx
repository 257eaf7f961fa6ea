/*
The header: thing, shadow, role and version, then when the document last
changed and how long ago reported and desired last changed (their newest
metadata leaves). When the line is narrow, the optional parts give way in
this order: desired's age, then the time of the last change, then reported's
age (the one that tells a stale device); a long thing name is cut first,
down to nameRoom, and further only after them. The role and the version
always stay.
*/
import {Box, Text} from 'ink';
import {useNow} from '../hooks/use-now.js';
import type {ConsoleSnapshot} from '../session/console-session.js';
import {useColor} from './color.js';
import {ageOf, formatAge, newestTimestamp} from './value-ages.js';

export function formatTime(epochSeconds: number): string {
	return new Date(epochSeconds * 1000)
		.toISOString()
		.replace('T', ' ')
		.slice(0, 19);
}

/** What a long thing name keeps before the optional parts give way. */
const nameRoom = 10;

type Part = {
	readonly text: string;
	/** Lower keeps its place longer. */
	readonly rank: number;
};

/** The optional parts that fit in `room` columns, in their order on the line. */
export function fitParts(parts: readonly Part[], room: number): Part[] {
	const kept = new Set<Part>();
	let left = room;
	for (const part of [...parts].sort((a, b) => a.rank - b.rank)) {
		if (part.text.length > left) continue;
		kept.add(part);
		left -= part.text.length;
	}

	return parts.filter((part) => kept.has(part));
}

type Props = {
	readonly snapshot: ConsoleSnapshot;
	readonly width: number;
	/** Epoch seconds (a test's clock); the system clock by default. */
	readonly now?: () => number;
};

/** Thing, shadow, role, version and ages on one line, cut with … when narrow. */
export function Header({snapshot, width, now: clock}: Props) {
	const color = useColor();
	const now = useNow(clock);
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
	const busy = snapshot.busy ? ' · …' : '';
	const parts: Part[] = [];
	// A shadow without metadata (an empty one) has no time of change to show.
	if (shadow && shadow.changedAt > 0) {
		const text = ` · changed ${formatTime(shadow.changedAt)}`;
		parts.push({text, rank: 1});
	}

	for (const [section, rank] of [
		['reported', 0],
		['desired', 2],
	] as const) {
		const at = newestTimestamp(shadow?.metadata[section]);
		if (at === undefined) continue;
		parts.push({
			text: ` · ${section} ${formatAge(ageOf(at, now))} ago`,
			rank,
		});
	}

	const rest = ` ${shadowName} · role ${role} · ${version}`;
	const thingLength = Array.from(address.thingName).length;
	const kept = fitParts(
		parts,
		width - 1 - rest.length - busy.length - Math.min(thingLength, nameRoom),
	);
	const extra = kept.map((part) => part.text).join('');
	// A long name gives way: the role and the version must stay in view.
	const room = Math.max(
		8,
		width - rest.length - extra.length - busy.length - 1,
	);
	const thing =
		thingLength > room
			? `${Array.from(address.thingName)
					.slice(0, room - 1)
					.join('')}…`
			: address.thingName;
	return (
		<Box width={width} height={1} overflow="hidden">
			<Text wrap="truncate-end">
				<Text bold color={color('cyan')}>
					{thing}
				</Text>
				{` ${shadowName} · role `}
				<Text bold>{role === 'app' ? 'app' : 'device'}</Text>
				{` · ${version}${extra}${busy}`}
			</Text>
		</Box>
	);
}
