/*
A one-line text input that draws only the part of its value that fits,
around the cursor. Ink measures every character it is given on every frame
(a 120 KB line costs seconds per frame, and a paste arrives as many chunks),
so a pasted megabyte must never reach a <Text> whole, while ink-text-input
draws its whole value. Keys as in ink-text-input: ← → move, Home End jump,
Backspace and Delete remove before the cursor, Enter submits.
*/
import {Text, useInput} from 'ink';
import {useEffect, useRef, useState} from 'react';

type Props = {
	readonly value: string;
	/** Columns the input may use. */
	readonly width: number;
	readonly placeholder: string;
	readonly onChange: (value: string) => void;
	readonly onSubmit: () => void;
};

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

type Edit = {
	readonly value: string;
	readonly cursor: number;
};

/** Values this input produced that a lagging render may still show; a few chunks at most. */
const rememberedValues = 32;

export function LineInput({
	value,
	width,
	placeholder,
	onChange,
	onSubmit,
}: Props) {
	// Keys can arrive faster than renders (a paste in chunks, typeahead over SSH), and the
	// handler that receives them may be an older render's: each key edits the value the previous
	// key left. Only a value this input never produced (the prompt opened, a name picked) was set
	// from outside; it replaces the edit, with the cursor at its end.
	const latest = useRef<Edit | undefined>(undefined);
	const produced = useRef<string[]>([]);
	const [shown, setShown] = useState<Edit | undefined>(undefined);
	const cursor = shown?.value === value ? shown.cursor : value.length;
	useEffect(() => {
		// The render caught up with the edits: older values are no longer ours to build on.
		if (latest.current?.value === value) produced.current = [value];
	}, [value]);

	useInput((input, key) => {
		if (
			key.upArrow ||
			key.downArrow ||
			key.tab ||
			key.escape ||
			key.ctrl ||
			key.meta
		)
			return;
		if (key.return) {
			onSubmit();
			return;
		}

		const mine = latest.current;
		const ours =
			mine !== undefined &&
			(mine.value === value || produced.current.includes(value));
		const from = ours ? mine : {value, cursor: value.length};
		if (!ours) produced.current = [value];
		const was = from.value;
		let next = was;
		let at = from.cursor;
		if (key.leftArrow) at = Math.max(0, at - 1);
		else if (key.rightArrow) at = Math.min(was.length, at + 1);
		else if (key.home) at = 0;
		else if (key.end) at = was.length;
		else if (key.backspace || key.delete) {
			if (at > 0) {
				next = was.slice(0, at - 1) + was.slice(at);
				at--;
			}
		} else if (input !== '') {
			next = was.slice(0, at) + input + was.slice(at);
			at += input.length;
		}

		const edit = {value: next, cursor: at};
		latest.current = edit;
		produced.current.push(next);
		if (produced.current.length > rememberedValues) produced.current.shift();
		setShown(edit);
		if (next !== was) onChange(next);
	});

	if (value === '')
		return (
			<Text wrap="truncate-end">
				<Text inverse>{placeholder.slice(0, 1) || ' '}</Text>
				<Text dimColor>{placeholder.slice(1, Math.max(1, width))}</Text>
			</Text>
		);
	const window = inputWindow(value, cursor, width);
	return (
		<Text wrap="truncate-end">
			{window.before}
			<Text inverse>{window.cursor}</Text>
			{window.after}
		</Text>
	);
}
