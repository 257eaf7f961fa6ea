/*
One way to open an mqtt.js connection for every part of shadow-tui: TLS files,
a unique client id, a SigV4-presigned WebSocket URL made afresh for every
(re)connection, mqtt.js's debug output routed to our logger, and Nagle
turned off on every (re)connected socket, since mqtt.js never does it and each
QoS 1 round trip would otherwise wait ~40 ms (stack-notes §6).
*/
import {randomBytes} from 'node:crypto';
import {connect, type IClientOptions, type MqttClient} from 'mqtt';
import type {Logger} from '../log/logger.js';

export type MqttConnection = {
	readonly url: string;
	readonly clientId?: string;
	readonly cert?: Buffer | string;
	readonly key?: Buffer | string;
	readonly ca?: Buffer | string;
	/** ALPN protocols, for AWS IoT Core's certificate authentication on port 443. */
	readonly alpnProtocols?: string[];
	readonly username?: string;
	readonly password?: string;
	/**
	MQTT over WebSocket with a presigned URL (signed-websocket.ts): called with
	the URL before every WebSocket mqtt.js opens, so each reconnection carries a
	fresh signature. Synchronous, as mqtt.js's transformWsUrl is.
	*/
	readonly signUrl?: (url: string) => string;
	readonly will?: IClientOptions['will'];
	readonly keepalive?: number;
	/** ms between reconnect attempts; 0 turns reconnecting off. */
	readonly reconnectPeriod?: number;
	readonly connectTimeout?: number;
};

export function generateClientId(prefix = 'shadow-tui'): string {
	return `${prefix}-${randomBytes(6).toString('hex')}`;
}

export function setNoDelay(client: MqttClient): void {
	const stream = client.stream as
		{setNoDelay?: (on: boolean) => void} | undefined;
	stream?.setNoDelay?.(true);
}

/**
Starts a connection and returns at once: the client connects (and reconnects)
in the background. connectMqtt waits for the first CONNACK instead.
*/
export function openMqtt(connection: MqttConnection, log?: Logger): MqttClient {
	const options: IClientOptions = {
		clientId: connection.clientId ?? generateClientId(),
		protocolVersion: 4,
		clean: true,
		reconnectPeriod: connection.reconnectPeriod ?? 1000,
		connectTimeout: connection.connectTimeout ?? 10_000,
		keepalive: connection.keepalive ?? 30,
		log: (...args: unknown[]) => {
			log?.debug('mqtt', {detail: args.map(String).join(' ')});
		},
		...(connection.cert ? {cert: connection.cert} : {}),
		...(connection.key ? {key: connection.key} : {}),
		...(connection.ca ? {ca: connection.ca} : {}),
		...(connection.alpnProtocols
			? {ALPNProtocols: connection.alpnProtocols}
			: {}),
		...(connection.username === undefined
			? {}
			: {username: connection.username}),
		...(connection.password === undefined
			? {}
			: {password: connection.password}),
		...(connection.will ? {will: connection.will} : {}),
		...(connection.signUrl ? {transformWsUrl: connection.signUrl} : {}),
	};
	const client = connect(connection.url, options);
	client.on('connect', () => {
		setNoDelay(client);
	});
	client.on('error', (error) => {
		log?.warn('mqtt error', {url: connection.url, error: error.message});
	});
	return client;
}

export async function connectMqtt(
	connection: MqttConnection,
	log?: Logger,
): Promise<MqttClient> {
	const client = openMqtt(connection, log);
	try {
		await firstConnection(client, connection.connectTimeout ?? 10_000);
	} catch (error: unknown) {
		client.end(true);
		throw error;
	}

	return client;
}

/*
Socket errors that say "not yet" rather than "never": nothing listens yet, the
network is not up, the name server is not answering. Everything else (a TLS
failure such as an unknown CA, a name that does not resolve, a broker that
refuses the client with a CONNACK code) stays the same however often it is
tried. CONNACK 3 is "server unavailable", also a "not yet".
*/
const notYetCodes = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'ECONNABORTED',
	'ETIMEDOUT',
	'EHOSTUNREACH',
	'EHOSTDOWN',
	'ENETUNREACH',
	'ENETDOWN',
	'EAI_AGAIN',
	'EPIPE',
	'EADDRNOTAVAIL',
]);

export function isRetryableConnectError(error: unknown): boolean {
	const code = (error as {code?: unknown} | undefined)?.code;
	if (code === undefined) return true;
	if (typeof code === 'number') return code === 3;
	return typeof code === 'string' && notYetCodes.has(code);
}

/*
mqtt.js's connectAsync never settles when a broker closes the socket without
an error on our side, which is what a TLS 1.3 server does when it refuses a
client certificate after the handshake. So the first connection is awaited
here: CONNACK, an error, an early close, or the timeout.
*/
async function firstConnection(
	client: MqttClient,
	timeoutMs: number,
): Promise<void> {
	await new Promise<void>((resolve, reject) => {
		const settle = (error?: Error) => {
			clearTimeout(timer);
			client.off('connect', onConnect);
			client.off('error', settle);
			client.off('close', onClose);
			if (error) reject(error);
			else resolve();
		};

		const onConnect = () => {
			settle();
		};

		const onClose = () => {
			settle(
				new Error(
					'the broker closed the connection before accepting it (a refused client certificate, or a service that serves only clients on its own machine?)',
				),
			);
		};

		const timer = setTimeout(() => {
			settle(new Error(`no answer from the broker within ${timeoutMs} ms`));
		}, timeoutMs);
		client.on('connect', onConnect);
		client.on('error', settle);
		client.on('close', onClose);
	});
}
