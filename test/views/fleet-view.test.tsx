/*
The fleet view in the console, with ink-testing-library and the real local service.
*/
import assert from 'node:assert/strict';
import {after, test} from 'node:test';
import {cleanup, render} from 'ink-testing-library';
import {createFleetLister} from '../../source/client/fleet-lister.js';
import {connectShadowClient} from '../../source/client/shadow-client.js';
import {createConsoleSession} from '../../source/session/console-session.js';
import {createFleetSession} from '../../source/session/fleet-session.js';
import {App} from '../../source/views/app.js';
import {ColorContext} from '../../source/views/color.js';
import {startTestService} from '../helpers/service.js';
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
