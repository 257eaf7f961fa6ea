/*
What the version journal costs an update (aim: at most 1.15x). Two services
of the same kind, each on a fresh data file: one with the journal on (default
retention), one with it off (versions: 0). Rounds alternate between them, the
order flipped every round, so that drift on the shared machine hits both:
- throughput: 100 clients x 10 things over MQTT, 4 updates in flight each,
  from a worker thread (the service benchmark's load generator);
- round trip: one client, one update at a time, update -> update/accepted.
Every accepted update was committed (WAL, synchronous=FULL) first, on both.
Then where the difference goes, on the store alone (commitBatch of 100
updates over 1,000 things, as the service batches them): CPU per commit and
4 KB pages written to the WAL per commit, without the journal, with its rows
alone (what an update's transaction writes), and with the index pass the
pruner runs once a second counted in, as the service pays it.
*/
import {statSync} from 'node:fs';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import Database from 'better-sqlite3';
import {connectMqtt} from '../source/client/connect-mqtt.js';
import {silentLogger} from '../source/log/logger.js';
import {
	startLocalService,
	type LocalService,
} from '../source/service/local-service.js';
import {defaultEngineOptions, withLimits} from '../source/shadow/limits.js';
import type {ShadowRecord} from '../source/shadow/shadow-record.js';
import {addressKey, type ShadowAddress} from '../source/shadow/topics.js';
import {updateShadow} from '../source/shadow/update-shadow.js';
import {
	defaultRetention,
	type JournalRetention,
	type JournalWrite,
} from '../source/store/journal.js';
import {openShadowStore} from '../source/store/shadow-store.js';
import {format, median, percentile} from './measure.js';
import {load} from './service.bench.js';

const journalOff: JournalRetention = {
	versions: 0,
	maxAgeSeconds: Number.POSITIVE_INFINITY,
};

type Side = 'on' | 'off';

const keepAll: JournalRetention = {
	versions: Number.MAX_SAFE_INTEGER,
	maxAgeSeconds: Number.POSITIVE_INFINITY,
};

async function withServices<T>(
	work: (services: Record<Side, LocalService>) => Promise<T>,
): Promise<T> {
	const dir = await mkdtemp(join(tmpdir(), 'shadow-tui-bench-'));
	const started: LocalService[] = [];
	try {
		const start = async (side: Side, retention: JournalRetention) => {
			const service = await startLocalService({
				host: '127.0.0.1',
				port: 0,
				dataFile: join(dir, side, 'shadows.db'),
				// As the service benchmark: measure the service, not AWS's 20/s per thing.
				options: withLimits({
					requestsPerSecondPerThing: Number.POSITIVE_INFINITY,
				}),
				retention,
				log: silentLogger,
			});
			started.push(service);
			return service;
		};

		return await work({
			on: await start('on', defaultRetention),
			off: await start('off', journalOff),
		});
	} finally {
		for (const service of started) await service.close();
		await rm(dir, {recursive: true, force: true});
	}
}

/** A client that sends one update at a time to one thing and times update -> update/accepted, in ms. */
async function roundTripper(service: LocalService, thing: string) {
	const client = await connectMqtt({url: service.mqttUrl, reconnectPeriod: 0});
	await client.subscribeAsync(`$aws/things/${thing}/shadow/update/accepted`, {
		qos: 1,
	});
	let waiting: (() => void) | undefined;
	client.on('message', () => waiting?.());
	let sent = 0;
	return {
		async once(): Promise<number> {
			const start = performance.now();
			await new Promise<void>((resolve) => {
				waiting = resolve;
				client.publish(
					`$aws/things/${thing}/shadow/update`,
					`{"state":{"reported":{"temperature":${sent++ % 90},"alarm":false}}}`,
					{qos: 1},
				);
			});
			return performance.now() - start;
		},
		close: async () => client.endAsync(),
	};
}

async function throughput(
	service: LocalService,
	milliseconds: number,
): Promise<{rate: number; rejected: number}> {
	const result = await load({
		url: service.mqttUrl,
		clients: 100,
		thingsPerClient: 10,
		window: 4,
		milliseconds,
		mode: 'shadow',
		prefix: 'fleet',
	});
	return {rate: result.replies / result.seconds, rejected: result.rejected};
}

/** `on + index`: with the pruner's index pass, run after every 80 commits (about a second at the service's batch rate). */
type StoreVariant = 'off' | 'on' | 'on + index';

/** CPU ms and WAL pages per commit of `batch` updates over 1,000 things, after `warm` commits. */
async function storeCost(
	variant: StoreVariant,
	batch = 100,
	warm = 1000,
	measured = 300,
): Promise<{cpu: number; pages: number; wall: number}> {
	const dir = await mkdtemp(join(tmpdir(), 'shadow-tui-bench-'));
	const file = join(dir, 'shadows.db');
	const store = openShadowStore(file);
	try {
		const records = new Map<string, ShadowRecord>();
		let sequence = 0;
		const commit = () => {
			const changes = new Map<
				string,
				{address: ShadowAddress; record: ShadowRecord}
			>();
			const writes: JournalWrite[] = [];
			for (let i = 0; i < batch; i++) {
				const n = sequence++ % 1000;
				const address = {
					thingName: `fleet-${n % 100}-${Math.floor(n / 100)}`,
					shadowName: '',
				};
				const key = addressKey(address);
				const outcome = updateShadow(
					records.get(key),
					`{"state":{"reported":{"temperature":${sequence % 90},"alarm":false}}}`,
					{
						address,
						now: 1_800_000_000 + sequence,
						options: defaultEngineOptions,
					},
				);
				if (!outcome.ok) throw new Error(outcome.rejection.message);
				records.set(key, outcome.shadow);
				changes.set(key, {address, record: outcome.shadow});
				writes.push({
					address,
					record: outcome.shadow,
					writer: {channel: 'mqtt', clientId: `client-${n % 100}`},
				});
			}

			const cpu = process.cpuUsage();
			const start = performance.now();
			store.commitBatch(changes, variant === 'off' ? [] : writes);
			if (variant === 'on + index' && sequence % (80 * batch) === 0)
				while (store.pruneJournal(keepAll, 0, [], 10_000) >= 10_000);
			const used = process.cpuUsage(cpu);
			return {
				cpu: (used.user + used.system) / 1000,
				wall: performance.now() - start,
			};
		};

		for (let i = 0; i < warm; i++) commit();
		const cpu: number[] = [];
		const wall: number[] = [];
		for (let i = 0; i < measured; i++) {
			const used = commit();
			cpu.push(used.cpu);
			wall.push(used.wall);
		}

		// A reader holding its snapshot keeps the WAL from restarting: it grows by every page written.
		const reader = new Database(file, {readonly: true});
		reader.exec('BEGIN');
		reader.prepare('SELECT 1 FROM shadows LIMIT 1').get();
		const before = statSync(`${file}-wal`).size;
		for (let i = 0; i < 50; i++) commit();
		const pages = (statSync(`${file}-wal`).size - before) / (4096 + 24) / 50;
		reader.exec('COMMIT');
		reader.close();
		const mean = (values: number[]) =>
			values.reduce((sum, value) => sum + value, 0) / values.length;
		return {cpu: mean(cpu), pages, wall: median(wall)};
	} finally {
		store.close();
		await rm(dir, {recursive: true, force: true});
	}
}

export async function benchJournal(): Promise<string[]> {
	const rounds = 10;
	return withServices(async (services) => {
		const lines = [
			'journal: the version journal on (default retention) vs off, same service, fresh data files, alternating rounds',
		];
		const rates: Record<Side, number[]> = {on: [], off: []};
		let rejected = 0;
		// Warm up both sides (JIT, SQLite pages, the things' first versions), not counted.
		for (const side of ['on', 'off'] as const)
			await throughput(services[side], 1000);
		for (let round = 0; round < rounds; round++) {
			const order: Side[] = round % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
			for (const side of order) {
				const result = await throughput(services[side], 1500);
				rates[side].push(result.rate);
				rejected += result.rejected;
			}
		}

		// Round trips alternate one by one, so that a busy moment of the machine hits both sides.
		const trippers = {
			on: await roundTripper(services.on, 'rtt'),
			off: await roundTripper(services.off, 'rtt'),
		};
		const trips: Record<Side, number[]> = {on: [], off: []};
		for (let i = 0; i < 4200; i++) {
			const order: Side[] = i % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
			for (const side of order) {
				const time = await trippers[side].once();
				if (i >= 200) trips[side].push(time);
			}
		}

		await trippers.on.close();
		await trippers.off.close();

		const rate = {on: median(rates.on), off: median(rates.off)};
		// Time per update on/off within each round (the two halves ran a few seconds apart).
		const paired = rates.on.map(
			(on, index) => (rates.off[index] ?? Number.NaN) / on,
		);
		const ms = (value: number) => `${format(value, 3)} ms`;
		const p50 = {on: median(trips.on), off: median(trips.off)};
		const p95 = {on: percentile(trips.on, 95), off: percentile(trips.off, 95)};
		// Sanity: the on side journaled what it answered, the off side keeps no journal at all.
		const journaled =
			services.on.service.journal?.read({
				address: {thingName: 'rtt', shadowName: ''},
				order: 'desc',
				limit: 1000,
			}).length ?? 0;
		lines.push(
			`  throughput, 100 clients x 10 things, 4 in flight each (${rounds} rounds of 1.5 s): on ${format(rate.on)}/s, off ${format(rate.off)}/s (medians; ${rejected} rejected)`,
			`  throughput cost (time per update) on/off: ${format(median(paired), 2)}x, median of the rounds' ratios (aim <= 1.15x); per round ${paired.map((ratio) => format(ratio, 2)).join(' ')}`,
			`  round trip, one client, one at a time (${trips.on.length} each): on p50 ${ms(p50.on)} p95 ${ms(p95.on)}; off p50 ${ms(p50.off)} p95 ${ms(p95.off)}`,
			`  round trip on/off: p50 ${format(p50.on / p50.off, 2)}x, p95 ${format(p95.on / p95.off, 2)}x (aim <= 1.15x)`,
		);
		const costs: {
			variant: StoreVariant;
			cpu: number;
			pages: number;
			wall: number;
		}[] = [];
		for (const variant of ['off', 'on', 'on + index'] as const)
			costs.push({variant, ...(await storeCost(variant))});
		const off = costs[0]!;
		for (const {variant, cpu, pages, wall} of costs)
			lines.push(
				`  store alone, commitBatch of 100 updates over 1,000 things, journal ${variant}: CPU ${ms(cpu)} (${format(cpu / off.cpu, 2)}x), wall p50 ${ms(wall)}, ${format(pages, 0)} WAL pages of 4 KB per commit (${format(pages / off.pages, 2)}x)`,
			);

		lines.push(
			`  check: on journaled ${journaled} versions of rtt (retention ${defaultRetention.versions}); off ${services.off.service.journal ? 'has a journal (wrong)' : 'has no journal'}`,
		);
		return lines;
	});
}
