import {Box, Text} from 'ink';
import type {KeyHint} from './key-bar.js';

export const allKeys: readonly (readonly [string, readonly KeyHint[]])[] = [
	[
		'everywhere',
		[
			['?', 'this help (Esc closes)'],
			['q, Ctrl-C', 'quit'],
			['Esc', 'close, cancel'],
		],
	],
	[
		'shadow',
		[
			['Tab, 1 2 3', 'focus (or show) desired, reported, delta'],
			['↑ ↓, j k', 'scroll the focused pane'],
			['PgUp PgDn', 'scroll a page'],
			['e', 'edit a line: desired (app) or reported (device)'],
			['d', 'edit desired (also in the device role)'],
			['E', 'edit the whole section in $EDITOR'],
			['v', 'edits carry their version (409 on a concurrent change) on/off'],
			['g', 'get the shadow again'],
			['r', 'switch role: app / device'],
			['h', 'version history'],
			['t', 'switch thing'],
			['s', 'switch named shadow'],
			['f', 'fleet: every thing, filter, select, edit many'],
			['a, x', 'device role with --apply confirm: accept or decline the delta'],
		],
	],
	[
		'fleet (f)',
		[
			['↑ ↓, space', 'move, select'],
			['a, n', 'select all shown, none'],
			['/', 'filter: a name as you type, or a query (Enter)'],
			['e', 'edit desired of every selected thing'],
			['R', 'retry the failed'],
			['Enter, Esc', 'open the thing, back'],
		],
	],
	[
		'history',
		[
			['↑ ↓', 'select a version'],
			['Enter', 'diff / whole document'],
			['Esc, h', 'back'],
		],
	],
	[
		'editing',
		[
			[
				'Enter',
				'send ({"lights":"off"} or lights = "off"; light = null removes)',
			],
			['Esc', 'cancel, nothing is sent'],
		],
	],
];

export function HelpOverlay({height}: {readonly height: number}) {
	const lines = allKeys.flatMap(([mode, keys]) => [
		{heading: mode, key: '', action: ''},
		...keys.map(([key, action]) => ({heading: '', key, action})),
	]);
	return (
		<Box flexDirection="column" height={height}>
			<Text bold inverse>
				{'  keys'}
			</Text>
			{lines.slice(0, height - 1).map((line, index) =>
				line.heading ? (
					<Text key={index} bold>
						{line.heading}
					</Text>
				) : (
					<Text key={index} wrap="truncate-end">
						{'  '}
						{line.key.padEnd(12)} {line.action}
					</Text>
				),
			)}
		</Box>
	);
}
