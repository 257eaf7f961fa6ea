/*
Asks a broker where the shadow service's HTTP API is: a local service
announces it, retained (shadow/discovery.ts). A broker without one (another
broker, an older shadow-tui, AWS IoT Core) says nothing, and then nothing is
guessed: the caller says the address is unknown.
*/
import {announcedApi, discoveryTopic} from '../shadow/discovery.js';
import {connectMqtt, type MqttConnection} from './connect-mqtt.js';
import type {ShadowClient} from './shadow-client.js';

/** AWS IoT Core has no such topic, and a `$` topic it does not know may cost the connection: it is not asked. */
export function isAwsIotCore(brokerUrl: string): boolean {
	return /\.amazonaws\.com(?::\d+)?$/.test(new URL(brokerUrl).host);
}

/** A retained message arrives with the SUBACK or just after it. */
const waitMs = 1500;

export async function discoverApi(
	connection: MqttConnection,
): Promise<string | undefined> {
	let client;
	try {
		client = await connectMqtt({
			...connection,
			reconnectPeriod: 0,
			connectTimeout: Math.min(connection.connectTimeout ?? 5000, 5000),
		});
	} catch {
		return undefined;
	}

	try {
		const found = new Promise<string | undefined>((resolve) => {
			const timer = setTimeout(() => {
				resolve(undefined);
			}, waitMs);
			client.on('message', (topic, payload) => {
				if (topic !== discoveryTopic) return;
				clearTimeout(timer);
				resolve(announcedApi(payload, connection.url));
			});
		});
		const granted = await client.subscribeAsync(discoveryTopic, {qos: 1});
		if (granted.some((grant) => grant.qos === 128)) return undefined;
		return await found;
	} catch {
		return undefined;
	} finally {
		await client.endAsync(true).catch(() => undefined);
	}
}

/**
The same, on a shadow client's own connection (the console's): a second
connection would need a client id of its own, and a device identity may
only use its thing's, which the console already holds.
*/
export async function discoverApiOn(
	client: ShadowClient,
	brokerUrl: string,
	connectWaitMs = 3000,
): Promise<string | undefined> {
	if (isAwsIotCore(brokerUrl)) return undefined;
	if (client.status() !== 'connected') {
		const connected = await new Promise<boolean>((resolve) => {
			const timer = setTimeout(() => {
				stop();
				resolve(false);
			}, connectWaitMs);
			const stop = client.onStatus((status) => {
				if (status !== 'connected') return;
				clearTimeout(timer);
				stop();
				resolve(true);
			});
		});
		if (!connected) return undefined;
	}

	let untap: (() => Promise<void>) | undefined;
	try {
		return await new Promise<string | undefined>((resolve, reject) => {
			const timer = setTimeout(() => {
				resolve(undefined);
			}, waitMs);
			client
				.tap([discoveryTopic], (message) => {
					if (message.topic !== discoveryTopic || message.sent) return;
					clearTimeout(timer);
					resolve(announcedApi(Buffer.from(message.payload), brokerUrl));
				})
				.then((stop) => {
					untap = stop;
				}, reject);
		});
	} catch {
		return undefined;
	} finally {
		await untap?.().catch(() => undefined);
	}
}
