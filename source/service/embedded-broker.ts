/*
The embedded MQTT broker: aedes behind a TCP (or TLS) listener and an optional
WebSocket listener, bound to 127.0.0.1 unless the user names another host.
Nagle is off on every socket: with it, each QoS 1 round trip costs ~44-88 ms
(stack-notes §6). With a client CA, TLS is mutual and a client without a
certificate signed by it never reaches MQTT, as on AWS IoT Core.
*/
import {randomUUID} from 'node:crypto';
import {
	createServer as createHttpServer,
	type Server as HttpServer,
} from 'node:http';
import {
	createServer as createNetServer,
	type AddressInfo,
	type Server as NetServer,
} from 'node:net';
import {createServer as createTlsServer, type TLSSocket} from 'node:tls';
import {Aedes, type Client} from 'aedes';
import {WebSocketServer, createWebSocketStream} from 'ws';
import type {Logger} from '../log/logger.js';
import {awsLimits} from '../shadow/limits.js';
import {parseShadowTopic} from '../shadow/topics.js';

export type TlsFiles = {
	readonly cert: Buffer | string;
	readonly key: Buffer | string;
	/** When present, clients must present a certificate signed by this CA. */
	readonly ca?: Buffer | string;
};

export type EmbeddedBrokerOptions = {
	readonly host: string;
	readonly port: number;
	readonly wsPort?: number;
	readonly tls?: TlsFiles;
	readonly log: Logger;
};

export type EmbeddedBroker = {
	readonly aedes: Aedes;
	readonly mqttUrl: string;
	readonly wsUrl?: string;
	/** Publishes from inside the broker process, as the shadow service. */
	publish(topic: string, payload: Buffer): void;
	/** Receives every message on a topic filter, inside the broker process. */
	subscribe(
		filter: string,
		onMessage: (topic: string, payload: Buffer) => void,
	): Promise<void>;
	close(): Promise<void>;
};

/** Where client publishes to service-only topics go: nothing can subscribe to it. */
const sinkTopic = '$shadow-tui/dropped';

export async function startEmbeddedBroker(
	options: EmbeddedBrokerOptions,
): Promise<EmbeddedBroker> {
	const {log} = options;
	const aedes = await Aedes.createBroker({drainTimeout: 10_000});
	aedes.authorizePublish = (client, packet, callback) => {
		if (isServiceOnlyTopic(packet.topic)) {
			// §2.2: reply and event topics are subscribe-only; drop, keep the client connected.
			log.warn('dropped a client publish to a service-only topic', {
				clientId: client?.id,
				topic: packet.topic,
			});
			packet.topic = sinkTopic;
		} else if (packet.topic.startsWith('$SYS/')) {
			callback(new Error('$SYS/ topics are reserved'));
			return;
		}

		callback(null);
	};

	aedes.authorizeSubscribe = (_client, subscription, callback) => {
		callback(
			null,
			subscription.topic.startsWith('$shadow-tui/') ? null : subscription,
		);
	};

	aedes.on('clientError', (client, error) => {
		log.info('client error', {clientId: client.id, error: error.message});
	});
	aedes.on('connectionError', (client, error) => {
		log.info('connection error', {clientId: client.id, error: error.message});
	});

	const presence = startPresenceEvents(aedes);
	const servers: (NetServer | HttpServer)[] = [];
	try {
		const mqttServer = options.tls
			? tlsServer(aedes, options.tls, log)
			: tcpServer(aedes);
		servers.push(mqttServer);
		const mqttPort = await listen(mqttServer, options.host, options.port);
		let wsUrl: string | undefined;
		if (options.wsPort !== undefined) {
			const httpServer = wsServer(aedes, log);
			servers.push(httpServer);
			const wsPort = await listen(httpServer, options.host, options.wsPort);
			wsUrl = `ws://${urlHost(options.host)}:${wsPort}`;
		}

		return {
			aedes,
			mqttUrl: `${options.tls ? 'mqtts' : 'mqtt'}://${urlHost(options.host)}:${mqttPort}`,
			...(wsUrl ? {wsUrl} : {}),
			publish(topic, payload) {
				aedes.publish(
					{cmd: 'publish', topic, payload, qos: 1, retain: false, dup: false},
					(error) => {
						if (error)
							log.error('publish failed', {topic, error: error.message});
					},
				);
			},
			async subscribe(filter, onMessage) {
				await new Promise<void>((resolve) => {
					aedes.subscribe(
						filter,
						(packet, done) => {
							onMessage(
								packet.topic,
								Buffer.isBuffer(packet.payload)
									? packet.payload
									: Buffer.from(packet.payload),
							);
							done();
						},
						resolve,
					);
				});
			},
			async close() {
				presence.stop();
				await closeAll(aedes, servers);
			},
		};
	} catch (error: unknown) {
		await closeAll(aedes, servers);
		throw error;
	}
}

function isServiceOnlyTopic(topic: string): boolean {
	if (topic.startsWith('$aws/events/')) return true;
	const parsed = parseShadowTopic(topic, awsLimits);
	return parsed.kind !== 'other' && parsed.topic.reply !== undefined;
}

function tcpServer(aedes: Aedes): NetServer {
	return createNetServer({noDelay: true}, (socket) => {
		aedes.handle(socket);
	});
}

function tlsServer(aedes: Aedes, files: TlsFiles, log: Logger): NetServer {
	const server = createTlsServer(
		{
			cert: files.cert,
			key: files.key,
			...(files.ca
				? {ca: files.ca, requestCert: true, rejectUnauthorized: true}
				: {}),
		},
		(socket: TLSSocket) => {
			socket.setNoDelay(true);
			aedes.handle(socket);
		},
	);
	server.on('tlsClientError', (error, socket) => {
		log.info('TLS handshake refused', {
			error: error.message,
			remoteAddress: socket.remoteAddress,
		});
	});
	return server;
}

function wsServer(aedes: Aedes, log: Logger): HttpServer {
	const server = createHttpServer((_request, response) => {
		response
			.writeHead(426, {'content-type': 'text/plain'})
			.end('MQTT over WebSocket only\n');
	});
	const wss = new WebSocketServer({server});
	wss.on('connection', (socket, request) => {
		const stream = createWebSocketStream(socket);
		stream.on('error', (error) => {
			log.info('websocket error', {error: error.message});
		});
		aedes.handle(stream, request);
	});
	return server;
}

async function listen(
	server: NetServer | HttpServer,
	host: string,
	port: number,
): Promise<number> {
	await new Promise<void>((resolve, reject) => {
		const onError = (error: NodeJS.ErrnoException) => {
			reject(
				error.code === 'EADDRINUSE'
					? new Error(`port ${port} on ${host} is already in use`)
					: error,
			);
		};

		server.once('error', onError);
		server.listen(port, host, () => {
			server.off('error', onError);
			resolve();
		});
	});
	return (server.address() as AddressInfo).port;
}

async function closeAll(
	aedes: Aedes,
	servers: readonly (NetServer | HttpServer)[],
): Promise<void> {
	await new Promise<void>((resolve) => {
		aedes.close(resolve);
	});
	await Promise.all(
		servers.map(
			async (server) =>
				new Promise<void>((resolve) => {
					if ('closeAllConnections' in server) server.closeAllConnections();
					server.close(() => {
						resolve();
					});
				}),
		),
	);
}

export function urlHost(host: string): string {
	return host.includes(':') ? `[${host}]` : host;
}

/*
AWS IoT lifecycle events: $aws/events/presence/connected|disconnected/CLIENTID
with AWS's payload fields, so a console can tell whether a device is online.
*/
function startPresenceEvents(aedes: Aedes): {stop(): void} {
	const versions = new Map<string, number>();
	const sessions = new WeakMap<Client, string>();
	let stopped = false;

	const emit = (
		client: Client,
		eventType: 'connected' | 'disconnected',
		extra: Record<string, unknown>,
	) => {
		if (stopped) return;
		const versionNumber = versions.get(client.id) ?? 0;
		const payload = {
			clientId: client.id,
			timestamp: Date.now(),
			eventType,
			sessionIdentifier: sessions.get(client) ?? randomUUID(),
			principalIdentifier: principalOf(client),
			...extra,
			versionNumber,
		};
		aedes.publish(
			{
				cmd: 'publish',
				topic: `$aws/events/presence/${eventType}/${client.id}`,
				payload: Buffer.from(JSON.stringify(payload)),
				qos: 1,
				retain: false,
				dup: false,
			},
			() => undefined,
		);
	};

	const onReady = (client: Client) => {
		sessions.set(client, randomUUID());
		versions.set(client.id, (versions.get(client.id) ?? -1) + 1);
		emit(client, 'connected', {
			ipAddress: (client.conn as {remoteAddress?: string}).remoteAddress ?? '',
		});
	};

	const onDisconnect = (client: Client) => {
		const clean =
			(client as unknown as {_disconnected?: boolean})._disconnected === true;
		emit(client, 'disconnected', {
			clientInitiatedDisconnect: clean,
			disconnectReason: clean
				? 'CLIENT_INITIATED_DISCONNECT'
				: 'CONNECTION_LOST',
		});
	};

	aedes.on('clientReady', onReady);
	aedes.on('clientDisconnect', onDisconnect);
	return {
		stop() {
			stopped = true;
			aedes.off('clientReady', onReady);
			aedes.off('clientDisconnect', onDisconnect);
		},
	};
}

function principalOf(client: Client): string {
	const socket = client.conn as Partial<TLSSocket>;
	// getPeerCertificate() returns {} when the client sent none, whatever its type says.
	const certificate = socket.getPeerCertificate?.() as
		{fingerprint256?: string} | undefined;
	return (
		certificate?.fingerprint256?.replaceAll(':', '').toLowerCase() ??
		'anonymous'
	);
}
