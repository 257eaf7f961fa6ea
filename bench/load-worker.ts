/*
The load generator of the service benchmark, in a worker thread so that it
does not share the service's event loop. N clients, each with its own things,
keep a window of updates in flight for a fixed time and count the replies.
*/
import {parentPort, workerData} from 'node:worker_threads';
import type {MqttClient} from 'mqtt';
import {connectMqtt} from '../source/client/connect-mqtt.js';

export type LoadJob = {
	readonly url: string;
	readonly clients: number;
	readonly thingsPerClient: number;
	readonly window: number;
	readonly milliseconds: number;
	/** 'shadow': updates to shadow topics; 'echo': raw messages answered inside the broker. */
	readonly mode: 'shadow' | 'echo';
	readonly prefix: string;
};

export type LoadResult = {
	readonly replies: number;
	readonly seconds: number;
	readonly rejected: number;
};

const job = workerData as LoadJob;

async function run(): Promise<LoadResult> {
	const clients: MqttClient[] = [];
	for (let c = 0; c < job.clients; c++)
		clients.push(await connectMqtt({url: job.url, reconnectPeriod: 0}));
	let replies = 0;
	let rejected = 0;
	let running = true;
	let sequence = 0;
	await Promise.all(
		clients.map(async (client, c) => {
			const things = Array.from(
				{length: job.thingsPerClient},
				(_, t) => `${job.prefix}-${c}-${t}`,
			);
			const send = (index: number) => {
				const thing = things[index % things.length] ?? '';
				sequence++;
				if (job.mode === 'shadow') {
					client.publish(
						`$aws/things/${thing}/shadow/update`,
						`{"state":{"reported":{"temperature":${sequence % 90},"alarm":false}}}`,
						{qos: 1},
					);
				} else {
					client.publish(
						`bench/echo/${thing}`,
						`{"state":{"reported":{"temperature":${sequence % 90},"alarm":false}}}`,
						{qos: 1},
					);
				}
			};

			client.on('message', (topic) => {
				if (topic.endsWith('/rejected')) rejected++;
				replies++;
				if (running) send(replies);
			});
			const filters =
				job.mode === 'shadow'
					? things.flatMap((thing) => [
							`$aws/things/${thing}/shadow/update/accepted`,
							`$aws/things/${thing}/shadow/update/rejected`,
						])
					: things.map((thing) => `bench/reply/${thing}`);
			await client.subscribeAsync(filters, {qos: 1});
		}),
	);

	const start = performance.now();
	clients.forEach((_, c) => {
		for (let w = 0; w < job.window; w++) {
			const client = clients[c];
			const thing = `${job.prefix}-${c}-${w % job.thingsPerClient}`;
			if (job.mode === 'shadow')
				client?.publish(
					`$aws/things/${thing}/shadow/update`,
					'{"state":{"reported":{"temperature":1}}}',
					{qos: 1},
				);
			else
				client?.publish(
					`bench/echo/${thing}`,
					'{"state":{"reported":{"temperature":1}}}',
					{qos: 1},
				);
		}
	});
	await new Promise((resolve) => setTimeout(resolve, job.milliseconds));
	running = false;
	const seconds = (performance.now() - start) / 1000;
	const counted = replies;
	await Promise.all(clients.map(async (client) => client.endAsync(true)));
	return {replies: counted, seconds, rejected};
}

parentPort?.postMessage(await run());
