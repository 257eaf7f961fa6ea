/*
A one-line input drawn as only the part of its value that fits, around the
cursor. Ink measures every character it is given on every frame (a 120 KB
line costs seconds per frame), so a pasted megabyte must never reach a
<Text> whole. The keys that edit it are line-edit.ts's, dispatched by the
console's one keyboard (use-keys.ts).
*/
import {Text} from 'ink';
import type {LineState} from './line-edit.js';

export type InputWindow = {
	readonly before: string;
	/** The character under the cursor; a space past the end. */
	readonly cursor: string;
	readonly after: string;
};

/** What of `value` to draw in `width` columns so the cursor shows; '…' marks each cut. */
export function inputWindow(
	value: string,
	cursor: number,
	width: number,
): InputWindow {
	// The cursor may stand one past the end, on a space of its own.
	const text = `${value} `;
	const at = Math.max(0, Math.min(cursor, value.length));
	const room = Math.max(3, width);
	if (text.length <= room)
		return {
			before: text.slice(0, at),
			cursor: text[at] ?? ' ',
			after: value.slice(at + 1),
		};
	// The cursor keeps a column to its right for the '…', unless the end is in view.
	const start = Math.min(
		Math.max(0, at - (room - 3)),
		text.length - (room - 1),
	);
	const left = start > 0;
	const fullEnd = start + room - (left ? 1 : 0);
	const right = fullEnd < text.length;
	const end = right ? fullEnd - 1 : text.length;
	return {
		before: `${left ? '…' : ''}${text.slice(start, at)}`,
		cursor: text[at] ?? ' ',
		after: `${text.slice(at + 1, Math.min(end, value.length))}${right ? '…' : ''}`,
	};
}

/** The line being edited, drawn in `width` columns around its cursor. */
export function LineView({
	line,
	width,
	placeholder,
}: {
	readonly line: LineState;
	readonly width: number;
	readonly placeholder: string;
}) {
	if (line.value === '')
		return (
			<Text wrap="truncate-end">
				<Text inverse>{placeholder.slice(0, 1) || ' '}</Text>
				<Text dimColor>{placeholder.slice(1, Math.max(1, width))}</Text>
			</Text>
		);
	const window = inputWindow(line.value, line.cursor, width);
	return (
		<Text wrap="truncate-end">
			{window.before}
			<Text inverse>{window.cursor}</Text>
			{window.after}
		</Text>
	);
}
