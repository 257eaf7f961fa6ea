/*
Asks a broker where the shadow service's HTTP API is: a local service
announces it, retained (shadow/discovery.ts). A broker without one (another
broker, an older shadow-tui, AWS IoT Core) says nothing, and then nothing is
guessed: the caller says the address is unknown.
*/
import {announcedApi, discoveryTopic} from '../shadow/discovery.js';
import {connectMqtt, type MqttConnection} from './connect-mqtt.js';

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
