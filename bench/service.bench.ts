/*
The local service over real sockets on 127.0.0.1, embedded broker:
- round trip update -> update/accepted for one client, against a raw MQTT echo
  answered inside the same broker (aim: at most 2x);
- durable updates per second over 1,000 things with 100 clients, against the
  same clients' raw echo throughput on the same broker (aim: 5,000/s).
Every accepted update was committed to SQLite (WAL, synchronous=FULL) first.
*/
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Worker} from 'node:worker_threads';
import Database from 'better-sqlite3';
import {connectMqtt} from '../source/client/connect-mqtt.js';
import type {LocalService} from '../source/service/local-service.js';
import type {LoadJob, LoadResult} from './load-worker.js';
import {format, median, percentile} from './measure.js';
import {withBenchService} from './bench-service.js';

async function withService<T>(
	work: (service: LocalService) => Promise<T>,
): Promise<T> {
	return withBenchService(async (service) => {
		const broker = service.broker;
		if (!broker) throw new Error('the benchmark needs the embedded broker');
		// The baseline: a raw echo answered inside the broker process, as the shadow service answers.
		await broker.subscribe('bench/echo/+', (topic, payload) => {
			broker.publish(topic.replace('bench/echo/', 'bench/reply/'), payload);
		});
		return work(service);
	});
}

async function roundTrips(
	service: LocalService,
	count: number,
): Promise<{shadow: number[]; echo: number[]}> {
	const client = await connectMqtt({url: service.mqttUrl, reconnectPeriod: 0});
	await client.subscribeAsync(
		['$aws/things/rtt/shadow/update/accepted', 'bench/reply/rtt'],
		{qos: 1},
	);
	let waiting: (() => void) | undefined;
	client.on('message', () => waiting?.());
	const once = async (topic: string, payload: string) => {
		const start = performance.now();
		await new Promise<void>((resolve) => {
			waiting = resolve;
			client.publish(topic, payload, {qos: 1});
		});
		return performance.now() - start;
	};

	const shadow: number[] = [];
	const echo: number[] = [];
	for (let round = 0; round < 10; round++) {
		for (let i = 0; i < count / 10; i++) {
			echo.push(
				await once('bench/echo/rtt', `{"state":{"reported":{"n":${i}}}}`),
			);
			shadow.push(
				await once(
					'$aws/things/rtt/shadow/update',
					`{"state":{"reported":{"n":${i}}}}`,
				),
			);
		}
	}

	await client.endAsync();
	return {shadow: shadow.slice(count / 10), echo: echo.slice(count / 10)};
}

export async function load(job: LoadJob): Promise<LoadResult> {
	const worker = new Worker(
		new URL('./load-worker-entry.mjs', import.meta.url),
		{workerData: job},
	);
	return new Promise((resolve, reject) => {
		worker.once('message', (result: LoadResult) => {
			resolve(result);
		});
		worker.once('error', reject);
	});
}

/** One single-row durable commit on this disk: the floor under an acknowledged update's round trip. */
async function commitFloor(count: number): Promise<number[]> {
	const dir = await mkdtemp(join(tmpdir(), 'shadow-tui-bench-'));
	const db = new Database(join(dir, 'floor.db'));
	db.pragma('journal_mode = WAL');
	db.pragma('synchronous = FULL');
	db.exec('CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)');
	const insert = db.prepare('INSERT OR REPLACE INTO t VALUES (?, ?)');
	const times: number[] = [];
	for (let i = 0; i < count; i++) {
		const start = performance.now();
		insert.run(i % 100, '{"state":{"reported":{"n":1}}}');
		times.push(performance.now() - start);
	}

	db.close();
	await rm(dir, {recursive: true, force: true});
	return times;
}

export async function benchService(): Promise<string[]> {
	return withService(async (service) => {
		const lines = [
			'service: embedded broker, durable store (WAL, synchronous=FULL), 127.0.0.1',
		];
		const {shadow, echo} = await roundTrips(service, 2000);
		const ms = (value: number) => `${format(value, 3)} ms`;
		lines.push(
			`  round trip, one client: raw echo p50 ${ms(median(echo))} p99 ${ms(percentile(echo, 99))}; update->accepted p50 ${ms(median(shadow))} p99 ${ms(percentile(shadow, 99))}`,
			`  round trip ratio (p50): ${format(median(shadow) / median(echo), 2)}x the raw echo (aim <= 2x)`,
		);
		const floor = await commitFloor(1000);
		lines.push(
			`  of which the disk: one durable SQLite commit (fsync) p50 ${ms(median(floor))}; echo + commit = ${format((median(echo) + median(floor)) / median(echo), 2)}x the echo, the floor for acknowledging only what is durable`,
		);

		const base = {
			url: service.mqttUrl,
			clients: 100,
			thingsPerClient: 10,
			window: 4,
			milliseconds: 3000,
		};
		const echoLoad = await load({...base, mode: 'echo', prefix: 'echo'});
		const shadowLoad = await load({...base, mode: 'shadow', prefix: 'fleet'});
		const echoRate = echoLoad.replies / echoLoad.seconds;
		const shadowRate = shadowLoad.replies / shadowLoad.seconds;
		lines.push(
			`  throughput, 100 clients x 10 things, 4 in flight each: raw echo ${format(echoRate)}/s; durable updates ${format(shadowRate)}/s (${shadowLoad.rejected} rejected)`,
			`  throughput ratio: ${format(shadowRate / echoRate, 2)}x the raw echo; ${format(shadowRate)}/s against the aim of 5,000/s`,
		);
		return lines;
	});
}
