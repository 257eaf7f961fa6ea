/*
The prompts' actions: send (each prompt its own way, a bulk edit after a
question), cancel, help, and picking a listed named shadow.
*/
import {parseEdit, parseSectionsEdit} from '../../session/parse-edit.js';
import {awsLimits} from '../../shadow/limits.js';
import {checkShadowName, checkThingName} from '../../shadow/names.js';
import type {ModeActions} from '../console-keys.js';
import {lineAt} from '../line-edit.js';
import type {Mode} from '../modes.js';

import {openHelp, type ActionControls} from './controls.js';
import {bulkPreviewDetails} from '../bulk-preview-details.js';
import {openPreview, stateAt} from './preview-actions.js';
import {saveTraffic} from './traffic-actions.js';

export function promptActions(controls: ActionControls): ModeActions {
	const {setMode} = controls;
	return {
		help: () => {
			openHelp(controls);
		},
		cancel: () => {
			const mode = controls.mode();
			if (mode.kind === 'traffic-filter') {
				controls.traffic?.setFilter(mode.previous);
				setMode({kind: 'traffic', selected: mode.selected});
				return;
			}

			setMode(
				mode.kind === 'fleet-filter' || mode.kind === 'fleet-edit'
					? {kind: 'fleet', cursor: mode.cursor}
					: mode.kind === 'traffic-save'
						? {kind: 'traffic', selected: mode.selected}
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
			const snapshot = controls.snapshot();
			const version = snapshot.lockVersion ? mode.baseVersion : undefined;
			const base = stateAt(snapshot, mode.baseVersion);
			const back = {...mode, error: undefined};
			if (mode.target === 'both') {
				const both = parseSectionsEdit(mode.line.value);
				if (!both.ok) {
					setMode({...mode, error: `${both.error}; nothing was sent`});
					return;
				}

				const desired = both.patch.desired ?? {};
				const reported = both.patch.reported ?? {};
				openPreview(
					controls,
					{
						kind: 'edit',
						label: 'edit desired and reported',
						state: {desired, reported},
						version,
					},
					{
						send: () => {
							void session.updateBoth(desired, reported, mode.baseVersion);
						},
						back,
						...(base ? {base} : {}),
					},
				);
				return;
			}

			const parsed = parseEdit(mode.line.value);
			if (!parsed.ok) {
				setMode({...mode, error: `${parsed.error}; nothing was sent`});
				return;
			}

			const section = mode.target;
			openPreview(
				controls,
				{
					kind: 'edit',
					label: `edit ${section}`,
					state: {[section]: parsed.patch},
					version,
				},
				{
					send: () => {
						void session.update(section, parsed.patch, mode.baseVersion);
					},
					back,
					...(base ? {base} : {}),
				},
			);
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

		case 'traffic-filter': {
			controls.traffic?.setFilter(mode.line.value);
			setMode({kind: 'traffic', selected: mode.selected});
			return;
		}

		case 'traffic-save': {
			saveTraffic(controls, mode);
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

	// thing or thing/shadow: two rows of one thing are two shadows.
	const names = targets.names;
	const hidden = targets.hiddenSelected;
	const question = `Send to the desired state of ${targets.count} thing${targets.count === 1 ? '' : 's'}? (y: send · n: back)`;
	const details = (preview: readonly string[]) => [
		`patch: ${JSON.stringify(parsed.patch)}`,
		`filter: ${targets.filter === '' ? '(none)' : targets.filter}`,
		`things: ${names.slice(0, 5).join(', ')}${names.length > 5 ? `, … (${names.length - 5} more)` : ''}`,
		...(hidden > 0
			? [
					`${hidden} selected thing${hidden === 1 ? '' : 's'} the filter hides will not be sent to`,
				]
			: []),
		...preview,
	];
	const confirm: Extract<Mode, {kind: 'confirm'}> = {
		kind: 'confirm',
		question,
		details: details(['preview: reading each shadow…']),
		yes: () => {
			controls.setMode({kind: 'fleet', cursor: mode.cursor});
			// The things the user said yes to, even if the table refreshed meanwhile.
			void controls.fleet?.bulkUpdate(parsed.patch, targets);
		},
		back: {...mode, error: 'nothing was sent'},
	};
	controls.setMode(confirm);
	void controls.fleet?.previewBulk(parsed.patch, targets).then(
		(results) => {
			// Only into the question it was asked for.
			if (controls.mode() !== confirm) return;
			controls.setMode({
				...confirm,
				details: details(bulkPreviewDetails(results, controls.columns())),
			});
		},
		() => undefined,
	);
}
