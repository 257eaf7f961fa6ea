/*
What each action of the keymap does, mode by mode. The functions read the
current mode and snapshots through the controls (refs, not a render's
values), so a burst of keys acts on the state the previous key left.
*/
import type {NamedShadowLister} from '../client/named-shadows.js';
import type {
	ConsoleSession,
	ConsoleSnapshot,
	Section,
} from '../session/console-session.js';
import {
	type FleetSession,
	type FleetSnapshot,
} from '../session/fleet-session.js';
import {parseEdit, parseSectionsEdit} from '../session/parse-edit.js';
import {awsLimits} from '../shadow/limits.js';
import {checkShadowName, checkThingName} from '../shadow/names.js';
import type {ModeActions} from './console-keys.js';
import {helpLines} from './keymap.js';
import {helpPageRows, shownHelpLines} from './help-overlay.js';
import {emptyLine, lineAt} from './line-edit.js';
import type {Mode} from './modes.js';
import {paneDocuments} from './panes-body.js';
import {lineCount} from './document-pane.js';

export type PaneView = {
	readonly focus: number;
	readonly scroll: readonly number[];
};

export type ActionControls = {
	readonly mode: () => Mode;
	readonly setMode: (mode: Mode) => void;
	readonly snapshot: () => ConsoleSnapshot;
	readonly session: ConsoleSession;
	readonly fleet: FleetSession | undefined;
	readonly fleetSnapshot: () => FleetSnapshot | undefined;
	readonly listNamedShadows: NamedShadowLister | undefined;
	readonly panes: () => PaneView;
	readonly setPanes: (view: PaneView) => void;
	readonly bodyHeight: () => number;
	readonly columns: () => number;
	readonly openEditor: () => void;
	readonly quit: () => void;
};

export function actionsOf(mode: Mode, controls: ActionControls): ModeActions {
	switch (mode.kind) {
		case 'panes': {
			return panesActions(controls);
		}

		case 'edit':
		case 'thing':
		case 'shadow':
		case 'fleet-filter':
		case 'fleet-edit': {
			return promptActions(controls);
		}

		case 'help': {
			return helpActions(controls);
		}

		case 'history': {
			return historyActions(controls);
		}

		case 'fleet': {
			return fleetActions(controls);
		}

		case 'confirm': {
			return confirmActions(controls);
		}
	}
}

function openHelp(controls: ActionControls): void {
	const back = controls.mode();
	controls.setMode({
		kind: 'help',
		back,
		from: back.kind,
		scroll: 0,
		search: emptyLine,
		searching: false,
	});
}

const ownSection = (snapshot: ConsoleSnapshot): Section =>
	snapshot.role === 'app' ? 'desired' : 'reported';

function panesActions(controls: ActionControls): ModeActions {
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
		'next-pane': () => {
			focus(controls.panes().focus + 1);
		},
		'previous-pane': () => {
			focus(controls.panes().focus - 1);
		},
		pane: (key) => {
			focus(Number(key) - 1);
		},
		up: () => {
			scrollBy(-1);
		},
		down: () => {
			scrollBy(1);
		},
		'page-up': () => {
			scrollBy(-page());
		},
		'page-down': () => {
			scrollBy(page());
		},
		quit: controls.quit,
	};
}

/** The last notice, whole: the footer has one line for it. */
function showMessage(controls: ActionControls): void {
	const {notice} = controls.snapshot();
	if (!notice) return;
	const width = Math.max(10, controls.columns() - 2);
	const lines: string[] = [];
	for (let at = 0; at < notice.text.length && lines.length < 12; at += width)
		lines.push(notice.text.slice(at, at + width));
	controls.setMode({
		kind: 'confirm',
		question: `${notice.kind === 'error' ? '✗' : '✓'} the last message (Esc closes)`,
		details: lines,
		yes: () => {
			controls.setMode({kind: 'panes'});
		},
		back: {kind: 'panes'},
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

function promptActions(controls: ActionControls): ModeActions {
	const {setMode} = controls;
	return {
		help: () => {
			openHelp(controls);
		},
		cancel: () => {
			const mode = controls.mode();
			setMode(
				mode.kind === 'fleet-filter' || mode.kind === 'fleet-edit'
					? {kind: 'fleet', cursor: mode.cursor}
					: {kind: 'panes'},
			);
		},
		pick: (key) => {
			const mode = controls.mode();
			if (mode.kind !== 'shadow') return;
			const choices = ['', ...(mode.names ?? [])];
			const selected = Math.max(
				0,
				Math.min(choices.length - 1, mode.selected + (key === 'Up' ? -1 : 1)),
			);
			setMode({...mode, selected, line: lineAt(choices[selected] ?? '')});
		},
		submit: () => {
			submitPrompt(controls);
		},
	};
}

function submitPrompt(controls: ActionControls): void {
	const {setMode, session} = controls;
	const mode = controls.mode();
	switch (mode.kind) {
		case 'edit': {
			if (mode.target === 'both') {
				const both = parseSectionsEdit(mode.line.value);
				if (!both.ok) {
					setMode({...mode, error: `${both.error}; nothing was sent`});
					return;
				}

				setMode({kind: 'panes'});
				void session.updateBoth(
					both.patch.desired ?? {},
					both.patch.reported ?? {},
					mode.baseVersion,
				);
				return;
			}

			const parsed = parseEdit(mode.line.value);
			if (!parsed.ok) {
				setMode({...mode, error: `${parsed.error}; nothing was sent`});
				return;
			}

			setMode({kind: 'panes'});
			void session.update(mode.target, parsed.patch, mode.baseVersion);
			return;
		}

		case 'thing': {
			const thingName = mode.line.value.trim();
			const problem = checkThingName(thingName, awsLimits);
			if (problem) {
				setMode({...mode, error: problem.message});
				return;
			}

			setMode({kind: 'panes'});
			void session.switchShadow({thingName, shadowName: ''});
			return;
		}

		case 'shadow': {
			const shadowName = mode.line.value.trim();
			const problem =
				shadowName === '' ? undefined : checkShadowName(shadowName, awsLimits);
			if (problem) {
				setMode({...mode, error: problem.message});
				return;
			}

			setMode({kind: 'panes'});
			void session.switchShadow({
				thingName: controls.snapshot().address.thingName,
				shadowName,
			});
			return;
		}

		case 'fleet-filter': {
			setMode({kind: 'fleet', cursor: 0});
			void controls.fleet?.submitFilter();
			return;
		}

		case 'fleet-edit': {
			confirmFleetEdit(controls, mode);
			return;
		}

		default:
	}
}

/** A bulk edit goes to the selected things that are shown, once the user says yes. */
function confirmFleetEdit(
	controls: ActionControls,
	mode: Extract<Mode, {kind: 'fleet-edit'}>,
): void {
	const parsed = parseEdit(mode.line.value);
	if (!parsed.ok) {
		controls.setMode({...mode, error: `${parsed.error}; nothing was sent`});
		return;
	}

	const targets = controls.fleet?.bulkTargets();
	if (!targets || targets.count === 0) {
		controls.setMode({
			...mode,
			error: 'no shown thing is selected (space selects, a selects all shown)',
		});
		return;
	}

	const names = targets.thingNames;
	const hidden = targets.hiddenSelected;
	controls.setMode({
		kind: 'confirm',
		question: `Send to the desired state of ${targets.count} thing${targets.count === 1 ? '' : 's'}? (y: send · n: back)`,
		details: [
			`patch: ${JSON.stringify(parsed.patch)}`,
			`filter: ${targets.filter === '' ? '(none)' : targets.filter}`,
			`things: ${names.slice(0, 5).join(', ')}${names.length > 5 ? `, … (${names.length - 5} more)` : ''}`,
			...(hidden > 0
				? [
						`${hidden} selected thing${hidden === 1 ? '' : 's'} the filter hides will not be sent to`,
					]
				: []),
		],
		yes: () => {
			controls.setMode({kind: 'fleet', cursor: mode.cursor});
			// The things the user said yes to, even if the table refreshed meanwhile.
			void controls.fleet?.bulkUpdate(parsed.patch, targets);
		},
		back: {...mode, error: 'nothing was sent'},
	});
}

function helpActions(controls: ActionControls): ModeActions {
	const {setMode} = controls;
	const help = () => {
		const mode = controls.mode();
		return mode.kind === 'help' ? mode : undefined;
	};

	const scrollTo = (
		to: (current: number, rows: number, total: number) => number,
	) => {
		const mode = help();
		if (!mode) return;
		const rows = helpPageRows(controls.bodyHeight());
		const total = shownHelpLines(mode.from, mode.search.value).length;
		const scroll = Math.max(
			0,
			Math.min(to(mode.scroll, rows, total), total - rows),
		);
		setMode({...mode, scroll});
	};

	return {
		close: (key) => {
			const mode = help();
			if (!mode) return;
			if (mode.searching && key === 'Esc') {
				setMode({...mode, searching: false, search: emptyLine, scroll: 0});
				return;
			}

			setMode(mode.back);
		},
		up: () => {
			scrollTo((current) => current - 1);
		},
		down: () => {
			scrollTo((current) => current + 1);
		},
		page: (key) => {
			scrollTo((current, rows) => current + (key === 'PgUp' ? -rows : rows));
		},
		ends: (key) => {
			scrollTo((_current, _rows, total) => (key === 'Home' ? 0 : total));
		},
		search: () => {
			const mode = help();
			if (mode) setMode({...mode, searching: true});
		},
		'search-done': () => {
			const mode = help();
			if (mode) setMode({...mode, searching: false});
		},
		quit: controls.quit,
	};
}

function historyActions(controls: ActionControls): ModeActions {
	const {setMode} = controls;
	const move = (step: number) => {
		const mode = controls.mode();
		if (mode.kind !== 'history') return;
		const {history} = controls.snapshot();
		const at = Math.max(
			0,
			history.findIndex((entry) => entry.key === mode.entry),
		);
		const next = history[Math.max(0, Math.min(history.length - 1, at + step))];
		setMode({...mode, entry: next?.key});
	};

	return {
		help: () => {
			openHelp(controls);
		},
		newer: () => {
			move(-1);
		},
		older: () => {
			move(1);
		},
		toggle: () => {
			const mode = controls.mode();
			if (mode.kind === 'history')
				setMode({...mode, show: mode.show === 'diff' ? 'document' : 'diff'});
		},
		back: () => {
			setMode({kind: 'panes'});
		},
		quit: controls.quit,
	};
}

function fleetActions(controls: ActionControls): ModeActions {
	const {setMode, fleet} = controls;
	const cursor = () => {
		const mode = controls.mode();
		return mode.kind === 'fleet' ? mode.cursor : 0;
	};

	const shown = () => controls.fleetSnapshot()?.shown ?? [];
	const move = (to: number) => {
		setMode({
			kind: 'fleet',
			cursor: Math.max(0, Math.min(shown().length - 1, to)),
		});
	};

	const page = () => Math.max(1, controls.bodyHeight() - 3);
	return {
		help: () => {
			openHelp(controls);
		},
		toggle: () => {
			const shadow = shown()[cursor()];
			if (shadow) fleet?.toggle(shadow);
		},
		'select-shown': () => {
			fleet?.selectShown();
		},
		'select-none': () => {
			fleet?.selectNone();
		},
		filter: () => {
			setMode({
				kind: 'fleet-filter',
				cursor: 0,
				line: lineAt(controls.fleetSnapshot()?.filter ?? ''),
			});
		},
		edit: () => {
			setMode({kind: 'fleet-edit', cursor: cursor(), line: emptyLine});
		},
		retry: () => void fleet?.retry(),
		reload: () => void fleet?.load(),
		open: () => {
			const shadow = shown()[cursor()];
			if (!shadow) return;
			setMode({kind: 'panes'});
			void controls.session.switchShadow({
				thingName: shadow.thingName,
				shadowName: shadow.shadowName,
			});
		},
		up: () => {
			move(cursor() - 1);
		},
		down: () => {
			move(cursor() + 1);
		},
		'page-up': () => {
			move(cursor() - page());
		},
		'page-down': () => {
			move(cursor() + page());
		},
		back: () => {
			setMode({kind: 'panes'});
		},
		quit: controls.quit,
	};
}

function confirmActions(controls: ActionControls): ModeActions {
	const confirm = () => {
		const mode = controls.mode();
		return mode.kind === 'confirm' ? mode : undefined;
	};

	return {
		yes: () => {
			confirm()?.yes();
		},
		no: () => {
			const mode = confirm();
			if (mode) controls.setMode(mode.back);
		},
		help: () => {
			openHelp(controls);
		},
		quit: controls.quit,
	};
}

/** Every line help can show, for tests that check each key is reachable. */
export const everyHelpLine = helpLines;
