/*
A bulk update of 10,000 shadows (the fleet's bulk runner, one connection,
bounded concurrency, as the console and `update --match` use it), against the
service's own durable update throughput measured in the same run with 100
clients keeping 4 updates each in flight.
*/
import {connectShadowClient} from '../source/client/shadow-client.js';
import {createBulkRun} from '../source/fleet/bulk-run.js';
import type {LocalService} from '../source/service/local-service.js';
import {format} from './measure.js';
import {load} from './service.bench.js';
import {withBenchService} from './bench-service.js';

const shadows = 10_000;

export async function benchFleet(): Promise<string[]> {
	return withBenchService(async (service) => measureFleet(service));
}

async function measureFleet(service: LocalService): Promise<string[]> {
	const client = await connectShadowClient({
		connection: {url: service.mqttUrl},
		timeoutMs: 60_000,
	});
	try {
		const addresses = Array.from({length: shadows}, (_, i) => ({
			thingName: `coffee-maker-${i + 1}`,
			shadowName: '',
		}));
		for (let start = 0; start < shadows; start += 500) {
			await Promise.all(
				addresses
					.slice(start, start + 500)
					.map(async (address) =>
						service.service.request(
							address,
							'update',
							'{"state":{"reported":{"model":"coffee-x","tempLimit":92}}}',
						),
					),
			);
		}

		const baseline = await load({
			url: service.mqttUrl,
			clients: 100,
			thingsPerClient: 100,
			window: 4,
			milliseconds: 3000,
			mode: 'shadow',
			prefix: 'coffee-maker-base',
		});
		const baselineRate = baseline.replies / baseline.seconds;
		const lines = [
			"fleet: bulk update of 10,000 shadows vs the service's durable update throughput (100 clients, 4 in flight each)",
		];
		lines.push(`  service durable updates: ${format(baselineRate)}/s`);
		for (const concurrency of [16, 64, 128]) {
			const bulk = createBulkRun(
				addresses,
				async (address) =>
					client.update(address, {
						state: {desired: {tempLimit: 90 + (concurrency % 5)}},
					}),
				concurrency,
			);
			const start = performance.now();
			await bulk.run();
			const seconds = (performance.now() - start) / 1000;
			const {accepted} = bulk.progress();
			const rate = accepted / seconds;
			lines.push(
				`  bulk, concurrency ${concurrency}: ${format(accepted)} of ${format(shadows)} in ${format(seconds, 2)} s = ${format(rate)}/s = ${format(rate / baselineRate, 2)}x the service's throughput (aim >= 0.5)`,
			);
		}

		return lines;
	} finally {
		await client.close();
	}
}
