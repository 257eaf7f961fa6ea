/*
The fleet view in the console, with ink-testing-library and the real local
service: the whole flow through the console, and the table's layout at 80
columns (aligned columns, natural order, long names cut with …, the ages of
the last report and of the last change).
*/
import assert from 'node:assert/strict';
import {after, test} from 'node:test';
import {cleanup, render} from 'ink-testing-library';
import {createFleetLister} from '../../source/client/fleet-lister.js';
import {connectShadowClient} from '../../source/client/shadow-client.js';
import {createConsoleSession} from '../../source/session/console-session.js';
import {
	createFleetSession,
	type FleetSnapshot,
} from '../../source/session/fleet-session.js';
import {App} from '../../source/views/app.js';
import {ColorContext} from '../../source/views/color.js';
import {FleetView} from '../../source/views/fleet-view.js';
import {startTestService, testClock} from '../helpers/service.js';
import {waitForFrame} from '../helpers/wait.js';

after(cleanup);

test('fleet: filter as you type, select, edit desired of many, see each result, retry the failed, open one', async (t) => {
	const service = await startTestService(t);
	const client = await connectShadowClient({
		connection: {url: service.mqttUrl},
	});
	t.after(async () => client.close());
	for (let i = 1; i <= 6; i++)
		await client.update(
			{thingName: `coffee-maker-${i}`, shadowName: ''},
			{state: {reported: {model: 'coffee-x', tempLimit: 92, connected: true}}},
		);
	await client.update(
		{thingName: 'pump-1', shadowName: ''},
		{state: {reported: {alarmLimit: 80}}},
	);
	// One coffee maker is too full to take the patch.
	await client.update(
		{thingName: 'coffee-maker-6', shadowName: ''},
		{state: {desired: {notes: 'x'.repeat(8185 - 50 - '{"notes":""}'.length)}}},
	);

	const session = createConsoleSession({
		client,
		address: {thingName: 'pump-1', shadowName: ''},
		role: 'app',
		apply: 'auto',
		historyLimit: 100,
		clock: () => 0,
		frameMs: 10,
	});
	const fleet = createFleetSession({
		client,
		list: createFleetLister(service.httpUrl ?? ''),
	});
	const instance = render(
		<ColorContext.Provider value={false}>
			<App session={session} fleet={fleet} />
		</ColorContext.Provider>,
	);
	t.after(async () => {
		instance.unmount();
		await session.close();
	});
	await session.start();
	const frame = async (predicate: (text: string) => boolean, what: string) =>
		waitForFrame(instance.lastFrame, predicate, what);
	const press = async (...keys: string[]) => {
		for (const key of keys) {
			instance.stdin.write(key);
			await new Promise((resolve) => setTimeout(resolve, 30));
		}
	};

	await frame((f) => f.includes('pump-1 classic shadow'), 'the console');
	await press('f');
	const table = await frame(
		(f) => f.includes('fleet: 7 shown of 7'),
		'the fleet table',
	);
	assert.match(table, /\[ \] coffee-maker-1\s+1 yes\s+0 /);
	await press('/');
	await frame((f) => f.includes('filter> '), 'the filter prompt');
	await new Promise((resolve) => setTimeout(resolve, 50));
	await press('coffee');
	await frame(
		(f) => f.includes('fleet: 6 shown of 7'),
		'the table narrowed as I type',
	);
	await press('\r', 'a');
	await frame((f) => f.includes('6 selected'), 'all shown selected');
	await press('e');
	await frame((f) => f.includes('desired of 6> '), 'the bulk edit prompt');
	await new Promise((resolve) => setTimeout(resolve, 50));
	await press('tempLimit = 90');
	await frame((f) => f.includes('tempLimit = 90'), 'the typed patch');
	await press('\r');
	// The console asks first, saying how many, which filter and what patch.
	const question = await frame(
		(f) => f.includes('Send to the desired state of 6 things?'),
		'the confirmation',
	);
	assert.match(question, /patch: \{"tempLimit":90\}/);
	assert.match(question, /filter: coffee/);
	// Before y: what it would do, read from each shadow; coffee-maker-6 is too large already.
	const preview = await frame(
		(f) => f.includes('preview: 5 would be updated, 1 refused'),
		'the preview of the bulk edit',
	);
	assert.match(preview, /✗ coffee-maker-6: 413: trim desired by at least/);
	assert.match(preview, /coffee-maker-1 v1 → v2: delta \{"tempLimit":90\}/);
	await press('y');
	const done = await frame(
		(f) => f.includes('6/6 · ok 5 · failed 1'),
		'the progress and results',
	);
	assert.match(done, /\[####################\]/);
	assert.match(done, /coffee-maker-1 .* ✓ v2/);
	assert.match(done, /coffee-maker-6 .* ✗ 413 The payload exceeds/);
	assert.match(done, /R retries the failed/);

	await client.update(
		{thingName: 'coffee-maker-6', shadowName: ''},
		{state: {desired: {notes: null}}},
	);
	await press('R');
	await frame((f) => f.includes('6/6 · ok 6 · failed 0'), 'the retry');
	assert.equal(
		(await client.get({thingName: 'coffee-maker-6', shadowName: ''})).state
			.desired?.tempLimit,
		90,
	);
	await press('\r');
	await frame(
		(f) =>
			f.includes('coffee-maker-1 classic shadow') &&
			f.includes('"tempLimit": 90'),
		'the opened thing',
	);
});

const longName = `coffee-maker-in-the-basement-lab-${'x'.repeat(60)}`;

test('the table at 80 columns: columns under their titles, natural order, long names cut with …', async (t) => {
	const start = 1_800_000_000;
	const clock = testClock(start);
	const service = await startTestService(t, {clock});
	const client = await connectShadowClient({
		connection: {url: service.mqttUrl},
	});
	t.after(async () => client.close());
	const names = [
		...Array.from({length: 11}, (_, index) => `brewer-${11 - index}`),
		longName,
	];
	for (const thingName of names)
		await client.update(
			{thingName, shadowName: ''},
			{state: {reported: {connected: thingName !== 'brewer-2'}}},
		);
	// brewer-10 has a version two digits wide, and reported 12 s before the table is drawn.
	clock.now = start + 4 * 3600 - 12;
	for (let version = 2; version <= 12; version++)
		await client.update(
			{thingName: 'brewer-10', shadowName: ''},
			{state: {reported: {step: version}}},
		);
	// brewer-3's desired changed a minute ago; it last reported 4 h ago.
	clock.now = start + 4 * 3600 - 60;
	await client.update(
		{thingName: 'brewer-3', shadowName: ''},
		{state: {desired: {step: 1}}},
	);
	const fleet = createFleetSession({
		client,
		list: createFleetLister(service.httpUrl ?? ''),
	});
	await fleet.load();
	const view = (snapshot: FleetSnapshot) => (
		<ColorContext.Provider value={false}>
			<FleetView
				fleet={snapshot}
				cursor={0}
				width={80}
				height={24}
				now={() => start + 4 * 3600}
			/>
		</ColorContext.Provider>
	);
	const instance = render(view(fleet.getSnapshot()));
	t.after(() => {
		instance.unmount();
	});

	const check = (frame: string) => {
		const lines = frame.split('\n').map((line) => line.trimEnd());
		for (const line of lines)
			assert.ok(Array.from(line).length <= 80, `longer than 80: ${line}`);
		const titles = lines.find((line) => line.includes('THING')) ?? '';
		assert.match(
			titles,
			/^ {5}THING↑ +VER ONLINE DELTA REPORTED CHANGED RESULT$/,
			'the titles on one line, sorted by thing',
		);
		const rows = lines.filter((line) => /\[[ x]\] /.test(line));
		assert.equal(rows.length, names.length, frame);
		const column = (title: string) => titles.indexOf(title);
		for (const row of rows) {
			// Numbers end where their titles end; the rest start where theirs start.
			assert.match(row.slice(0, column('VER') + 3), / \d+$/, `VER: ${row}`);
			assert.match(row.slice(column('ONLINE')), /^(yes|no|\?) /, row);
			assert.match(row.slice(0, column('DELTA') + 5), / \d+$/, `DELTA: ${row}`);
			for (const title of ['REPORTED', 'CHANGED'])
				assert.match(
					row.slice(column(title)),
					/^\d+ (s|min|h|d|y)( |$)/,
					`${title}: ${row}`,
				);
		}

		const shown = rows.map((row) => row.slice(5, column('VER')).trim());
		assert.deepEqual(
			shown.slice(0, 11),
			Array.from({length: 11}, (_, index) => `brewer-${index + 1}`),
		);
		const cut = shown[11] ?? '';
		assert.ok(cut.endsWith('…') && longName.startsWith(cut.slice(0, -1)), cut);
		return {rows, column};
	};

	const before = check(instance.lastFrame() ?? '');
	assert.match(before.rows[9] ?? '', /brewer-10 +12 yes +0 +12 s +12 s$/);
	assert.match(before.rows[1] ?? '', /brewer-2 +1 no +0 +4 h +4 h$/);
	assert.match(before.rows[2] ?? '', /brewer-3 +2 yes +1 +4 h +1 min$/);

	// Results line up too, cut to the width like everything else.
	fleet.selectShown();
	await fleet.bulkUpdate({tempLimit: 90});
	instance.rerender(view(fleet.getSnapshot()));
	const frame = await waitForFrame(
		instance.lastFrame,
		(f) => f.includes('12/12 · ok 12'),
		'the results',
	);
	const after = check(frame);
	for (const row of after.rows)
		assert.match(row.slice(after.column('RESULT')), /^✓ v\d+$/, row);
});
