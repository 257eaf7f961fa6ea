/*
Simulated devices from the use cases of the seed document: a vehicle (lights,
doors), a coffee maker (power, brew schedule, temperature limit, when the
last brew finished) and a pump (temperature readings, alarm limit, alarm).
Each is pure: it gets its state, a delta or the time, and returns the state it
is in afterwards, which the device loop reports. Like real hardware, a device
refuses what it cannot do (an unknown setting stays in the delta) and clamps
what is out of range.
*/
import type {JsonObject, JsonValue} from '../shadow/json.js';
import {applyPatch} from './device-state.js';

export type Simulator = {
	readonly kind: string;
	readonly description: string;
	initial(now: number): JsonObject;
	/** The state after the device acted on a delta. */
	react(state: JsonObject, delta: JsonObject, now: number): JsonObject;
	/** How often tick runs, in ms; absent for devices that only react. */
	readonly tickMs?: number;
	/** The state after time passed; random() in [0, 1). */
	tick?(state: JsonObject, now: number, random: () => number): JsonObject;
};

/** A device without a simulator: it takes every delta as it is. */
export const genericDevice: Simulator = {
	kind: 'generic',
	description: 'applies every delta as it is',
	initial: () => ({}),
	react: (state, delta) => applyPatch(state, delta),
};

function pick(
	delta: JsonObject,
	rules: Record<string, (value: JsonValue) => JsonValue | undefined>,
): JsonObject {
	const accepted: JsonObject = {};
	for (const [key, accept] of Object.entries(rules)) {
		if (!Object.prototype.hasOwnProperty.call(delta, key)) continue;
		const value = accept(delta[key] as JsonValue);
		if (value !== undefined) accepted[key] = value;
	}

	return accepted;
}

const oneOf =
	(...allowed: string[]) =>
	(value: JsonValue): JsonValue | undefined =>
		typeof value === 'string' && allowed.includes(value) ? value : undefined;

const clamp =
	(low: number, high: number) =>
	(value: JsonValue): JsonValue | undefined =>
		typeof value === 'number' && Number.isFinite(value)
			? Math.min(high, Math.max(low, value))
			: undefined;

export const vehicle: Simulator = {
	kind: 'vehicle',
	description: 'lights on/off, doors locked/unlocked',
	initial: () => ({lights: 'on', doors: 'locked'}),
	react: (state, delta) =>
		applyPatch(
			state,
			pick(delta, {
				lights: oneOf('on', 'off'),
				doors: oneOf('locked', 'unlocked'),
			}),
		),
};

const brewSeconds = 30;

function isoMinute(now: number): string {
	return new Date(now * 1000).toISOString().slice(11, 16);
}

export const coffeeMaker: Simulator = {
	kind: 'coffee-maker',
	description:
		'power on brews a pot (30 s), brewSchedule "HH:MM" (UTC) or "off", tempLimit 80-96 °C, lastBrewFinished',
	initial: () => ({
		model: 'coffee-x',
		power: 'off',
		brewing: false,
		brewSchedule: 'off',
		tempLimit: 92,
	}),
	react(state, delta, now) {
		const accepted = pick(delta, {
			power: oneOf('on', 'off'),
			tempLimit: clamp(80, 96),
			brewSchedule: (value) =>
				typeof value === 'string' &&
				/^(off|([01]\d|2[0-3]):[0-5]\d)$/.test(value)
					? value
					: undefined,
		});
		const next = applyPatch(state, accepted);
		if (accepted.power === 'on' && state.power !== 'on')
			return {...next, brewing: true, brewStartedAt: now};
		if (accepted.power === 'off') return stopBrewing(next);
		return next;
	},
	tickMs: 1000,
	tick(state, now) {
		const startedAt =
			typeof state.brewStartedAt === 'number' ? state.brewStartedAt : undefined;
		if (
			state.brewing === true &&
			startedAt !== undefined &&
			now - startedAt >= brewSeconds
		) {
			return {
				...stopBrewing(state),
				lastBrewFinished: new Date(now * 1000).toISOString(),
			};
		}

		if (state.brewing !== true && state.brewSchedule === isoMinute(now)) {
			const finished =
				typeof state.lastBrewFinished === 'string'
					? Date.parse(state.lastBrewFinished) / 1000
					: 0;
			if (now - finished > 120)
				return {...state, power: 'on', brewing: true, brewStartedAt: now};
		}

		return state;
	},
};

function stopBrewing(state: JsonObject): JsonObject {
	const {brewStartedAt: _startedAt, ...rest} = state;
	return {...rest, brewing: false};
}

export const pump: Simulator = {
	kind: 'pump',
	description:
		'temperature readings every 2 s, alarmLimit, alarm when temperature > alarmLimit',
	initial: () => ({temperature: 60, alarmLimit: 80, alarm: false}),
	react(state, delta) {
		const next = applyPatch(state, pick(delta, {alarmLimit: clamp(0, 150)}));
		return withAlarm(next);
	},
	tickMs: 2000,
	tick(state, _now, random) {
		const temperature =
			typeof state.temperature === 'number' ? state.temperature : 60;
		// A slow random walk that leans back toward 65 °C, in steps of up to ±3 °C.
		const step = (random() - 0.5) * 6 + (65 - temperature) * 0.05;
		return withAlarm({
			...state,
			temperature: Math.round((temperature + step) * 10) / 10,
		});
	},
};

function withAlarm(state: JsonObject): JsonObject {
	const {temperature, alarmLimit} = state;
	return typeof temperature === 'number' && typeof alarmLimit === 'number'
		? {...state, alarm: temperature > alarmLimit}
		: state;
}

export const simulators: Readonly<Record<string, Simulator>> = {
	vehicle,
	'coffee-maker': coffeeMaker,
	pump,
};
