/*
What the console is doing: the panes, a prompt, help, history, the fleet or
a question. A mode is a value held in a ref by the app, so keys that arrive
between renders see the mode the previous key left.
*/
import type {Section} from '../session/console-session.js';
import type {ProposedWrite} from '../session/write-preview.js';
import type {JsonObject} from '../shadow/json.js';
import type {Sections} from '../shadow/shadow-record.js';
import type {FleetCountMode} from './actions/fleet-actions.js';
import type {HelpState} from './help-overlay.js';
import type {LineState} from './line-edit.js';

/** What an edit line writes: one section, or desired and reported at once. */
export type EditTarget = Section | 'both';

export type Mode =
	| {readonly kind: 'panes'}
	| {
			readonly kind: 'edit';
			readonly target: EditTarget;
			readonly baseVersion: number | undefined;
			readonly line: LineState;
			readonly error?: string;
	  }
	| {readonly kind: 'thing'; readonly line: LineState; readonly error?: string}
	| {
			readonly kind: 'shadow';
			readonly names: readonly string[] | undefined;
			readonly selected: number;
			readonly line: LineState;
			readonly error?: string;
	  }
	| ({readonly kind: 'help'; readonly back: Mode} & HelpState)
	| {
			readonly kind: 'history';
			/** The selected entry's key (history.ts): the selection stays on it as versions arrive; undefined: the newest. */
			readonly entry: string | undefined;
			readonly show: 'diff' | 'document';
			/** The entry marked with Space: the diff is against it instead of the version before. */
			readonly mark?: string;
			/** The numeric key whose trend is drawn (`reported.temperature`); undefined: none. */
			readonly trend?: string;
	  }
	| {
			readonly kind: 'preview';
			readonly write: ProposedWrite;
			/** The state at the write's version, when known: whether a moved shadow may take it anyway. */
			readonly base?: Sections<JsonObject>;
			/** Sends the write; the mode is back on the panes by then. */
			readonly send: () => void;
			/** Where Esc goes: the edit line with its text, the history. */
			readonly back: Mode;
			readonly scroll: number;
	  }
	| {readonly kind: 'fleet'; readonly cursor: number}
	| {
			readonly kind: 'fleet-filter';
			readonly cursor: number;
			readonly line: LineState;
	  }
	| {
			readonly kind: 'fleet-edit';
			readonly cursor: number;
			readonly line: LineState;
			readonly error?: string;
	  }
	| FleetCountMode
	| {
			readonly kind: 'traffic';
			/** The selected message's seq; undefined follows the newest. */
			readonly selected: number | undefined;
	  }
	| {
			readonly kind: 'traffic-detail';
			readonly seq: number;
			readonly scroll: number;
			/** The inspector's selection to go back to. */
			readonly selected: number | undefined;
	  }
	| {
			readonly kind: 'traffic-filter';
			readonly selected: number | undefined;
			readonly line: LineState;
			/** The filter before the prompt opened: Esc puts it back. */
			readonly previous: string;
	  }
	| {
			readonly kind: 'traffic-save';
			readonly selected: number | undefined;
			readonly line: LineState;
			readonly error?: string;
	  }
	| {
			readonly kind: 'confirm';
			readonly question: string;
			readonly details: readonly string[];
			readonly yes: () => void;
			/** Where n or Esc goes. */
			readonly back: Mode;
	  }
	| {
			readonly kind: 'message';
			/** The message, wrapped at the width it was opened at. */
			readonly lines: readonly string[];
			readonly error: boolean;
			readonly back: Mode;
	  };

/** The mode a prompt line belongs to, with its line replaced. */
export function withLine<M extends Mode>(mode: M, line: LineState): M {
	return 'line' in mode ? {...mode, line} : mode;
}

/** True for modes drawn over the fleet table. */
export function isFleetMode(mode: Mode): boolean {
	return (
		mode.kind === 'fleet' ||
		mode.kind === 'fleet-filter' ||
		mode.kind === 'fleet-edit' ||
		mode.kind === 'fleet-count' ||
		((mode.kind === 'confirm' || mode.kind === 'message') &&
			isFleetMode(mode.back))
	);
}

/** True for the traffic inspector and its prompts. */
export function isTrafficMode(mode: Mode): boolean {
	return (
		mode.kind === 'traffic' ||
		mode.kind === 'traffic-detail' ||
		mode.kind === 'traffic-filter' ||
		mode.kind === 'traffic-save' ||
		((mode.kind === 'confirm' || mode.kind === 'message') &&
			isTrafficMode(mode.back))
	);
}
