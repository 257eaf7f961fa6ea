/*
history and diff from the built CLI against the real local service and its
journal: 30 updates from two writers listed newest first with who wrote
them, --series over the same updates, --since and --until, --json, a delete,
the diff of two versions, a version the journal does not hold, and the
one-line refusals (bad WHEN, bad versions, no journal, no API).
*/
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {connectShadowClient} from '../../source/client/shadow-client.js';
import type {HistoryVersion} from '../../source/client/history-reader.js';
import {parseWhen} from '../../source/commands/history.js';
import {runCli} from '../helpers/cli.js';
import {startTestService, testClock} from '../helpers/service.js';

const pump = {thingName: 'pump-1', shadowName: ''};
const temperature = (index: number) => 20 + ((index * 7) % 13) - 0.5;

test('WHEN: a duration back from now, an ISO 8601 date-time, or epoch seconds', () => {
	const now = 1_800_000_000;
	const seconds = (text: string) => {
		const when = parseWhen(text, '--since', now);
		assert.ok(when.ok, text);
		return when.seconds;
	};

	assert.equal(seconds('90s'), now - 90);
	assert.equal(seconds('5m'), now - 300);
	assert.equal(seconds('4h'), now - 14_400);
	assert.equal(seconds('2d'), now - 172_800);
	assert.equal(seconds('1700000000'), 1_700_000_000);
	assert.equal(seconds('2026-12-02T14:00:00Z'), 1_796_220_000);
	assert.equal(seconds('2026-12-02T15:00:00+01:00'), 1_796_220_000);
	assert.equal(
		seconds('2026-12-02 14:00'),
		Math.floor(new Date(2026, 11, 2, 14, 0).getTime() / 1000),
	);
	assert.equal(
		seconds('2026-12-02'),
		Math.floor(new Date(2026, 11, 2).getTime() / 1000),
	);
	for (const bad of [
		'yesterday',
		'5 parsecs',
		'0s',
		'2026-13-45T99:00',
		'-5',
	]) {
		const when = parseWhen(bad, '--since', now);
		assert.equal(when.ok, false, bad);
		if (!when.ok) assert.match(when.error, /^--since/, bad);
	}
});

test('history lists the journal newest first with writers; --series, --since, --json, diff', async (t) => {
	const now = Math.floor(Date.now() / 1000);
	// Version i was written at start + 60 i: v30 a minute ago, v1 thirty minutes before.
	const start = now - 31 * 60;
	const clock = testClock(start);
	const service = await startTestService(t, {clock});
	const api = ['--api', service.httpUrl ?? ''];
	const clients = await Promise.all(
		['sensor-a', 'sensor-b'].map(async (clientId) => {
			const client = await connectShadowClient({
				connection: {url: service.mqttUrl, clientId},
			});
			t.after(async () => client.close());
			return client;
		}),
	);
	for (let index = 1; index <= 30; index++) {
		clock.now = start + index * 60;
		const client = clients[index % 2 === 1 ? 0 : 1];
		assert.ok(client);
		await client.update(pump, {
			state: {reported: {temperature: temperature(index)}},
		});
	}

	const history = await runCli(['history', '--thing', 'pump-1', ...api]);
	assert.equal(history.code, 0, history.stderr);
	const lines = history.stdout.trimEnd().split('\n');
	assert.equal(lines.length, 30, history.stdout);
	for (const [position, line] of lines.entries()) {
		const version = 30 - position;
		assert.match(line, new RegExp(`^v${version} `), line);
		assert.match(line, / document /);
		assert.match(
			line,
			new RegExp(`local / sensor-${version % 2 === 1 ? 'a' : 'b'} / mqtt`),
			line,
		);
		assert.match(line, /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(\d+ min ago\)/, line);
		if (version > 1)
			assert.ok(
				line.endsWith(
					`~ reported.temperature: ${temperature(version - 1)} -> ${temperature(version)}`,
				),
				line,
			);
	}

	assert.match(lines.at(-1) ?? '', /\+ reported: \{"temperature":26\.5\}$/);
	assert.match(history.stderr, /^30 versions of pump-1's classic shadow/m);

	// --series: every write, oldest first, and its summary.
	const series = await runCli([
		'history',
		'--thing',
		'pump-1',
		'--series',
		'reported.temperature',
		...api,
	]);
	assert.equal(series.code, 0, series.stderr);
	const written = Array.from({length: 30}, (_, index) =>
		temperature(index + 1),
	);
	const points = series.stdout
		.trimEnd()
		.split('\n')
		.map((line) => line.split('\t').map(Number));
	assert.deepEqual(
		points,
		written.map((value, index) => [index + 1, start + (index + 1) * 60, value]),
	);
	assert.match(
		series.stderr,
		new RegExp(
			`^30 points of reported\\.temperature in 30 versions of pump-1's classic shadow: min ${Math.min(...written)}, max ${Math.max(...written)}, last ${temperature(30)}$`,
			'm',
		),
	);
	const seriesJson = await runCli([
		'history',
		'--thing',
		'pump-1',
		'--series',
		'reported.temperature',
		'--json',
		'--limit',
		'5',
		...api,
	]);
	assert.equal(seriesJson.code, 0, seriesJson.stderr);
	assert.deepEqual(
		seriesJson.stdout
			.trimEnd()
			.split('\n')
			.map((line) => JSON.parse(line) as unknown),
		[26, 27, 28, 29, 30].map((version) => ({
			version,
			timestamp: start + version * 60,
			value: temperature(version),
		})),
	);

	// --since and --until, by epoch and by ISO date-time; --limit.
	const since = await runCli([
		'history',
		'--thing',
		'pump-1',
		'--since',
		String(start + 21 * 60),
		'--until',
		new Date((start + 25 * 60) * 1000).toISOString(),
		...api,
	]);
	assert.equal(since.code, 0, since.stderr);
	assert.deepEqual(
		since.stdout
			.trimEnd()
			.split('\n')
			.map((line) => line.split(' ')[0]),
		['v25', 'v24', 'v23', 'v22', 'v21'],
	);
	// The oldest in the window still says what it changed.
	assert.match(
		since.stdout.trimEnd().split('\n').at(-1) ?? '',
		/~ reported\.temperature: /,
	);
	const recent = await runCli([
		'history',
		'--thing',
		'pump-1',
		'--since',
		'10m30s',
		...api,
	]);
	assert.equal(recent.code, 0, recent.stderr);
	// v21 … v30 were written 10 … 1 minutes ago (a second more may pass before it runs).
	const recentCount = recent.stdout.trimEnd().split('\n').length;
	assert.ok(recentCount >= 9 && recentCount <= 10, recent.stdout);
	const limited = await runCli([
		'history',
		'--thing',
		'pump-1',
		'--limit',
		'3',
		...api,
	]);
	assert.equal(limited.stdout.trimEnd().split('\n').length, 3);
	assert.match(limited.stderr, /older ones are in the journal/);
	const none = await runCli([
		'history',
		'--thing',
		'pump-1',
		'--since',
		String(now + 3600),
		...api,
	]);
	assert.equal(none.code, 1);
	assert.match(none.stderr, /no version of pump-1's classic shadow since/);

	// --json: one HistoryVersion per line, newest first.
	const json = await runCli(['history', '--thing', 'pump-1', '--json', ...api]);
	assert.equal(json.code, 0, json.stderr);
	const versions = json.stdout
		.trimEnd()
		.split('\n')
		.map((line) => JSON.parse(line) as HistoryVersion);
	assert.equal(versions.length, 30);
	assert.equal(versions[0]?.version, 30);
	assert.deepEqual(versions[0]?.writer, {
		channel: 'mqtt',
		clientId: 'sensor-b',
		principal: 'local',
	});
	assert.deepEqual(versions[0]?.state, {
		reported: {temperature: temperature(30)},
	});

	// diff: the header and the ~ line; --json.
	const diff = await runCli(['diff', '--thing', 'pump-1', '3', '5', ...api]);
	assert.equal(diff.code, 0, diff.stderr);
	const [header, ...changes] = diff.stdout.trimEnd().split('\n');
	assert.match(
		header ?? '',
		/^v3 \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d, local \/ sensor-a \/ mqtt\) → v5 \(.*sensor-a.*\)$/,
	);
	assert.deepEqual(changes, [
		`~ reported.temperature: ${temperature(3)} -> ${temperature(5)}`,
	]);
	const diffJson = await runCli([
		'diff',
		'--thing',
		'pump-1',
		'v5',
		'3',
		'--json',
		...api,
	]);
	assert.equal(diffJson.code, 0, diffJson.stderr);
	const record = JSON.parse(diffJson.stdout) as {
		from: HistoryVersion;
		to: HistoryVersion;
		changes: unknown[];
	};
	assert.equal(record.from.version, 5);
	assert.equal(record.to.version, 3);
	assert.deepEqual(record.changes, [
		{
			marker: '~',
			path: 'reported.temperature',
			text: `${temperature(5)} -> ${temperature(3)}`,
		},
	]);
	const same = await runCli(['diff', '--thing', 'pump-1', '4', '4', ...api]);
	assert.equal(same.code, 0);
	assert.match(same.stdout, /^no change$/m);

	// A version the journal does not hold: one line, exit 1.
	const missing = await runCli([
		'diff',
		'--thing',
		'pump-1',
		'3',
		'99',
		...api,
	]);
	assert.equal(missing.code, 1);
	assert.equal(missing.stdout, '');
	assert.equal(
		missing.stderr,
		"shadow-tui diff: v99 of pump-1's classic shadow is not in the journal (pruned, or never written)\n",
	);

	// Deleted: its own line; the deleted version's document is still there to diff.
	clock.now = now;
	await clients[0]?.delete(pump);
	const afterDelete = await runCli([
		'history',
		'--thing',
		'pump-1',
		'--limit',
		'2',
		...api,
	]);
	assert.match(
		afterDelete.stdout.split('\n')[0] ?? '',
		/^v30 .* deleted .*shadow deleted$/,
	);
	const deletedDiff = await runCli([
		'diff',
		'--thing',
		'pump-1',
		'29',
		'30',
		...api,
	]);
	assert.equal(deletedDiff.code, 0, deletedDiff.stderr);
	assert.match(deletedDiff.stdout, /~ reported\.temperature: /);
});

test('history and diff refuse bad usage in one line (2), and say when there is no journal (1)', async (t) => {
	const service = await startTestService(t, {
		retention: {versions: 0, maxAgeSeconds: Infinity},
	});
	const api = ['--api', service.httpUrl ?? ''];
	const oneLine = (result: {stderr: string}) =>
		assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);

	for (const args of [
		['history', '--thing', 'pump-1', '--since', 'last tuesday', ...api],
		['history', '--thing', 'pump-1', '--until', '5 parsecs', ...api],
		['history', '--thing', 'pump-1', '--since', '1h', '--until', '2h', ...api],
		['history', '--thing', 'pump-1', '--series', 'temperature', ...api],
		['history', '--thing', 'pump-1', '--limit', '0', ...api],
		['history', ...api],
		['history', '--thing', 'bad name', ...api],
		['diff', '--thing', 'pump-1', 'one', '2', ...api],
		['diff', '--thing', 'pump-1', '1.5', '2', ...api],
		['diff', '--thing', 'pump-1', '1', ...api],
		['diff', '--thing', 'pump-1', '1', '2', '3', ...api],
	]) {
		const result = await runCli(args);
		assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
		assert.equal(result.stdout, '');
		oneLine(result);
	}

	const since = await runCli([
		'history',
		'--thing',
		'pump-1',
		'--since',
		'yesterday',
		...api,
	]);
	assert.match(
		since.stderr,
		/--since must be a duration back from now \(90s, 5m, 4h, 2d\), an ISO 8601 date-time .* or epoch seconds, got "yesterday"/,
	);

	for (const args of [
		['history', '--thing', 'pump-1', ...api],
		['diff', '--thing', 'pump-1', '1', '2', ...api],
	]) {
		const result = await runCli(args);
		assert.equal(result.code, 1, result.stderr);
		oneLine(result);
		assert.match(result.stderr, /keeps no version journal/);
	}

	// A broker on another machine: no API to guess, as the fleet commands say.
	const far = await runCli([
		'history',
		'--thing',
		'pump-1',
		'--broker',
		'mqtt://broker.example:1883',
	]);
	assert.equal(far.code, 2);
	oneLine(far);
	assert.match(
		far.stderr,
		/reading the journal needs the HTTP API of the shadow service, and the broker at mqtt:\/\/broker\.example:1883 does not say where it is .*: give --api URL/,
	);
});
