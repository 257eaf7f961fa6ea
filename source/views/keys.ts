/*
Keys from what the terminal sent, every byte in order. Ink splits its input
at escape sequences but hands a run of plain bytes over as one string, so two
Backspaces in one read arrive as "\x7f\x7f", Tab Tab as "\t\t" and `23` as
one string; read naively they are one unknown key or invisible characters in
a value. Here a run is cut into keys: control characters one by one,
printable text as one piece (a prompt inserts it at once), and a bracketed
paste (ESC[200~ … ESC[201~, possibly over many reads) as one paste, its
newlines kept for the prompt to decide.
*/

export type KeyName =
	| 'return'
	| 'escape'
	| 'tab'
	| 'backspace'
	| 'delete'
	| 'up'
	| 'down'
	| 'left'
	| 'right'
	| 'home'
	| 'end'
	| 'pageup'
	| 'pagedown'
	| 'insert'
	| 'f1'
	/** A letter or character with Ctrl or Meta (Alt). */
	| 'char';

export type Key =
	| {readonly kind: 'text'; readonly text: string}
	| {readonly kind: 'paste'; readonly text: string}
	| {
			readonly kind: 'key';
			readonly name: KeyName;
			/** For name 'char': the character, lower case for Ctrl letters. */
			readonly char?: string;
			readonly ctrl?: boolean;
			readonly meta?: boolean;
			readonly shift?: boolean;
	  };

const escape = '\u001B';
const pasteStart = `${escape}[200~`;
const pasteEnd = `${escape}[201~`;

/** CSI and SS3 sequences by their final part, as xterm, tmux and the Linux console send them. */
const sequences: Readonly<Record<string, KeyName>> = {
	'[A': 'up',
	'[B': 'down',
	'[C': 'right',
	'[D': 'left',
	'[H': 'home',
	'[F': 'end',
	OA: 'up',
	OB: 'down',
	OC: 'right',
	OD: 'left',
	OH: 'home',
	OF: 'end',
	'[1~': 'home',
	'[7~': 'home',
	'[4~': 'end',
	'[8~': 'end',
	'[2~': 'insert',
	'[3~': 'delete',
	'[5~': 'pageup',
	'[6~': 'pagedown',
	'[Z': 'tab',
	OP: 'f1',
	'[11~': 'f1',
};

export type KeyReader = {
	/** The keys of one input event (Ink's: a whole escape sequence, or a run without one). */
	read(event: string): Key[];
};

export function createKeyReader(): KeyReader {
	let paste: string[] | undefined;
	return {
		read(event) {
			if (paste) {
				const end = event.indexOf(pasteEnd);
				if (end === -1) {
					paste.push(event);
					return [];
				}

				paste.push(event.slice(0, end));
				const text = paste.join('');
				paste = undefined;
				return [
					{kind: 'paste', text},
					...this.read(event.slice(end + pasteEnd.length)),
				];
			}

			if (event.startsWith(pasteStart)) {
				paste = [];
				return this.read(event.slice(pasteStart.length));
			}

			if (event.startsWith(escape)) return escapeKeys(event);
			return plainKeys(event);
		},
	};
}

/**
What an input event that starts with ESC holds. Ink hands ESC and the byte
after it over together, so Esc followed at once by Tab, a digit or an arrow
(keys typed fast, or sent in one write) is two keys; only a letter, Backspace
or Enter after ESC is read as Alt with that key.
*/
function escapeKeys(sequence: string): Key[] {
	const body = sequence.slice(1);
	if (body.startsWith(escape))
		return [{kind: 'key', name: 'escape'}, ...escapeKeys(body)];
	const single = Array.from(body).length === 1;
	if (single && !/^[\p{L}\u007F\b\r]$/u.test(body))
		return [{kind: 'key', name: 'escape'}, ...plainKeys(body)];
	return [escapeKey(sequence)];
}

function escapeKey(sequence: string): Key {
	if (sequence === escape) return {kind: 'key', name: 'escape'};
	const body = sequence.slice(1);
	const known = sequences[body];
	if (known)
		return {kind: 'key', name: known, ...(body === '[Z' ? {shift: true} : {})};
	// Modified keys: ESC [ 1 ; m X and ESC [ n ; m ~ (m: 1 + shift 1, alt 2, ctrl 4).
	const modified = /^\[(\d*);(\d+)([A-Z~])$/.exec(body);
	if (modified) {
		const final = modified[3] === '~' ? `[${modified[1]}~` : `[${modified[3]}`;
		const name = sequences[final];
		const bits = Number(modified[2]) - 1;
		if (name)
			return {
				kind: 'key',
				name,
				...(bits & 1 ? {shift: true} : {}),
				...(bits & 2 ? {meta: true} : {}),
				...(bits & 4 ? {ctrl: true} : {}),
			};
	}

	// Alt-x arrives as ESC x; Alt-Backspace as ESC DEL.
	if (Array.from(body).length === 1) {
		if (body === '\u007F' || body === '\b')
			return {kind: 'key', name: 'backspace', meta: true};
		if (body === '\r') return {kind: 'key', name: 'return', meta: true};
		return {kind: 'key', name: 'char', char: body, meta: true};
	}

	// An unknown sequence is a key nobody binds, never text.
	return {kind: 'key', name: 'char', char: sequence, meta: true};
}

function plainKeys(run: string): Key[] {
	const keys: Key[] = [];
	let text = '';
	const flush = () => {
		if (text !== '') keys.push({kind: 'text', text});
		text = '';
	};

	for (const character of run) {
		const code = character.codePointAt(0) ?? 0;
		const control = controlKey(code);
		if (control) {
			flush();
			keys.push(control);
		} else if (code >= 0x20) text += character;
		// Other C0 bytes and NUL are dropped: nothing invisible reaches a value.
	}

	flush();
	return keys;
}

function controlKey(code: number): Key | undefined {
	if (code === 0x0d || code === 0x0a) return {kind: 'key', name: 'return'};
	if (code === 0x09) return {kind: 'key', name: 'tab'};
	if (code === 0x7f || code === 0x08) return {kind: 'key', name: 'backspace'};
	if (code === 0x1b) return {kind: 'key', name: 'escape'};
	if (code >= 0x01 && code <= 0x1a)
		return {
			kind: 'key',
			name: 'char',
			char: String.fromCodePoint(code + 0x60),
			ctrl: true,
		};
	return undefined;
}

/**
The name a keymap binds a key by: a character as itself ('q', '?', 'Space'
for ' '), and 'Enter', 'Esc', 'Tab', 'S-Tab', 'Up', 'Down', 'Left', 'Right',
'PgUp', 'PgDn', 'Home', 'End', 'Backspace', 'Delete', 'C-x', 'M-x'. Text of
several characters is several keys (see keyNames).
*/
export function keyNames(key: Key): string[] {
	if (key.kind === 'paste') return [];
	if (key.kind === 'text')
		return Array.from(key.text, (character) =>
			character === ' ' ? 'Space' : character,
		);
	const prefix = `${key.ctrl ? 'C-' : ''}${key.meta ? 'M-' : ''}`;
	if (key.name === 'char') return [`${prefix}${key.char ?? ''}`];
	const names: Record<Exclude<KeyName, 'char'>, string> = {
		return: 'Enter',
		escape: 'Esc',
		tab: key.shift ? 'S-Tab' : 'Tab',
		backspace: 'Backspace',
		delete: 'Delete',
		up: 'Up',
		down: 'Down',
		left: 'Left',
		right: 'Right',
		home: 'Home',
		end: 'End',
		pageup: 'PgUp',
		pagedown: 'PgDn',
		insert: 'Insert',
		f1: 'F1',
	};
	return [`${prefix}${names[key.name]}`];
}
