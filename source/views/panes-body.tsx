/*
The desired, reported and delta panes: side by side when the terminal is
wide enough, one at a time with tabs when it is not. Each key shows the age
of its value from the shadow's metadata; the delta's keys show the age of
their desired value (how long the device has not followed it). Only reported
values go stale: desired is what someone asked for, it does not age out. The
reported pane's title says after how long and why (the flag, the device's
reporting interval or the default); when one pane shows at a time and it is
not reported, the tab line says it.
*/
import {Box, Text} from 'ink';
import {useMemo} from 'react';
import {useNow} from '../hooks/use-now.js';
import type {ShownShadow} from '../session/console-session.js';
import type {HistoryEntry} from '../session/history.js';
import {describeStaleAfter, staleAfter} from '../session/stale-after.js';
import {newestTimestamp} from '../shadow/metadata.js';
import type {JsonObject} from '../shadow/json.js';
import {DocumentPane} from './document-pane.js';
import {paneTrends} from './pane-trends.js';

export const paneNames = ['desired', 'reported', 'delta'] as const;
export const wideColumns = 100;

export function paneDocuments(
	shadow: ShownShadow | null | undefined,
): (JsonObject | undefined)[] {
	return [shadow?.state.desired, shadow?.state.reported, shadow?.delta];
}

/** The metadata whose ages each pane shows: the delta's values are desired's. */
export function paneMetadata(
	shadow: ShownShadow | null | undefined,
): (JsonObject | undefined)[] {
	const desired = shadow?.metadata.desired;
	return [desired, shadow?.metadata.reported, desired];
}

type Props = {
	readonly shadow: ShownShadow | null | undefined;
	/** Set when the shadow was deleted: the panes say so. */
	readonly deletedAt?: number;
	readonly focus: number;
	readonly scroll: readonly number[];
	readonly width: number;
	readonly height: number;
	/** The versions seen, for the device's reporting interval (stale-after.ts). */
	readonly history?: readonly HistoryEntry[];
	/** --stale-after in seconds, when given. */
	readonly staleAfterSeconds?: number;
	/** Epoch seconds (a test's clock); the system clock by default. */
	readonly now?: () => number;
	/** T: a sparkline beside each numeric key, over the history's versions. */
	readonly trends?: boolean;
};

export function PanesBody({
	shadow,
	deletedAt,
	focus,
	scroll,
	width,
	height,
	history,
	staleAfterSeconds,
	now: clock,
	trends = false,
}: Props) {
	const now = useNow(clock);
	const threshold = useMemo(
		() => staleAfter(staleAfterSeconds, history ?? []),
		[staleAfterSeconds, history],
	);
	/*
	A device that reports only what changed leaves its unchanged values old
	while it is alive: a value is stale only while the device has reported
	nothing within the threshold either.
	*/
	const lastReport = newestTimestamp(shadow?.metadata.reported);
	const quiet =
		lastReport !== undefined && now - lastReport > threshold.seconds;
	const wide = width >= wideColumns;
	// Said where there is something it applies to.
	const notes = shadow?.state.reported ? describeStaleAfter(threshold) : [];
	const documents = paneDocuments(shadow);
	const metadata = paneMetadata(shadow);
	const desiredState = shadow?.state.desired;
	const reportedState = shadow?.state.reported;
	const trendMaps = useMemo(() => {
		if (!trends) return [];
		const desired = paneTrends('desired', desiredState, history ?? []);
		// The delta's values are desired's.
		return [
			desired,
			paneTrends('reported', reportedState, history ?? []),
			desired,
		];
	}, [trends, desiredState, reportedState, history]);
	const deltaKeys = shadow?.delta ? Object.keys(shadow.delta).length : 0;
	const titles = [
		`desired${shadow?.delta ? ' (* in delta)' : ''}`,
		'reported',
		`delta${deltaKeys > 0 ? ` (${deltaKeys} key${deltaKeys === 1 ? '' : 's'})` : ''}`,
	];
	const none =
		deletedAt === undefined ? 'no shadow yet' : `deleted at v${deletedAt}`;
	const empties =
		shadow === undefined
			? ['loading…', 'loading…', 'loading…']
			: [
					shadow === null ? none : 'no desired state',
					shadow === null ? none : 'no reported state',
					shadow === null ? none : 'in sync: no delta',
				];
	const paneWidth = wide ? Math.floor(width / 3) : width;
	const pane = (index: number) => {
		const meta = metadata[index];
		return (
			<DocumentPane
				key={paneNames[index]}
				title={titles[index] ?? ''}
				{...(index === 1 ? {notes} : {})}
				document={documents[index]}
				{...(index === 0 && shadow?.delta ? {mark: shadow.delta} : {})}
				{...(meta ? {metadata: meta} : {})}
				now={now}
				{...(index === 1 && quiet ? {staleAfter: threshold.seconds} : {})}
				{...(trendMaps[index] ? {trends: trendMaps[index]} : {})}
				width={paneWidth}
				height={wide ? height : height - 1}
				scroll={scroll[index] ?? 0}
				focused={focus === index}
				empty={empties[index] ?? ''}
			/>
		);
	};

	if (wide) return <Box>{[0, 1, 2].map(pane)}</Box>;
	// One pane at a time: the reported pane's title says the threshold; over the others, the tab line does.
	const tabs = paneNames.map((name, index) => ` ${index + 1} ${name} `);
	const used = tabs.join('').length + ' Tab switches'.length;
	const note =
		focus === 1
			? undefined
			: notes.find((text) => used + 3 + text.length <= width);
	return (
		<Box flexDirection="column">
			<Text wrap="truncate-end">
				{tabs.map((tab, index) => (
					<Text key={paneNames[index]} inverse={index === focus}>
						{tab}
					</Text>
				))}
				<Text dimColor> Tab switches</Text>
				{note === undefined ? '' : <Text dimColor>{` · ${note}`}</Text>}
			</Text>
			{pane(focus)}
		</Box>
	);
}
