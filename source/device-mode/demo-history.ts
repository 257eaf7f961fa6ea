/*
The demo's past: an hour of what its devices and an app did before the demo
started, so that the console's history view opens on real versions and the
pump's temperature on a trend. The pump reports a reading once a minute (the
live one every 2 s: an hour of those would be 1,800 versions) and an app
changes its alarm limit twice; the vehicle's doors and lights are
switched by an app a few times. Every step is what the simulators themselves
would have done (their initial state, tick and react), so the live devices
carry on from where the history ends without reporting a jump.

demoHistory is pure: the updates, their times and writers. applyHistory puts
them through the shadow engine (updateShadow, at each step's time) and into
the store with their journal entries, one transaction per shadow, so that a
shadow is seeded whole or not at all. A shadow that exists already (live or
deleted) is left as it is.
*/
import type {JsonObject} from '../shadow/json.js';
import {defaultEngineOptions, type EngineOptions} from '../shadow/limits.js';
import type {ShadowRecord} from '../shadow/shadow-record.js';
import {addressKey, displayName, type ShadowAddress} from '../shadow/topics.js';
import {updateShadow} from '../shadow/update-shadow.js';
import type {JournalWrite, Writer} from '../store/journal.js';
import {openShadowStore, type ShadowStore} from '../store/shadow-store.js';
import {changes, isEmpty} from './device-state.js';
import {pump, vehicle, type Simulator} from './simulators.js';

/** One update as it reached the service. */
export type HistoryStep = {
	/** Epoch seconds. */
	readonly at: number;
	readonly state: {
		readonly desired?: JsonObject;
		readonly reported?: JsonObject;
	};
	readonly writer: Writer;
	readonly clientToken: string;
};

export type ShadowHistory = {
	readonly address: ShadowAddress;
	readonly steps: readonly HistoryStep[];
};

/** The app that changed the demo's devices; the devices write as their thing names, as in the demo. */
export const demoAppClientId = 'shadow-tui-demo-app';

const minute = 60;

/**
The hour before `now` (epoch seconds): every step strictly before it, in order.
random() in [0, 1), seeded by default so that every demo has the same past.
*/
export function demoHistory(
	now: number,
	random: () => number = seededRandom(0x5eed),
): ShadowHistory[] {
	const start = Math.floor(now) - 60 * minute;
	const readings = Array.from({length: 59}, (_, index) => ({
		at: start + (index + 1) * minute,
		kind: 'tick' as const,
	}));
	return [
		play({thingName: 'pump-1', shadowName: ''}, pump, start, random, [
			...readings,
			// A lower limit sets the alarm off while the pump runs warm; later it is raised again.
			{at: start + 20 * minute + 25, kind: 'desired', patch: {alarmLimit: 62}},
			{at: start + 45 * minute + 25, kind: 'desired', patch: {alarmLimit: 68}},
		]),
		// Ends on lights "on", so that the demo's first suggestion, lights = "off", makes a delta.
		play({thingName: 'vehicle-1', shadowName: ''}, vehicle, start, random, [
			{at: start + 8 * minute, kind: 'desired', patch: {doors: 'unlocked'}},
			{at: start + 16 * minute, kind: 'desired', patch: {doors: 'locked'}},
			{at: start + 29 * minute, kind: 'desired', patch: {lights: 'off'}},
			{at: start + 48 * minute, kind: 'desired', patch: {lights: 'on'}},
		]),
	];
}

type Event =
	| {readonly at: number; readonly kind: 'tick'}
	| {readonly at: number; readonly kind: 'desired'; readonly patch: JsonObject};

/** A device that connects at `start`, and what it and the app do after, as the device loop would. */
function play(
	address: ShadowAddress,
	simulator: Simulator,
	start: number,
	random: () => number,
	events: readonly Event[],
): ShadowHistory {
	const device = writerOf(address.thingName);
	const app = writerOf(demoAppClientId);
	const steps: HistoryStep[] = [];
	let state = simulator.initial(start);
	// With presence on, the device reports its state and connected: true as it connects.
	steps.push(device.step(start, {reported: {...state, connected: true}}));
	for (const event of [...events].sort((a, b) => a.at - b.at)) {
		if (event.kind === 'tick') {
			if (!simulator.tick) continue;
			const next = simulator.tick(state, event.at, random);
			const patch = changes(state, next);
			state = next;
			if (!isEmpty(patch)) steps.push(device.step(event.at, {reported: patch}));
			continue;
		}

		steps.push(app.step(event.at, {desired: event.patch}));
		// The delta is the patch (desired matched reported before it); the device answers a second later.
		const next = simulator.react(state, event.patch, event.at + 1);
		const patch = changes(state, next);
		state = next;
		if (!isEmpty(patch))
			steps.push(device.step(event.at + 1, {reported: patch}));
	}

	return {address, steps};
}

/** A writer on the demo's service (MQTT, no sign-in), with clientTokens shaped as shadow-client's. */
function writerOf(clientId: string) {
	const writer: Writer = {channel: 'mqtt', clientId, principal: 'local'};
	let counter = 0;
	return {
		step: (at: number, state: HistoryStep['state']): HistoryStep => ({
			at,
			state,
			writer,
			// The live client counts its tokens from 0 again: `past` keeps these apart from its own.
			clientToken: `${clientId.slice(0, 40)}-past-${(counter++).toString(36)}`,
		}),
	};
}

/**
Puts each history through the engine into the store, unless its shadow exists
already; returns the shadows it seeded. Throws when the engine refuses a step
(the history is wrong, not the caller).
*/
export function applyHistory(
	store: ShadowStore,
	histories: readonly ShadowHistory[],
	options: EngineOptions = defaultEngineOptions,
): ShadowAddress[] {
	const seeded: ShadowAddress[] = [];
	for (const {address, steps} of histories) {
		if (store.load(address) !== undefined) continue;
		let record: ShadowRecord | undefined;
		const writes: JournalWrite[] = [];
		for (const {at, state, writer, clientToken} of steps) {
			const outcome = updateShadow(
				record,
				JSON.stringify({state, clientToken}),
				{address, now: at, options},
			);
			if (!outcome.ok) {
				throw new Error(
					`demo history of ${displayName(address)} refused at ${at}: ${outcome.rejection.code} ${outcome.rejection.message}`,
				);
			}

			record = outcome.shadow;
			writes.push({address, record, writer, clientToken});
		}

		if (!record) continue;
		store.commitBatch(
			new Map([[addressKey(address), {address, record}]]),
			writes,
		);
		seeded.push(address);
	}

	return seeded;
}

/** The demo's past, written to its data file before the service opens it. */
export function seedDemoHistory(
	dataFile: string,
	now: number,
): ShadowAddress[] {
	const store = openShadowStore(dataFile);
	try {
		return applyHistory(store, demoHistory(now));
	} finally {
		store.close();
	}
}

/** mulberry32: small, fast, and the same sequence for the same seed. */
export function seededRandom(seed: number): () => number {
	let value = seed >>> 0;
	return () => {
		value = (value + 0x6d_2b_79_f5) >>> 0;
		let mixed = value;
		mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
		mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
		return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
	};
}
