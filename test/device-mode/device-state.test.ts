import assert from 'node:assert/strict';
import {test} from 'node:test';
import {
	applyPatch,
	changes,
	overrides,
	type Override,
} from '../../source/device-mode/device-state.js';
import type {JsonObject} from '../../source/shadow/json.js';
import {
	coffeeMaker,
	pump,
	vehicle,
} from '../../source/device-mode/simulators.js';

test('a delta merges into the device state; null removes a key', () => {
	assert.deepEqual(
		applyPatch(
			{lights: 'on', seat: {height: 3, tilt: 1}},
			{lights: 'off', seat: {tilt: null}, doors: 'locked'},
		),
		{lights: 'off', seat: {height: 3}, doors: 'locked'},
	);
});

test('changes reports changed leaves and removed keys only', () => {
	assert.deepEqual(
		changes(
			{a: 1, b: {c: 2, d: 3}, e: [1]},
			{a: 1, b: {c: 2, d: 4}, e: [1, 2], f: true},
		),
		{b: {d: 4}, e: [1, 2], f: true},
	);
	assert.deepEqual(changes({a: 1, gone: 2}, {a: 1}), {gone: null});
	assert.deepEqual(changes({a: {b: 1}}, {a: {b: 1}}), {});
});

test('the vehicle switches lights and locks, and ignores what it does not have', () => {
	const state = vehicle.initial(0);
	assert.deepEqual(
		vehicle.react(
			state,
			{lights: 'off', doors: 'unlocked', wings: 'deployed'},
			0,
		),
		{lights: 'off', doors: 'unlocked'},
	);
	assert.deepEqual(vehicle.react(state, {lights: 'dim'}, 0), state);
});

test('the coffee maker brews when switched on, finishes, clamps its limit, keeps a schedule', () => {
	const state = coffeeMaker.initial(0);
	const brewing = coffeeMaker.react(state, {power: 'on', tempLimit: 200}, 1000);
	assert.equal(brewing.brewing, true);
	assert.equal(brewing.tempLimit, 96);
	const tick = coffeeMaker.tick!;
	assert.equal(tick(brewing, 1010, Math.random).brewing, true);
	const done = tick(brewing, 1030, Math.random);
	assert.equal(done.brewing, false);
	assert.equal(done.lastBrewFinished, new Date(1_030_000).toISOString());
	const scheduled = coffeeMaker.react(
		done,
		{brewSchedule: '07:00', power: 'off'},
		2000,
	);
	assert.equal(scheduled.brewSchedule, '07:00');
	const seven = Date.parse('2026-11-28T07:00:10Z') / 1000;
	assert.equal(tick(scheduled, seven, Math.random).brewing, true);
	assert.equal(
		coffeeMaker.react(state, {brewSchedule: '25:00'}, 0).brewSchedule,
		'off',
	);
});

test('the pump reads temperatures over time and raises its alarm above the limit', () => {
	let state = pump.initial(0);
	const readings = new Set<number>();
	let random = 0.1;
	for (let i = 0; i < 20; i++) {
		random = (random * 7.3) % 1;
		state = pump.tick!(state, i, () => random);
		readings.add(state.temperature as number);
	}

	assert.ok(readings.size > 10, 'the temperature changes over time');
	const hot = pump.react({...state, temperature: 70}, {alarmLimit: 50}, 0);
	assert.deepEqual([hot.alarmLimit, hot.alarm], [50, true]);
	assert.equal(pump.react(hot, {alarmLimit: 90}, 0).alarm, false);
});

test('overrides: where the next report undoes an edit', () => {
	const table: [JsonObject, JsonObject, Override[]][] = [
		[{lights: 'on'}, {lights: 'off'}, [{path: ['lights'], value: 'off'}]],
		[{lights: 'on'}, {lights: 'on', doors: 'locked'}, []],
		[{lights: 'on'}, {doors: 'locked'}, []],
		[
			{color: {r: 255, g: 0}},
			{color: {r: 10}},
			[{path: ['color', 'r'], value: 10}],
		],
		[
			{color: {r: 255, g: 0}},
			{color: 'none'},
			[{path: ['color'], value: 'none'}],
		],
		[{horn: null}, {horn: 'honk'}, [{path: ['horn'], value: 'honk'}]],
		[{horn: 'honk'}, {horn: null}, [{path: ['horn'], value: null}]],
		[{seat: {}}, {seat: {height: 3}}, [{path: ['seat'], value: {height: 3}}]],
		[{}, {lights: 'off'}, []],
	];
	for (const [edit, report, expected] of table)
		assert.deepEqual(overrides(edit, report), expected, JSON.stringify(edit));
});

test('overrides walks deep edits without recursion', () => {
	let edit: JsonObject = {leaf: 1};
	let report: JsonObject = {leaf: 2};
	for (let level = 0; level < 20_000; level++) {
		edit = {a: edit};
		report = {a: report};
	}

	const [found] = overrides(edit, report);
	assert.equal(found?.path.length, 20_001);
	assert.equal(found?.value, 2);
});
