/*
Ages everywhere, through the whole console over the real local service: a
value reported long ago shows its age and the stale mark, a fresh report of
it clears the mark, the header says when reported and desired last changed,
and the threshold in use is on screen. The service's clock is set by the
test and the console's clock is injected, so "four hours ago" takes no wait.
*/
import assert from 'node:assert/strict';
import {after, test, type TestContext} from 'node:test';
import {cleanup, render} from 'ink-testing-library';
import {
	connectShadowClient,
	type ShadowClient,
} from '../../source/client/shadow-client.js';
import {createConsoleSession} from '../../source/session/console-session.js';
import type {LocalService} from '../../source/service/local-service.js';
import {App} from '../../source/views/app.js';
import {ColorContext} from '../../source/views/color.js';
import {fitLabel} from '../../source/views/document-pane.js';
import {Header} from '../../source/views/header.js';
import {
	startTestService,
	testClock,
	type TestClock,
} from '../helpers/service.js';
import {waitForFrame} from '../helpers/wait.js';

after(cleanup);

const lamp = {thingName: 'lamp', shadowName: ''};
/** Some time in 2027: any epoch second does, the service's clock is the test's. */
const start = 1_800_000_000;
const fourHours = 4 * 3600;

async function client(
	t: TestContext,
	service: LocalService,
): Promise<ShadowClient> {
	const connected = await connectShadowClient({
		connection: {url: service.mqttUrl},
	});
	t.after(async () => connected.close());
	return connected;
}

function resize(stdout: {emit: (event: string) => boolean}, columns: number) {
	Object.defineProperty(stdout, 'columns', {
		value: columns,
		configurable: true,
	});
	stdout.emit('resize');
}

async function open(
	t: TestContext,
	service: LocalService,
	options: {now: () => number; columns?: number; staleAfterSeconds?: number},
) {
	const consoleClient = await client(t, service);
	const session = createConsoleSession({
		client: consoleClient,
		address: lamp,
		role: 'app',
		apply: 'auto',
		historyLimit: 1000,
		clock: () => Math.floor(Date.now() / 1000),
		frameMs: 10,
	});
	const instance = render(
		<ColorContext.Provider value={false}>
			<App
				session={session}
				now={options.now}
				{...(options.staleAfterSeconds === undefined
					? {}
					: {staleAfterSeconds: options.staleAfterSeconds})}
			/>
		</ColorContext.Provider>,
	);
	if (options.columns !== undefined) resize(instance.stdout, options.columns);
	t.after(async () => {
		instance.unmount();
		await session.close();
	});
	await session.start();
	const frame = async (predicate: (text: string) => boolean, what: string) =>
		waitForFrame(instance.lastFrame, predicate, what);
	const press = async (key: string) => {
		instance.stdin.write(key);
		await new Promise((resolve) => setTimeout(resolve, 30));
	};

	return {instance, frame, press};
}

/** The line of `key` in a frame. */
function lineOf(frame: string, key: string): string {
	return frame.split('\n').find((line) => line.includes(`"${key}"`)) ?? '';
}

async function reportedLongAgo(
	t: TestContext,
): Promise<{service: LocalService; clock: TestClock; app: ShadowClient}> {
	const clock = testClock(start);
	const service = await startTestService(t, {clock});
	const app = await client(t, service);
	await app.update(lamp, {
		state: {
			desired: {target: 70},
			reported: {temperature: 64.1, humidity: 40},
		},
	});
	return {service, clock, app};
}

test('a value reported long ago shows its age and stale; a fresh report clears it', async (t) => {
	const {service, clock, app} = await reportedLongAgo(t);
	const now = start + fourHours + 5;
	const {frame, press} = await open(t, service, {now: () => now, columns: 80});
	await frame((f) => f.includes('v1'), 'the shadow');
	await press('2');
	const old = await frame(
		(f) => f.includes('▸ reported') && f.includes('"temperature"'),
		'the reported pane',
	);
	assert.match(lineOf(old, 'temperature'), /"temperature": 64\.1, +4 h stale$/);
	assert.match(lineOf(old, 'humidity'), /"humidity": 40 +4 h stale$/);
	assert.match(old, /lamp classic shadow · role app · v1 · reported 4 h ago/);
	assert.match(old, /desired 4 h ago/);
	assert.match(old, /▸ reported · stale after 1 h \(default\)/);
	for (const line of old.split('\n'))
		assert.ok(Array.from(line).length <= 80, `wider than 80: ${line}`);

	clock.now = now - 2;
	await app.update(lamp, {state: {reported: {temperature: 65}}});
	const fresh = await frame(
		(f) => f.includes('v2') && f.includes('"temperature": 65'),
		'the fresh report',
	);
	assert.match(lineOf(fresh, 'temperature'), /"temperature": 65, +2 s$/);
	// The device is alive again: a value it did not report again is old, not stale.
	assert.match(lineOf(fresh, 'humidity'), /"humidity": 40 +4 h$/);
	assert.match(fresh, /· v2 · reported 2 s ago · desired 4 h ago/);

	// The desired pane shows ages too, never stale: desired is what was asked for.
	await press('1');
	const desired = await frame((f) => f.includes('▸ desired'), 'desired');
	assert.match(lineOf(desired, 'target'), /"target": 70 +4 h$/);
});

test('side by side at 100 columns: the mark stays when the age gives way, and the title says the threshold', async (t) => {
	const {service} = await reportedLongAgo(t);
	const {frame} = await open(t, service, {now: () => start + fourHours});
	const text = await frame((f) => f.includes('"temperature"'), 'the panes');
	const lines = text.split('\n');
	const titles = lines.find((line) => line.includes('reported ·')) ?? '';
	assert.match(titles, / {2}reported · stale after 1 h/);
	// In a third of 100 columns, `"temperature": 64.1,` leaves no room for `4 h stale`, but for `stale`.
	const temperature = lineOf(text, 'temperature');
	assert.match(temperature, /"temperature": 64\.1, +stale/);
	assert.doesNotMatch(temperature, /4 h stale/);
	assert.match(lineOf(text, 'humidity'), /"humidity": 40 +4 h stale/);
	for (const line of lines)
		assert.ok(Array.from(line).length <= 100, `wider than 100: ${line}`);
});

test('--stale-after decides, and says so', async (t) => {
	const {service} = await reportedLongAgo(t);
	const {frame, press} = await open(t, service, {
		now: () => start + fourHours,
		columns: 80,
		staleAfterSeconds: 5 * 3600,
	});
	await frame((f) => f.includes('v1'), 'the shadow');
	await press('2');
	const text = await frame((f) => f.includes('▸ reported'), 'reported');
	assert.match(lineOf(text, 'temperature'), /"temperature": 64\.1, +4 h$/);
	assert.match(text, /▸ reported · stale after 5 h \(--stale-after\)/);
	await press('1');
	await frame(
		(f) => f.includes('Tab switches · stale after 5 h (--stale-after)'),
		'the threshold on the tab line',
	);
});

test('a device reporting every 10 s: stale after 30 s (3x the reporting interval)', async (t) => {
	const clock = testClock(start);
	const service = await startTestService(t, {clock});
	const device = await client(t, service);
	await device.update(lamp, {state: {reported: {temperature: 60}}});
	let now = start;
	const {frame, press} = await open(t, service, {now: () => now, columns: 80});
	await frame((f) => f.includes('v1'), 'the shadow');
	for (let report = 1; report <= 4; report++) {
		clock.now = start + 10 * report;
		await device.update(lamp, {state: {reported: {temperature: 60 + report}}});
	}

	now = start + 40 + 31;
	// Over the desired pane, the tab line says it (short, at 80 columns).
	await frame(
		(f) => f.includes('Tab switches · stale after 30 s (3x interval)'),
		'the derived threshold on the tab line',
	);
	await press('2');
	const text = await frame(
		(f) => f.includes('"temperature": 64') && f.includes('▸ reported ·'),
		'the derived threshold',
	);
	assert.match(
		text,
		/▸ reported · stale after 30 s \(3x the reporting interval\)/,
	);
	assert.doesNotMatch(text, /Tab switches · stale/);
	// The injected clock is read on the next tick, at most a second later.
	const stale = await frame(
		(f) => /"temperature": 64 +31 s stale/.test(f),
		'the stale mark',
	);
	assert.match(stale, /reported 31 s ago/);
});

test('the header at 80 columns: a long name and the time of change give way, the role and the version stay', () => {
	const snapshot = {
		address: {thingName: `vehicle-${'x'.repeat(100)}`, shadowName: ''},
		role: 'app' as const,
		apply: 'auto' as const,
		connection: {url: 'mqtt://127.0.0.1:1883', status: 'connected' as const},
		shadow: {
			state: {desired: {a: 1}, reported: {a: 2}},
			metadata: {
				desired: {a: {timestamp: start - fourHours}},
				reported: {a: {timestamp: start - 12}},
			},
			delta: {a: 1},
			version: 7,
			changedAt: start - 12,
		},
		deleted: undefined,
		history: [],
		deviceOnline: true,
		device: undefined,
		notice: undefined,
		busy: false,
		lockVersion: true,
		historySource: 'console' as const,
		undoable: undefined,
	};
	const view = (width: number) => {
		const instance = render(
			<Header snapshot={snapshot} width={width} now={() => start} />,
		);
		const text = instance.lastFrame() ?? '';
		instance.unmount();
		return text;
	};

	const narrow = view(80);
	assert.ok(Array.from(narrow).length <= 80, narrow);
	assert.match(
		narrow,
		/^vehicle-x… classic shadow · role app · v7 · reported 12 s ago · desired 4 h ago$/,
	);
	const wide = view(200);
	assert.match(
		wide,
		/ · v7 · changed \d{4}-\d\d-\d\d \d\d:\d\d:\d\d · reported 12 s ago · desired 4 h ago$/,
	);
	const tiny = view(40);
	assert.equal(tiny, 'vehicle… classic shadow · role app · v7');
});

test('the value wins the width: a label that does not fit beside it is dropped, the stale mark last', () => {
	const stale = [
		{age: '4 h', stale: true, text: '4 h stale'},
		{age: undefined, stale: true, text: 'stale'},
	];
	assert.deepEqual(fitLabel(stale, 20, 33), {form: stale[0], pad: 3});
	assert.deepEqual(fitLabel(stale, 23, 33), {form: stale[1], pad: 4});
	assert.equal(fitLabel(stale, 27, 33), undefined);
	assert.equal(
		fitLabel([{age: '12 s', stale: false, text: '12 s'}], 28, 33),
		undefined,
	);
});
