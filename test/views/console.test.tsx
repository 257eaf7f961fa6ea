/*
The console's views and keys, rendered with ink-testing-library, with the
real local service (embedded broker, SQLite) behind them.
*/
import assert from 'node:assert/strict';
import {writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {after, test, type TestContext} from 'node:test';
import {cleanup, render} from 'ink-testing-library';
import {createHistoryReader} from '../../source/client/history-reader.js';
import {createNamedShadowLister} from '../../source/client/named-shadows.js';
import {createExternalEditor} from '../../source/commands/external-editor.js';
import {
	connectShadowClient,
	type ShadowClient,
} from '../../source/client/shadow-client.js';
import {
	createConsoleSession,
	type ConsoleSession,
	type Role,
} from '../../source/session/console-session.js';
import type {LocalService} from '../../source/service/local-service.js';
import {App, type AppProps} from '../../source/views/app.js';
import {ColorContext} from '../../source/views/color.js';
import {startTestService, temporaryDirectory} from '../helpers/service.js';
import {waitForFrame} from '../helpers/wait.js';

after(cleanup);

const lamp = {thingName: 'lamp', shadowName: ''};
const keys = {
	enter: '\r',
	escape: '\u001B',
	down: '\u001B[B',
	up: '\u001B[A',
	tab: '\t',
};

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

async function open(
	t: TestContext,
	service: LocalService,
	options: {
		role?: Role;
		historyLimit?: number;
		columns?: number;
		editInEditor?: AppProps['editInEditor'];
		/** Reads the service's version journal. */
		journal?: boolean;
	} = {},
) {
	const consoleClient = await client(t, service);
	const session: ConsoleSession = createConsoleSession({
		client: consoleClient,
		address: lamp,
		role: options.role ?? 'app',
		apply: 'auto',
		historyLimit: options.historyLimit ?? 1000,
		clock: () => Math.floor(Date.now() / 1000),
		frameMs: 10,
		...(options.journal
			? {journal: createHistoryReader(service.httpUrl ?? '')}
			: {}),
	});
	let quit = false;
	const instance = render(
		<ColorContext.Provider value={false}>
			<App
				session={session}
				listNamedShadows={createNamedShadowLister(service.httpUrl ?? '')}
				onQuit={() => (quit = true)}
				{...(options.editInEditor ? {editInEditor: options.editInEditor} : {})}
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
	const press = async (...inputs: string[]) => {
		for (const input of inputs) {
			instance.stdin.write(input);
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
	};

	/** Opens a prompt with `key`, waits until it listens, types `text` and presses Enter. */
	const type = async (key: string, prompt: string, text: string) => {
		await press(key);
		await frame((f) => f.includes(prompt), `the ${prompt} prompt`);
		await new Promise((resolve) => setTimeout(resolve, 50));
		await press(text);
		await frame((f) => f.includes(text), 'the typed text');
		await press(keys.enter);
	};

	/** Every write shows its preview first: Enter there sends it. */
	const send = async () => {
		await frame((f) => f.includes('preview: '), 'the preview');
		await press(keys.enter);
	};

	return {instance, session, frame, press, type, send, quit: () => quit};
}

function resize(
	stdout:
		NodeJS.WriteStream | {columns: number; emit: (event: string) => boolean},
	columns: number,
): void {
	Object.defineProperty(stdout, 'columns', {
		value: columns,
		configurable: true,
	});
	stdout.emit('resize');
}

test('three panes show desired, reported and delta; delta keys are marked in desired', async (t) => {
	const service = await startTestService(t);
	const app = await client(t, service);
	await app.update(lamp, {
		state: {
			desired: {lights: 'off', color: 'red'},
			reported: {lights: 'on', color: 'red', connected: true},
		},
	});
	const {frame} = await open(t, service);
	const text = await frame((f) => f.includes('v1'), 'the shadow');
	assert.match(
		text,
		/lamp classic shadow · role app · v1 · changed \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/,
	);
	assert.match(text, /● connected mqtt:\/\/127\.0\.0\.1:\d+ · device: online/);
	assert.match(text, /desired \(\* in delta\)/);
	assert.match(
		text,
		/\n\* {2}"lights": "off"/,
		'the delta key is marked in the desired pane',
	);
	assert.match(text, /\n {3}"color": "red"/, 'a key in sync is not marked');
	assert.match(text, /delta \(1 key\)/);
	assert.match(text, /\? help e edit desired/);
});

test('a one-line edit is sent; invalid JSON is shown inline and not sent', async (t) => {
	const service = await startTestService(t);
	const app = await client(t, service);
	await app.update(lamp, {state: {desired: {lights: 'on'}}});
	const {frame, press, type, send} = await open(t, service);
	await frame((f) => f.includes('v1'), 'the shadow');
	await type('e', 'desired> ', '{"lights":}');
	await frame(
		(f) => f.includes('✗ invalid JSON at column 11'),
		'the inline JSON error with its column',
	);
	assert.equal((await app.get(lamp)).version, 1, 'nothing was sent');
	await press(keys.escape);
	await type('e', 'desired> ', 'lights = "off"; color.r = 255');
	const preview = await frame(
		(f) => f.includes('preview: edit desired'),
		'the preview',
	);
	assert.match(preview, /preview: edit desired · v1 → v2 · version-locked/);
	assert.match(preview, /~ desired\.lights: "on" -> "off"/);
	assert.match(preview, /\+ desired\.color: \{"r":255\}/);
	assert.match(
		preview,
		/size {5}desired \d+ B \+ reported 0 B = \d+ B of 8,192 B/,
	);
	assert.equal((await app.get(lamp)).version, 1, 'a preview sends nothing');
	await send();
	await frame(
		(f) => f.includes('✓ desired updated: version 2'),
		'the accepted edit',
	);
	assert.deepEqual((await app.get(lamp)).state.desired, {
		lights: 'off',
		color: {r: 255},
	});
	await frame(
		(f) => f.includes('v2') && f.includes('"lights": "off"'),
		'the new version on screen',
	);
	await type('e', 'desired> ', 'lights = null');
	await send();
	await frame((f) => f.includes('version 3'), 'the removal');
	assert.deepEqual((await app.get(lamp)).state.desired, {color: {r: 255}});

	// Text and Enter in one read, as a paste or tmux send-keys delivers them.
	await press('e');
	await frame((f) => f.includes('desired> '), 'the prompt');
	await new Promise((resolve) => setTimeout(resolve, 50));
	await press('fan = 2\r\r');
	await frame((f) => f.includes('version 4'), 'the pasted edit');
	assert.deepEqual((await app.get(lamp)).state.desired, {
		color: {r: 255},
		fan: 2,
	});
});

test('an edit carries the version it was started on: a change made meanwhile is refused with 409', async (t) => {
	const service = await startTestService(t);
	const app = await client(t, service);
	await app.update(lamp, {state: {desired: {lights: 'on'}}});
	const {frame, press, session} = await open(t, service);
	await frame((f) => f.includes('v1'), 'the shadow');
	await press('e');
	await frame((f) => f.includes('desired> '), 'the prompt');
	// While the user types, someone else changes the shadow; the console shows it.
	await app.update(lamp, {state: {desired: {lights: 'blinking'}}});
	await frame((f) => f.includes('v2'), 'the concurrent change on screen');
	await new Promise((resolve) => setTimeout(resolve, 50));
	await press('lights = "off"');
	await frame((f) => f.includes('lights = "off"'), 'the typed text');
	await press(keys.enter);
	const preview = await frame(
		(f) => f.includes('the service would refuse it'),
		'the preview saying 409',
	);
	assert.match(preview, /✗ the service would refuse it: 409 Version conflict/);
	assert.match(preview, /the shadow is at v2 now, not v1/);
	await press(keys.enter);
	const text = await frame((f) => f.includes('✗ desired'), 'the rejection');
	assert.match(text, /desired not updated: 409 Version conflict/);
	assert.equal(
		(await app.get(lamp)).state.desired?.lights,
		'blinking',
		'the other change was not overwritten',
	);
	session.toggleLock();
	await frame((f) => f.includes('edits unlocked'), 'the lock off');
});

test('the device role shows the incoming delta and applies it through device mode', async (t) => {
	const service = await startTestService(t);
	const app = await client(t, service);
	await app.update(lamp, {state: {reported: {lights: 'on'}}});
	const {frame, press, type, send} = await open(t, service);
	await frame((f) => f.includes('role app'), 'the app role');
	await press('r');
	await frame(
		(f) =>
			f.includes('role device') &&
			f.includes('» device role: waiting for deltas'),
		'the device role',
	);
	await app.update(lamp, {state: {desired: {lights: 'off'}}});
	await frame(
		(f) => /» delta v\d+ \{"lights":"off"\}: applied/.test(f),
		'the delta banner',
	);
	assert.equal((await app.get(lamp)).state.reported?.lights, 'off');
	await type('e', 'reported> ', 'temperature = 21');
	await send();
	await frame(
		(f) => f.includes('reported {"temperature":21}'),
		'a reported edit',
	);
	assert.equal((await app.get(lamp)).state.reported?.temperature, 21);
	await press('r');
	await frame((f) => f.includes('role app'), 'back to the app role');
});

test('history lists versions newest first with what changed, and diffs a selected one', async (t) => {
	const service = await startTestService(t);
	const app = await client(t, service);
	await app.update(lamp, {state: {desired: {lights: 'on'}}});
	const {frame, press} = await open(t, service, {historyLimit: 3});
	await frame((f) => f.includes('v1'), 'the shadow');
	for (const lights of ['off', 'on', 'off', 'dim'])
		await app.update(lamp, {state: {desired: {lights}}});
	await frame((f) => f.includes('v5'), 'the fifth version');
	await press('h');
	const text = await frame(
		(f) => f.includes('history: 3 versions, seen by this console'),
		'the bounded history',
	);
	assert.match(text, /▸ v5 .* ~ desired\.lights: "off" -> "dim"/);
	assert.match(text, /v4 .* ~ desired\.lights: "on" -> "off"/);
	assert.doesNotMatch(
		text,
		/ v2 /,
		'older versions fall out of the bounded history',
	);
	assert.match(text, /v5 against v4\n~ desired\.lights: "off" -> "dim"/);
	await press(keys.down, keys.enter);
	await frame((f) => f.includes('v4 as a whole'), 'the whole document of v4');
	await press(keys.escape);
	await frame((f) => f.includes('desired'), 'back to the panes');
});

test('history from the journal: who wrote each version, a diff against a marked one, a trend, restore and undo through the preview', async (t) => {
	const service = await startTestService(t);
	const device = await connectShadowClient({
		connection: {url: service.mqttUrl, clientId: 'lamp'},
	});
	t.after(async () => device.close());
	const app = await client(t, service);
	await app.update(lamp, {state: {desired: {lights: 'on', level: 1}}});
	for (let temperature = 20; temperature < 26; temperature++)
		await device.update(lamp, {state: {reported: {temperature}}});
	const {frame, press, send} = await open(t, service, {journal: true});
	await frame((f) => f.includes('v7'), 'the shadow');
	await press('h');
	let text = await frame(
		(f) => f.includes("history: 7 versions, the service's journal"),
		'the journal',
	);
	assert.match(
		text,
		/▸ v7 [\d-]+ [\d:]+ lamp +~ reported\.temperature: 24 -> 25/,
	);
	assert.match(text, /v7 against v6 · client lamp as local over MQTT/);

	// Space marks v7; the selection moves to v1; the diff is v1 against v7.
	await press(' ');
	for (let step = 0; step < 6; step++) await press(keys.down);
	text = await frame((f) => f.includes('v1 against v7 (marked)'), 'the diff');
	assert.match(text, /- reported: \{"temperature":25\}/);

	await press('t');
	text = await frame(
		(f) => f.includes('trend reported.temperature'),
		'a trend',
	);
	assert.match(text, /min 20 · max 25 · last 25 · 6 versions/);
	assert.match(text, /▁.*█/);

	// r on v1: desired as it was then, previewed, sent on v7.
	await app.update(lamp, {state: {desired: {level: 3, extra: 'x'}}});
	await frame((f) => f.includes('history: 8 versions'), 'v8 arrives');
	await press('r');
	text = await frame(
		(f) => f.includes("preview: restore v1's desired"),
		'the preview',
	);
	assert.match(text, /v8 → v9 · version-locked/);
	assert.match(text, /~ desired\.level: 3 -> 1/);
	assert.match(text, /- desired\.extra: "x"/);
	assert.equal((await app.get(lamp)).version, 8, 'nothing sent yet');
	await press(keys.enter);
	await frame(
		(f) => f.includes("restore v1's desired: done, version 9"),
		'restored',
	);
	assert.deepEqual((await app.get(lamp)).state.desired, {
		lights: 'on',
		level: 1,
	});

	// u undoes this console's own edit, through the preview.
	await press(keys.escape);
	await press('e');
	await frame((f) => f.includes('desired> '), 'the prompt');
	await new Promise((resolve) => setTimeout(resolve, 50));
	await press('lights = "off"', keys.enter);
	await send();
	await frame((f) => f.includes('version 10'), 'the edit');
	await press('u');
	text = await frame(
		(f) => f.includes('preview: undo your desired change of v10'),
		'the undo',
	);
	assert.match(text, /~ desired\.lights: "off" -> "on"/);
	await press(keys.enter);
	await frame((f) => f.includes('done, version 11'), 'undone');
	assert.deepEqual((await app.get(lamp)).state.desired, {
		lights: 'on',
		level: 1,
	});
});

test('T draws a trend beside each numeric key, from the journal', async (t) => {
	const service = await startTestService(t);
	const app = await client(t, service);
	for (const temperature of [20, 22, 21, 25])
		await app.update(lamp, {state: {reported: {temperature, mode: 'eco'}}});
	const {frame, press} = await open(t, service, {journal: true, columns: 120});
	await frame((f) => f.includes('v4'), 'the shadow');
	await press('T');
	const text = await frame(
		(f) => /"temperature": 25,? +▁▄▂█/.test(f),
		'the trend beside temperature',
	);
	assert.doesNotMatch(text, /"mode": "eco",? +[▁-█]/, 'a text key has none');
	await press('T');
	await frame((f) => !/"temperature": 25,? +▁/.test(f), 'trends off');
});

test('help lists every key; Esc closes it', async (t) => {
	const service = await startTestService(t);
	const {frame, press} = await open(t, service);
	await frame((f) => f.includes('no shadow yet'), 'an empty shadow');
	await press('?');
	const text = await frame((f) => f.includes('keys'), 'the help');
	for (const key of [
		'e ',
		'E ',
		'v ',
		'g ',
		'r ',
		'h ',
		't ',
		's ',
		'a ',
		'x ',
	])
		assert.ok(text.includes(`  ${key}`), key);
	await press(keys.escape);
	await frame((f) => !f.includes('keys  1-'), 'help closed');
});

test('m shows the last message whole, wrapped to the width; Esc closes it', async (t) => {
	const service = await startTestService(t);
	const app = await client(t, service);
	await app.update(lamp, {state: {desired: {lights: 'on'}}});
	const {frame, press} = await open(t, service, {columns: 40});
	await frame((f) => f.includes('v1'), 'the shadow');
	// A change made while the edit is typed: the 409 notice is longer than 40 columns.
	await press('e');
	await frame((f) => f.includes('desired> '), 'the prompt');
	await app.update(lamp, {state: {desired: {lights: 'dim'}}});
	await frame((f) => f.includes('v2'), 'the other change');
	await press('lights = "off"', keys.enter, keys.enter);
	const cut = await frame(
		(f) => f.includes('✗ desired not updated'),
		'the 409',
	);
	assert.doesNotMatch(cut, /press v to stop sending the version/);
	await press('m');
	const whole = await frame(
		(f) => f.includes('Esc close the message'),
		'the message in full',
	);
	assert.match(
		whole.replaceAll(/\s+/g, ' '),
		/press v to stop sending the version/,
	);
	await press(keys.escape);
	await frame((f) => !f.includes('close the message'), 'closed');
});

test('an error in a prompt wraps onto the rows under it, not cut at the width', async (t) => {
	const service = await startTestService(t);
	const {frame, type} = await open(t, service, {columns: 40});
	await frame((f) => f.includes('no shadow yet'), 'the console');
	await type('e', 'desired> ', 'a.b.c.d.e.f.g.h = 1');
	const text = await frame((f) => f.includes('✗ JSON'), 'the error');
	assert.match(
		text.replaceAll(/\s+/g, ' '),
		/✗ JSON contains too many levels of nesting; maximum is 6: this has 8; nothing was sent/,
	);
});

test('Ctrl-C cancels a search in help and a question; outside them it quits', async (t) => {
	const service = await startTestService(t);
	const dir = await temporaryDirectory(t);
	const saved = join(dir, 'saved.json');
	const editor = createExternalEditor({EDITOR: `cp '${saved}'`});
	const app = await client(t, service);
	await app.update(lamp, {state: {desired: {lights: 'on'}}});
	const {frame, press, quit} = await open(t, service, {editInEditor: editor});
	await frame((f) => f.includes('v1'), 'the shadow');
	await press('?', '/', 'retry');
	await frame((f) => f.includes('search/ retry'), 'the search typed');
	await press('\u0003');
	await frame((f) => f.includes('/ searches'), 'the search cleared');
	assert.equal(quit(), false);
	await press(keys.escape);

	// An empty file previews clearing desired; Ctrl-C there sends nothing.
	await writeFile(saved, '');
	await press('E');
	await frame(
		(f) => f.includes('the file is empty: clear all of desired'),
		'the preview',
	);
	await press('\u0003');
	await frame((f) => !f.includes('the file is empty'), 'the preview closed');
	assert.equal(quit(), false);
	assert.deepEqual((await app.get(lamp)).state.desired, {lights: 'on'});
	await press('\u0003');
	await frame(() => quit(), 'Ctrl-C in the panes quits');
});

test('switching thing and named shadow from inside the console', async (t) => {
	const service = await startTestService(t);
	const app = await client(t, service);
	await app.update(
		{thingName: 'pump', shadowName: 'config'},
		{state: {desired: {alarmLimit: 70}}},
	);
	await app.update(
		{thingName: 'pump', shadowName: 'schedule'},
		{state: {desired: {start: '06:00'}}},
	);
	await app.update(
		{thingName: 'pump', shadowName: ''},
		{state: {reported: {temperature: 60}}},
	);
	const {frame, press, type} = await open(t, service);
	await type('t', 'thing> ', 'bad.name');
	await frame(
		(f) => f.includes('✗ ThingName must match pattern'),
		'the name error',
	);
	await press(keys.escape);
	await type('t', 'thing> ', 'pump');
	await frame(
		(f) => f.includes('pump classic shadow') && f.includes('"temperature": 60'),
		'the pump',
	);
	await press('s');
	await frame(
		(f) => f.includes('named shadows: [(classic)] config schedule'),
		'the named shadows',
	);
	// Let Ink attach the handler of the frame that shows the list before pressing.
	await new Promise((resolve) => setTimeout(resolve, 50));
	await press(keys.down, keys.down, keys.enter);
	await frame(
		(f) => f.includes('pump shadow schedule') && f.includes('"start": "06:00"'),
		'the schedule shadow',
	);
});

test('narrow terminals get tabs; a resize redraws side by side', async (t) => {
	const service = await startTestService(t);
	const app = await client(t, service);
	await app.update(lamp, {
		state: {desired: {lights: 'off'}, reported: {lights: 'on'}},
	});
	const {frame, press, instance} = await open(t, service, {columns: 80});
	const narrow = await frame(
		(f) => f.includes(' 1 desired  2 reported  3 delta '),
		'the tabs',
	);
	assert.ok(!narrow.includes('reported\n') || !narrow.includes('▸ reported'));
	await press(keys.tab);
	await frame(
		(f) => f.includes('▸ reported') && f.includes('"lights": "on"'),
		'the reported tab',
	);
	resize(instance.stdout, 120);
	await frame(
		(f) =>
			!f.includes('Tab switches') &&
			f.includes('desired (* in delta)') &&
			f.includes('▸ reported'),
		'three panes side by side',
	);
});

test('q quits', async (t) => {
	const service = await startTestService(t);
	const {frame, press, quit} = await open(t, service);
	await frame((f) => f.includes('no shadow yet'), 'the console');
	await press('q');
	assert.equal(quit(), true);
});

test('documents arriving faster than frames are coalesced into few renders', async (t) => {
	const service = await startTestService(t);
	const app = await client(t, service);
	const consoleClient = await client(t, service);
	const session = createConsoleSession({
		client: consoleClient,
		address: lamp,
		role: 'app',
		apply: 'auto',
		historyLimit: 1000,
		clock: () => 0,
		frameMs: 50,
	});
	t.after(async () => session.close());
	await session.start();
	let notifications = 0;
	session.subscribe(() => notifications++);
	await Promise.all(
		Array.from({length: 200}, async (_, i) =>
			app.update(lamp, {state: {reported: {n: i}}}),
		),
	);
	const deadline = Date.now() + 5000;
	while (session.getSnapshot().shadow?.version !== 200 && Date.now() < deadline)
		await new Promise((resolve) => setTimeout(resolve, 20));
	assert.equal(session.getSnapshot().shadow?.version, 200);
	assert.ok(
		notifications < 100,
		`${notifications} notifications for 200 documents`,
	);
	assert.equal(session.getSnapshot().history.length, 200);
});

test('a command that fails becomes a notice, never an unhandled rejection', async (t) => {
	const service = await startTestService(t);
	const consoleClient = await connectShadowClient({
		connection: {url: service.mqttUrl},
	});
	const session = createConsoleSession({
		client: consoleClient,
		address: lamp,
		role: 'app',
		apply: 'auto',
		historyLimit: 10,
		clock: () => 0,
		frameMs: 0,
	});
	t.after(async () => session.close());
	await session.start();
	await consoleClient.close();
	await session.switchRole();
	assert.equal(session.getSnapshot().notice?.kind, 'error');
	assert.match(
		session.getSnapshot().notice?.text ?? '',
		/not connected|could not switch role/,
	);
	await session.switchShadow({thingName: 'other', shadowName: ''});
	assert.match(
		session.getSnapshot().notice?.text ?? '',
		/^could not open the shadow: /,
	);
});

const hostileEdits: [string, string, string][] = [
	[
		'20,000 levels of objects',
		`${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`,
		'✗ JSON contains too many levels of nesting; maximum is 6: this has 20000; nothing was sent',
	],
	[
		'20,000 levels of arrays',
		`{"a":${'['.repeat(20_000)}${']'.repeat(20_000)}}`,
		'✗ JSON contains too many levels of nesting; maximum is 6: this has 20001; nothing was sent',
	],
	[
		'20,000 levels of unclosed arrays',
		`{"a":${'['.repeat(20_000)}`,
		'✗ invalid JSON at column 20006: the text ends too early; nothing was sent',
	],
	[
		'a path of 20,000 keys',
		`${Array.from({length: 20_000}, () => 'a').join('.')} = 1`,
		'✗ JSON contains too many levels of nesting; maximum is 6: this has 20000; nothing was sent',
	],
	[
		'20,000 keys',
		JSON.stringify(
			Object.fromEntries(
				Array.from({length: 20_000}, (_, index) => [`k${index}`, 1]),
			),
		),
		'✗ The payload exceeds the maximum size allowed: ',
	],
	[
		'a 100 KB key',
		`{"${'k'.repeat(100_000)}":1}`,
		'✗ The payload exceeds the maximum size allowed: the values alone are 100006 bytes, at most 8192',
	],
	[
		'a 100,000-element array',
		`{"a":[${Array.from({length: 100_000}, () => '1').join(',')}]}`,
		'✗ The payload exceeds the maximum size allowed: 200007 bytes, at most 131072 in a request',
	],
	[
		'a 1 MB string',
		`{"notes":"${'x'.repeat(1_000_000)}"}`,
		'✗ The payload exceeds the maximum size allowed: 1000012 bytes, at most 131072 in a request',
	],
	[
		'1e400',
		'brightness = 1e400',
		'✗ Invalid JSON: a number JSON cannot hold, such as 1e400; nothing was sent',
	],
];

test('an edit too deep, too large or holding 1e400 is refused inline and never sent', async (t) => {
	const service = await startTestService(t);
	const app = await client(t, service);
	await app.update(lamp, {state: {desired: {lights: 'on'}}});
	const {instance, frame, press} = await open(t, service);
	await frame((f) => f.includes('v1'), 'the shadow');
	for (const [name, text, error] of hostileEdits) {
		await press('e');
		await frame((f) => f.includes('desired> '), `the prompt for ${name}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
		// Pasted with its Enter, as a terminal delivers a paste.
		instance.stdin.write(`${text}\r`);
		await frame((f) => f.includes(error), `the inline error for ${name}`);
		assert.doesNotMatch(instance.lastFrame() ?? '', /Maximum call stack/);
		await press(keys.escape);
		await frame((f) => !f.includes('desired> '), 'the prompt to close');
	}

	assert.equal((await app.get(lamp)).version, 1, 'nothing was sent');
	await type('lights = "off"');
	await frame(
		(f) => f.includes('✓ desired updated: version 2'),
		'a normal edit afterwards',
	);

	async function type(text: string) {
		await press('e');
		await frame((f) => f.includes('desired> '), 'the prompt');
		await new Promise((resolve) => setTimeout(resolve, 50));
		// The edit, then Enter in its preview.
		instance.stdin.write(`${text}\r\r`);
	}
});

test('a file saved in $EDITOR too deep or too large is refused inline and never sent', async (t) => {
	const service = await startTestService(t);
	const app = await client(t, service);
	await app.update(lamp, {state: {desired: {lights: 'on'}}});
	const dir = await temporaryDirectory(t);
	const saved = join(dir, 'saved.json');
	// The "editor" saves whatever the test put in saved.json.
	const editor = createExternalEditor({EDITOR: `cp '${saved}'`});
	const {frame, press} = await open(t, service, {editInEditor: editor});
	await frame((f) => f.includes('v1'), 'the shadow');
	for (const [name, text, error] of hostileEdits.filter(
		([, text]) => !text.includes(' = '),
	)) {
		await writeFile(saved, `${text}\n`);
		await press('E');
		await frame((f) => f.includes(error), `the inline error for ${name}`);
		await press(keys.escape);
		await frame((f) => !f.includes('desired> '), 'the prompt to close');
	}

	assert.equal((await app.get(lamp)).version, 1, 'nothing was sent');
	await writeFile(saved, '{"lights": "off"}\n');
	await press('E');
	await frame(
		(f) => f.includes('preview: edit desired in $EDITOR'),
		'the preview',
	);
	await press(keys.enter);
	await frame(
		(f) => f.includes('✓ desired updated: version 2'),
		'a normal edit afterwards',
	);
});

test('a hostile message on a reply topic is dropped with a notice; the console keeps working', async (t) => {
	const service = await startTestService(t);
	const app = await client(t, service);
	await app.update(lamp, {state: {desired: {lights: 'on'}}});
	const {instance, frame} = await open(t, service);
	await frame((f) => f.includes('v1'), 'the shadow');
	const broker = service.broker;
	assert.ok(broker, 'the embedded broker');
	const deep = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
	// From inside the broker: the embedded broker drops client publishes to reply topics.
	broker.publish(
		'$aws/things/lamp/shadow/update/documents',
		Buffer.from(
			`{"previous":null,"current":{"state":{"desired":${deep}},"metadata":{},"version":99},"timestamp":1}`,
		),
	);
	broker.publish(
		'$aws/things/lamp/shadow/update/delta',
		Buffer.from(
			`{"state":${'['.repeat(20_000)}${']'.repeat(20_000)},"version":98,"timestamp":1}`,
		),
	);
	await frame(
		(f) =>
			f.includes(
				'✗ ignored a message on update/delta: nested 20001 levels deep',
			),
		'the notice',
	);
	assert.match(instance.lastFrame() ?? '', / v1 /);

	await app.update(lamp, {state: {desired: {lights: 'off'}}});
	const after = await frame(
		(f) => f.includes('v2') && f.includes('"lights": "off"'),
		'the next version',
	);
	assert.doesNotMatch(after, /Maximum call stack|v99|v98/);
});

test('a long preview wraps instead of cutting what it sends, and scrolls', async (t) => {
	const service = await startTestService(t);
	const app = await client(t, service);
	await app.update(lamp, {state: {desired: {lights: 'on'}}});
	const {frame, press} = await open(t, service);
	await frame((f) => f.includes('v1'), 'the shadow');
	await press('e');
	await frame((f) => f.includes('desired> '), 'the prompt');
	await new Promise((resolve) => setTimeout(resolve, 50));
	const note = `${'abcdefghij'.repeat(30)}END`;
	await press(`note = "${note}"`, keys.enter);
	const text = await frame((f) => f.includes('preview: '), 'the preview');
	const joined = text
		.split('\n')
		.map((line) => line.trimStart())
		.join('');
	assert.ok(joined.includes(note), 'the whole value is on screen');
	assert.ok(
		text.split('\n').every((line) => Array.from(line).length <= 100),
		'no row past the width',
	);
	await press(keys.escape);
	await frame((f) => f.includes('desired> '), 'back to the edit, text kept');
	assert.equal((await app.get(lamp)).version, 1);
});
