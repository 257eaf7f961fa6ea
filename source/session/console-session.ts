/*
What the console shows for one shadow, and what it can do, without React:
the current document, the bounded version history, connection and device
presence, the role, and in the device role a device-mode runner acting on
the deltas. Listeners are told at most once per frame, so a flood of
documents costs one render per frame rather than one per message.

Never stale (shadow-semantics.md §7.4, §9):
- A delete someone else makes shows at once: the shadow becomes null, the
  snapshot says which version was deleted, the history gets an entry.
- A get (start, `g`, a resync after a reconnect) is what the service has, so
  it replaces what is shown, whatever its version: a 404 means there is no
  shadow; a lower version means it was deleted and re-created meanwhile
  (AWS counts on across a delete for 48 h, then starts again at 1). Only an
  answer overtaken by a newer message that arrived after the request was sent
  is dropped, since AWS keeps no order between topics (§2.5).
- Documents messages older than what is shown are dropped, except one that
  creates the shadow (previous: null), which starts a new incarnation.
- The device's presence is unknown while the console itself is not
  connected: lifecycle events sent meanwhile are lost. It is the thing's, for
  the classic and named shadows alike: AWS lifecycle events for a client id
  equal to the thing name, else the classic shadow's reported.connected, else
  the shown named shadow's.
*/
import type {
	ConnectionStatus,
	ShadowClient,
	ShadowEvent,
} from '../client/shadow-client.js';
import {
	ShadowOfflineError,
	ShadowRejectedError,
	ShadowTimeoutError,
} from '../client/shadow-errors.js';
import {
	createDevice,
	type ApplyPolicy,
	type Device,
	type DeviceEvent,
	type PendingDelta,
} from '../device-mode/device-runner.js';
import type {Override} from '../device-mode/device-state.js';
import {genericDevice, type Simulator} from '../device-mode/simulators.js';
import {computeDelta} from '../shadow/compute-delta.js';
import {newestTimestamp} from '../shadow/metadata.js';
import {jsonEqual, type JsonObject, type JsonValue} from '../shadow/json.js';
import type {DeleteAccepted, GetAccepted} from '../shadow/replies.js';
import type {Sections} from '../shadow/shadow-record.js';
import {shortName, type ShadowAddress} from '../shadow/topics.js';
import {ApiUnknown} from '../client/followed-api.js';
import {NoJournal, type HistoryReader} from '../client/history-reader.js';
import {
	addToHistory,
	deletedEntry,
	documentEntry,
	entriesFromJournal,
	journalDescribes,
	type HistoryEntry,
	type RecordedVersion,
} from './history.js';
import type {SeenJournal} from './seen-journal.js';
import {pushOwnWrite, undoPatch, type OwnWrite} from './undo.js';
import {stillApplies, type ProposedWrite} from './write-preview.js';

export type Role = 'app' | 'device';
export type Section = 'desired' | 'reported';

export type ShownShadow = {
	readonly state: Sections<JsonObject>;
	readonly metadata: Sections<JsonObject>;
	readonly delta: JsonObject | undefined;
	readonly version: number;
	/** Epoch seconds of the newest change in the document. */
	readonly changedAt: number;
};

/** The shadow the console showed was deleted. */
export type ShownDeletion = {
	/** The version of the deleted document (from delete/accepted; the last one shown when a get found it gone). */
	readonly version: number;
	/** Epoch seconds. */
	readonly at: number;
};

export type Notice = {
	readonly kind: 'info' | 'error';
	readonly text: string;
	/** Said because the console was offline: stale once it is connected again. */
	readonly offline?: boolean;
};

export type DeviceView = {
	readonly pending: PendingDelta | undefined;
	/** The last delta the device received, and what it did with it. */
	readonly lastDelta:
		| {
				readonly version: number;
				readonly delta: JsonObject;
				readonly outcome: string;
		  }
		| undefined;
};

export type ConsoleSnapshot = {
	readonly address: ShadowAddress;
	readonly role: Role;
	readonly apply: ApplyPolicy;
	readonly connection: {
		readonly url: string;
		readonly status: ConnectionStatus;
		/** Why the connection is not up (connect ECONNREFUSED …), while it is not. */
		readonly error?: string;
	};
	/** undefined while loading; null when the shadow does not exist. */
	readonly shadow: ShownShadow | null | undefined;
	/** Set while `shadow` is null because the shadow shown before was deleted. */
	readonly deleted: ShownDeletion | undefined;
	readonly history: readonly HistoryEntry[];
	/** Where the history comes from: the service's journal, what consoles saw here (on disk), or this console only. */
	readonly historySource: 'journal' | 'seen' | 'console';
	/** The version of this console's newest desired write that `u` would undo. */
	readonly undoable: number | undefined;
	/** undefined: unknown, always so while the console's own connection is not `connected`. */
	readonly deviceOnline: boolean | undefined;
	readonly device: DeviceView | undefined;
	readonly notice: Notice | undefined;
	readonly busy: boolean;
	/** Edits carry the version they were made on, so a concurrent change is refused (409). */
	readonly lockVersion: boolean;
};

export type ConsoleSessionOptions = {
	readonly client: ShadowClient;
	readonly address: ShadowAddress;
	readonly role: Role;
	readonly apply: ApplyPolicy;
	readonly historyLimit: number;
	/** Epoch seconds. */
	readonly clock: () => number;
	/** ms between two notifications at most; 0 notifies at once. */
	readonly frameMs?: number;
	/** The device role acts as this simulated device; a generic one (takes every delta) by default. */
	readonly simulator?: Simulator;
	/** The device role's reported state when the shadow does not exist; the simulator's defaults otherwise. */
	readonly initialState?: JsonObject;
	/** The service's version journal (the local service's HTTP API). */
	readonly journal?: HistoryReader;
	/** Where versions seen are kept when the service keeps no journal. */
	readonly seen?: SeenJournal;
};

export type ConsoleSession = {
	// Properties rather than methods: React calls them unbound.
	readonly subscribe: (listener: () => void) => () => void;
	readonly getSnapshot: () => ConsoleSnapshot;
	start(): Promise<void>;
	/** `baseVersion`: the version shown when the user started the edit; sent when edits are locked. */
	update(
		section: Section,
		patch: JsonObject,
		baseVersion?: number,
	): Promise<boolean>;
	/** Desired and reported in one request (the seed's "device to app" step); in the device role, reported is the device's change. */
	updateBoth(
		desired: JsonObject,
		reported: JsonObject,
		baseVersion?: number,
	): Promise<boolean>;
	refresh(): Promise<void>;
	/** While the history view is open, the journal is read again as versions arrive (who wrote them). */
	watchHistory(open: boolean): void;
	/** Sends a restore or an undo exactly as previewed: on its version, never re-sent on another. */
	sendProposed(write: ProposedWrite): Promise<boolean>;
	/** What `u` proposes: this console's newest desired write, undone; undefined when there is none. */
	proposeUndo(): ProposedWrite | undefined;
	switchRole(): Promise<void>;
	switchShadow(address: ShadowAddress): Promise<void>;
	toggleLock(): void;
	accept(): Promise<void>;
	decline(): Promise<void>;
	clearNotice(): void;
	close(): Promise<void>;
};

/** The newest {"timestamp": T} leaf, 0 when there is none (metadata.ts walks it without recursion). */
export function latestTimestamp(metadata: JsonValue | undefined): number {
	return newestTimestamp(metadata) ?? 0;
}

export function describeFailure(error: unknown): string {
	if (error instanceof ShadowRejectedError)
		return `${error.code} ${error.reason}`;
	if (
		error instanceof ShadowOfflineError ||
		error instanceof ShadowTimeoutError
	)
		return error.message;
	return error instanceof Error ? error.message : String(error);
}

/** `auto-apply set lights back to "off" (desired)`: what a delta undid of an edit. */
export function describeOverrides(overrides: readonly Override[]): string {
	const parts = overrides.map(({path, value}) =>
		value === null
			? `removed ${path.join('.')} again`
			: `set ${path.join('.')} back to ${JSON.stringify(value)}`,
	);
	return `auto-apply ${parts.join(', ')} (desired)`;
}

function connectedOf(
	shadow: {readonly state: Sections<JsonObject>} | null | undefined,
): boolean | undefined {
	const connected = shadow?.state.reported?.connected;
	return typeof connected === 'boolean' ? connected : undefined;
}

function getOwnValue(object: JsonObject, key: string): JsonValue | undefined {
	return Object.prototype.hasOwnProperty.call(object, key)
		? object[key]
		: undefined;
}

function sameValue(
	a: JsonValue | undefined,
	b: JsonValue | undefined,
): boolean {
	if (a === undefined || b === undefined) return a === b;
	return jsonEqual(a, b);
}

function stripDelta(
	state: Sections<JsonObject> & {delta?: JsonObject},
): Sections<JsonObject> {
	const {delta: _delta, ...sections} = state;
	return sections;
}

export function createConsoleSession(
	options: ConsoleSessionOptions,
): ConsoleSession {
	const {client, clock} = options;
	const frameMs = options.frameMs ?? 33;
	const listeners = new Set<() => void>();
	let address = options.address;
	let role = options.role;
	let shadow: ShownShadow | null | undefined;
	let deleted: ShownDeletion | undefined;
	/** Deletes seen so far on this shadow: history entries sort by it before their version. */
	let incarnation = 0;
	/** Counts the watch events that changed what is shown, so a get can tell it was overtaken. */
	let eventCount = 0;
	let history: readonly HistoryEntry[] = [];
	/** From lifecycle events, since the console's connection was last (re)established. */
	let presence: {online: boolean; at: number} | undefined;
	/** The classic shadow's reported.connected, while a named shadow is shown. */
	let classicConnected: boolean | undefined;
	let device: Device | undefined;
	let deviceView: DeviceView | undefined;
	let notice: Notice | undefined;
	let busy = 0;
	let lockVersion = true;
	let journalState: 'unknown' | 'present' | 'absent' = options.journal
		? 'unknown'
		: 'absent';
	let historySource: ConsoleSnapshot['historySource'] = 'console';
	let historyOpen = false;
	let journalTimer: NodeJS.Timeout | undefined;
	let journalReading = false;
	let undoStack: readonly OwnWrite[] = [];
	let stops: (() => void)[] = [];
	let generation = 0;
	let snapshot = build();
	let timer: NodeJS.Timeout | undefined;

	function deviceOnline(): boolean | undefined {
		if (client.status() !== 'connected') return undefined;
		if (presence) return presence.online;
		if (address.shadowName === '') return connectedOf(shadow);
		return classicConnected ?? connectedOf(shadow);
	}

	function build(): ConsoleSnapshot {
		return {
			address,
			role,
			apply: options.apply,
			connection: connectionOf(client),
			shadow,
			deleted: shadow === null ? deleted : undefined,
			history,
			historySource,
			undoable: undoStack.at(-1)?.version,
			deviceOnline: deviceOnline(),
			device:
				role === 'device'
					? (deviceView ?? {pending: undefined, lastDelta: undefined})
					: undefined,
			notice,
			busy: busy > 0,
			lockVersion,
		};
	}

	function changed(): void {
		if (frameMs === 0) {
			flush();
			return;
		}

		timer ??= setTimeout(flush, frameMs);
	}

	function flush(): void {
		timer = undefined;
		snapshot = build();
		for (const listener of listeners) listener();
	}

	function remember(entry: HistoryEntry): void {
		const before = history;
		history = addToHistory(history, entry, options.historyLimit);
		if (history === before) return;
		if (journalState === 'present') scheduleJournalRead();
		else if (journalState === 'absent') keepSeen(entry);
	}

	function keepSeen(entry: HistoryEntry): void {
		options.seen?.append(address, {
			kind: entry.kind,
			version: entry.version,
			at: entry.at,
			state: entry.state,
		});
	}

	/**
	Versions from a journal, merged into the history. The journal's newest
	incarnation is the console's current one: its numbering is shifted onto
	the console's. A seen journal whose newest version is above the shown one
	is from before a delete nobody saw: one incarnation older still.
	*/
	function mergeJournal(
		versions: readonly RecordedVersion[],
		source: 'journal' | 'seen',
	): void {
		const {entries, incarnation: newest} = entriesFromJournal(versions);
		let shift = incarnation - newest;
		const top = entries.find((entry) => entry.kind === 'document');
		if (
			source === 'seen' &&
			shadow &&
			top?.incarnation === newest &&
			top.version > shadow.version
		)
			shift--;
		for (const entry of entries) {
			const moved = entry.incarnation + shift;
			history = addToHistory(
				history,
				entry.kind === 'deleted'
					? deletedEntry(moved, entry.version, entry.at, entry.writer)
					: documentEntry(
							moved,
							entry.version,
							entry.at,
							entry.state,
							entry.writer,
						),
				options.historyLimit,
			);
		}

		historySource = source;
		changed();
	}

	async function readJournal(limit: number): Promise<void> {
		const {journal} = options;
		if (!journal || journalState === 'absent') return;
		const mine = generation;
		journalReading = true;
		try {
			const versions = (await journal.versions({address}, limit)).map(
				(version) => ({
					kind: version.kind,
					version: version.version,
					at: version.timestamp,
					state: stripDelta(version.state as Sections<JsonObject>),
					writer: version.writer,
				}),
			);
			if (mine !== generation) return;
			// Checked once, on the first read: later ones may all be newer than what is shown.
			if (journalState === 'unknown' && !journalDescribes(versions, shadow)) {
				journalState = 'absent';
				notice = {
					kind: 'error',
					text: `the HTTP API at ${journal.url} does not hold ${name()} as this broker shows it (v${shadow?.version ?? '?'}): its history is not shown; give --api with this service's HTTP API`,
				};
				changed();
				await readSeen();
				return;
			}

			journalState = 'present';
			mergeJournal(versions.reverse(), 'journal');
		} catch (error: unknown) {
			if (mine !== generation) return;
			// No address yet (the service is not up): what was seen here, and the journal later.
			if (error instanceof ApiUnknown) {
				await readSeen();
				return;
			}

			if (error instanceof NoJournal) {
				journalState = 'absent';
				historySource = 'console';
				// Oldest first, as versions are seen.
				for (const entry of history.toReversed()) keepSeen(entry);
				await readSeen();
				return;
			}

			notice = {
				kind: 'error',
				text: `could not read the version journal: ${describeFailure(error)}`,
			};
			changed();
		} finally {
			journalReading = false;
		}
	}

	async function readSeen(): Promise<void> {
		const {seen} = options;
		if (!seen) return;
		const mine = generation;
		try {
			const versions = await seen.load(address, options.historyLimit);
			if (mine === generation && versions.length > 0)
				mergeJournal(versions, 'seen');
		} catch {
			// What earlier consoles saw is a convenience: without it the history starts now.
		}
	}

	/** Who wrote the versions that just arrived: read at most every half second, while history is open. */
	function scheduleJournalRead(): void {
		if (!historyOpen || journalTimer) return;
		journalTimer = setTimeout(() => {
			journalTimer = undefined;
			if (journalReading) {
				scheduleJournalRead();
				return;
			}

			void readJournal(50);
		}, 500);
	}

	async function loadHistory(): Promise<void> {
		if (journalState === 'absent') await readSeen();
		else await readJournal(options.historyLimit);
	}

	function show(
		state: Sections<JsonObject>,
		metadata: Sections<JsonObject>,
		version: number,
		changedAt?: number,
	): void {
		const delta = computeDelta(
			state.desired,
			state.reported,
			metadata.desired,
		)?.state;
		shadow = {
			state,
			metadata,
			delta,
			version,
			changedAt: changedAt ?? latestTimestamp(metadata),
		};
		deleted = undefined;
		remember(documentEntry(incarnation, version, shadow.changedAt, state));
		changed();
	}

	/** The shown document is gone: deleted at `version`, or (a get found it gone) last seen at it. */
	function gone(version: number, at: number, showNull: boolean): void {
		remember(deletedEntry(incarnation, version, at));
		incarnation++;
		if (showNull) {
			shadow = null;
			deleted = {version, at};
		}

		changed();
	}

	/** Whether a documents message says something newer than what is shown. */
	function isFresh(version: number, creates: boolean): boolean {
		if (shadow) return version >= shadow.version || creates;
		if (shadow === null && deleted) return version > deleted.version || creates;
		return true;
	}

	function onDocuments(
		documents: Extract<ShadowEvent, {kind: 'documents'}>['documents'],
	): void {
		const {previous, current, timestamp} = documents;
		if (!isFresh(current.version, previous === null)) return;
		eventCount++;
		// Created again below what is shown: deleted meanwhile, and the delete was not seen.
		if (shadow && current.version < shadow.version)
			gone(shadow.version, timestamp, false);
		if (previous)
			remember(
				documentEntry(
					incarnation,
					previous.version,
					latestTimestamp(previous.metadata),
					previous.state,
				),
			);
		show(current.state, current.metadata, current.version, timestamp);
	}

	function onDeleted({version, timestamp}: DeleteAccepted): void {
		// Already gone, or the delete of an older document than the one shown (topics keep no order).
		if (!shadow || version < shadow.version) return;
		eventCount++;
		gone(version, timestamp, true);
	}

	/**
	What a get answered (undefined: 404). `overtaken`: watch events changed what is shown
	after the get was sent, so what they said may be newer than the answer.
	*/
	function answered(got: GetAccepted | undefined, overtaken: boolean): void {
		if (!got) {
			if (overtaken && shadow) return;
			if (shadow) gone(shadow.version, clock(), true);
			else if (shadow === undefined) {
				shadow = null;
				changed();
			}

			return;
		}

		if (
			overtaken &&
			(shadow
				? shadow.version > got.version
				: shadow === null &&
					deleted !== undefined &&
					deleted.version >= got.version)
		)
			return;
		if (shadow && got.version < shadow.version)
			gone(shadow.version, clock(), false);
		show(stripDelta(got.state), got.metadata, got.version);
	}

	const onEvent = (event: ShadowEvent) => {
		if (event.kind === 'documents') onDocuments(event.documents);
		else if (event.kind === 'deleted') onDeleted(event.deleted);
		else if (event.kind === 'ignored') {
			notice = {
				kind: 'error',
				text: `ignored a message on ${event.operation}/${event.reply}: ${event.reason}`,
			};
			changed();
		} else if (event.kind === 'resync') answered(event.shadow, false);
	};

	const onClassicEvent = (event: ShadowEvent) => {
		if (event.kind === 'documents')
			classicConnected = connectedOf(event.documents.current);
		else if (event.kind === 'deleted') classicConnected = undefined;
		else if (event.kind === 'resync')
			classicConnected = connectedOf(event.shadow);
		else return;
		changed();
	};

	/** The shadow's state, or undefined when it does not exist. */
	async function fetchShadow(
		from: ShadowAddress,
	): Promise<GetAccepted | undefined> {
		try {
			return await client.get(from);
		} catch (error: unknown) {
			if (error instanceof ShadowRejectedError && error.code === 404)
				return undefined;
			throw error;
		}
	}

	async function load(): Promise<void> {
		const mine = generation;
		const before = eventCount;
		try {
			const got = await fetchShadow(address);
			if (mine === generation) answered(got, eventCount !== before);
		} catch (error: unknown) {
			notice = {
				kind: 'error',
				text: `could not load ${name()}: ${describeFailure(error)}`,
			};
			changed();
		}
	}

	/** The classic shadow, for presence; a device's policy may not allow it, and then it stays unknown. */
	async function loadClassic(thingName: string): Promise<void> {
		const mine = generation;
		try {
			const got = await fetchShadow({thingName, shadowName: ''});
			if (mine !== generation) return;
			classicConnected = connectedOf(got);
			changed();
		} catch {
			// Presence just stays unknown.
		}
	}

	function name(): string {
		return shortName(address);
	}

	async function track<T>(work: () => Promise<T>): Promise<T> {
		busy++;
		changed();
		try {
			return await work();
		} finally {
			busy--;
			changed();
		}
	}

	/** Commands run from key presses: a failure becomes a notice, never an unhandled rejection. */
	async function command(
		what: string,
		work: () => Promise<void>,
	): Promise<void> {
		try {
			await track(work);
		} catch (error: unknown) {
			notice = {
				kind: 'error',
				text: `${what}: ${describeFailure(error)}`,
				...(error instanceof ShadowOfflineError ? {offline: true} : {}),
			};
			changed();
		}
	}

	function onDeviceEvent(event: DeviceEvent): void {
		if (event.kind === 'applied') {
			deviceView = {
				pending: undefined,
				lastDelta: {
					version: event.version,
					delta: event.delta,
					outcome: 'applied',
				},
			};
			if (options.apply === 'auto' && event.overrode.length > 0)
				notice = {kind: 'info', text: describeOverrides(event.overrode)};
		} else if (event.kind === 'pending')
			deviceView = {
				pending: event,
				lastDelta: {
					version: event.version,
					delta: event.delta,
					outcome: 'waiting for a or x',
				},
			};
		else if (event.kind === 'declined')
			deviceView = {
				pending: undefined,
				lastDelta: {
					version: event.version,
					delta: event.delta,
					outcome: 'declined',
				},
			};
		else if (event.kind === 'error')
			notice = {kind: 'error', text: `device: ${event.message}`};
		changed();
	}

	/** As `shadow-tui device` does: reports connected: true (false when it stops), and creates a missing shadow. */
	async function startDevice(): Promise<void> {
		const runner = createDevice({
			client,
			address,
			simulator: options.simulator ?? genericDevice,
			...(options.initialState ? {initialState: options.initialState} : {}),
			apply: options.apply,
			presence: true,
			clock,
		});
		device = runner;
		deviceView = {pending: undefined, lastDelta: undefined};
		stops.push(runner.onEvent(onDeviceEvent));
		await runner.start();
	}

	async function stopDevice(): Promise<void> {
		const runner = device;
		device = undefined;
		deviceView = undefined;
		await runner?.stop();
	}

	/** A device's policy seldom lets it watch lifecycle events: then presence is just unknown. */
	async function watchPresenceIfAllowed(): Promise<() => void> {
		try {
			return await client.watchPresence(address.thingName, (online, at) => {
				presence = {online, at};
				changed();
			});
		} catch (error: unknown) {
			if (error instanceof ShadowRejectedError && error.code === 403)
				return () => undefined;
			throw error;
		}
	}

	async function start(): Promise<void> {
		const mine = ++generation;
		const {thingName, shadowName} = address;
		const unwatch = await client.watch(address, onEvent);
		const unwatchClassic =
			shadowName === ''
				? () => undefined
				: await client.watch({thingName, shadowName: ''}, onClassicEvent);
		const unpresence = await watchPresenceIfAllowed();
		if (mine !== generation) {
			unwatch();
			unwatchClassic();
			unpresence();
			return;
		}

		stops.push(unwatch, unwatchClassic, unpresence);
		await Promise.all([
			load(),
			...(shadowName === '' ? [] : [loadClassic(thingName)]),
		]);
		// The journal can be long: the device starts meanwhile.
		const historyLoad = loadHistory();
		if (role === 'device') await startDevice();
		await historyLoad;
	}

	/** A notice for a device-role edit, unless the device said something newer meanwhile (an auto-apply). */
	async function deviceEdit(
		work: () => Promise<number | undefined>,
		said: (version: number | undefined) => string,
	): Promise<void> {
		const before = notice;
		const version = await work();
		if (notice === before) notice = {kind: 'info', text: said(version)};
	}

	function failed(what: string, error: unknown): false {
		const conflict = error instanceof ShadowRejectedError && error.code === 409;
		notice = {
			kind: 'error',
			text: `${what} not updated: ${describeFailure(error)}${conflict ? ' (the shadow changed meanwhile; review it and edit again, or press v to stop sending the version)' : ''}`,
			...(error instanceof ShadowOfflineError ? {offline: true} : {}),
		};
		return false;
	}

	/*
	This console's own writes go one at a time, and an edit sent while the one
	before it is still in flight, made on the version that one replaces
	(typeahead: e, a = 1, Enter, e, b = 2, Enter in one burst), is sent on the
	version that write produces, so it is not refused as if someone else had
	changed the shadow. An edit sent later on an old version is refused (409).
	*/
	let writes: Promise<unknown> = Promise.resolve();
	let inFlight: {from: number; to: Promise<number | undefined>} | undefined;

	/** Runs a write after the ones before it; `version` is what it will be sent on. */
	async function ownWrite<T>(
		baseVersion: number | undefined,
		work: (
			version: number | undefined,
		) => Promise<{result: T; version?: number}>,
	): Promise<T> {
		const base = lockVersion ? (baseVersion ?? shadow?.version) : undefined;
		const after =
			base !== undefined && inFlight?.from === base ? inFlight : undefined;
		let settle: (version: number | undefined) => void = () => undefined;
		const produced = new Promise<number | undefined>((resolve) => {
			settle = resolve;
		});
		const run = writes.then(async () => {
			const version = after ? ((await after.to) ?? base) : base;
			try {
				const {result, version: made} = await work(version);
				settle(made);
				return result;
			} catch (error: unknown) {
				settle(undefined);
				throw error;
			}
		});
		const entry = base === undefined ? undefined : {from: base, to: produced};
		if (entry) inFlight = entry;
		writes = run
			.catch(() => undefined)
			.finally(() => {
				// Done: an edit sent from now on is on the version it was made on.
				if (inFlight === entry) inFlight = undefined;
			});
		return run;
	}

	/*
	An edit locked to its version is refused (409) when anything changed
	since, a device's telemetry report as well. When what changed since did
	not touch the keys the edit sets, nobody's change would be overwritten, so
	it is sent once more on the version the service has now; otherwise the 409
	stands and the user reviews.
	*/
	async function sendLocked(
		section: Section,
		patch: JsonObject,
		version: number | undefined,
	): Promise<{version: number; rebased?: number}> {
		try {
			return await client.update(address, {
				state: {[section]: patch},
				...(version === undefined ? {} : {version}),
			});
		} catch (error: unknown) {
			const conflict =
				error instanceof ShadowRejectedError && error.code === 409;
			const base = history.find(
				(entry) =>
					entry.kind === 'document' &&
					entry.incarnation === incarnation &&
					entry.version === version,
			);
			if (!conflict || !base) throw error;
			const now = await client.get(address);
			const current = now.state[section] ?? {};
			const before = base.state[section] ?? {};
			const touched = Object.keys(patch).some(
				(key) =>
					!sameValue(getOwnValue(before, key), getOwnValue(current, key)),
			);
			if (touched) throw error;
			const accepted = await client.update(address, {
				state: {[section]: patch},
				version: now.version,
			});
			return {version: accepted.version, rebased: now.version};
		}
	}

	/** A restore or an undo, on its version; once more on the current one when what moved leaves it meaning the same (write-preview.ts). */
	async function sendOnce(
		write: ProposedWrite,
	): Promise<{version: number; rebased?: number}> {
		const send = async (version: number | undefined) =>
			client.update(address, {
				state: write.state,
				...(version === undefined ? {} : {version}),
			});
		try {
			return await send(write.version);
		} catch (error: unknown) {
			const conflict =
				error instanceof ShadowRejectedError && error.code === 409;
			if (!conflict || !write.base) throw error;
			const now = await client.get(address);
			if (!stillApplies(write, write.base, stripDelta(now.state))) throw error;
			const accepted = await send(now.version);
			return {version: accepted.version, rebased: now.version};
		}
	}

	const stopStatus = client.onStatus((status) => {
		// Lifecycle events sent while the console was away are lost: what it knew may be stale.
		if (status !== 'connected') presence = undefined;
		// What failed for being offline was not sent; the error itself is over.
		else if (notice?.offline)
			notice = {
				kind: 'info',
				text: 'connected again; what failed while offline was not sent: do it again',
			};
		changed();
	});

	return {
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		getSnapshot: () => snapshot,
		start: async () => command('could not open the shadow', start),
		async update(section, patch, baseVersion) {
			return track(async () =>
				ownWrite(baseVersion, async (version) => {
					try {
						const runner = device;
						if (role === 'device' && section === 'reported' && runner) {
							await deviceEdit(
								async () => runner.change(patch),
								() => `reported ${JSON.stringify(patch)}`,
							);
							return {result: true};
						}

						const before = shadow?.state.desired ?? {};
						const accepted = await sendLocked(section, patch, version);
						if (section === 'desired')
							undoStack = pushOwnWrite(undoStack, {
								patch,
								before,
								version: accepted.version,
							});
						notice = {
							kind: 'info',
							text: `${section} updated: version ${accepted.version}${accepted.rebased === undefined ? '' : ` (sent on v${accepted.rebased}: what changed since v${version ?? ''} did not touch these keys)`}`,
						};
						return {result: true, version: accepted.version};
					} catch (error: unknown) {
						return {result: failed(section, error)};
					}
				}),
			);
		},
		async updateBoth(desired, reported, baseVersion) {
			const what = 'desired and reported';
			return track(async () =>
				ownWrite(baseVersion, async (version) => {
					try {
						const runner = device;
						if (role === 'device' && runner) {
							let made: number | undefined;
							await deviceEdit(
								async () => {
									made = await runner.change(reported, {
										desired,
										...(version === undefined ? {} : {version}),
									});
									return made;
								},
								(accepted) => `${what} updated: version ${accepted ?? '?'}`,
							);
							return {
								result: true,
								...(made === undefined ? {} : {version: made}),
							};
						}

						const before = shadow?.state.desired ?? {};
						const accepted = await client.update(address, {
							state: {desired, reported},
							...(version === undefined ? {} : {version}),
						});
						if (Object.keys(desired).length > 0)
							undoStack = pushOwnWrite(undoStack, {
								patch: desired,
								before,
								version: accepted.version,
							});
						notice = {
							kind: 'info',
							text: `${what} updated: version ${accepted.version}`,
						};
						return {result: true, version: accepted.version};
					} catch (error: unknown) {
						return {result: failed(what, error)};
					}
				}),
			);
		},
		refresh: async () => track(load),
		watchHistory(open) {
			historyOpen = open;
			if (open && journalState !== 'absent')
				void readJournal(
					journalState === 'present' ? 50 : options.historyLimit,
				);
		},
		proposeUndo() {
			const last = undoStack.at(-1);
			if (!last) return undefined;
			return {
				kind: 'undo',
				label: `undo your desired change of v${last.version}`,
				state: {desired: undoPatch(last.patch, last.before)},
				version: shadow?.version,
				...(shadow ? {base: shadow.state} : {}),
			};
		},
		async sendProposed(write) {
			return track(async () =>
				ownWrite(write.version, async () => {
					try {
						const {version, rebased} = await sendOnce(write);
						if (write.kind === 'undo') undoStack = undoStack.slice(0, -1);
						notice = {
							kind: 'info',
							text: `${write.label}: done, version ${version}${rebased === undefined ? '' : ` (sent on v${rebased}: what changed since the preview did not touch it)`}`,
						};
						return {result: true, version};
					} catch (error: unknown) {
						const moved =
							error instanceof ShadowRejectedError && error.code === 409;
						notice = {
							kind: 'error',
							text: `${write.label}: not sent: ${describeFailure(error)}${moved ? ' (the shadow moved since the preview; open it again to see what it would do now)' : ''}`,
						};
						return {result: false};
					}
				}),
			);
		},

		async switchRole() {
			await command('could not switch role', async () => {
				if (role === 'app') {
					role = 'device';
					notice = {
						kind: 'info',
						text: `device role: deltas are ${options.apply === 'auto' ? 'applied at once' : 'waiting for a (accept) or x (decline)'}`,
					};
					await startDevice();
				} else {
					role = 'app';
					notice = {
						kind: 'info',
						text: 'application role: edits go to desired',
					};
					await stopDevice();
				}
			});
		},
		async switchShadow(next) {
			await command('could not open the shadow', async () => {
				await stopDevice();
				for (const stop of stops) stop();
				stops = [];
				address = next;
				inFlight = undefined;
				shadow = undefined;
				deleted = undefined;
				incarnation = 0;
				history = [];
				historySource = 'console';
				undoStack = [];
				clearTimeout(journalTimer);
				journalTimer = undefined;
				presence = undefined;
				classicConnected = undefined;
				notice = {kind: 'info', text: `now on ${name()}`};
				changed();
				await start();
			});
		},
		toggleLock() {
			lockVersion = !lockVersion;
			notice = {
				kind: 'info',
				text: lockVersion
					? 'edits carry the version they were made on (a concurrent change is refused)'
					: 'edits no longer carry a version (last writer wins)',
			};
			changed();
		},
		accept: async () => device?.accept(),
		decline: async () => device?.decline(),
		clearNotice() {
			notice = undefined;
			changed();
		},
		async close() {
			clearTimeout(timer);
			clearTimeout(journalTimer);
			await options.seen?.flush();
			await stopDevice();
			for (const stop of stops) stop();
			stops = [];
			stopStatus();
		},
	};
}

function connectionOf(client: ShadowClient): ConsoleSnapshot['connection'] {
	const status = client.status();
	const error = status === 'connected' ? undefined : client.connectionError();
	return {url: client.url, status, ...(error ? {error} : {})};
}
