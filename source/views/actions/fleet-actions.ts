/*
The fleet table's actions and those of its counts prompt (c). The cursor is
the session's (fleet-cursor.ts): it stays on its shadow when the table
re-sorts or refreshes, so these actions move it there rather than in the
mode. Counting needs the aggregation the console was given; without one, c
says so instead of asking for a field.
*/
import {noAggregationMessage} from '../../session/fleet-session.js';
import type {ModeActions} from '../console-keys.js';
import {oneLine} from '../fit-text.js';
import {fleetRows} from '../fleet-view.js';
import {emptyLine, lineAt, type LineState} from '../line-edit.js';
import type {Mode} from '../modes.js';
import {wrapWords} from '../wrap-words.js';
import {openHelp, type ActionControls} from './controls.js';
import {showMessage} from './panes-actions.js';

/** The counts prompt: the field to count by, on its line. */
export type FleetCountMode = {
	readonly kind: 'fleet-count';
	readonly line: LineState;
};

/** The controls, with a setMode that takes the counts prompt (modes.ts may not list it). */
export type FleetActionControls = Omit<ActionControls, 'setMode'> & {
	readonly setMode: (mode: Mode | FleetCountMode) => void;
};

export function isFleetCountMode(
	mode: Mode | FleetCountMode,
): mode is FleetCountMode {
	return mode.kind === 'fleet-count';
}

/** The field typed in the counts prompt; undefined in any other mode. */
function countField(mode: Mode | FleetCountMode): string | undefined {
	return isFleetCountMode(mode) ? mode.line.value : undefined;
}

const fleetMode: Mode = {kind: 'fleet', cursor: 0};

/** A message over the fleet table, made one line (the service's breaks are no rows) and wrapped at the width. */
function tell(
	controls: FleetActionControls,
	text: string,
	error: boolean,
): void {
	controls.setMode({
		kind: 'message',
		lines: wrapWords(oneLine(text), Math.max(10, controls.columns() - 2)).slice(
			0,
			12,
		),
		error,
		back: controls.mode(),
	});
}

export function fleetActions(controls: FleetActionControls): ModeActions {
	const {setMode, fleet} = controls;
	const current = () => {
		const snapshot = controls.fleetSnapshot();
		return snapshot?.shown[snapshot.cursor];
	};

	const page = () => {
		const snapshot = controls.fleetSnapshot();
		return snapshot ? fleetRows(snapshot, controls.bodyHeight()) : 1;
	};

	const move = (by: number) => {
		fleet?.moveCursor(by);
	};

	return {
		help: () => {
			openHelp(controls);
		},
		toggle: () => {
			const shadow = current();
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
		sort: () => {
			fleet?.sortByNext();
		},
		reverse: () => {
			fleet?.reverseSort();
		},
		named: () => {
			const scope = controls.fleetSnapshot()?.scope;
			void fleet?.setScope(scope === 'classic' ? 'every' : 'classic');
		},
		counts: () => {
			if (!fleet?.canCount) {
				tell(controls, noAggregationMessage, true);
				return;
			}

			const field = controls.fleetSnapshot()?.aggregation?.field;
			setMode({
				kind: 'fleet-count',
				line: field === undefined ? emptyLine : lineAt(field),
			});
		},
		edit: () => {
			setMode({kind: 'fleet-edit', cursor: 0, line: emptyLine});
		},
		retry: () => void fleet?.retry(),
		reload: () => void fleet?.load(),
		open: () => {
			const shadow = current();
			if (!shadow) return;
			setMode({kind: 'panes'});
			void controls.session.switchShadow({
				thingName: shadow.thingName,
				shadowName: shadow.shadowName,
			});
		},
		up: () => {
			move(-1);
		},
		down: () => {
			move(1);
		},
		'page-up': () => {
			move(-page());
		},
		'page-down': () => {
			move(page());
		},
		first: () => {
			move(-Number.MAX_SAFE_INTEGER);
		},
		last: () => {
			move(Number.MAX_SAFE_INTEGER);
		},
		back: () => {
			setMode({kind: 'panes'});
		},
		message: () => {
			// The fleet's own error first: the table shows it cut to one line.
			const snapshot = controls.fleetSnapshot();
			const error = snapshot?.error ?? snapshot?.aggregation?.error;
			if (error === undefined) showMessage(controls);
			else tell(controls, error, true);
		},
		quit: controls.quit,
	};
}

/** The counts prompt: Enter counts by the field (an empty one hides the counts), Esc leaves them. */
export function fleetCountActions(controls: FleetActionControls): ModeActions {
	return {
		help: () => {
			openHelp(controls);
		},
		cancel: () => {
			controls.setMode(fleetMode);
		},
		submit: () => {
			const field = countField(controls.mode());
			if (field === undefined) return;
			controls.setMode(fleetMode);
			void controls.fleet?.countBy(field);
		},
	};
}
