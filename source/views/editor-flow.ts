/*
Editing a whole section in $EDITOR, and what happens to what was saved: an
unchanged file sends nothing; a valid one previews what changed, then sends
it on Enter; an empty one previews clearing the section; an invalid one, or an editor that failed,
offers to reopen the editor with the text kept, so nothing typed is lost.
*/
import type {
	ConsoleSession,
	ConsoleSnapshot,
	Section,
} from '../session/console-session.js';
import {changes, isEmpty} from '../device-mode/device-state.js';
import {parseEdit} from '../session/parse-edit.js';
import type {JsonObject} from '../shadow/json.js';
import type {Mode} from './modes.js';
import {openPreview, stateAt} from './actions/preview-actions.js';

export type EditorOutcome =
	| {readonly kind: 'unchanged'}
	| {readonly kind: 'saved'; readonly text: string}
	/** The editor could not run or exited non-zero; `text` is what the file held. */
	| {readonly kind: 'failed'; readonly error: string; readonly text?: string};

/** Opens `text` for a section in the editor and says what came back; the terminal is the caller's. */
export type EditInEditor = (section: Section, text: string) => EditorOutcome;

export type EditorFlowControls = {
	readonly snapshot: () => ConsoleSnapshot;
	readonly session: ConsoleSession;
	readonly setMode: (mode: Mode) => void;
	/** Runs the editor with the terminal handed over. */
	readonly edit: EditInEditor;
};

export function documentText(document: JsonObject): string {
	return `${JSON.stringify(document, undefined, 2)}\n`;
}

export function runEditorFlow(
	controls: EditorFlowControls,
	section: Section,
	text?: string,
): void {
	const snapshot = controls.snapshot();
	const {shadow} = snapshot;
	const current = shadow?.state[section] ?? {};
	const baseVersion = shadow?.version;
	const base = stateAt(snapshot, baseVersion);
	const preview = (label: string, patch: JsonObject) => {
		openPreview(
			controls,
			{
				kind: 'edit',
				label,
				state: {[section]: patch},
				version: snapshot.lockVersion ? baseVersion : undefined,
			},
			{
				send: () => {
					void controls.session.update(section, patch, baseVersion);
				},
				back: {kind: 'panes'},
				...(base ? {base} : {}),
			},
		);
	};

	const outcome = controls.edit(section, text ?? documentText(current));
	const reopen = (problem: string, kept: string) => {
		controls.setMode({
			kind: 'confirm',
			question: `✗ ${problem}; nothing was sent`,
			details: [
				'reopen the editor with what you wrote? (y: reopen · n: drop it)',
			],
			yes: () => {
				controls.setMode({kind: 'panes'});
				runEditorFlow(controls, section, kept);
			},
			back: {kind: 'panes'},
		});
	};

	if (outcome.kind === 'unchanged') return;
	if (outcome.kind === 'failed') {
		if (outcome.text === undefined) {
			controls.setMode({
				kind: 'confirm',
				question: `✗ ${outcome.error}; nothing was sent`,
				details: [
					'try the editor again? (y: again · n: no) $VISUAL or $EDITOR names it',
				],
				yes: () => {
					controls.setMode({kind: 'panes'});
					runEditorFlow(controls, section, text);
				},
				back: {kind: 'panes'},
			});
			return;
		}

		reopen(outcome.error, outcome.text);
		return;
	}

	if (outcome.text.trim() === '') {
		const keys = Object.keys(current);
		if (keys.length === 0) return;
		preview(
			`the file is empty: clear all of ${section} (${keys.length} key${keys.length === 1 ? '' : 's'})`,
			Object.fromEntries(keys.map((key) => [key, null])),
		);
		return;
	}

	const parsed = parseEdit(outcome.text);
	if (!parsed.ok) {
		reopen(
			`${parsed.error}; nothing was sent. Reopen the editor?`,
			outcome.text,
		);
		return;
	}

	const patch = changes(current, parsed.patch);
	if (isEmpty(patch)) return;
	preview(`edit ${section} in $EDITOR`, patch);
}
