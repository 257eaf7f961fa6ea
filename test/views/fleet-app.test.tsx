/*
The fleet view's keys through the whole console (App): c asks for a field
and the counts line appears above the titles, s moves the sort mark, N
shows the classic shadows only, and the cursor stays on its shadow.
*/
import assert from 'node:assert/strict';
import {after, test} from 'node:test';
import {cleanup, render} from 'ink-testing-library';
import type {ShadowSummary} from '../../source/fleet/list-shadows.js';
import {createFleetSession} from '../../source/session/fleet-session.js';
import {App} from '../../source/views/app.js';
import {ColorContext} from '../../source/views/color.js';
import {connectClient, openSession} from '../helpers/console-session.js';
import {startTestService} from '../helpers/service.js';
import {waitForFrame} from '../helpers/wait.js';

after(cleanup);

const summary = (
	thingName: string,
	shadowName: string,
	version: number,
): ShadowSummary => ({
	thingName,
	shadowName,
	version,
	updatedAt: 1,
	deltaKeys: 0,
});

test('fleet keys in the console: counts, sort, classic only', async (t) => {
	const service = await startTestService(t);
	const client = await connectClient(t, service);
	const session = await openSession(t, client, {
		address: {thingName: 'pump-1', shadowName: ''},
	});
	const listed = [
		summary('coffee-1', '', 30),
		summary('coffee-1', 'firmware', 2),
		summary('pump-1', '', 20),
	];
	const fleet = createFleetSession({
		client,
		list: ({shadowName}) =>
			Promise.resolve(
				listed.filter(
					(row) => shadowName === undefined || row.shadowName === shadowName,
				),
			),
		aggregate: ({field}) =>
			Promise.resolve({
				totalCount: 3,
				buckets: [{keyValue: `${field}-value`, count: 3}],
			}),
	});
	const instance = render(
		<ColorContext.Provider value={false}>
			<App session={session} fleet={fleet} />
		</ColorContext.Provider>,
	);
	t.after(() => {
		instance.unmount();
	});
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
	await frame((f) => f.includes('fleet: 3 shown of 3'), 'the table');
	await fleet.load();
	await press('j', 'c');
	await frame((f) => f.includes('count by> '), 'the counts prompt');
	await press('shadow.reported.model', '\r');
	const counted = await frame(
		(f) => f.includes('shadow.reported.model: shadow.reported.model-value 3'),
		'the counts line',
	);
	const lines = counted.split('\n');
	const titles = lines.findIndex((line) => line.includes('THING'));
	assert.match(lines[titles - 1] ?? '', /^shadow\.reported\.model: /);
	await press('s', 's');
	const sorted = await frame((f) => f.includes('↑VER'), 'sorted by version');
	assert.match(sorted, /▸\[ \] coffee-1 +firmware/);
	await press('N');
	await frame(
		(f) => f.includes('(classic shadows only)') && !f.includes('SHADOW'),
		'classic shadows only',
	);
});
