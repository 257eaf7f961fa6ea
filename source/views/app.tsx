/*
The console: header, status, the body of the current mode, its footer and
the key bar. Keys come through one keyboard (use-keys.ts) and one keymap
(keymap.ts); what each action does is console-actions.ts; the mode and the
pane view live in refs as well as state, so a burst of keys acts on what the
previous key left, before React renders.
*/
import {Box, useApp, useStdin} from 'ink';
import {useEffect, useLayoutEffect, useRef, useState} from 'react';
import type {NamedShadowLister} from '../client/named-shadows.js';
import type {FleetSession} from '../session/fleet-session.js';
import {useConsole} from '../hooks/use-console.js';
import {useFleet} from '../hooks/use-fleet.js';
import {useTerminalSize} from '../hooks/use-terminal-size.js';
import type {ConsoleSession} from '../session/console-session.js';
import {actionsOf, type PaneView} from './console-actions.js';
import {handleKey} from './console-keys.js';
import {DeltaBanner} from './delta-banner.js';
import {runEditorFlow, type EditInEditor} from './editor-flow.js';
import {FleetView} from './fleet-view.js';
import {Header} from './header.js';
import {HelpOverlay} from './help-overlay.js';
import {HistoryView} from './history-view.js';
import {barHints} from './keymap.js';
import {KeyBar} from './key-bar.js';
import {isFleetMode, type Mode} from './modes.js';
import {ModeFooter, footerRows} from './mode-footer.js';
import {PanesBody} from './panes-body.js';
import {StatusBar} from './status-bar.js';
import {useKeys} from './use-keys.js';

/** Hands the terminal to a full-screen program and takes it back. */
export type TerminalHandover = {
	suspend(): void;
	resume(): void;
};

export type AppProps = {
	readonly session: ConsoleSession;
	readonly listNamedShadows?: NamedShadowLister;
	/** Opens a section's text in $EDITOR (editor-flow.ts says what happens to it). */
	readonly editInEditor?: EditInEditor;
	/** The real terminal, around the editor; absent in tests. */
	readonly terminal?: TerminalHandover;
	readonly onQuit?: () => void;
	/** The fleet view (f); absent when no HTTP API lists the fleet. */
	readonly fleet?: FleetSession;
};

/** A value in state and in a ref: the ref is what keys read. */
function useRefState<T>(initial: T): [T, () => T, (value: T) => void] {
	const [value, setValue] = useState<T>(initial);
	const ref = useRef<T>(initial);
	const set = (next: T) => {
		ref.current = next;
		setValue(next);
	};

	return [value, () => ref.current, set];
}

export function App({
	session,
	listNamedShadows,
	editInEditor,
	terminal,
	onQuit,
	fleet,
}: AppProps) {
	const snapshot = useConsole(session);
	const fleetSnapshot = useFleet(fleet);
	// Keys read the stores themselves: a render's values may be older than the last message.
	const latest = {
		snapshot: () => session.getSnapshot(),
		fleetSnapshot: () => fleet?.getSnapshot(),
	};
	const {columns, rows} = useTerminalSize();
	const {exit} = useApp();
	const {setRawMode, isRawModeSupported} = useStdin();
	const [mode, currentMode, setMode] = useRefState<Mode>({kind: 'panes'});
	const [panes, currentPanes, setPanes] = useRefState<PaneView>({
		focus: 0,
		scroll: [0, 0, 0],
	});
	// After the editor the screen is redrawn whole, even when nothing changed.
	const [, setRedraw] = useState(0);

	const fleetOpen = isFleetMode(mode);
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

	const fixedRows = 3 + (snapshot.device ? 1 : 0) + footerRows(mode, columns);
	const bodyHeight = Math.max(3, rows - fixedRows);
	const bodyHeightRef = useRef(bodyHeight);
	const columnsRef = useRef(columns);
	useLayoutEffect(() => {
		bodyHeightRef.current = bodyHeight;
		columnsRef.current = columns;
	});

	const quit = () => {
		onQuit?.();
		exit();
	};

	const openEditor = () => {
		if (!editInEditor) return;
		const section = latest.snapshot().role === 'app' ? 'desired' : 'reported';
		runEditorFlow(
			{
				snapshot: latest.snapshot,
				session,
				setMode,
				edit: (target, text) => {
					if (isRawModeSupported) setRawMode(false);
					terminal?.suspend();
					try {
						return editInEditor(target, text);
					} finally {
						terminal?.resume();
						if (isRawModeSupported) setRawMode(true);
						setRedraw((count) => count + 1);
					}
				},
			},
			section,
		);
	};

	const controls = {
		mode: currentMode,
		setMode,
		snapshot: latest.snapshot,
		session,
		fleet,
		fleetSnapshot: latest.fleetSnapshot,
		listNamedShadows,
		panes: currentPanes,
		setPanes,
		bodyHeight: () => bodyHeightRef.current,
		columns: () => columnsRef.current,
		openEditor,
		quit,
	};
	useKeys((key) => {
		handleKey(key, {
			mode: currentMode,
			setMode,
			actionsOf: (current) => actionsOf(current, controls),
			onLineChange(changed) {
				if (changed.kind === 'fleet-filter')
					fleet?.setFilter(changed.line.value);
			},
		});
	});

	const body = modeBody(mode, {
		snapshot,
		fleetSnapshot,
		hasFleet: fleet !== undefined,
		panes,
		columns,
		bodyHeight,
	});
	const hints = barHints(mode.kind, columns, {
		available: (binding) =>
			binding.action === 'accept' || binding.action === 'decline'
				? snapshot.device?.pending !== undefined
				: binding.action === 'fleet'
					? fleet !== undefined
					: binding.action === 'edit-desired'
						? snapshot.role === 'device'
						: true,
		words: (binding) =>
			binding.action === 'edit-own'
				? `edit ${snapshot.role === 'app' ? 'desired' : 'reported'}`
				: binding.action === 'role'
					? snapshot.role === 'app'
						? 'device role'
						: 'app role'
					: undefined,
	});
	return (
		<Box flexDirection="column" width={columns}>
			<Header snapshot={snapshot} width={columns} />
			<StatusBar snapshot={snapshot} width={columns} />
			{snapshot.device ? (
				<DeltaBanner device={snapshot.device} width={columns} />
			) : null}
			{body}
			<ModeFooter
				mode={mode}
				snapshot={snapshot}
				fleet={fleetSnapshot}
				width={columns}
			/>
			<KeyBar hints={hints} width={columns} />
		</Box>
	);
}

function modeBody(
	mode: Mode,
	view: {
		readonly snapshot: ReturnType<typeof useConsole>;
		readonly fleetSnapshot: ReturnType<typeof useFleet>;
		readonly hasFleet: boolean;
		readonly panes: PaneView;
		readonly columns: number;
		readonly bodyHeight: number;
	},
) {
	const {snapshot, columns, bodyHeight} = view;
	const shown =
		mode.kind === 'confirm' || mode.kind === 'message' ? mode.back : mode;
	if (shown.kind === 'help')
		return <HelpOverlay state={shown} width={columns} height={bodyHeight} />;
	if (isFleetMode(shown) && view.hasFleet)
		return (
			<FleetView
				fleet={view.fleetSnapshot}
				cursor={'cursor' in shown ? shown.cursor : 0}
				width={columns}
				height={bodyHeight}
			/>
		);
	if (shown.kind === 'history') {
		const selected = Math.max(
			0,
			snapshot.history.findIndex((entry) => entry.key === shown.entry),
		);
		return (
			<HistoryView
				history={snapshot.history}
				selected={selected}
				show={shown.show}
				width={columns}
				height={bodyHeight}
			/>
		);
	}

	return (
		<PanesBody
			shadow={snapshot.shadow}
			{...(snapshot.deleted ? {deletedAt: snapshot.deleted.version} : {})}
			focus={view.panes.focus}
			scroll={view.panes.scroll}
			width={columns}
			height={bodyHeight}
		/>
	);
}
