/*
The fleet table at 80x24 without colour, drawn from a session with a lister
and an aggregation written here: the SHADOW column, the sort mark on the
sorted column's title, the cursor that stays on its shadow through a
re-sort, the counts line above the titles, and errors on one line.
*/
import assert from 'node:assert/strict';
import {after, test} from 'node:test';
import {cleanup, render} from 'ink-testing-library';
import type {ShadowClient} from '../../source/client/shadow-client.js';
import type {ShadowSummary} from '../../source/fleet/list-shadows.js';
import type {FleetCounts} from '../../source/session/fleet-aggregation.js';
import {
	createFleetSession,
	type FleetSession,
} from '../../source/session/fleet-session.js';
import {ColorContext} from '../../source/views/color.js';
import {FleetView} from '../../source/views/fleet-view.js';

after(cleanup);

const noClient = new Proxy(
	{},
	{
		get() {
			throw new Error('the client is not used by these tests');
		},
	},
) as ShadowClient;

const now = 1_800_000_000;

function summary(
	thingName: string,
	shadowName: string,
	version: number,
	more: Partial<ShadowSummary> = {},
): ShadowSummary {
	return {
		thingName,
		shadowName,
		version,
		updatedAt: now - 60,
		reportedAt: now - 12,
		connected: true,
		deltaKeys: 0,
		...more,
	};
}

const listed: ShadowSummary[] = [
	summary('coffee-maker-10', '', 4),
	summary('coffee-maker-2', '', 17, {deltaKeys: 2}),
	summary('coffee-maker-2', 'firmware', 3, {connected: undefined}),
	summary('pump-1', '', 9, {reportedAt: undefined}),
	summary('pump-1', 'config', 120),
];

async function fleetOf(
	options: {
		readonly aggregate?: () => Promise<FleetCounts>;
		readonly fail?: string;
	} = {},
): Promise<FleetSession> {
	const fleet = createFleetSession({
		client: noClient,
		list: ({shadowName}) => {
			if (options.fail) return Promise.reject(new Error(options.fail));
			return Promise.resolve(
				listed.filter(
					(row) => shadowName === undefined || row.shadowName === shadowName,
				),
			);
		},
		...(options.aggregate ? {aggregate: options.aggregate} : {}),
	});
	await fleet.load();
	return fleet;
}

function draw(fleet: FleetSession) {
	const view = () => (
		<ColorContext.Provider value={false}>
			<FleetView
				fleet={fleet.getSnapshot()}
				width={80}
				height={20}
				now={() => now}
			/>
		</ColorContext.Provider>
	);
	const instance = render(view());
	return {
		lines: () => {
			instance.rerender(view());
			return (instance.lastFrame() ?? '').split('\n');
		},
		unmount: instance.unmount,
	};
}

function fitsIn80(lines: readonly string[]): void {
	for (const line of lines)
		assert.ok(Array.from(line).length <= 80, `longer than 80: ${line}`);
	assert.ok(!lines.join('\n').includes('\u001B'), 'no colour codes');
}

test('named shadows have a SHADOW column, the classic one says so; columns line up at 80', async () => {
	const fleet = await fleetOf();
	const table = draw(fleet);
	const lines = table.lines();
	fitsIn80(lines);
	const titles = lines.find((line) => line.includes('THING')) ?? '';
	assert.match(
		titles,
		/^ {5}THING↑ +SHADOW +VER ONLINE DELTA REPORTED CHANGED RESULT/,
	);
	const rows = lines.filter((line) => /\[[ x]\] /.test(line));
	const shadowAt = titles.indexOf('SHADOW');
	assert.deepEqual(
		rows.map((row) => [
			row.slice(5, shadowAt).trim(),
			row.slice(shadowAt).split(' ')[0],
		]),
		[
			['coffee-maker-2', '(classic)'],
			['coffee-maker-2', 'firmware'],
			['coffee-maker-10', '(classic)'],
			['pump-1', '(classic)'],
			['pump-1', 'config'],
		],
	);
	const versionEnd = titles.indexOf('VER') + 3;
	for (const row of rows)
		assert.match(row.slice(0, versionEnd), / \d+$/, `VER under VER: ${row}`);
	assert.match(lines[0] ?? '', /fleet: 5 shown of 5, 0 selected/);

	await fleet.setScope('classic');
	const classic = table.lines();
	assert.match(
		classic[0] ?? '',
		/fleet: 3 shown of 3 \(classic shadows only\), 0 selected/,
	);
	assert.ok(
		!classic.some((line) => line.includes('SHADOW')),
		'no SHADOW column',
	);
	table.unmount();
});

test('the sorted column is marked ↑ or ↓ without colour; the cursor stays on its shadow', async () => {
	const fleet = await fleetOf();
	const table = draw(fleet);
	fleet.moveCursor(4);
	const cursorRow = () =>
		table.lines().find((line) => line.startsWith('▸')) ?? '';
	assert.match(cursorRow(), /pump-1 +config/);

	fleet.sortByNext();
	fleet.sortByNext();
	let lines = table.lines();
	fitsIn80(lines);
	assert.match(lines.find((line) => line.includes('THING')) ?? '', / ↑VER /);
	assert.match(cursorRow(), /pump-1 +config +120/);
	fleet.reverseSort();
	lines = table.lines();
	assert.match(lines.find((line) => line.includes('THING')) ?? '', / ↓VER /);
	const versions = lines
		.filter((line) => /\[[ x]\] /.test(line))
		.map((line) => Number(/ (\d+) (yes|no|\?) /.exec(line)?.[1]));
	assert.deepEqual(versions, [120, 17, 9, 4, 3]);
	assert.match(
		lines[lines.findIndex((line) => line.includes('THING')) + 1] ?? '',
		/^▸/,
	);
	assert.match(cursorRow(), /pump-1 +config/);

	// Ages sort by time: REPORTED ascending is the youngest report first, none last.
	fleet.sortBy({column: 'reported', descending: false});
	lines = table.lines();
	assert.match(
		lines.find((line) => line.includes('THING')) ?? '',
		/ REPORTED↑ /,
	);
	assert.match(
		lines.filter((line) => /\[[ x]\] /.test(line)).at(-1) ?? '',
		/pump-1 +\(classic\)/,
	);
	table.unmount();
});

test('counts per value sit above the titles, within 80 columns; an error takes their place', async () => {
	let answer: () => Promise<FleetCounts> = () =>
		Promise.resolve({
			totalCount: 19,
			buckets: [
				{keyValue: 'coffee-x', count: 12},
				{keyValue: 'coffee-y', count: 3},
				{keyValue: 'coffee-z-with-a-rather-long-model-name', count: 2},
				{keyValue: 'pump-a', count: 1},
				{keyValue: 'pump-b', count: 1},
			],
		});
	const fleet = await fleetOf({aggregate: async () => answer()});
	const table = draw(fleet);
	await fleet.countBy('shadow.reported.model');
	let lines = table.lines();
	fitsIn80(lines);
	const titlesAt = lines.findIndex((line) => line.includes('THING'));
	assert.equal(
		lines[titlesAt - 1],
		'shadow.reported.model: coffee-x 12 · coffee-y 3 · (3 more values)',
	);
	assert.equal(
		lines.filter((line) => /\[[ x]\] /.test(line)).length,
		5,
		'every row still shows',
	);

	answer = () =>
		Promise.reject(
			new Error(
				'InvalidAggregationException: shadow.reported.model\nis not an aggregation field',
			),
		);
	await fleet.refresh();
	lines = table.lines();
	fitsIn80(lines);
	assert.equal(
		lines[titlesAt - 1],
		'shadow.reported.model: ✗ InvalidAggregationException: shadow.reported.model is …',
	);
	table.unmount();
});

test('the lister’s error is drawn as it came, on one line', async () => {
	const fleet = await fleetOf({
		fail: 'InvalidQueryException: Syntax error in query\n  at column 7: expected a value',
	});
	const table = draw(fleet);
	const lines = table.lines();
	fitsIn80(lines);
	assert.ok(
		lines.includes(
			'✗ InvalidQueryException: Syntax error in query at column 7: expected a value',
		),
		lines.join('\n'),
	);
	table.unmount();
});
