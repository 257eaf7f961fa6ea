/*
The prompt's input: what it draws of a value in a given width, and that keys
and pastes of any size, read between renders or in one read, reach it
through the console's keyboard (use-keys.ts, line-edit.ts) in order, without
the frame ever holding more than one line.
*/
import assert from 'node:assert/strict';
import {after, test} from 'node:test';
import {cleanup, render} from 'ink-testing-library';
import {useState} from 'react';
import {inputWindow, LineView} from '../../source/views/line-input.js';
import {
	editLine,
	emptyLine,
	type LineState,
} from '../../source/views/line-edit.js';
import type {Key} from '../../source/views/keys.js';
import {useKeys} from '../../source/views/use-keys.js';
import {waitForFrame} from '../helpers/wait.js';

after(cleanup);

const drawn = (value: string, cursor: number, width: number) => {
	const {before, cursor: at, after} = inputWindow(value, cursor, width);
	return `${before}[${at}]${after}`;
};

test('a value that fits is drawn whole, the cursor on its character or past the end', () => {
	assert.equal(drawn('abc', 3, 10), 'abc[ ]');
	assert.equal(drawn('abc', 1, 10), 'a[b]c');
	assert.equal(drawn('', 0, 10), '[ ]');
	assert.equal(drawn('abcdefghi', 9, 10), 'abcdefghi[ ]');
});

test('a longer value shows the part around the cursor, cut with …', () => {
	const value = 'abcdefghijklmnopqrstuvwxyz';
	for (let cursor = 0; cursor <= value.length; cursor++) {
		for (const width of [3, 4, 10, 25]) {
			const text = drawn(value, cursor, width);
			const plain = text.replace('[', '').replace(']', '');
			assert.ok(
				plain.length <= width,
				`${cursor}/${width}: ${text} is wider than ${width}`,
			);
			const at = value[cursor] ?? ' ';
			assert.ok(text.includes(`[${at}]`), `${cursor}/${width}: ${text}`);
		}
	}

	assert.equal(drawn(value, 26, 10), '…stuvwxyz[ ]');
	assert.equal(drawn(value, 0, 10), '[a]bcdefghi…');
	assert.equal(drawn(value, 13, 10), '…ghijklm[n]…');
	const megabyte = 'x'.repeat(1_000_000);
	assert.equal(drawn(megabyte, 1_000_000, 20).length, 22);
});

/** The keyboard's handler for a line held in a ref, as the console's prompts have one. */
function lineHandler(
	current: {current: LineState},
	show: (line: LineState) => void,
	onSubmit: ((value: string) => void) | undefined,
	seen: {value: string} | undefined,
) {
	return (key: Key) => {
		const step = editLine(current.current, key);
		if (step.submit) onSubmit?.(current.current.value);
		current.current = step.line;
		if (seen) seen.value = step.line.value;
		show(step.line);
	};
}

function Harness({
	onSubmit,
	seen,
}: {
	readonly onSubmit?: (value: string) => void;
	readonly seen?: {value: string};
}) {
	const [line, setLine] = useState<LineState>(emptyLine);
	// A holder, not a ref: the handler is made while rendering.
	const [current] = useState(() => ({current: emptyLine}));
	useKeys(lineHandler(current, setLine, onSubmit, seen));
	return <LineView line={line} width={30} placeholder="type here" />;
}

test('keys edit at the cursor; a burst in one read keeps each key; a pasted megabyte is one short line', async () => {
	const submitted: string[] = [];
	const seen = {value: ''};
	const {stdin, lastFrame, unmount} = render(
		<Harness seen={seen} onSubmit={(value) => submitted.push(value)} />,
	);
	await waitForFrame(lastFrame, (f) => f.includes('type here'), 'ready');
	await new Promise((resolve) => setTimeout(resolve, 20));
	for (const key of [
		'abc',
		'\u001B[D',
		'X',
		'\u001B[C',
		'\u007F',
		'\u001B[H',
		'>',
	]) {
		stdin.write(key);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}

	await waitForFrame(lastFrame, (f) => f === '>abX', 'the edits');
	stdin.write('\r');
	await waitForFrame(lastFrame, () => submitted.length === 1, 'the submit');
	assert.deepEqual(submitted, ['>abX']);

	// One read: text, two Backspaces, more text, Ctrl-A, text: every byte a key, in order.
	stdin.write('\u001B[F');
	await new Promise((resolve) => setTimeout(resolve, 20));
	stdin.write('onXY\u007F\u007F!\u0001[');
	await waitForFrame(lastFrame, (f) => f === '[>abXon!', 'the burst');
	// Ctrl-U cuts to the start, Ctrl-E goes to the end, Ctrl-W cuts a word.
	stdin.write('\u0005 two words\u0017\u0017');
	await waitForFrame(
		lastFrame,
		() => seen.value === '[>abXon! ',
		'Ctrl-W twice',
	);

	stdin.write('\u0015');
	await waitForFrame(lastFrame, (f) => f.includes('type here'), 'Ctrl-U');
	stdin.write('y'.repeat(1_000_000));
	const frame = await waitForFrame(
		lastFrame,
		(f) => f.includes('yyy'),
		'the paste',
	);
	assert.equal(frame.split('\n').length, 1);
	assert.ok(frame.length <= 30, frame);
	assert.match(frame, /^…y+$/);
	unmount();
});

test('a paste in 4 KB chunks, read between renders or bracketed, keeps every byte in order', async () => {
	// The numbered items show which part was lost, should any be.
	const text = Array.from({length: 3000}, (_, i) =>
		String(i).padStart(7, '0'),
	).join(',');
	for (const gap of ['none', 'immediate', 'timeout', 'bracketed'] as const) {
		const seen = {value: ''};
		const {stdin, lastFrame, unmount} = render(<Harness seen={seen} />);
		await waitForFrame(lastFrame, (f) => f.includes('type here'), 'ready');
		await new Promise((resolve) => setTimeout(resolve, 20));
		const sent =
			gap === 'bracketed' ? `\u001B[200~${text}\r\n\u001B[201~` : text;
		for (let i = 0; i < sent.length; i += 4096) {
			stdin.write(sent.slice(i, i + 4096));
			if (gap === 'immediate') await new Promise((r) => setImmediate(r));
			if (gap === 'timeout') await new Promise((r) => setTimeout(r, 5));
		}

		await waitForFrame(
			lastFrame,
			() => seen.value.length >= text.length,
			`the whole paste (${gap})`,
		);
		// A bracketed paste's line break is a space: it does not send the line.
		assert.equal(seen.value, gap === 'bracketed' ? `${text} ` : text, gap);
		unmount();
	}
});
