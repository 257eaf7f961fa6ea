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
import {useTraffic} from '../hooks/use-traffic.js';
import type {
	TrafficSession,
	TrafficSnapshot,
} from '../session/traffic-session.js';
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
import {isFleetMode, isTrafficMode, type Mode} from './modes.js';
import {ModeFooter, footerRows} from './mode-footer.js';
import {PanesBody} from './panes-body.js';
import {previewModeLines} from './preview-lines.js';
import {PreviewView} from './preview-view.js';
import {StatusBar} from './status-bar.js';
import {TrafficDetail} from './traffic-detail.js';
import {splitColumns, splitWidth, TrafficSplit} from './traffic-split.js';
import {TrafficView} from './traffic-view.js';
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
	/** The traffic inspector (i). */
	readonly traffic?: TrafficSession;
	/** --stale-after in seconds: reported values older than this are marked stale. */
	readonly staleAfterSeconds?: number;
	/** Epoch seconds for the ages shown (a test's clock); the system clock by default. */
	readonly now?: () => number;
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
	traffic,
	staleAfterSeconds,
	now,
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
	const [splitOn, , setSplitOn] = useRefState(true);
	const split =
		traffic !== undefined &&
		splitOn &&
		columns >= splitColumns &&
		panesShown(mode);
	const trafficSnapshot = useTraffic(traffic, isTrafficMode(mode) || split);
	const followed = session.getSnapshot();
	const addressKey = `${followed.address.thingName}/${followed.address.shadowName}`;
	const loaded = followed.shadow !== undefined;
	useEffect(() => {
		// The inspector moves with the open shadow, seeded with what the console shows.
		const {address, shadow} = session.getSnapshot();
		const known =
			shadow === undefined
				? undefined
				: shadow === null
					? null
					: {state: shadow.state, version: shadow.version};
		void traffic?.follow(address, known);
	}, [traffic, session, addressKey, loaded]);
	const [panes, currentPanes, setPanes] = useRefState<PaneView>({
		focus: 0,
		scroll: [0, 0, 0],
	});
	// After the editor the screen is redrawn whole, even when nothing changed.
	const [, setRedraw] = useState(0);

	const historyOpen =
		mode.kind === 'history' ||
		(mode.kind === 'preview' && mode.back.kind === 'history');
	useEffect(() => {
		session.watchHistory(historyOpen);
	}, [session, historyOpen]);

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
		traffic,
		trafficSnapshot: () => traffic?.getSnapshot(),
		toggleSplit: () => {
			if (columnsRef.current < splitColumns)
				setMode({
					kind: 'message',
					lines: [
						`the traffic split needs ${splitColumns} columns (this terminal has ${columnsRef.current}); i opens the inspector`,
					],
					error: true,
					back: currentMode(),
				});
			else setSplitOn(!splitOn);
		},
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
				if (changed.kind === 'traffic-filter')
					traffic?.setFilter(changed.line.value);
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
		staleAfterSeconds,
		now,
		traffic: trafficSnapshot,
		split,
	});
	const hints = barHints(mode.kind, columns, {
		available: (binding) =>
			binding.action === 'accept' || binding.action === 'decline'
				? snapshot.device?.pending !== undefined
				: binding.action === 'fleet'
					? fleet !== undefined
					: binding.action === 'counts'
						? fleet?.canCount === true
						: binding.action === 'traffic'
							? traffic !== undefined
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
			<Header snapshot={snapshot} width={columns} now={now} />
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
		readonly staleAfterSeconds: number | undefined;
		readonly now: (() => number) | undefined;
		readonly traffic: TrafficSnapshot | undefined;
		readonly split: boolean;
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
				{...(view.now ? {now: view.now} : {})}
				fleet={view.fleetSnapshot}
				width={columns}
				height={bodyHeight}
			/>
		);
	if (shown.kind === 'traffic-detail' && view.traffic) {
		const {entries} = view.traffic;
		const entry = entries.find((each) => each.seq === shown.seq);
		const answer = entries.find((each) => each.seq === entry?.answer?.seq);
		return (
			<TrafficDetail
				entry={entry}
				{...(answer ? {answer} : {})}
				answerTimeoutMs={view.traffic.answerTimeoutMs}
				scroll={shown.scroll}
				width={columns}
				height={bodyHeight}
			/>
		);
	}

	if (
		(shown.kind === 'traffic' ||
			shown.kind === 'traffic-filter' ||
			shown.kind === 'traffic-save') &&
		view.traffic
	)
		return (
			<TrafficView
				traffic={view.traffic}
				selected={shown.selected}
				width={columns}
				height={bodyHeight}
			/>
		);
	if (shown.kind === 'preview')
		return (
			<PreviewView
				lines={previewModeLines(
					shown,
					snapshot,
					view.now?.() ?? Math.floor(Date.now() / 1000),
				)}
				scroll={shown.scroll}
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
				source={snapshot.historySource}
				selected={selected}
				show={shown.show}
				mark={shown.mark}
				trend={shown.trend}
				width={columns}
				height={bodyHeight}
			/>
		);
	}

	const panesWidth = view.split ? columns - splitWidth(columns) : columns;
	const panesBody = (
		<PanesBody
			shadow={snapshot.shadow}
			{...(snapshot.deleted ? {deletedAt: snapshot.deleted.version} : {})}
			focus={view.panes.focus}
			scroll={view.panes.scroll}
			width={panesWidth}
			height={bodyHeight}
			history={snapshot.history}
			staleAfterSeconds={view.staleAfterSeconds}
			now={view.now}
			trends={view.panes.trends === true}
		/>
	);
	if (!view.split || !view.traffic) return panesBody;
	return (
		<Box>
			{panesBody}
			<TrafficSplit
				traffic={view.traffic}
				width={columns - panesWidth}
				height={bodyHeight}
			/>
		</Box>
	);
}

/** Modes drawn over the panes, where the traffic split can show beside them. */
function panesShown(mode: Mode): boolean {
	const shown =
		mode.kind === 'confirm' || mode.kind === 'message' ? mode.back : mode;
	return (
		shown.kind === 'panes' ||
		shown.kind === 'edit' ||
		shown.kind === 'thing' ||
		shown.kind === 'shadow'
	);
}
