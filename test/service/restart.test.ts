/*
Durability: every update acknowledged before the service is killed with
SIGKILL is there, with its version, after a restart. And a clean stop on
SIGTERM or SIGINT.
*/
import assert from 'node:assert/strict';
import {join} from 'node:path';
import {test} from 'node:test';
import {createHistoryReader} from '../../source/client/history-reader.js';
import {Probe} from '../helpers/probe.js';
import {exited, startServe} from '../helpers/serve-process.js';
import {temporaryDirectory} from '../helpers/service.js';

const things = Array.from({length: 20}, (_, index) => `pump-${index}`);

test('acknowledged updates survive SIGKILL, with their versions', async (t) => {
	const data = join(await temporaryDirectory(t), 'data');
	// 40 updates a thing at once: a stream, not a runaway device, so no per-thing rate limit.
	const first = await startServe(t, ['--data', data, '--rate-limit', '0']);
	const probe = await Probe.connect(t, {
		url: first.mqttUrl,
		reconnectPeriod: 0,
	});
	probe.client.on('error', () => undefined);
	await probe.watch('$aws/things/+/shadow/update/accepted');

	// Each update sets seq to the version it will get, so content and version can be checked together.
	const rounds = 40;
	for (let round = 1; round <= rounds; round++) {
		for (const thing of things) {
			probe.client.publish(
				`$aws/things/${thing}/shadow/update`,
				JSON.stringify({
					state: {reported: {seq: round}},
					clientToken: `${thing}:${round}`,
				}),
				{qos: 0},
			);
		}
	}

	// Kill it in the middle of the stream, after a good share has been acknowledged.
	await probe.waitFor(
		() => probe.received.length >= (rounds * things.length) / 2,
		'half of the acknowledgements',
		0,
		30_000,
	);
	first.child.kill('SIGKILL');
	await exited(first.child);
	const acknowledged = new Map<string, number>();
	for (const message of probe.received) {
		const {clientToken, version} = message.json as {
			clientToken: string;
			version: number;
		};
		const [thing, seq] = clientToken.split(':');
		assert.equal(version, Number(seq), 'versions count from 1 per thing');
		acknowledged.set(
			thing ?? '',
			Math.max(acknowledged.get(thing ?? '') ?? 0, version),
		);
	}

	assert.ok(acknowledged.size > 0);
	probe.client.end(true);

	const second = await startServe(t, ['--data', data]);
	const reader = await Probe.connect(t, {url: second.mqttUrl});
	await reader.watch('$aws/things/+/shadow/get/+');
	for (const thing of things) {
		await reader.publish(
			`$aws/things/${thing}/shadow/get`,
			JSON.stringify({clientToken: `get-${thing}`}),
		);
		const answer = await reader.waitFor(
			(m) =>
				(m.json as {clientToken?: string} | undefined)?.clientToken ===
				`get-${thing}`,
			`get ${thing}`,
		);
		const acked = acknowledged.get(thing) ?? 0;
		if (acked === 0 && answer.topic.endsWith('/rejected')) continue;
		const document = answer.json as {
			version: number;
			state: {reported: {seq: number}};
		};
		assert.ok(
			document.version >= acked,
			`${thing}: stored version ${document.version} < acknowledged ${acked}`,
		);
		assert.equal(
			document.state.reported.seq,
			document.version,
			`${thing}: state and version agree`,
		);
	}

	// The journal lost nothing acknowledged either: versions 1.. each with its own content.
	const history = createHistoryReader(second.httpUrl);
	for (const [thing, acked] of acknowledged) {
		const versions = await history.versions(
			{address: {thingName: thing, shadowName: ''}, order: 'asc'},
			1000,
		);
		assert.ok(versions.length >= acked, `${thing}: journal has every version`);
		for (const [index, version] of versions.entries()) {
			assert.equal(version.version, index + 1);
			assert.deepEqual(version.state.reported, {seq: version.version});
		}
	}

	second.child.kill('SIGTERM');
	assert.deepEqual(await exited(second.child), {code: 0, signal: null});
	assert.match(second.output(), /stopped \(SIGTERM\)/);
});

test('serve refuses a port in use with one line and exit code 1', async (t) => {
	const data = join(await temporaryDirectory(t), 'data');
	const first = await startServe(t, ['--data', data]);
	const port = new URL(first.mqttUrl).port;
	const {spawnSync} = await import('node:child_process');
	const {cliPath} = await import('../helpers/cli.js');
	const second = spawnSync(
		process.execPath,
		[
			cliPath,
			'serve',
			'--port',
			port,
			'--http-port',
			'0',
			'--data',
			join(data, 'other'),
		],
		{encoding: 'utf8', timeout: 15_000},
	);
	assert.equal(second.status, 1);
	assert.equal(
		second.stderr.trim(),
		`shadow-tui serve: port ${port} on 127.0.0.1 is already in use`,
	);
	first.child.kill('SIGINT');
	assert.deepEqual(await exited(first.child), {code: 0, signal: null});
});
