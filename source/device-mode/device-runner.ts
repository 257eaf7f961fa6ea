/*
The device side of the protocol, as the seed's device sample does it:
subscribe, get the shadow, create it from the initial state when there is
none (404), apply a waiting delta, then apply every newer delta and report
what changed. Deltas not newer than the last one applied are ignored. After a
reconnect the client resyncs, and the device reports whatever the shadow
missed. All work on the state runs one step at a time, in order.

A change the device makes itself (a console edit) may carry desired too, in
one request, as the seed's "device to app" step does. When the next delta it
applies sets a value just changed back (auto-apply: desired still says
otherwise), the applied event says which, so a console can tell the user
rather than seem to ignore the edit.

With apply 'confirm' a delta waits for accept() or decline(). Declining
reports the device's current values for the keys of the delta: the delta
stays, and the newer reported timestamps tell the application the device saw
the request and kept its state. The same delta is not asked for again.
*/
import type {ShadowClient, ShadowEvent} from '../client/shadow-client.js';
import {ShadowRejectedError} from '../client/shadow-errors.js';
import type {Logger} from '../log/logger.js';
import {getOwn, hasOwn, setOwn, type JsonObject} from '../shadow/json.js';
import {deeperThan} from '../shadow/json-shape.js';
import {awsLimits} from '../shadow/limits.js';
import type {GetAccepted} from '../shadow/replies.js';
import {formatShadowTopic, type ShadowAddress} from '../shadow/topics.js';
import {
	applyPatch,
	changes,
	isEmpty,
	overrides,
	type Override,
} from './device-state.js';
import type {Simulator} from './simulators.js';

export type ApplyPolicy = 'auto' | 'confirm';

export type PendingDelta = {
	readonly version: number;
	readonly delta: JsonObject;
};

export type DeviceEvent =
	| {
			readonly kind: 'synced';
			readonly created: boolean;
			readonly version: number | undefined;
	  }
	| {
			readonly kind: 'applied';
			readonly version: number;
			readonly delta: JsonObject;
			readonly reported: JsonObject;
			/** Values of a change() that the delta it caused set back at once; empty when none. */
			readonly overrode: readonly Override[];
	  }
	| {
			readonly kind: 'pending';
			readonly version: number;
			readonly delta: JsonObject;
	  }
	| {
			readonly kind: 'declined';
			readonly version: number;
			readonly delta: JsonObject;
			readonly reported: JsonObject;
	  }
	| {
			readonly kind: 'ignored';
			readonly version: number;
			readonly reason: 'not newer' | 'declined before';
	  }
	| {readonly kind: 'reported'; readonly reported: JsonObject}
	| {readonly kind: 'error'; readonly message: string};

export type DeviceOptions = {
	readonly client: ShadowClient;
	readonly address: ShadowAddress;
	readonly simulator: Simulator;
	/** Used when the shadow does not exist yet; the simulator's defaults otherwise. */
	readonly initialState?: JsonObject;
	readonly apply: ApplyPolicy;
	/** Report connected: true after connecting, and false when stopping. */
	readonly presence: boolean;
	/** Epoch seconds. */
	readonly clock: () => number;
	readonly random?: () => number;
	readonly log?: Logger;
};

export type DeviceSnapshot = {
	readonly state: JsonObject;
	readonly pending: PendingDelta | undefined;
	readonly lastApplied: number | undefined;
	readonly events: readonly DeviceEvent[];
};

export type ChangeOptions = {
	/** Sent in the same request as the reported change. */
	readonly desired?: JsonObject;
	/** Refuse with 409 unless the shadow is at this version. */
	readonly version?: number;
};

export type Device = {
	start(): Promise<void>;
	/**
	The device changes its own state (a console edit, a button press) and reports it.
	Settles with the version the shadow got, undefined when nothing needed sending; rejects
	when the update was refused, and then the device's state stays as it was.
	*/
	change(
		patch: JsonObject,
		options?: ChangeOptions,
	): Promise<number | undefined>;
	accept(): Promise<void>;
	decline(): Promise<void>;
	stop(): Promise<void>;
	subscribe(listener: () => void): () => void;
	getSnapshot(): DeviceSnapshot;
	onEvent(listener: (event: DeviceEvent) => void): () => void;
	/** Settles when every step queued so far has run. */
	idle(): Promise<void>;
};

/** The last will that tells the shadow the device dropped off (the local service honours it; see readme for AWS). */
export function presenceWill(address: ShadowAddress) {
	return {
		topic: formatShadowTopic(address, 'update'),
		payload: Buffer.from('{"state":{"reported":{"connected":false}}}'),
		qos: 1 as const,
		retain: false,
	};
}

const eventsKept = 50;

export function createDevice(options: DeviceOptions): Device {
	const {client, address, simulator, clock} = options;
	const random = options.random ?? Math.random;
	let state: JsonObject = {};
	let pending: PendingDelta | undefined;
	let lastApplied: number | undefined;
	/** The last change() and the version it made: the delta of that version answers it. */
	let lastChange: {version: number; reported: JsonObject} | undefined;
	let started = false;
	let stopped = false;
	let events: DeviceEvent[] = [];
	let snapshot: DeviceSnapshot = {state, pending, lastApplied, events};
	let queue: Promise<void> = Promise.resolve();
	let timer: NodeJS.Timeout | undefined;
	let stopWatching: (() => void) | undefined;
	const declined = new Set<string>();
	const listeners = new Set<() => void>();
	const eventListeners = new Set<(event: DeviceEvent) => void>();

	const publishSnapshot = () => {
		snapshot = {state, pending, lastApplied, events};
		for (const listener of listeners) listener();
	};

	const emit = (event: DeviceEvent) => {
		events = [...events.slice(-(eventsKept - 1)), event];
		for (const listener of eventListeners) listener(event);
		publishSnapshot();
	};

	/** Runs steps one at a time; a failing step is reported and does not stop the next. */
	const serial = async (step: () => Promise<void>): Promise<void> => {
		const run = queue.then(step).catch((error: unknown) => {
			emit({
				kind: 'error',
				message: error instanceof Error ? error.message : String(error),
			});
		});
		queue = run;
		return run;
	};

	/** The same, for a step whose caller wants its outcome: a failure rejects instead of becoming an event. */
	const serialResult = async <T>(step: () => Promise<T>): Promise<T> => {
		const run = queue.then(step);
		queue = run.then(
			() => undefined,
			() => undefined,
		);
		return run;
	};

	const report = async (patch: JsonObject): Promise<void> => {
		if (isEmpty(patch)) return;
		await client.update(address, {state: {reported: patch}});
	};

	const withPresence = (value: JsonObject): JsonObject =>
		options.presence ? {...value, connected: true} : value;

	/**
	The state to start from. A given one comes from a file; deeper than a shadow can be, it could
	never be reported, and the device state's walks (device-state.ts) recurse.
	*/
	function initialState(): JsonObject {
		const given = options.initialState;
		if (given && deeperThan(given, awsLimits.maxDepth)) {
			emit({
				kind: 'error',
				message: `the initial state nests deeper than ${awsLimits.maxDepth} levels; using the simulator's defaults`,
			});
			return simulator.initial(clock());
		}

		return given ?? simulator.initial(clock());
	}

	async function sync(shadow: GetAccepted | undefined): Promise<void> {
		const reported = shadow?.state.reported ?? {};
		if (!started) {
			// With presence on, `connected` is this runner's to report; otherwise it belongs to someone else and stays.
			const {connected: _connected, ...remembered} = reported;
			state = {
				...initialState(),
				...(shadow ? (options.presence ? remembered : reported) : {}),
			};
			started = true;
		}

		await report(changes(reported, withPresence(state)));
		emit({
			kind: 'synced',
			created: shadow === undefined,
			version: shadow?.version,
		});
		const delta = shadow?.state.delta;
		if (shadow && delta) await receive({version: shadow.version, delta});
	}

	async function receive(incoming: PendingDelta): Promise<void> {
		if (lastApplied !== undefined && incoming.version <= lastApplied) {
			emit({kind: 'ignored', version: incoming.version, reason: 'not newer'});
			return;
		}

		if (options.apply === 'confirm') {
			if (declined.has(JSON.stringify(incoming.delta))) {
				lastApplied = incoming.version;
				emit({
					kind: 'ignored',
					version: incoming.version,
					reason: 'declined before',
				});
				return;
			}

			// Every delta carries the whole difference, so the newest replaces any older one waiting.
			pending = incoming;
			emit({kind: 'pending', ...incoming});
			return;
		}

		await apply(incoming);
	}

	async function apply({version, delta}: PendingDelta): Promise<void> {
		lastApplied = version;
		const next = simulator.react(state, delta, clock());
		const patch = changes(state, next);
		state = next;
		const answered = lastChange?.version === version ? lastChange : undefined;
		const overrode = answered ? overrides(answered.reported, patch) : [];
		if (lastChange && version >= lastChange.version) lastChange = undefined;
		emit({kind: 'applied', version, delta, reported: patch, overrode});
		await report(patch);
	}

	async function tick(): Promise<void> {
		if (!simulator.tick) return;
		const next = simulator.tick(state, clock(), random);
		const patch = changes(state, next);
		if (isEmpty(patch)) return;
		state = next;
		emit({kind: 'reported', reported: patch});
		await report(patch);
	}

	async function fetch(): Promise<GetAccepted | undefined> {
		try {
			return await client.get(address);
		} catch (error: unknown) {
			if (error instanceof ShadowRejectedError && error.code === 404)
				return undefined;
			throw error;
		}
	}

	const onShadowEvent = (event: ShadowEvent) => {
		if (stopped) return;
		if (event.kind === 'delta')
			void serial(async () =>
				receive({version: event.delta.version, delta: event.delta.state}),
			);
		if (event.kind === 'resync') void serial(async () => sync(event.shadow));
	};

	return {
		async start() {
			// Subscribe first, then get: nothing published in between can be missed.
			stopWatching = await client.watch(address, onShadowEvent);
			await serial(async () => sync(await fetch()));
			if (simulator.tick && simulator.tickMs) {
				timer = setInterval(() => {
					void serial(tick);
				}, simulator.tickMs);
				timer.unref();
			}
		},
		async change(patch, changeOptions = {}) {
			return serialResult(async () => {
				const next = applyPatch(state, patch);
				const reported = changes(state, next);
				const {desired, version} = changeOptions;
				if (isEmpty(reported) && desired === undefined) return undefined;
				const accepted = await client.update(address, {
					state: {
						...(desired === undefined ? {} : {desired}),
						...(isEmpty(reported) ? {} : {reported}),
					},
					...(version === undefined ? {} : {version}),
				});
				state = next;
				lastChange = {version: accepted.version, reported};
				emit({kind: 'reported', reported});
				return accepted.version;
			});
		},
		async accept() {
			await serial(async () => {
				const waiting = pending;
				if (!waiting) return;
				pending = undefined;
				await apply(waiting);
			});
		},
		async decline() {
			await serial(async () => {
				const waiting = pending;
				if (!waiting) return;
				pending = undefined;
				lastApplied = waiting.version;
				declined.add(JSON.stringify(waiting.delta));
				const current: JsonObject = {};
				for (const key in waiting.delta) {
					if (hasOwn(state, key))
						setOwn(current, key, getOwn(state, key) ?? null);
				}

				emit({kind: 'declined', ...waiting, reported: current});
				await report(current);
			});
		},
		async stop() {
			if (stopped) return;
			stopped = true;
			clearInterval(timer);
			stopWatching?.();
			await queue;
			// A clean disconnect sends no will, so the device says it is leaving.
			if (options.presence && client.status() === 'connected') {
				await report({connected: false}).catch(() => undefined);
			}
		},
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		getSnapshot: () => snapshot,
		onEvent(listener) {
			eventListeners.add(listener);
			return () => eventListeners.delete(listener);
		},
		idle: async () => queue,
	};
}
