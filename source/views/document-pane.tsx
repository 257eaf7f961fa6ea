/*
One section as pretty-printed JSON, scrolled, with the delta's keys marked
`*` and, given the section's metadata, the age of every key's value at the
right of its line (dim), followed by `stale` when it is older than the
threshold. The value always wins the width: an age that does not fit beside
it is dropped (a stale one keeps the word `stale` as long as that fits).
*/
import {Box, Text} from 'ink';
import {useMemo} from 'react';
import type {JsonObject} from '../shadow/json.js';
import {useColor} from './color.js';
import {jsonLines, type JsonLine, type TokenKind} from './json-lines.js';
import {ageLabel, labelForms, type LabelForm} from './value-ages.js';

type Props = {
	readonly title: string;
	/** Said after the title when it fits, the first of these that does (the widest first). */
	readonly notes?: readonly string[];
	readonly document: JsonObject | undefined;
	/** Keys in this object are marked with '*' (the delta, in the desired pane). */
	readonly mark?: JsonObject;
	/** The metadata mirroring `document`: each key's line shows the age of its value. */
	readonly metadata?: JsonObject;
	/** Epoch seconds the ages count to. */
	readonly now?: number;
	/** Values older than this many seconds are marked stale; none are without it. */
	readonly staleAfter?: number;
	/** Sparklines by a line's path (`temperature`): drawn at the right instead of the age. */
	readonly trends?: ReadonlyMap<string, string>;
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

function textWidth(text: string): number {
	return Array.from(text).length;
}

/** The marker column, the indent and the tokens. */
function lineWidth(line: JsonLine): number {
	let width = 1 + 2 * line.indent;
	for (const token of line.tokens) width += textWidth(token.text);
	return width;
}

/** The widest form of a label that fits beside a line and the spaces before it; the last column stays free. */
export function fitLabel(
	forms: readonly LabelForm[],
	used: number,
	width: number,
): {form: LabelForm; pad: number} | undefined {
	for (const form of forms) {
		const pad = width - 1 - used - textWidth(form.text);
		if (pad >= 1) return {form, pad};
	}

	return undefined;
}

export function DocumentPane({
	title,
	notes = [],
	document,
	mark,
	metadata,
	now,
	staleAfter,
	trends,
	width,
	height,
	scroll,
	focused,
	empty,
}: Props) {
	const color = useColor();
	// Ages tick every second: the lines are only made again when the document changes.
	const lines = useMemo(
		() => jsonLines(document, mark, metadata),
		[document, mark, metadata],
	);
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
	const heading = `${focused ? '▸ ' : '  '}${title}${first > 0 ? ` ↑${first}` : ''}`;
	const note = notes.find(
		(text) => textWidth(heading) + 3 + textWidth(text) <= width - 1,
	);
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text bold inverse={focused} wrap="truncate-end">
				{heading}
				{note === undefined ? '' : ` · ${note}`}
			</Text>
			{lines.length === 0 ? <Text dimColor>{empty}</Text> : null}
			{visible.map((line, index) => {
				const trend = fitTrend(
					line.path === undefined ? undefined : trends?.get(line.path),
					lineWidth(line),
					width,
				);
				const label =
					now === undefined || trend
						? undefined
						: ageLabel(line.timestamp, now, staleAfter);
				const fitted = label
					? fitLabel(labelForms(label), lineWidth(line), width)
					: undefined;
				const age = fitted?.form.age;
				const stale = fitted?.form.stale === true;
				return (
					<Text key={first + index} wrap="truncate-end">
						<Text bold color={color('yellow')}>
							{line.marked ? '*' : ' '}
						</Text>
						{'  '.repeat(line.indent)}
						{line.tokens.map((token, tokenIndex) => (
							<Text
								key={tokenIndex}
								color={
									tokenColors[token.kind] &&
									color(tokenColors[token.kind] ?? '')
								}
								bold={line.marked && token.kind === 'key'}
							>
								{token.text}
							</Text>
						))}
						{trend ? (
							<Text color={color('cyan')}>
								{' '.repeat(trend.pad)}
								{trend.text}
							</Text>
						) : (
							''
						)}
						{fitted ? ' '.repeat(fitted.pad) : ''}
						{age ? <Text dimColor>{age}</Text> : ''}
						{stale ? (
							<Text bold color={color('yellow')}>
								{age ? ' stale' : 'stale'}
							</Text>
						) : (
							''
						)}
					</Text>
				);
			})}
			{below > 0 ? (
				<Text
					dimColor
				>{`  ↓ ${below} more line${below === 1 ? '' : 's'}`}</Text>
			) : null}
		</Box>
	);
}

/** The newest part of a trend that fits beside a line (three characters at least). */
function fitTrend(
	trend: string | undefined,
	used: number,
	width: number,
): {text: string; pad: number} | undefined {
	if (trend === undefined) return undefined;
	const characters = Array.from(trend);
	const room = width - 1 - used - 1;
	if (room < 3) return undefined;
	const text = characters.slice(-room).join('');
	return {text, pad: width - 1 - used - Array.from(text).length};
}

export function lineCount(document: JsonObject | undefined): number {
	return jsonLines(document).length;
}
