/*
The panes' actions: edits, the editor, roles, switching thing and shadow,
focus and scrolling, and the last message in full.
*/
import type {ConsoleSnapshot, Section} from '../../session/console-session.js';
import type {ModeActions} from '../console-keys.js';
import {emptyLine} from '../line-edit.js';
import type {Mode} from '../modes.js';
import {paneDocuments} from '../panes-body.js';
import {lineCount} from '../document-pane.js';

import {wrapWords} from '../wrap-words.js';
import {openHelp, scrollActions, type ActionControls} from './controls.js';
import {openPreview} from './preview-actions.js';
import {openTraffic} from './traffic-actions.js';

const ownSection = (snapshot: ConsoleSnapshot): Section =>
	snapshot.role === 'app' ? 'desired' : 'reported';

export function panesActions(controls: ActionControls): ModeActions {
	const {session, setMode} = controls;
	const edit = (target: Section | 'both') => {
		setMode({
			kind: 'edit',
			target,
			baseVersion: controls.snapshot().shadow?.version,
			line: emptyLine,
		});
	};

	const focus = (index: number) => {
		controls.setPanes({...controls.panes(), focus: (index + 3) % 3});
	};

	const scrollBy = (amount: number) => {
		const view = controls.panes();
		const documents = paneDocuments(controls.snapshot().shadow);
		controls.setPanes({
			...view,
			scroll: view.scroll.map((value, index) =>
				index === view.focus
					? Math.max(
							0,
							Math.min(value + amount, lineCount(documents[index]) - 1),
						)
					: value,
			),
		});
	};

	const page = () => Math.max(1, controls.bodyHeight() - 2);
	return {
		help: () => {
			openHelp(controls);
		},
		traffic: () => {
			openTraffic(controls);
		},
		split: () => {
			controls.toggleSplit();
		},
		accept: () => void session.accept(),
		decline: () => void session.decline(),
		'edit-own': () => {
			edit(ownSection(controls.snapshot()));
		},
		'edit-desired': () => {
			edit('desired');
		},
		'edit-both': () => {
			edit('both');
		},
		editor: controls.openEditor,
		undo: () => {
			const write = session.proposeUndo();
			if (!write) {
				setMode({
					kind: 'message',
					lines: [
						'nothing (more) to undo: u undoes the desired changes this console made on this shadow, newest first',
					],
					error: true,
					back: {kind: 'panes'},
				});
				return;
			}

			openPreview(controls, write, {
				send: () => void session.sendProposed(write),
				back: {kind: 'panes'},
			});
		},
		role: () => void session.switchRole(),
		history: () => {
			setMode({kind: 'history', entry: undefined, show: 'diff'});
		},
		thing: () => {
			setMode({kind: 'thing', line: emptyLine});
		},
		shadow: () => {
			openShadowPicker(controls);
		},
		fleet: () => {
			if (!controls.fleet) return;
			setMode({kind: 'fleet', cursor: 0});
			void controls.fleet.load();
		},
		refresh: () => void session.refresh(),
		message: () => {
			showMessage(controls);
		},
		lock: () => {
			session.toggleLock();
		},
		trends: () => {
			const view = controls.panes();
			controls.setPanes({...view, trends: view.trends !== true});
		},
		'next-pane': () => {
			focus(controls.panes().focus + 1);
		},
		'previous-pane': () => {
			focus(controls.panes().focus - 1);
		},
		pane: (key) => {
			focus(Number(key) - 1);
		},
		...scrollActions(scrollBy, page),
		quit: controls.quit,
	};
}

/** The last notice, whole: the footer has one line for it. */
export function showMessage(controls: ActionControls): void {
	const {notice} = controls.snapshot();
	if (!notice) return;
	const lines = wrapWords(notice.text, Math.max(10, controls.columns() - 2));
	controls.setMode({
		kind: 'message',
		lines: lines.slice(0, 12),
		error: notice.kind === 'error',
		back: controls.mode(),
	});
}

function openShadowPicker(controls: ActionControls): void {
	const {setMode, listNamedShadows} = controls;
	if (!listNamedShadows) {
		setMode({
			kind: 'shadow',
			names: [],
			selected: 0,
			line: emptyLine,
			error: 'no HTTP API to list named shadows (--api URL); type a name',
		});
		return;
	}

	setMode({kind: 'shadow', names: undefined, selected: 0, line: emptyLine});
	const update = (change: Partial<Extract<Mode, {kind: 'shadow'}>>) => {
		const current = controls.mode();
		if (current.kind === 'shadow') setMode({...current, ...change});
	};

	listNamedShadows(controls.snapshot().address.thingName).then(
		(names) => {
			update({names});
		},
		(error: unknown) => {
			update({
				names: [],
				error: `cannot list named shadows: ${error instanceof Error ? error.message : String(error)}; type a name`,
			});
		},
	);
}
