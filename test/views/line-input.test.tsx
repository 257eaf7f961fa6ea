/*
The prompt's input: what it draws of a value in a given width, and that keys
and pastes of any size edit it as ink-text-input did, without the frame ever
holding more than one line.
*/
import assert from 'node:assert/strict';
import {after, test} from 'node:test';
import {cleanup, render} from 'ink-testing-library';
import {useState} from 'react';
import {inputWindow, LineInput} from '../../source/views/line-input.js';
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

function Harness({onSubmit}: {readonly onSubmit: (value: string) => void}) {
	const [value, setValue] = useState('');
	return (
		<LineInput
			value={value}
			width={30}
			placeholder="type here"
			onChange={setValue}
			onSubmit={() => {
				onSubmit(value);
			}}
		/>
	);
}

test('keys edit at the cursor; a pasted megabyte is drawn as one short line', async () => {
	const submitted: string[] = [];
	const {stdin, lastFrame, unmount} = render(
		<Harness onSubmit={(value) => submitted.push(value)} />,
	);
	await waitForFrame(
		lastFrame,
		(f) => f.includes('type here'),
		'the placeholder',
	);
	await new Promise((resolve) => setTimeout(resolve, 20));
	const keys = ['abc', '\u001B[D', 'X', '\u001B[C', '\u007F', '\u001B[H', '>'];
	for (const key of keys) {
		stdin.write(key);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}

	await waitForFrame(lastFrame, (f) => f === '>abX', 'the edits');
	stdin.write('\r');
	await waitForFrame(lastFrame, () => submitted.length === 1, 'the submit');
	assert.deepEqual(submitted, ['>abX']);

	// Typeahead: keys faster than renders each build on the one before.
	for (const key of ['1', '2', '\u001B[D', '3']) stdin.write(key);
	await waitForFrame(lastFrame, (f) => f === '>132abX', 'the typeahead');

	stdin.write('\u001B[F');
	await new Promise((resolve) => setTimeout(resolve, 20));
	stdin.write('y'.repeat(1_000_000));
	const frame = await waitForFrame(
		lastFrame,
		(f) => f.includes('yyy'),
		'the pasted text',
	);
	assert.equal(frame.split('\n').length, 1);
	assert.ok(frame.length <= 30, frame);
	assert.match(frame, /^…y+$/);
	unmount();
});

test('a paste in 4 KB chunks, read between renders, keeps every byte in order', async () => {
	// The numbered items show which part was lost, should any be.
	const text = Array.from({length: 3000}, (_, i) =>
		String(i).padStart(7, '0'),
	).join(',');
	for (const gap of ['none', 'immediate', 'timeout'] as const) {
		const seen = {value: ''};
		function Watched() {
			const [value, setValue] = useState('');
			return (
				<LineInput
					value={value}
					width={30}
					placeholder="type here"
					onChange={(next) => {
						seen.value = next;
						setValue(next);
					}}
					onSubmit={() => undefined}
				/>
			);
		}

		const {stdin, lastFrame, unmount} = render(<Watched />);
		await waitForFrame(lastFrame, (f) => f.includes('type here'), 'ready');
		await new Promise((resolve) => setTimeout(resolve, 20));
		for (let i = 0; i < text.length; i += 4096) {
			stdin.write(text.slice(i, i + 4096));
			if (gap === 'immediate') await new Promise((r) => setImmediate(r));
			if (gap === 'timeout') await new Promise((r) => setTimeout(r, 5));
		}

		await waitForFrame(
			lastFrame,
			() => seen.value.length >= text.length,
			`the whole paste (${gap})`,
		);
		assert.equal(seen.value, text, gap);
		unmount();
	}
});
