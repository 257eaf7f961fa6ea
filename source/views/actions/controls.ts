/*
What every mode's actions work through: the current mode and snapshots as
refs (not a render's values), and the session, fleet and view around them.
*/
import type {NamedShadowLister} from '../../client/named-shadows.js';
import type {
	ConsoleSession,
	ConsoleSnapshot,
} from '../../session/console-session.js';
import {
	type FleetSession,
	type FleetSnapshot,
} from '../../session/fleet-session.js';
import type {
	TrafficSession,
	TrafficSnapshot,
} from '../../session/traffic-session.js';
import {emptyLine} from '../line-edit.js';
import type {Mode} from '../modes.js';

export type PaneView = {
	readonly focus: number;
	readonly scroll: readonly number[];
	/** T: sparklines beside numeric keys. */
	readonly trends?: boolean;
};

export type ActionControls = {
	readonly mode: () => Mode;
	readonly setMode: (mode: Mode) => void;
	readonly snapshot: () => ConsoleSnapshot;
	readonly session: ConsoleSession;
	readonly fleet: FleetSession | undefined;
	readonly fleetSnapshot: () => FleetSnapshot | undefined;
	readonly listNamedShadows: NamedShadowLister | undefined;
	/** The traffic inspector (i); absent in tests that do not give one. */
	readonly traffic: TrafficSession | undefined;
	readonly trafficSnapshot: () => TrafficSnapshot | undefined;
	/** The traffic split beside the panes, on wide terminals. */
	readonly toggleSplit: () => void;
	readonly panes: () => PaneView;
	readonly setPanes: (view: PaneView) => void;
	readonly bodyHeight: () => number;
	readonly columns: () => number;
	readonly openEditor: () => void;
	readonly quit: () => void;
};

/** up, down, page-up and page-down, for a view that scrolls by lines. */
export function scrollActions(
	scrollBy: (lines: number) => void,
	page: () => number,
): Record<'up' | 'down' | 'page-up' | 'page-down', () => void> {
	return {
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
	};
}

export function openHelp(controls: ActionControls): void {
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
