/*
A key, dispatched: the keymap names the action of the current mode, and the
mode's actions (console-actions.ts) carry it out. In a prompt, keys no
binding takes edit the line. Text typed fast arrives as one piece: in the
panes its characters are keys one by one, until one of them opens a prompt,
which then receives the rest (`e`, `lights = "on"` in one read edits).
*/
import {keyNames, type Key} from './keys.js';
import {bindingFor, keymap} from './keymap.js';
import {editLine} from './line-edit.js';
import {withLine, type Mode} from './modes.js';

export type ModeActions = Readonly<Record<string, (key: string) => void>>;

export type KeyControls = {
	readonly mode: () => Mode;
	readonly setMode: (mode: Mode) => void;
	/** The actions of a mode, by the keymap's action names. */
	readonly actionsOf: (mode: Mode) => ModeActions;
	/** Called after a prompt's line changed (the fleet filter follows it as typed). */
	readonly onLineChange?: (mode: Mode) => void;
};

export function handleKey(key: Key, controls: KeyControls): void {
	if (key.kind === 'text' && !isLineMode(controls.mode())) {
		const characters = Array.from(key.text);
		for (const [index, character] of characters.entries()) {
			if (isLineMode(controls.mode())) {
				editCurrentLine(
					{kind: 'text', text: characters.slice(index).join('')},
					controls,
				);
				return;
			}

			runBinding(character === ' ' ? 'Space' : character, controls);
		}

		return;
	}

	if (isLineMode(controls.mode())) {
		if (key.kind === 'key') {
			const [name] = keyNames(key);
			if (name !== undefined && runBinding(name, controls)) return;
		}

		editCurrentLine(key, controls);
		return;
	}

	for (const name of keyNames(key)) runBinding(name, controls);
}

/** A prompt, or help while / is typed: keys edit a line. */
function isLineMode(mode: Mode): boolean {
	return (
		keymap[mode.kind].prompt === true ||
		(mode.kind === 'help' && mode.searching)
	);
}

function runBinding(name: string, controls: KeyControls): boolean {
	const mode = controls.mode();
	const binding = bindingFor(mode.kind, name);
	if (!binding) return false;
	const action = controls.actionsOf(mode)[binding.action];
	if (!action) return false;
	action(name);
	return true;
}

function editCurrentLine(key: Key, controls: KeyControls): void {
	const mode = controls.mode();
	const line =
		mode.kind === 'help' ? mode.search : 'line' in mode ? mode.line : undefined;
	if (!line) return;
	const step = editLine(line, key);
	if (step.unhandled || step.line === line) return;
	const next: Mode =
		mode.kind === 'help'
			? {...mode, search: step.line, scroll: 0}
			: withLine(mode, step.line);
	controls.setMode(next);
	controls.onLineChange?.(next);
}
