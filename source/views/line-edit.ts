/*
Editing one line of text with readline's keys, as a pure step: a key and the
line before it give the line after it. Ctrl-A/Home and Ctrl-E/End jump,
Ctrl-U and Ctrl-K cut to the start and to the end, Ctrl-W and Alt-Backspace
cut the word before the cursor, Alt-B/Alt-F and Ctrl-←/→ move by words,
Backspace and Delete (or Ctrl-D) remove one character. Typed text is
inserted as it is; a paste is inserted with its line breaks and tabs as
spaces (the line is one line, and JSON does not care); nothing invisible is
ever inserted.
*/
import type {Key} from './keys.js';

export type LineState = {readonly value: string; readonly cursor: number};

export type LineStep = {
	readonly line: LineState;
	/** Enter: the line is done. */
	readonly submit?: true;
	/** True when the key means nothing to a line (Esc, Tab, ↑, C-c…): the caller handles it. */
	readonly unhandled?: true;
};

export const emptyLine: LineState = {value: '', cursor: 0};

export function lineAt(value: string): LineState {
	return {value, cursor: value.length};
}

export function editLine(line: LineState, key: Key): LineStep {
	const {value, cursor} = line;
	if (key.kind === 'text') return {line: insert(line, visible(key.text))};
	if (key.kind === 'paste')
		return {
			line: insert(line, visible(key.text.replaceAll(/\r\n|[\r\n\t]/g, ' '))),
		};
	const set = (next: string, at: number): LineStep => ({
		line: {value: next, cursor: Math.max(0, Math.min(next.length, at))},
	});
	const move = (at: number) => set(value, at);
	const word = key.ctrl || key.meta;
	switch (key.name) {
		case 'return': {
			return key.meta ? {line, unhandled: true} : {line, submit: true};
		}

		case 'left': {
			return move(word ? wordStart(value, cursor) : cursor - 1);
		}

		case 'right': {
			return move(word ? wordEnd(value, cursor) : cursor + 1);
		}

		case 'home': {
			return move(0);
		}

		case 'end': {
			return move(value.length);
		}

		case 'backspace': {
			if (key.meta || key.ctrl) {
				const start = wordStart(value, cursor);
				return set(value.slice(0, start) + value.slice(cursor), start);
			}

			if (cursor === 0) return {line};
			return set(value.slice(0, cursor - 1) + value.slice(cursor), cursor - 1);
		}

		case 'delete': {
			return set(value.slice(0, cursor) + value.slice(cursor + 1), cursor);
		}

		case 'char': {
			return charKey(line, key);
		}

		default: {
			return {line, unhandled: true};
		}
	}
}

function charKey(line: LineState, key: Extract<Key, {kind: 'key'}>): LineStep {
	const {value, cursor} = line;
	const set = (next: string, at: number): LineStep => ({
		line: {value: next, cursor: at},
	});
	if (key.ctrl && !key.meta) {
		switch (key.char) {
			case 'a': {
				return set(value, 0);
			}

			case 'e': {
				return set(value, value.length);
			}

			case 'b': {
				return set(value, Math.max(0, cursor - 1));
			}

			case 'f': {
				return set(value, Math.min(value.length, cursor + 1));
			}

			case 'u': {
				return set(value.slice(cursor), 0);
			}

			case 'k': {
				return set(value.slice(0, cursor), cursor);
			}

			case 'w': {
				const start = wordStart(value, cursor);
				return set(value.slice(0, start) + value.slice(cursor), start);
			}

			case 'd': {
				return set(value.slice(0, cursor) + value.slice(cursor + 1), cursor);
			}

			case 'h': {
				// Some terminals send Ctrl-H for Backspace.
				return editLine(line, {kind: 'key', name: 'backspace'});
			}

			default: {
				return {line, unhandled: true};
			}
		}
	}

	if (key.meta && !key.ctrl) {
		if (key.char === 'b') return set(value, wordStart(value, cursor));
		if (key.char === 'f') return set(value, wordEnd(value, cursor));
		if (key.char === 'd') {
			const end = wordEnd(value, cursor);
			return set(value.slice(0, cursor) + value.slice(end), cursor);
		}
	}

	return {line, unhandled: true};
}

function insert(line: LineState, text: string): LineState {
	if (text === '') return line;
	return {
		value:
			line.value.slice(0, line.cursor) + text + line.value.slice(line.cursor),
		cursor: line.cursor + text.length,
	};
}

/** Without control characters: what is sent is what was shown. */
function visible(text: string): string {
	// eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
	return text.replaceAll(/[\u0000-\u001F\u007F-\u009F]/g, '');
}

const isWordCharacter = (character: string | undefined) =>
	character !== undefined && /[\p{L}\p{N}_]/u.test(character);

/** Where the word before the cursor starts (readline's backward-word). */
export function wordStart(value: string, cursor: number): number {
	let at = cursor;
	while (at > 0 && !isWordCharacter(value[at - 1])) at--;
	while (at > 0 && isWordCharacter(value[at - 1])) at--;
	return at;
}

/** Where the word after the cursor ends (readline's forward-word). */
export function wordEnd(value: string, cursor: number): number {
	let at = cursor;
	while (at < value.length && !isWordCharacter(value[at])) at++;
	while (at < value.length && isWordCharacter(value[at])) at++;
	return at;
}
