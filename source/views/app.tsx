/*
The console: header, status, the three panes (side by side when the terminal
is wide enough, one at a time with tabs when it is not), and the mode the
user is in. Every action is one key; the key bar shows the keys of the mode.
*/
import {Box, Text, useApp, useInput, useStdin} from 'ink';
import {useEffect, useRef, useState} from 'react';
import type {NamedShadowLister} from '../client/named-shadows.js';
import type {FleetSession} from '../session/fleet-session.js';
import {changes, isEmpty} from '../device-mode/device-state.js';
import {useConsole} from '../hooks/use-console.js';
import {useFleet} from '../hooks/use-fleet.js';
import {useTerminalSize} from '../hooks/use-terminal-size.js';
import type {
	ConsoleSession,
	ConsoleSnapshot,
	Section,
} from '../session/console-session.js';
import {parseEdit} from '../session/parse-edit.js';
import type {JsonObject} from '../shadow/json.js';
import {awsLimits} from '../shadow/limits.js';
import {checkShadowName, checkThingName} from '../shadow/names.js';
import {useColor} from './color.js';
import {DeltaBanner} from './delta-banner.js';
import {DocumentPane, lineCount} from './document-pane.js';
import {Header} from './header.js';
import {HelpOverlay} from './help-overlay.js';
import {FleetView} from './fleet-view.js';
import {HistoryView} from './history-view.js';
import {KeyBar, type KeyHint} from './key-bar.js';
import {PromptLine} from './prompt-line.js';
import {StatusBar} from './status-bar.js';

export type EditResult =
	| {readonly ok: true; readonly value: JsonObject}
	| {readonly ok: false; readonly error: string}
	| undefined;

export type AppProps = {
	readonly session: ConsoleSession;
	readonly listNamedShadows?: NamedShadowLister;
	/** Opens the section in $EDITOR and returns what was saved (undefined: unchanged or cancelled). */
	readonly editInEditor?: (section: Section, current: JsonObject) => EditResult;
	readonly onQuit?: () => void;
	/** The fleet view (f); absent when no HTTP API lists the fleet. */
	readonly fleet?: FleetSession;
};

export type Mode =
	| {readonly kind: 'panes'}
	| {
			readonly kind: 'edit';
			readonly section: Section;
			readonly baseVersion: number | undefined;
			readonly error?: string;
	  }
	| {readonly kind: 'help'}
	| {
			readonly kind: 'history';
			readonly selected: number;
			readonly show: 'diff' | 'document';
	  }
	| {readonly kind: 'thing'; readonly error?: string}
	| {readonly kind: 'fleet'; readonly cursor: number}
	| {readonly kind: 'fleet-filter'; readonly cursor: number}
	| {
			readonly kind: 'fleet-edit';
			readonly cursor: number;
			readonly error?: string;
	  }
	| {
			readonly kind: 'shadow';
			readonly names: readonly string[] | undefined;
			readonly selected: number;
			readonly error?: string;
	  };

const panes = ['desired', 'reported', 'delta'] as const;
export const wideColumns = 100;

function keyHints(mode: Mode, snapshot: ConsoleSnapshot): KeyHint[] {
	switch (mode.kind) {
		case 'edit':
		case 'thing': {
			return [
				['Enter', 'send'],
				['Esc', 'cancel'],
			];
		}

		case 'shadow': {
			return [
				['↑↓', 'pick'],
				['Enter', 'open'],
				['Esc', 'cancel'],
			];
		}

		case 'help': {
			return [['Esc', 'close']];
		}

		case 'fleet-filter':
		case 'fleet-edit': {
			return [
				['Enter', mode.kind === 'fleet-edit' ? 'send to selected' : 'apply'],
				['Esc', 'back'],
			];
		}

		case 'fleet': {
			return [
				['space', 'select'],
				['a', 'all shown'],
				['n', 'none'],
				['/', 'filter'],
				['e', 'edit desired of selected'],
				['R', 'retry failed'],
				['Enter', 'open'],
				['Esc', 'back'],
			];
		}

		case 'history': {
			return [
				['↑↓', 'version'],
				['Enter', mode.show === 'diff' ? 'whole document' : 'diff'],
				['Esc', 'back'],
				['q', 'quit'],
			];
		}

		case 'panes': {
			const own = snapshot.role === 'app' ? 'desired' : 'reported';
			return [
				...(snapshot.device?.pending
					? ([
							['a', 'accept'],
							['x', 'decline'],
						] as KeyHint[])
					: []),
				// Help comes early: the bar is cut at the terminal's width, and ? must always show.
				['?', 'help'],
				['e', `edit ${own}`],
				...(snapshot.role === 'device'
					? ([['d', 'edit desired']] as KeyHint[])
					: []),
				['r', snapshot.role === 'app' ? 'device role' : 'app role'],
				['h', 'history'],
				['t', 'thing'],
				['s', 'shadow'],
				['f', 'fleet'],
				['Tab', 'pane'],
				['q', 'quit'],
			];
		}
	}
}

export function App({
	session,
	listNamedShadows,
	editInEditor,
	onQuit,
	fleet,
}: AppProps) {
	const snapshot = useConsole(session);
	const fleetSnapshot = useFleet(fleet);
	const {columns, rows} = useTerminalSize();
	const {exit} = useApp();
	const {setRawMode, isRawModeSupported} = useStdin();
	const color = useColor();
	const [mode, setModeState] = useState<Mode>({kind: 'panes'});
	// React re-renders after a key, not with it: keys that arrive in between (typeahead over
	// SSH, a paste) are routed by this ref, which changes with the key that changed the mode.
	const currentMode = useRef<Mode>(mode);
	const setMode = (next: Mode | ((previous: Mode) => Mode)) => {
		const value = typeof next === 'function' ? next(currentMode.current) : next;
		currentMode.current = value;
		setModeState(value);
	};
	const fleetOpen =
		mode.kind === 'fleet' ||
		mode.kind === 'fleet-filter' ||
		mode.kind === 'fleet-edit';
	useEffect(() => {
		if (!fleetOpen || !fleet) return;
		// Devices report after a bulk edit lands; the table follows them.
		const timer = setInterval(() => {
			void fleet.refresh();
		}, 2000);
		return () => {
			clearInterval(timer);
		};
	}, [fleetOpen, fleet]);
	const [input, setInputState] = useState('');
	// Text and Enter can arrive in one read, before React re-renders: submit what was typed, not the last render's value.
	const typed = useRef('');
	const setInput = (value: string) => {
		typed.current = value;
		setInputState(value);
	};
	const [focus, setFocus] = useState(0);
	const [scroll, setScroll] = useState([0, 0, 0]);
	const wide = columns >= wideColumns;
	const {shadow} = snapshot;
	const documents: (JsonObject | undefined)[] = [
		shadow?.state.desired,
		shadow?.state.reported,
		shadow?.delta,
	];

	const quit = () => {
		onQuit?.();
		exit();
	};

	const ownSection: Section = snapshot.role === 'app' ? 'desired' : 'reported';
	const fixedRows =
		4 +
		(snapshot.device ? 1 : 0) +
		(wide ? 0 : 1) +
		(mode.kind === 'edit' ||
		mode.kind === 'thing' ||
		mode.kind === 'shadow' ||
		mode.kind === 'fleet-filter' ||
		mode.kind === 'fleet-edit'
			? 1
			: 0);
	const bodyHeight = Math.max(3, rows - fixedRows);

	const scrollBy = (amount: number) => {
		setScroll((current) =>
			current.map((value, index) =>
				index === focus
					? Math.max(
							0,
							Math.min(value + amount, lineCount(documents[index]) - 1),
						)
					: value,
			),
		);
	};

	const openEditor = () => {
		if (!editInEditor) return;
		const current = shadow?.state[ownSection] ?? {};
		const baseVersion = shadow?.version;
		if (isRawModeSupported) setRawMode(false);
		const result = editInEditor(ownSection, current);
		if (isRawModeSupported) setRawMode(true);
		if (!result) return;
		if (!result.ok) {
			setMode({
				kind: 'edit',
				section: ownSection,
				baseVersion,
				error: `${result.error}; nothing was sent`,
			});
			return;
		}

		const patch = changes(current, result.value);
		if (isEmpty(patch)) return;
		void session.update(ownSection, patch, baseVersion);
	};

	const openShadowPicker = () => {
		setInput('');
		setMode({kind: 'shadow', names: undefined, selected: 0});
		if (!listNamedShadows) {
			setMode({
				kind: 'shadow',
				names: [],
				selected: 0,
				error: 'no HTTP API to list named shadows (--api URL); type a name',
			});
			return;
		}

		listNamedShadows(snapshot.address.thingName).then(
			(names) => {
				setMode((current) =>
					current.kind === 'shadow' ? {...current, names} : current,
				);
			},
			(error: unknown) => {
				setMode((current) =>
					current.kind === 'shadow'
						? {
								...current,
								names: [],
								error: `cannot list named shadows: ${error instanceof Error ? error.message : String(error)}; type a name`,
							}
						: current,
				);
			},
		);
	};

	const ignoreSubmit = () => undefined;

	/** A prompt's input, ignored once the key that closed the prompt has been handled. */
	const changeIn = (kind: Mode['kind'], text: string) => {
		if (currentMode.current.kind === kind) setInput(text);
	};

	const submitFleetFilter = () => {
		setMode({kind: 'fleet', cursor: 0});
		void fleet?.submitFilter();
	};

	const submitFleetEdit = (cursor: number) => {
		const parsed = parseEdit(typed.current);
		if (!parsed.ok) {
			setMode({
				kind: 'fleet-edit',
				cursor,
				error: `${parsed.error}; nothing was sent`,
			});
			return;
		}

		setMode({kind: 'fleet', cursor});
		void fleet?.bulkUpdate(parsed.patch);
	};

	useInput((character, key) => {
		const mode = currentMode.current;
		if (key.ctrl && character === 'c') {
			quit();
			return;
		}

		if (mode.kind === 'edit' || mode.kind === 'thing') {
			if (key.escape) setMode({kind: 'panes'});
			return;
		}

		if (mode.kind === 'shadow') {
			const choices = ['', ...(mode.names ?? [])];
			if (key.escape) setMode({kind: 'panes'});
			else if (key.upArrow || key.downArrow) {
				const selected = Math.max(
					0,
					Math.min(choices.length - 1, mode.selected + (key.upArrow ? -1 : 1)),
				);
				setMode({...mode, selected});
				setInput(choices[selected] ?? '');
			}

			return;
		}

		// The fleet prompts take Enter here, not in the text input: otherwise the same Enter would
		// also reach the fleet table (this handler runs after the input's) and open a thing.
		if (mode.kind === 'fleet-filter' || mode.kind === 'fleet-edit') {
			if (key.escape) setMode({kind: 'fleet', cursor: mode.cursor});
			else if (key.return && mode.kind === 'fleet-filter') submitFleetFilter();
			else if (key.return) submitFleetEdit(mode.cursor);
			return;
		}

		if (mode.kind === 'fleet' && fleet) {
			const {shown} = fleetSnapshot;
			const move = (to: number) => {
				setMode({
					kind: 'fleet',
					cursor: Math.max(0, Math.min(shown.length - 1, to)),
				});
			};

			if (key.escape) setMode({kind: 'panes'});
			else if (character === 'q') quit();
			else if (key.upArrow || character === 'k') move(mode.cursor - 1);
			else if (key.downArrow || character === 'j') move(mode.cursor + 1);
			else if (key.pageUp) move(mode.cursor - (bodyHeight - 3));
			else if (key.pageDown) move(mode.cursor + (bodyHeight - 3));
			else if (character === ' ') {
				const shadow = shown[mode.cursor];
				if (shadow) fleet.toggle(shadow);
			} else if (character === 'a') fleet.selectShown();
			else if (character === 'n') fleet.selectNone();
			else if (character === 'R') void fleet.retry();
			else if (character === 'g') void fleet.load();
			else if (character === '/') {
				setInput(fleetSnapshot.filter);
				setMode({kind: 'fleet-filter', cursor: 0});
			} else if (character === 'e') {
				setInput('');
				setMode({kind: 'fleet-edit', cursor: mode.cursor});
			} else if (key.return) {
				const shadow = shown[mode.cursor];
				if (!shadow) return;
				setMode({kind: 'panes'});
				void session.switchShadow({
					thingName: shadow.thingName,
					shadowName: shadow.shadowName,
				});
			}

			return;
		}

		if (mode.kind === 'help') {
			if (key.escape || character === '?' || character === 'q')
				setMode({kind: 'panes'});
			return;
		}

		if (mode.kind === 'history') {
			if (key.escape || character === 'h') setMode({kind: 'panes'});
			else if (character === 'q') quit();
			else if (key.upArrow || character === 'k')
				setMode({...mode, selected: Math.max(0, mode.selected - 1)});
			else if (key.downArrow || character === 'j')
				setMode({
					...mode,
					selected: Math.min(snapshot.history.length - 1, mode.selected + 1),
				});
			else if (key.return)
				setMode({...mode, show: mode.show === 'diff' ? 'document' : 'diff'});
			return;
		}

		if (character === 'q') quit();
		else if (character === '?') setMode({kind: 'help'});
		else if (key.tab) setFocus((focus + (key.shift ? 2 : 1)) % 3);
		else if (character === '1' || character === '2' || character === '3')
			setFocus(Number(character) - 1);
		else if (key.leftArrow) setFocus((focus + 2) % 3);
		else if (key.rightArrow) setFocus((focus + 1) % 3);
		else if (key.upArrow || character === 'k') scrollBy(-1);
		else if (key.downArrow || character === 'j') scrollBy(1);
		else if (key.pageUp) scrollBy(-(bodyHeight - 2));
		else if (key.pageDown) scrollBy(bodyHeight - 2);
		else if (character === 'e') {
			setInput('');
			setMode({
				kind: 'edit',
				section: ownSection,
				baseVersion: shadow?.version,
			});
		} else if (character === 'd') {
			setInput('');
			setMode({kind: 'edit', section: 'desired', baseVersion: shadow?.version});
		} else if (character === 'E') openEditor();
		else if (character === 'v') session.toggleLock();
		else if (character === 'g') void session.refresh();
		else if (character === 'r') void session.switchRole();
		else if (character === 'h')
			setMode({kind: 'history', selected: 0, show: 'diff'});
		else if (character === 't') {
			setInput('');
			setMode({kind: 'thing'});
		} else if (character === 's') openShadowPicker();
		else if (character === 'f' && fleet) {
			setMode({kind: 'fleet', cursor: 0});
			void fleet.load();
		} else if (character === 'a') void session.accept();
		else if (character === 'x') void session.decline();
	});

	const submitEdit = () => {
		const mode = currentMode.current;
		const section = mode.kind === 'edit' ? mode.section : ownSection;
		const baseVersion =
			mode.kind === 'edit' ? mode.baseVersion : shadow?.version;
		const parsed = parseEdit(typed.current);
		if (!parsed.ok) {
			setMode({
				kind: 'edit',
				section,
				baseVersion,
				error: `${parsed.error}; nothing was sent`,
			});
			return;
		}

		setMode({kind: 'panes'});
		void session.update(section, parsed.patch, baseVersion);
	};

	const submitThing = () => {
		const thingName = typed.current.trim();
		const problem = checkThingName(thingName, awsLimits);
		if (problem) {
			setMode({kind: 'thing', error: problem.message});
			return;
		}

		setMode({kind: 'panes'});
		void session.switchShadow({thingName, shadowName: ''});
	};

	const submitShadow = () => {
		const mode = currentMode.current;
		const shadowName = typed.current.trim();
		const problem =
			shadowName === '' ? undefined : checkShadowName(shadowName, awsLimits);
		if (problem && mode.kind === 'shadow') {
			setMode({...mode, error: problem.message});
			return;
		}

		setMode({kind: 'panes'});
		void session.switchShadow({
			thingName: snapshot.address.thingName,
			shadowName,
		});
	};

	const paneWidth = wide ? Math.floor(columns / 3) : columns;
	const titles = [
		`desired${shadow?.delta ? ' (* in delta)' : ''}`,
		'reported',
		`delta${shadow?.delta ? ` (${Object.keys(shadow.delta).length} key${Object.keys(shadow.delta).length === 1 ? '' : 's'})` : ''}`,
	];
	const empties = [
		shadow === null ? 'no shadow yet' : 'no desired state',
		shadow === null ? 'no shadow yet' : 'no reported state',
		'in sync: no delta',
	];
	const pane = (index: number) => (
		<DocumentPane
			key={panes[index]}
			title={titles[index] ?? ''}
			document={documents[index]}
			{...(index === 0 && shadow?.delta ? {mark: shadow.delta} : {})}
			width={paneWidth}
			height={bodyHeight}
			scroll={scroll[index] ?? 0}
			focused={focus === index}
			empty={empties[index] ?? ''}
		/>
	);

	let body;
	if (mode.kind === 'help') body = <HelpOverlay height={bodyHeight} />;
	else if (
		mode.kind === 'fleet' ||
		mode.kind === 'fleet-filter' ||
		mode.kind === 'fleet-edit'
	) {
		body = (
			<FleetView
				fleet={fleetSnapshot}
				cursor={mode.cursor}
				width={columns}
				height={bodyHeight}
			/>
		);
	} else if (mode.kind === 'history')
		body = (
			<HistoryView
				history={snapshot.history}
				selected={mode.selected}
				show={mode.show}
				width={columns}
				height={bodyHeight}
			/>
		);
	else if (wide) body = <Box>{[0, 1, 2].map(pane)}</Box>;
	else {
		body = (
			<Box flexDirection="column">
				<Text>
					{panes.map((name, index) => (
						<Text
							key={name}
							inverse={index === focus}
						>{` ${index + 1} ${name} `}</Text>
					))}
					<Text dimColor> Tab switches</Text>
				</Text>
				{pane(focus)}
			</Box>
		);
	}

	let footer;
	if (mode.kind === 'edit') {
		footer = (
			<PromptLine
				width={columns}
				label={mode.section}
				value={input}
				onChange={(text) => {
					changeIn('edit', text);
				}}
				onSubmit={submitEdit}
				placeholder='{"lights":"off"}  or  lights = "off"'
				error={mode.error}
			/>
		);
	} else if (mode.kind === 'fleet-filter') {
		footer = (
			<PromptLine
				width={columns}
				label="filter"
				value={input}
				onChange={(text) => {
					if (currentMode.current.kind !== 'fleet-filter') return;
					setInput(text);
					fleet?.setFilter(text);
				}}
				onSubmit={ignoreSubmit}
				placeholder='name (coffee) or query (reported.model = "coffee-x")'
				error={undefined}
			/>
		);
	} else if (mode.kind === 'fleet-edit') {
		footer = (
			<PromptLine
				width={columns}
				label={`desired of ${fleetSnapshot.selected.size}`}
				value={input}
				onChange={(text) => {
					changeIn('fleet-edit', text);
				}}
				onSubmit={ignoreSubmit}
				placeholder="tempLimit = 90"
				error={mode.error}
			/>
		);
	} else if (mode.kind === 'thing') {
		footer = (
			<PromptLine
				width={columns}
				label="thing"
				value={input}
				onChange={(text) => {
					changeIn('thing', text);
				}}
				onSubmit={submitThing}
				placeholder="thing name"
				error={mode.error}
			/>
		);
	} else if (mode.kind === 'shadow') {
		const names =
			mode.names === undefined
				? 'listing…'
				: ['(classic)', ...mode.names]
						.map((name, index) =>
							index === mode.selected ? `[${name}]` : name,
						)
						.join(' ');
		footer = (
			<Box flexDirection="column">
				<Text wrap="truncate-end">named shadows: {names}</Text>
				<PromptLine
					width={columns}
					label="shadow"
					value={input}
					onChange={(text) => {
						changeIn('shadow', text);
					}}
					onSubmit={submitShadow}
					placeholder="name (empty: classic)"
					error={mode.error}
				/>
			</Box>
		);
	} else {
		const {notice} = snapshot;
		footer = (
			<Text
				color={color(notice?.kind === 'error' ? 'red' : 'green')}
				wrap="truncate-end"
			>
				{notice ? `${notice.kind === 'error' ? '✗' : '✓'} ${notice.text}` : ' '}
			</Text>
		);
	}

	return (
		<Box flexDirection="column" width={columns}>
			<Header snapshot={snapshot} />
			<StatusBar snapshot={snapshot} />
			{snapshot.device ? <DeltaBanner device={snapshot.device} /> : null}
			{body}
			{footer}
			<KeyBar hints={keyHints(mode, snapshot)} width={columns} />
		</Box>
	);
}
