/*
The traffic inspector under a flood: 250 update requests a second reach the
shadow the console shows (through the real local service), so the inspector
sees 1,000 messages a second (request, accepted, delta, documents).
Prints the delay from a key press to the frame that shows its result with the
inspector open, against the console with the panes shown under the same
flood, and the heap over a long flood with the bounded buffer
(TRAFFIC_SOAK_SECONDS, 600 by default: the ten minutes).
*/
import {setFlagsFromString} from 'node:v8';
import {runInNewContext} from 'node:vm';
import {render} from 'ink-testing-library';
import type {connectMqtt} from '../source/client/connect-mqtt.js';
import type {LocalService} from '../source/service/local-service.js';
import {App} from '../source/views/app.js';
import {ColorContext} from '../source/views/color.js';
import {withBenchService} from './bench-service.js';
import {lamp, openInspectedConsole} from './console-sessions.js';
import {keyLatency} from './console.bench.js';
import {format, median, percentile} from './measure.js';

/** Each makes four messages: 1,000 a second through the inspector. */
const requestsPerSecond = 250;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export async function benchTraffic(): Promise<string[]> {
	const keys = await withBenchService(async (service) => measure(service));
	const soak = await withBenchService(async (service) => soakHeap(service));
	return [...keys, ...soak];
}

type Flood = {stop(): void; sent(): number};

function flood(
	publisher: Awaited<ReturnType<typeof connectMqtt>>,
	perSecond: number,
): Flood {
	let sent = 0;
	const start = performance.now();
	const timer = setInterval(() => {
		const due =
			Math.floor(((performance.now() - start) * perSecond) / 1000) - sent;
		for (let i = 0; i < due; i++) {
			sent++;
			publisher.publish(
				'$aws/things/lamp/shadow/update',
				`{"state":{"desired":{"level":${sent}}},"clientToken":"flood-${sent}"}`,
				{qos: 0},
			);
		}
	}, 10);
	return {
		stop: () => {
			clearInterval(timer);
		},
		sent: () => sent,
	};
}

async function measure(service: LocalService): Promise<string[]> {
	const {client, publisher, session, traffic} =
		await openInspectedConsole(service);
	const instance = render(
		<ColorContext.Provider value={true}>
			<App session={session} traffic={traffic} />
		</ColorContext.Provider>,
	);
	const write = (input: string) => instance.stdin.write(input);
	try {
		await client.update(lamp, {
			state: {desired: {level: 0}, reported: {level: 0}},
		});
		await traffic.start();
		await session.start();
		await new Promise((resolve) => setTimeout(resolve, 300));
		const load = flood(publisher, requestsPerSecond);
		await new Promise((resolve) => setTimeout(resolve, 1000));
		const panes: number[] = [];
		const inspector: number[] = [];
		// Alternate rounds, so drift on the shared machine hits both sides alike.
		for (let round = 0; round < 8; round++) {
			panes.push(...(await keyLatency(instance.lastFrame, write, 4)));
			write('i');
			while (!(instance.lastFrame() ?? '').includes('traffic ·'))
				await new Promise((resolve) => setImmediate(resolve));
			inspector.push(...(await keyLatency(instance.lastFrame, write, 4)));
			write('\u001B');
			while ((instance.lastFrame() ?? '').includes('traffic ·'))
				await new Promise((resolve) => setImmediate(resolve));
		}

		const seen =
			traffic.getSnapshot().dropped + traffic.getSnapshot().entries.length;
		load.stop();
		const ms = (value: number) => `${format(value, 1)} ms`;
		return [
			'traffic inspector: ink-testing-library frames, real local service, 250 update requests/s to the shown shadow (1,000 messages/s)',
			`  messages through the inspector: ${format(seen)} while ${format(load.sent())} requests were sent (request, accepted, delta, documents each)`,
			`  key press -> frame, panes:     p50 ${ms(median(panes))} p95 ${ms(percentile(panes, 95))}`,
			`  key press -> frame, inspector: p50 ${ms(median(inspector))} p95 ${ms(percentile(inspector, 95))} = ${format(percentile(inspector, 95) / percentile(panes, 95), 2)}x the panes' p95 (aim: at most 1.5x), ${format(median(inspector) / median(panes), 2)}x their p50`,
		];
	} finally {
		instance.unmount();
		await traffic.close();
		await session.close();
		await client.close();
		await publisher.endAsync();
	}
}

/*
The bounded buffer over a long flood, measured on the sessions the console
runs (console session, traffic session, client) without Ink: the Ink path
under ink-testing-library grows by itself under a flood (see the readme).
*/
async function soakHeap(service: LocalService): Promise<string[]> {
	const seconds = Number(process.env.TRAFFIC_SOAK_SECONDS ?? 600);
	const {client, publisher, session, traffic} =
		await openInspectedConsole(service);
	traffic.setVisible(true);
	await traffic.start();
	await session.start();
	const load = flood(publisher, requestsPerSecond);
	const samples: number[] = [];
	const every = Math.max(5, Math.floor(seconds / 10));
	const start = performance.now();
	try {
		while (performance.now() - start < seconds * 1000) {
			await new Promise((resolve) => setTimeout(resolve, every * 1000));
			gc();
			samples.push(process.memoryUsage().heapUsed / 1024 / 1024);
		}
	} finally {
		load.stop();
		await traffic.close();
		await session.close();
		await client.close();
		await publisher.endAsync();
	}

	const {entries, capacity, dropped} = traffic.getSnapshot();
	const first = samples[0] ?? Number.NaN;
	const last = samples.at(-1) ?? Number.NaN;
	return [
		`  heap over a ${format(seconds)} s flood of ${format(entries.length + dropped)} messages (buffer ${capacity}, holding ${entries.length}): ${samples.map((mb) => format(mb, 0)).join(' ')} MB; last/first = ${format(last / first, 2)}x (aim: flat, about 1.0x)`,
	];
}
