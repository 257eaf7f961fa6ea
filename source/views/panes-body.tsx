/*
The desired, reported and delta panes: side by side when the terminal is
wide enough, one at a time with tabs when it is not.
*/
import {Box, Text} from 'ink';
import type {ShownShadow} from '../session/console-session.js';
import type {JsonObject} from '../shadow/json.js';
import {DocumentPane} from './document-pane.js';

export const paneNames = ['desired', 'reported', 'delta'] as const;
export const wideColumns = 100;

export function paneDocuments(
	shadow: ShownShadow | null | undefined,
): (JsonObject | undefined)[] {
	return [shadow?.state.desired, shadow?.state.reported, shadow?.delta];
}

type Props = {
	readonly shadow: ShownShadow | null | undefined;
	/** Set when the shadow was deleted: the panes say so. */
	readonly deletedAt?: number;
	readonly focus: number;
	readonly scroll: readonly number[];
	readonly width: number;
	readonly height: number;
};

export function PanesBody({
	shadow,
	deletedAt,
	focus,
	scroll,
	width,
	height,
}: Props) {
	const wide = width >= wideColumns;
	const documents = paneDocuments(shadow);
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
	const pane = (index: number) => (
		<DocumentPane
			key={paneNames[index]}
			title={titles[index] ?? ''}
			document={documents[index]}
			{...(index === 0 && shadow?.delta ? {mark: shadow.delta} : {})}
			width={paneWidth}
			height={wide ? height : height - 1}
			scroll={scroll[index] ?? 0}
			focused={focus === index}
			empty={empties[index] ?? ''}
		/>
	);
	if (wide) return <Box>{[0, 1, 2].map(pane)}</Box>;
	return (
		<Box flexDirection="column">
			<Text wrap="truncate-end">
				{paneNames.map((name, index) => (
					<Text
						key={name}
						inverse={index === focus}
					>{` ${index + 1} ${name} `}</Text>
				))}
				<Text dimColor> Tab switches</Text>
			</Text>
			{pane(focus)}
		</Box>
	);
}
