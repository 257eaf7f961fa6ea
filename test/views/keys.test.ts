import assert from 'node:assert/strict';
import {test} from 'node:test';
import {createKeyReader, keyNames, type Key} from '../../source/views/keys.js';
import {bindingFor, helpLines, keymap} from '../../source/views/keymap.js';
import {editLine, lineAt} from '../../source/views/line-edit.js';
import {helpRows, keyColumnWidth} from '../../source/views/help-overlay.js';

const names = (...events: string[]) => {
	const reader = createKeyReader();
	return events.flatMap((event) => reader.read(event)).flatMap(keyNames);
};

test('a run of plain bytes is every key in it, in order', () => {
	assert.deepEqual(names('\u007F\u007F'), ['Backspace', 'Backspace']);
	assert.deepEqual(names('\t\t'), ['Tab', 'Tab']);
	assert.deepEqual(names('23'), ['2', '3']);
	assert.deepEqual(names('e', 'on\r'), ['e', 'o', 'n', 'Enter']);
	assert.deepEqual(names('\u0001\u0015\u0017\u000B'), [
		'C-a',
		'C-u',
		'C-w',
		'C-k',
	]);
	// NUL and other invisible bytes never become text.
	assert.deepEqual(names('a\u0000\u001Cb'), ['a', 'b']);
});

test('escape sequences are keys, with their modifiers', () => {
	assert.deepEqual(
		names(
			'\u001B[D',
			'\u001B[D',
			'\u001B[1;5C',
			'\u001B[Z',
			'\u001BOH',
			'\u001B[4~',
		),
		['Left', 'Left', 'C-Right', 'S-Tab', 'Home', 'End'],
	);
	assert.deepEqual(names('\u001Bb', '\u001B\u007F', '\u001B', '\u001BOP'), [
		'M-b',
		'M-Backspace',
		'Esc',
		'F1',
	]);
});

test('Esc followed at once by another key is two keys; Esc and a letter is Alt', () => {
	assert.deepEqual(names('\u001B\t'), ['Esc', 'Tab']);
	assert.deepEqual(names('\u001B2'), ['Esc', '2']);
	assert.deepEqual(names('\u001B\u001B[B'), ['Esc', 'Down']);
	assert.deepEqual(names('\u001B '), ['Esc', 'Space']);
	assert.deepEqual(names('\u001Bf'), ['M-f']);
});

test('a bracketed paste over several reads is one paste, its bytes as sent', () => {
	const reader = createKeyReader();
	const keys: Key[] = [
		...reader.read('\u001B[200~'),
		...reader.read('{"a":\r\n'),
		...reader.read('1}'),
		...reader.read('\u001B[201~'),
		...reader.read('\r'),
	];
	assert.deepEqual(keys, [
		{kind: 'paste', text: '{"a":\r\n1}'},
		{kind: 'key', name: 'return'},
	]);
	const pasted = editLine(lineAt(''), keys[0] ?? {kind: 'text', text: ''});
	assert.equal(pasted.line.value, '{"a": 1}');
	assert.equal(editLine(pasted.line, keys[1] ?? keys[0]!).submit, true);
});

test('readline keys in a line', () => {
	const at = (value: string, cursor: number) => ({value, cursor});
	const key = (name: string, extra: object = {}): Key =>
		({kind: 'key', name, ...extra}) as Key;
	const ctrl = (char: string): Key => ({
		kind: 'key',
		name: 'char',
		char,
		ctrl: true,
	});
	const meta = (char: string): Key => ({
		kind: 'key',
		name: 'char',
		char,
		meta: true,
	});
	const line = at('lights = "on"', 13);
	assert.deepEqual(editLine(line, ctrl('a')).line, at(line.value, 0));
	assert.deepEqual(editLine(at(line.value, 0), ctrl('e')).line, line);
	assert.deepEqual(editLine(line, ctrl('w')).line, at('lights = "', 10));
	assert.deepEqual(
		editLine(at(line.value, 6), ctrl('k')).line,
		at('lights', 6),
	);
	assert.deepEqual(
		editLine(at(line.value, 6), ctrl('u')).line,
		at(' = "on"', 0),
	);
	assert.deepEqual(editLine(line, meta('b')).line, at(line.value, 10));
	assert.deepEqual(
		editLine(at(line.value, 0), meta('f')).line,
		at(line.value, 6),
	);
	assert.deepEqual(
		editLine(at(line.value, 0), key('delete')).line,
		at(line.value.slice(1), 0),
	);
	assert.equal(editLine(line, key('escape')).unhandled, true);
	assert.equal(editLine(line, ctrl('c')).unhandled, true);
});

test('every binding names keys the reader produces, and help lists every mode', () => {
	const lines = helpLines('panes');
	for (const [kind, mode] of Object.entries(keymap)) {
		assert.ok(
			lines.some((line) => line.heading !== undefined) &&
				mode.bindings.length > 0,
			kind,
		);
		for (const binding of mode.bindings) {
			assert.ok(
				lines.some((line) => line.words === binding.words),
				`${kind}: ${binding.words} is in help`,
			);
		}
	}

	assert.equal(bindingFor('panes', 'q')?.action, 'quit');
	assert.equal(bindingFor('edit', 'C-c')?.action, 'cancel');
	assert.equal(bindingFor('edit', 'q'), undefined);
});

test('help at 80 columns wraps what does not fit: no row is cut, no word is lost', () => {
	const rows = helpRows('panes', '', 80);
	const column = keyColumnWidth(80);
	for (const row of rows)
		assert.ok(
			2 + Math.max(row.keys.length, column) + 1 + row.words.length <= 80 ||
				row.words === '',
			`${row.keys} ${row.words}`,
		);
	const drawn = rows.map((row) => row.words).join(' ');
	for (const mode of Object.values(keymap))
		for (const binding of mode.bindings)
			assert.ok(
				drawn.includes(binding.words.split(' ').at(-1) ?? ''),
				binding.words,
			);
});
