/*
The history's actions: moving (the selection stays on its entry as versions
arrive), a diff against a marked version, the trend of a numeric key, and
restore, which proposes a version's desired state through the preview.
*/
import {changes, isEmpty} from '../../device-mode/device-state.js';
import type {ProposedWrite} from '../../session/write-preview.js';
import type {ModeActions} from '../console-keys.js';
import {nextTrendKey} from '../history-trend.js';
import type {Mode} from '../modes.js';
import {openHelp, type ActionControls} from './controls.js';
import {showMessage} from './panes-actions.js';
import {openPreview} from './preview-actions.js';

export function historyActions(controls: ActionControls): ModeActions {
	const {setMode} = controls;
	const history = () => {
		const mode = controls.mode();
		return mode.kind === 'history' ? mode : undefined;
	};

	const moveTo = (index: (at: number, count: number) => number) => {
		const mode = history();
		if (!mode) return;
		const entries = controls.snapshot().history;
		const at = Math.max(
			0,
			entries.findIndex((entry) => entry.key === mode.entry),
		);
		const next =
			entries[
				Math.max(0, Math.min(entries.length - 1, index(at, entries.length)))
			];
		setMode({...mode, entry: next?.key});
	};

	const page = () => Math.max(1, Math.floor(controls.bodyHeight() / 2) - 1);
	return {
		help: () => {
			openHelp(controls);
		},
		newer: () => {
			moveTo((at) => at - 1);
		},
		older: () => {
			moveTo((at) => at + 1);
		},
		'page-newer': () => {
			moveTo((at) => at - page());
		},
		'page-older': () => {
			moveTo((at) => at + page());
		},
		newest: () => {
			moveTo(() => 0);
		},
		oldest: () => {
			moveTo((_, count) => count - 1);
		},
		toggle: () => {
			const mode = history();
			if (mode)
				setMode({...mode, show: mode.show === 'diff' ? 'document' : 'diff'});
		},
		mark: () => {
			const mode = history();
			if (!mode) return;
			const key = mode.entry ?? controls.snapshot().history[0]?.key;
			const {mark: _mark, ...rest} = mode;
			setMode(
				mode.mark === key || key === undefined ? rest : {...rest, mark: key},
			);
		},
		trend: () => {
			const mode = history();
			if (!mode) return;
			const next = nextTrendKey(controls.snapshot().history, mode.trend);
			const {trend: _trend, ...rest} = mode;
			setMode(next === undefined ? rest : {...rest, trend: next});
		},
		restore: () => {
			const mode = history();
			if (mode) restoreVersion(controls, mode);
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

/** `r`: the selected version's desired, proposed as an update on the version shown now. */
function restoreVersion(
	controls: ActionControls,
	mode: Extract<Mode, {kind: 'history'}>,
): void {
	const snapshot = controls.snapshot();
	const entry =
		snapshot.history.find((each) => each.key === mode.entry) ??
		snapshot.history[0];
	const refuse = (text: string) => {
		controls.setMode({kind: 'message', lines: [text], error: true, back: mode});
	};

	if (!entry) return;
	if (entry.kind === 'deleted') {
		refuse(
			'a delete has no desired state to restore: choose the version before it',
		);
		return;
	}

	const current = snapshot.shadow?.state.desired ?? {};
	const target = entry.state.desired ?? {};
	const patch = changes(current, target);
	if (isEmpty(patch)) {
		refuse(
			`desired is already what it was in v${entry.version}: nothing to restore`,
		);
		return;
	}

	const write: ProposedWrite = {
		kind: 'restore',
		label: `restore v${entry.version}'s desired`,
		state: {desired: patch},
		// On the version it was previewed on; on a newer one only if desired did not move since.
		version: snapshot.shadow?.version,
		...(snapshot.shadow ? {base: snapshot.shadow.state} : {}),
	};
	openPreview(controls, write, {
		send: () => void controls.session.sendProposed(write),
		back: mode,
	});
}
