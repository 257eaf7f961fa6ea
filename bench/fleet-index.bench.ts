/*
Fleet Indexing: a SearchIndex page of 100 over 100,000 shadows, and
selective queries, against one GetThingShadow round trip on the same HTTP
API in the same run (aim: a page costs at most 20 round trips); and update
throughput with the fleet index on vs off, two services in alternating
rounds (aim: at most 1.15x the time per update).
*/
import {mkdtemp, rm} from 'node:fs/promises';
import {request} from 'node:http';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {silentLogger} from '../source/log/logger.js';
import {
	startLocalService,
	type LocalService,
} from '../source/service/local-service.js';
import {withLimits} from '../source/shadow/limits.js';
import {format, median} from './measure.js';
import {load} from './service.bench.js';

const shadows = 100_000;
const agentless = {agent: false as const};

/** One HTTP exchange, timed in ms; keep-alive off so both sides pay the same connect. */
async function timed(
	url: string,
	method: 'GET' | 'POST',
	body?: string,
): Promise<number> {
	const start = performance.now();
	await new Promise<void>((resolve, reject) => {
		const sent = request(url, {method, ...agentless}, (response) => {
			response.resume();
			response.on('end', () => {
				if (response.statusCode === 200) resolve();
				else reject(new Error(`${url}: HTTP ${response.statusCode}`));
			});
		});
		sent.on('error', reject);
		sent.end(body);
	});
	return performance.now() - start;
}

async function service(dir: string, side: string, fleetIndex: boolean) {
	return startLocalService({
		host: '127.0.0.1',
		port: 0,
		httpPort: 0,
		dataFile: join(dir, side, 'shadows.db'),
		options: withLimits({requestsPerSecondPerThing: Number.POSITIVE_INFINITY}),
		fleetIndex,
		log: silentLogger,
	});
}

async function seed(local: LocalService): Promise<void> {
	for (let start = 0; start < shadows; start += 1000)
		await Promise.all(
			Array.from({length: 1000}, async (_, offset) => {
				const index = start + offset;
				return local.service.request(
					{
						thingName: `device-${String(index).padStart(6, '0')}`,
						shadowName: '',
					},
					'update',
					JSON.stringify({
						state: {
							reported: {
								model: index % 1000 === 0 ? 'rare-x' : `model-${index % 7}`,
								temperature: index % 1000,
								connected: index % 2 === 0,
							},
							desired: {temperature: 20},
						},
					}),
				);
			}),
		);
}

async function pageCosts(local: LocalService): Promise<string[]> {
	const api = local.httpUrl ?? '';
	const get = async () => timed(`${api}/things/device-000500/shadow`, 'GET');
	const search = async (queryString: string) =>
		timed(
			`${api}/indices/search`,
			'POST',
			JSON.stringify({queryString, maxResults: 100}),
		);
	for (let i = 0; i < 50; i++) await get();
	const queries = [
		'thingName:*',
		'shadow.reported.model:rare\\-x',
		'shadow.reported.temperature>990 AND shadow.reported.connected:true',
		'shadow.reported.model:model\\-3 AND shadow.hasDelta:true',
		'NOT shadow.reported.model:model\\-1',
	];
	const gets: number[] = [];
	const pages: Record<string, number[]> = {};
	for (let round = 0; round < 30; round++) {
		gets.push(await get());
		for (const query of queries)
			(pages[query] ??= []).push(await search(query));
	}

	const rtt = median(gets);
	return [
		`  GetThingShadow round trip (HTTP, new connection each): p50 ${format(rtt, 3)} ms`,
		...queries.map((query) => {
			const cost = median(pages[query] ?? []);
			return `  SearchIndex page of 100, ${query}: p50 ${format(cost, 2)} ms = ${format(cost / rtt, 1)} round trips (aim <= 20)`;
		}),
	];
}

export async function benchFleetIndex(): Promise<string[]> {
	const dir = await mkdtemp(join(tmpdir(), 'shadow-tui-bench-'));
	const on = await service(dir, 'on', true);
	const off = await service(dir, 'off', false);
	try {
		const lines = [
			`fleet index: SearchIndex over ${format(shadows)} shadows, and update throughput with the index on vs off`,
		];
		const seeding = performance.now();
		await seed(on);
		lines.push(
			`  seeding ${format(shadows)} shadows through the engine: ${format((performance.now() - seeding) / 1000, 1)} s`,
		);
		lines.push(...(await pageCosts(on)));
		const rates: Record<'on' | 'off', number[]> = {on: [], off: []};
		const run = async (side: 'on' | 'off') => {
			const result = await load({
				url: (side === 'on' ? on : off).mqttUrl,
				clients: 100,
				thingsPerClient: 10,
				window: 4,
				milliseconds: 1500,
				mode: 'shadow',
				prefix: 'load',
			});
			return result.replies / result.seconds;
		};
		await run('on');
		await run('off');
		for (let round = 0; round < 8; round++)
			for (const side of round % 2 === 0
				? (['on', 'off'] as const)
				: (['off', 'on'] as const))
				rates[side].push(await run(side));
		const paired = rates.on.map(
			(rate, index) => (rates.off[index] ?? Number.NaN) / rate,
		);
		lines.push(
			`  update throughput, 100 clients x 10 things, 4 in flight: on ${format(median(rates.on))}/s, off ${format(median(rates.off))}/s`,
			`  time per update on/off: ${format(median(paired), 2)}x (aim <= 1.15x); per round ${paired.map((ratio) => format(ratio, 2)).join(' ')}`,
		);
		return lines;
	} finally {
		await on.close();
		await off.close();
		await rm(dir, {recursive: true, force: true});
	}
}
