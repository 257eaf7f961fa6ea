/*
The traffic inspector's actions: moving through the messages (the selection
stays on its message, or follows the newest), the message in full and its
pair, the filter as typed, the scope, saving as JSON Lines and clearing.
*/
import {homedir} from 'node:os';
import {resolve} from 'node:path';
import type {TrafficEntry} from '../../traffic/traffic-log.js';
import type {ModeActions} from '../console-keys.js';
import {lineAt} from '../line-edit.js';
import type {Mode} from '../modes.js';
import {detailScrollLimit} from '../traffic-detail.js';
import {selectedIndex} from '../traffic-view.js';
import {openHelp, scrollActions, type ActionControls} from './controls.js';
import {showMessage} from './panes-actions.js';

const scopes = ['shadow', 'thing', 'fleet'] as const;

export function openTraffic(controls: ActionControls): void {
	if (!controls.traffic) {
		controls.setMode({
			kind: 'message',
			lines: ['this console has no traffic inspector'],
			error: true,
			back: controls.mode(),
		});
		return;
	}

	controls.setMode({kind: 'traffic', selected: undefined});
}

export function trafficActions(controls: ActionControls): ModeActions {
	const {setMode, traffic} = controls;
	const shown = (): readonly TrafficEntry[] =>
		controls.trafficSnapshot()?.shown ?? [];
	const selected = () => {
		const mode = controls.mode();
		return mode.kind === 'traffic' ? mode.selected : undefined;
	};

	const moveTo = (index: number) => {
		const entries = shown();
		if (entries.length === 0) return;
		const clamped = Math.max(0, Math.min(entries.length - 1, index));
		// Moving onto the newest follows it again.
		setMode({
			kind: 'traffic',
			selected:
				clamped === entries.length - 1 ? undefined : entries[clamped]?.seq,
		});
	};

	const move = (step: number) => {
		moveTo(selectedIndex(shown(), selected()) + step);
	};

	const page = () => Math.max(1, controls.bodyHeight() - 5);
	return {
		help: () => {
			openHelp(controls);
		},
		older: () => {
			move(-1);
		},
		newer: () => {
			move(1);
		},
		'page-up': () => {
			move(-page());
		},
		'page-down': () => {
			move(page());
		},
		oldest: () => {
			moveTo(0);
		},
		follow: () => {
			setMode({kind: 'traffic', selected: undefined});
		},
		open: () => {
			const entries = shown();
			const entry = entries[selectedIndex(entries, selected())];
			if (entry)
				setMode({
					kind: 'traffic-detail',
					seq: entry.seq,
					scroll: 0,
					selected: selected() ?? entry.seq,
				});
		},
		filter: () => {
			const previous = controls.trafficSnapshot()?.filter ?? '';
			setMode({
				kind: 'traffic-filter',
				selected: selected(),
				line: lineAt(previous),
				previous,
			});
		},
		scope: () => {
			const current = controls.trafficSnapshot()?.scope.kind ?? 'shadow';
			const next = scopes[(scopes.indexOf(current) + 1) % scopes.length];
			if (next) void traffic?.setScope(next);
			setMode({kind: 'traffic', selected: undefined});
		},
		save: () => {
			setMode({
				kind: 'traffic-save',
				selected: selected(),
				line: lineAt(defaultSavePath(controls)),
			});
		},
		clear: () => {
			traffic?.clear();
			setMode({kind: 'traffic', selected: undefined});
		},
		back: () => {
			setMode({kind: 'panes'});
		},
		message: () => {
			showMessage(controls);
		},
		quit: controls.quit,
	};
}

function defaultSavePath(controls: ActionControls): string {
	const {thingName} = controls.snapshot().address;
	const stamp = new Date().toISOString().replaceAll(':', '').slice(0, 17);
	return `traffic-${thingName}-${stamp}.jsonl`;
}

export function trafficDetailActions(controls: ActionControls): ModeActions {
	const {setMode} = controls;
	const detail = () => {
		const mode = controls.mode();
		return mode.kind === 'traffic-detail' ? mode : undefined;
	};

	const entryOf = (seq: number) =>
		controls.trafficSnapshot()?.entries.find((entry) => entry.seq === seq);

	const scrollBy = (amount: number) => {
		const mode = detail();
		if (!mode) return;
		const limit = detailScrollLimit(
			entryOf(mode.seq),
			controls.trafficSnapshot()?.answerTimeoutMs ?? 0,
			controls.columns(),
			controls.bodyHeight(),
		);
		setMode({
			...mode,
			scroll: Math.max(0, Math.min(limit, mode.scroll + amount)),
		});
	};

	const step = (by: number) => {
		const mode = detail();
		if (!mode) return;
		const shown = controls.trafficSnapshot()?.shown ?? [];
		const index = shown.findIndex((entry) => entry.seq === mode.seq);
		const next = shown[index + by];
		if (index !== -1 && next)
			setMode({...mode, seq: next.seq, scroll: 0, selected: next.seq});
	};

	const page = () => Math.max(1, controls.bodyHeight() - 2);
	return {
		help: () => {
			openHelp(controls);
		},
		...scrollActions(scrollBy, page),
		previous: () => {
			step(-1);
		},
		next: () => {
			step(1);
		},
		pair: () => {
			const mode = detail();
			if (!mode) return;
			const entry = entryOf(mode.seq);
			const pair = entry?.answer?.seq ?? entry?.request?.seq ?? entry?.cause;
			if (pair !== undefined && entryOf(pair))
				setMode({...mode, seq: pair, scroll: 0, selected: pair});
		},
		back: () => {
			const mode = detail();
			setMode({kind: 'traffic', selected: mode?.selected});
		},
		quit: controls.quit,
	};
}

/** Enter in the save prompt: write the shown messages; say where, or why not. */
export function saveTraffic(
	controls: ActionControls,
	mode: Extract<Mode, {kind: 'traffic-save'}>,
): void {
	const typed = mode.line.value.trim();
	if (typed === '') {
		controls.setMode({...mode, error: 'give a file name'});
		return;
	}

	const path = resolve(
		typed.startsWith('~/') ? `${homedir()}${typed.slice(1)}` : typed,
	);
	const back: Mode = {kind: 'traffic', selected: mode.selected};
	controls.setMode({...mode, error: 'saving…'});
	controls.traffic?.save(path).then(
		(count) => {
			controls.setMode({
				kind: 'message',
				lines: [`saved ${count} message${count === 1 ? '' : 's'} to ${path}`],
				error: false,
				back,
			});
		},
		(error: unknown) => {
			const code = (error as {code?: unknown}).code;
			controls.setMode({
				...mode,
				line: mode.line,
				error:
					code === 'EEXIST'
						? `${path} exists; give another name (nothing was overwritten)`
						: `could not save: ${error instanceof Error ? error.message : String(error)}`,
			});
		},
	);
}
