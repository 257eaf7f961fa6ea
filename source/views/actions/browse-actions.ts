/*
The actions of the views one moves through: help (scroll, search), and a
question (the fleet table's are in fleet-actions.ts).
*/
import type {ModeActions} from '../console-keys.js';
import {helpPageRows, helpRows} from '../help-overlay.js';
import {emptyLine} from '../line-edit.js';

import {openHelp, type ActionControls} from './controls.js';

export function helpActions(controls: ActionControls): ModeActions {
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
		const total = helpRows(
			mode.from,
			mode.search.value,
			controls.columns(),
		).length;
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
		interrupt: () => {
			const mode = help();
			if (mode?.searching || (mode && mode.search.value !== ''))
				setMode({...mode, searching: false, search: emptyLine, scroll: 0});
			else controls.quit();
		},
		quit: controls.quit,
	};
}

export function confirmActions(controls: ActionControls): ModeActions {
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

export function messageActions(controls: ActionControls): ModeActions {
	return {
		close: () => {
			const mode = controls.mode();
			if (mode.kind === 'message') controls.setMode(mode.back);
		},
	};
}
