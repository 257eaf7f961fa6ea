/*
What each action of the keymap does, mode by mode. The functions read the
current mode and snapshots through the controls (refs, not a render's
values), so a burst of keys acts on the state the previous key left.
*/
import {
	confirmActions,
	helpActions,
	messageActions,
} from './actions/browse-actions.js';
import {fleetActions, fleetCountActions} from './actions/fleet-actions.js';
import {historyActions} from './actions/history-actions.js';
import type {ActionControls} from './actions/controls.js';
import {panesActions} from './actions/panes-actions.js';
import {previewActions} from './actions/preview-actions.js';
import {promptActions} from './actions/prompt-actions.js';
import {
	trafficActions,
	trafficDetailActions,
} from './actions/traffic-actions.js';
import type {ModeActions} from './console-keys.js';
import type {Mode} from './modes.js';

export type {ActionControls, PaneView} from './actions/controls.js';

export function actionsOf(mode: Mode, controls: ActionControls): ModeActions {
	switch (mode.kind) {
		case 'panes': {
			return panesActions(controls);
		}

		case 'edit':
		case 'thing':
		case 'shadow':
		case 'fleet-filter':
		case 'fleet-edit':
		case 'traffic-filter':
		case 'traffic-save': {
			return promptActions(controls);
		}

		case 'traffic': {
			return trafficActions(controls);
		}

		case 'traffic-detail': {
			return trafficDetailActions(controls);
		}

		case 'help': {
			return helpActions(controls);
		}

		case 'history': {
			return historyActions(controls);
		}

		case 'preview': {
			return previewActions(controls);
		}

		case 'fleet': {
			return fleetActions(controls);
		}

		case 'fleet-count': {
			return fleetCountActions(controls);
		}

		case 'confirm': {
			return confirmActions(controls);
		}

		case 'message': {
			return messageActions(controls);
		}
	}
}
