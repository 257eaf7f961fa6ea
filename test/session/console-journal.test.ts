/*
The console's history against the real service's journal: versions written
before the console opened, with their writers; restore and undo under a
version lock; the trend of a numeric key; and, for a service without a
journal, the versions earlier consoles saw, kept on disk.
*/
import assert from 'node:assert/strict';
import {test, type TestContext} from 'node:test';
import {
	createHistoryReader,
	HistoryPageError,
} from '../../source/client/history-reader.js';
import {type ShadowClient} from '../../source/client/shadow-client.js';
import {silentLogger} from '../../source/log/logger.js';
import {
	createConsoleSession,
	type ConsoleSessionOptions,
} from '../../source/session/console-session.js';
import {openSeenJournal} from '../../source/session/seen-journal.js';
import {trendLine} from '../../source/views/history-trend.js';
import {startTestService, temporaryDirectory} from '../helpers/service.js';
import {connectClient, openSession} from '../helpers/console-session.js';
import {until} from '../helpers/wait.js';

const pump = {thingName: 'pump-1', shadowName: ''};

const connect = connectClient;
const open = async (
	t: TestContext,
	client: ShadowClient,
	options: Partial<ConsoleSessionOptions> = {},
) => openSession(t, client, {address: pump, historyLimit: 1000, ...options});

test('a console opened after 50 updates by two clients lists all 50, each with its writer', async (t) => {
	const service = await startTestService(t);
	const device = await connect(t, service, 'pump-1');
	const app = await connect(t, service, 'pump-dashboard');
	for (let index = 1; index <= 50; index++) {
		await (index % 2 === 1
			? device.update(pump, {state: {reported: {temperature: 20 + index}}})
			: app.update(pump, {state: {desired: {speed: index}}}));
	}

	const viewer = await connect(t, service, 'viewer');
	const session = await open(t, viewer, {
		journal: createHistoryReader(service.httpUrl ?? ''),
	});
	await until(
		() => session.getSnapshot().history.length === 50,
		'the 50 versions',
	);
	const {history, historySource} = session.getSnapshot();
	assert.equal(historySource, 'journal');
	assert.deepEqual(
		history.map((entry) => entry.version),
		Array.from({length: 50}, (_, index) => 50 - index),
	);
	for (const entry of history)
		assert.equal(
			entry.writer?.clientId,
			entry.version % 2 === 1 ? 'pump-1' : 'pump-dashboard',
			`v${entry.version}`,
		);

	// The trend of reported.temperature: the 25 values the device wrote.
	const trend = trendLine(history, 'reported.temperature', 40);
	assert.equal(trend?.count, 50, 'every version carries the reported value');
	assert.equal(trend.min, 21);
	assert.equal(trend.max, 69);
	assert.equal(trend.last, 69);
	assert.equal(Array.from(trend.line).length, 40);

	// A version seen live later gets its writer from the journal while history is open.
	session.watchHistory(true);
	await device.update(pump, {state: {reported: {temperature: 99}}});
	await until(
		() => session.getSnapshot().history[0]?.writer?.clientId === 'pump-1',
		'the writer of v51',
	);
	assert.equal(session.getSnapshot().history[0]?.version, 51);
});

test('restore of version 10 gives desired equal to v10 under a version lock, and 409 once the shadow moved', async (t) => {
	const service = await startTestService(t);
	const app = await connect(t, service, 'pump-dashboard');
	for (let index = 1; index <= 12; index++)
		await app.update(pump, {
			state: {
				desired:
					index <= 10 ? {speed: index, [`k${index}`]: true} : {speed: index},
			},
		});
	const viewer = await connect(t, service, 'viewer');
	const session = await open(t, viewer, {
		journal: createHistoryReader(service.httpUrl ?? ''),
	});
	await until(() => session.getSnapshot().history.length === 12, 'the history');
	const ten = session
		.getSnapshot()
		.history.find((entry) => entry.version === 10);
	assert.ok(ten);

	const {changes} = await import('../../source/device-mode/device-state.js');
	const restore = () => {
		const shown = session.getSnapshot().shadow;
		assert.ok(shown);
		return {
			kind: 'restore' as const,
			label: "restore v10's desired",
			state: {
				desired: changes(shown.state.desired ?? {}, ten.state.desired ?? {}),
			},
			version: shown.version,
			base: shown.state,
		};
	};
	const at = async (version: number) =>
		until(
			() => session.getSnapshot().shadow?.version === version,
			`the console at v${version}`,
		);

	// Desired moves after the preview: the restore is refused, nothing changes.
	const stale = restore();
	await app.update(pump, {state: {desired: {speed: 99}}});
	assert.equal(await session.sendProposed(stale), false);
	assert.match(session.getSnapshot().notice?.text ?? '', /409/);
	assert.equal((await app.get(pump)).version, 13);

	// Only reported moves after the preview (a device's telemetry): it goes on the new version.
	await at(13);
	const fresh = restore();
	await app.update(pump, {state: {reported: {rpm: 1}}});
	assert.equal(await session.sendProposed(fresh), true);
	assert.match(
		session.getSnapshot().notice?.text ?? '',
		/done, version 15 \(sent on v14/,
	);
	const after = await app.get(pump);
	assert.equal(after.version, 15);
	assert.deepEqual(after.state.desired, ten.state.desired);
});

test('undo puts back what this console changed, and only that', async (t) => {
	const service = await startTestService(t);
	const app = await connect(t, service, 'someone-else');
	await app.update(pump, {state: {desired: {speed: 1, mode: 'eco'}}});
	const mine = await connect(t, service, 'console');
	const session = await open(t, mine, {
		journal: createHistoryReader(service.httpUrl ?? ''),
	});
	assert.equal(session.proposeUndo(), undefined, 'nothing to undo yet');
	assert.equal(
		await session.update('desired', {speed: 5, boost: true}, 1),
		true,
	);
	// Someone else changes another key meanwhile: the undo leaves it alone.
	await app.update(pump, {state: {desired: {mode: 'turbo'}}});
	await until(
		() => session.getSnapshot().shadow?.version === 3,
		'the other change',
	);
	const undo = session.proposeUndo();
	assert.ok(undo);
	assert.deepEqual(undo.state, {desired: {speed: 1, boost: null}});
	assert.equal(undo.version, 3);
	assert.equal(session.getSnapshot().undoable, 2);
	// A device reports before Enter: the undo's keys are untouched, so it goes on v4.
	await app.update(pump, {state: {reported: {rpm: 5}}});
	assert.equal(await session.sendProposed(undo), true);
	assert.match(session.getSnapshot().notice?.text ?? '', /\(sent on v4/);
	assert.deepEqual((await app.get(pump)).state.desired, {
		speed: 1,
		mode: 'turbo',
	});
	assert.equal(session.proposeUndo(), undefined, 'an undo is not undone');
});

test('without a journal, the versions earlier consoles saw are kept on disk and shown', async (t) => {
	const service = await startTestService(t, {
		retention: {versions: 0, maxAgeSeconds: Infinity},
	});
	const directory = await temporaryDirectory(t);
	const seen = () =>
		openSeenJournal({
			directory,
			endpoint: service.mqttUrl,
			limit: 100,
			log: silentLogger,
		});
	const app = await connect(t, service, 'app');
	await app.update(pump, {state: {desired: {speed: 1}}});

	const first = await connect(t, service, 'first');
	const earlier = createConsoleSession({
		client: first,
		address: pump,
		role: 'app',
		apply: 'auto',
		historyLimit: 100,
		clock: () => Math.floor(Date.now() / 1000),
		frameMs: 0,
		journal: createHistoryReader(service.httpUrl ?? ''),
		seen: seen(),
	});
	await earlier.start();
	for (const speed of [2, 3, 4])
		await app.update(pump, {state: {desired: {speed}}});
	await until(
		() => earlier.getSnapshot().history.length === 4,
		'four versions seen',
	);
	assert.equal(earlier.getSnapshot().historySource, 'console');
	await earlier.close();

	await app.update(pump, {state: {desired: {speed: 5}}});
	const second = await connect(t, service, 'second');
	const later = await open(t, second, {
		journal: createHistoryReader(service.httpUrl ?? ''),
		seen: seen(),
	});
	await until(
		() => later.getSnapshot().historySource === 'seen',
		'the seen versions',
	);
	assert.deepEqual(
		later.getSnapshot().history.map((entry) => entry.version),
		[5, 4, 3, 2, 1],
	);

	// Another endpoint's file is not this one's.
	const other = openSeenJournal({
		directory,
		endpoint: 'mqtt://127.0.0.1:1',
		limit: 100,
		log: silentLogger,
	});
	assert.deepEqual(await other.load(pump, 100), []);
});

test("another service's journal (an HTTP API that is not this broker's) is not shown", async (t) => {
	const mine = await startTestService(t);
	const other = await startTestService(t);
	const here = await connect(t, mine, 'here');
	const there = await connect(t, other, 'there');
	await here.update(pump, {state: {reported: {temperature: 1}}});
	for (const temperature of [50, 60, 70])
		await there.update(pump, {state: {reported: {temperature}}});

	const viewer = await connect(t, mine, 'viewer');
	const session = await open(t, viewer, {
		journal: createHistoryReader(other.httpUrl ?? ''),
	});
	await until(
		() => /does not hold pump-1/.test(session.getSnapshot().notice?.text ?? ''),
		'the refusal',
	);
	const {history, historySource} = session.getSnapshot();
	assert.notEqual(historySource, 'journal');
	assert.deepEqual(
		history.map((entry) => entry.state.reported?.temperature),
		[1],
		"only this service's version",
	);
});

test('a journal page nested 20,000 deep is refused whole: the console says so and goes on', async (t) => {
	const {createServer} = await import('node:http');
	let deep = '1';
	for (let level = 0; level < 20_000; level++) deep = `{"a":${deep}}`;
	const body = `{"versions":[{"kind":"document","version":1,"timestamp":1,"state":{"desired":${deep}},"metadata":{}}]}`;
	const hostile = createServer((_request, response) => {
		response.writeHead(200, {'content-type': 'application/json'});
		response.end(body);
	});
	await new Promise<void>((resolve) => {
		hostile.listen(0, '127.0.0.1', resolve);
	});
	t.after(() => hostile.close());
	const address = hostile.address();
	assert.ok(address && typeof address === 'object');
	const url = `http://127.0.0.1:${address.port}`;
	await assert.rejects(
		createHistoryReader(url).page({address: pump}),
		(error: unknown) =>
			error instanceof HistoryPageError &&
			/sent a version nested deeper than a shadow can be/.test(error.message),
	);

	const service = await startTestService(t);
	const app = await connect(t, service, 'app');
	await app.update(pump, {state: {desired: {speed: 1}}});
	const session = await open(t, await connect(t, service, 'viewer'), {
		journal: createHistoryReader(url),
	});
	await until(
		() => /nested deeper/.test(session.getSnapshot().notice?.text ?? ''),
		'the refusal',
	);
	assert.deepEqual(
		session.getSnapshot().history.map((entry) => entry.version),
		[1],
	);
	assert.equal(await session.update('desired', {speed: 2}, 1), true);
});
