/*
The preview of a write (every write the console makes goes through one):
Enter sends it, Esc goes back to where it came from with nothing sent, the
arrows scroll a long one.
*/
import type {ConsoleSnapshot} from '../../session/console-session.js';
import type {ProposedWrite} from '../../session/write-preview.js';
import type {JsonObject} from '../../shadow/json.js';
import type {Sections} from '../../shadow/shadow-record.js';
import type {ModeActions} from '../console-keys.js';
import type {Mode} from '../modes.js';
import {previewModeLines, wrapPreview} from '../preview-lines.js';
import {openHelp, scrollActions, type ActionControls} from './controls.js';

export function openPreview(
	controls: Pick<ActionControls, 'setMode'>,
	write: ProposedWrite,
	how: {
		readonly send: () => void;
		readonly back: Mode;
		readonly base?: Sections<JsonObject>;
	},
): void {
	controls.setMode({
		kind: 'preview',
		write,
		send: how.send,
		back: how.back,
		...(how.base ? {base: how.base} : {}),
		scroll: 0,
	});
}

/** The state of `version` of the current incarnation, when the history still has it. */
export function stateAt(
	snapshot: ConsoleSnapshot,
	version: number | undefined,
): Sections<JsonObject> | undefined {
	if (version === undefined) return undefined;
	// Newest first: the first match is of the newest incarnation.
	return snapshot.history.find(
		(entry) => entry.kind === 'document' && entry.version === version,
	)?.state;
}

export function previewActions(controls: ActionControls): ModeActions {
	const preview = () => {
		const mode = controls.mode();
		return mode.kind === 'preview' ? mode : undefined;
	};

	const scrollBy = (lines: number) => {
		const mode = preview();
		if (!mode) return;
		const total = wrapPreview(
			previewModeLines(
				mode,
				controls.snapshot(),
				Math.floor(Date.now() / 1000),
			),
			controls.columns(),
		).length;
		const last = Math.max(0, total - 1 - (controls.bodyHeight() - 2));
		controls.setMode({
			...mode,
			scroll: Math.max(0, Math.min(last, mode.scroll + lines)),
		});
	};

	return {
		send: () => {
			const mode = preview();
			if (!mode) return;
			controls.setMode(
				mode.back.kind === 'history' ? mode.back : {kind: 'panes'},
			);
			mode.send();
		},
		back: () => {
			const mode = preview();
			if (mode) controls.setMode(mode.back);
		},
		help: () => {
			openHelp(controls);
		},
		...scrollActions(scrollBy, () => Math.max(1, controls.bodyHeight() - 3)),
	};
}
