import {Box, Text} from 'ink';
import type {JsonObject} from '../shadow/json.js';
import {useColor} from './color.js';
import {jsonLines, type TokenKind} from './json-lines.js';

type Props = {
	readonly title: string;
	readonly document: JsonObject | undefined;
	/** Keys in this object are marked with '*' (the delta, in the desired pane). */
	readonly mark?: JsonObject;
	readonly width: number;
	readonly height: number;
	readonly scroll: number;
	readonly focused: boolean;
	readonly empty: string;
};

const tokenColors: Record<TokenKind, string | undefined> = {
	key: 'cyan',
	string: 'green',
	number: 'yellow',
	boolean: 'magenta',
	null: 'gray',
	punctuation: undefined,
};

export function DocumentPane({
	title,
	document,
	mark,
	width,
	height,
	scroll,
	focused,
	empty,
}: Props) {
	const color = useColor();
	const lines = jsonLines(document, mark);
	const bodyHeight = Math.max(1, height - 1);
	const first = Math.max(
		0,
		Math.min(scroll, Math.max(0, lines.length - bodyHeight)),
	);
	const visible = lines.slice(
		first,
		first + bodyHeight - (lines.length - first > bodyHeight ? 1 : 0),
	);
	const below = lines.length - first - visible.length;
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text bold inverse={focused} wrap="truncate-end">
				{focused ? '▸ ' : '  '}
				{title}
				{first > 0 ? ` ↑${first}` : ''}
			</Text>
			{lines.length === 0 ? <Text dimColor>{empty}</Text> : null}
			{visible.map((line, index) => (
				<Text key={first + index} wrap="truncate-end">
					<Text bold color={color('yellow')}>
						{line.marked ? '*' : ' '}
					</Text>
					{'  '.repeat(line.indent)}
					{line.tokens.map((token, tokenIndex) => (
						<Text
							key={tokenIndex}
							color={
								tokenColors[token.kind] && color(tokenColors[token.kind] ?? '')
							}
							bold={line.marked && token.kind === 'key'}
						>
							{token.text}
						</Text>
					))}
				</Text>
			))}
			{below > 0 ? (
				<Text
					dimColor
				>{`  ↓ ${below} more line${below === 1 ? '' : 's'}`}</Text>
			) : null}
		</Box>
	);
}

export function lineCount(document: JsonObject | undefined): number {
	return jsonLines(document).length;
}
