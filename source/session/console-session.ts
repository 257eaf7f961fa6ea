/*
What the console shows for one shadow, and what it can do, without React:
the current document (from get and documents messages, never older than what
is shown), the bounded version history, connection and device presence, the
role, and in the device role a device-mode runner acting on the deltas.
Listeners are told at most once per frame, so a flood of documents costs one
render per frame rather than one per message.
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
import {genericDevice} from '../device-mode/simulators.js';
import {computeDelta} from '../shadow/compute-delta.js';
import {isJsonObject, type JsonObject, type JsonValue} from '../shadow/json.js';
import type {Sections} from '../shadow/shadow-record.js';
import type {ShadowAddress} from '../shadow/topics.js';
import {addToHistory, type HistoryEntry} from './history.js';

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

export type Notice = {readonly kind: 'info' | 'error'; readonly text: string};

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
	};
	/** undefined while loading; null when the shadow does not exist. */
	readonly shadow: ShownShadow | null | undefined;
	readonly history: readonly HistoryEntry[];
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
	readonly clock: () => number;
	/** ms between two notifications at most; 0 notifies at once. */
	readonly frameMs?: number;
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
	refresh(): Promise<void>;
	switchRole(): Promise<void>;
	switchShadow(address: ShadowAddress): Promise<void>;
	toggleLock(): void;
	accept(): Promise<void>;
	decline(): Promise<void>;
	clearNotice(): void;
	close(): Promise<void>;
};

/** The newest {"timestamp": T} leaf; a loop rather than recursion, as metadata came off the wire. */
export function latestTimestamp(metadata: JsonValue | undefined): number {
	let latest = 0;
	const pending: (JsonValue | undefined)[] = [metadata];
	while (pending.length > 0) {
		const value = pending.pop();
		if (Array.isArray(value)) for (const item of value) pending.push(item);
		else if (isJsonObject(value)) {
			const {timestamp} = value;
			if (typeof timestamp === 'number' && Object.keys(value).length === 1)
				latest = Math.max(latest, timestamp);
			else for (const key in value) pending.push(value[key]);
		}
	}

	return latest;
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

export function createConsoleSession(
	options: ConsoleSessionOptions,
): ConsoleSession {
	const {client, clock} = options;
	const frameMs = options.frameMs ?? 33;
	const listeners = new Set<() => void>();
	let address = options.address;
	let role = options.role;
	let shadow: ShownShadow | null | undefined;
	let history: readonly HistoryEntry[] = [];
	let presence: {online: boolean; at: number} | undefined;
	let device: Device | undefined;
	let deviceView: DeviceView | undefined;
	let notice: Notice | undefined;
	let busy = 0;
	let lockVersion = true;
	let stops: (() => void)[] = [];
	let generation = 0;
	let snapshot = build();
	let timer: NodeJS.Timeout | undefined;

	function build(): ConsoleSnapshot {
		const reportedConnected = shadow?.state.reported?.connected;
		return {
			address,
			role,
			apply: options.apply,
			connection: {url: client.url, status: client.status()},
			shadow,
			history,
			deviceOnline:
				presence?.online ??
				(typeof reportedConnected === 'boolean'
					? reportedConnected
					: undefined),
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

	function show(
		state: Sections<JsonObject>,
		metadata: Sections<JsonObject>,
		version: number,
		changedAt?: number,
	): void {
		if (shadow && version < shadow.version) return;
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
		history = addToHistory(
			history,
			{version, at: shadow.changedAt, state},
			options.historyLimit,
		);
		changed();
	}

	const onEvent = (event: ShadowEvent) => {
		if (event.kind === 'documents') {
			const {previous, current, timestamp} = event.documents;
			if (previous)
				history = addToHistory(
					history,
					{
						version: previous.version,
						at: latestTimestamp(previous.metadata),
						state: previous.state,
					},
					options.historyLimit,
				);
			show(current.state, current.metadata, current.version, timestamp);
		} else if (event.kind === 'ignored') {
			notice = {
				kind: 'error',
				text: `ignored a message on ${event.operation}/${event.reply}: ${event.reason}`,
			};
			changed();
		} else if (event.kind === 'resync') {
			if (event.shadow)
				show(
					stripDelta(event.shadow.state),
					event.shadow.metadata,
					event.shadow.version,
				);
			else {
				shadow = null;
				changed();
			}
		}
	};

	function stripDelta(
		state: Sections<JsonObject> & {delta?: JsonObject},
	): Sections<JsonObject> {
		const {delta: _delta, ...sections} = state;
		return sections;
	}

	async function load(): Promise<void> {
		try {
			const got = await client.get(address);
			show(stripDelta(got.state), got.metadata, got.version);
		} catch (error: unknown) {
			if (error instanceof ShadowRejectedError && error.code === 404) {
				if (!shadow) shadow = null;
			} else {
				notice = {
					kind: 'error',
					text: `could not load ${name()}: ${describeFailure(error)}`,
				};
			}

			changed();
		}
	}

	function name(): string {
		return address.shadowName === ''
			? address.thingName
			: `${address.thingName}/${address.shadowName}`;
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
			notice = {kind: 'error', text: `${what}: ${describeFailure(error)}`};
			changed();
		}
	}

	function onDeviceEvent(event: DeviceEvent): void {
		if (event.kind === 'applied')
			deviceView = {
				pending: undefined,
				lastDelta: {
					version: event.version,
					delta: event.delta,
					outcome: 'applied',
				},
			};
		else if (event.kind === 'pending')
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

	async function startDevice(): Promise<void> {
		const runner = createDevice({
			client,
			address,
			simulator: genericDevice,
			apply: options.apply,
			presence: false,
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
		const unwatch = await client.watch(address, onEvent);
		const unpresence = await watchPresenceIfAllowed();
		if (mine !== generation) {
			unwatch();
			unpresence();
			return;
		}

		stops.push(unwatch, unpresence);
		await load();
		if (role === 'device') await startDevice();
	}

	stops.push(
		client.onStatus(() => {
			changed();
		}),
	);

	return {
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		getSnapshot: () => snapshot,
		start: async () => command('could not open the shadow', start),
		async update(section, patch, baseVersion) {
			return track(async () => {
				try {
					if (role === 'device' && section === 'reported' && device) {
						await device.change(patch);
						notice = {kind: 'info', text: `reported ${JSON.stringify(patch)}`};
						return true;
					}

					const version = lockVersion
						? (baseVersion ?? shadow?.version)
						: undefined;
					const accepted = await client.update(address, {
						state: {[section]: patch},
						...(version === undefined ? {} : {version}),
					});
					notice = {
						kind: 'info',
						text: `${section} updated: version ${accepted.version}`,
					};
					return true;
				} catch (error: unknown) {
					const conflict =
						error instanceof ShadowRejectedError && error.code === 409;
					notice = {
						kind: 'error',
						text: `${section} not updated: ${describeFailure(error)}${conflict ? ' (the shadow changed meanwhile; review it and edit again, or press v to stop sending the version)' : ''}`,
					};
					return false;
				}
			});
		},
		refresh: async () => track(load),
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
				shadow = undefined;
				history = [];
				presence = undefined;
				notice = {kind: 'info', text: `now on ${name()}`};
				changed();
				stops.push(
					client.onStatus(() => {
						changed();
					}),
				);
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
			await stopDevice();
			for (const stop of stops) stop();
			stops = [];
		},
	};
}
