/*
The embedded MQTT broker: aedes behind a TCP (or TLS) listener and an optional
WebSocket listener, bound to 127.0.0.1 unless the user names another host.
Nagle is off on every socket: with it, each QoS 1 round trip costs ~44-88 ms
(stack-notes §6). Who may connect and what each client may publish,
subscribe to and receive is decided by the access control (policies, as on
AWS IoT Core); a plain (non-TLS) listener serves loopback clients only.
A WebSocket upgrade signed with SigV4 (service iotdevicegateway) is
authenticated before it is answered, and its MQTT session is that key's user.
*/
import {
	createServer as createHttpServer,
	type IncomingMessage,
	type Server as HttpServer,
	type ServerResponse,
} from 'node:http';
import {
	createServer as createHttpsServer,
	type Server as HttpsServer,
} from 'node:https';
import {
	createServer as createNetServer,
	type AddressInfo,
	type Server as NetServer,
} from 'node:net';
import type {Duplex} from 'node:stream';
import {
	createServer as createTlsServer,
	TLSSocket,
	type TlsOptions,
} from 'node:tls';
import {Aedes, type Client} from 'aedes';
import {createFlatEmitter} from './flat-emitter.js';
import type {Logger} from '../log/logger.js';
import type {AccessControl, Principal} from '../security/access-control.js';
import {isLoopback} from '../security/loopback.js';
import {signatureOf, signedRequestOf} from '../security/sigv4-verify.js';
import {
	startPresenceEvents,
	type PresenceRecording,
} from './presence-events.js';
import {
	defaultBrokerLimits,
	guardPackets,
	maxPacketBytes,
	type BrokerLimits,
} from './broker-limits.js';
import {installBrokerAccess} from './broker-access.js';
import {installMqtt5Refusal} from './mqtt5-refusal.js';
import {
	mqttWebSocketAcceptor,
	mqttWebSocketPath,
	type UpgradeAdmission,
	type WebSocketAcceptor,
} from './mqtt-websocket.js';

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
	/** Who may connect, and what each client may do. */
	readonly access: AccessControl;
	/** Remember connected clients, so their wills outlive a crash (presence-events.ts). */
	readonly presence?: PresenceRecording;
	/** Default: defaultBrokerLimits (AWS IoT Core's message size). */
	readonly limits?: BrokerLimits;
	readonly log: Logger;
};

export type EmbeddedBroker = {
	readonly aedes: Aedes;
	readonly mqttUrl: string;
	readonly wsUrl?: string;
	/** MQTT over WebSocket for an HTTP server's upgrades (the HTTP API serves it at /mqtt, as AWS does). */
	readonly acceptWebSocket: WebSocketAcceptor;
	/** An MQTT connection that another listener accepted over TLS (the ALPN port). */
	acceptTls(socket: TLSSocket): void;
	/** Publishes from inside the broker process, as the shadow service. */
	publish(topic: string, payload: Buffer): void;
	/** Publishes a client's message that arrived another way (the HTTP Publish API); resolves once the broker has it. */
	publishAs(
		topic: string,
		payload: Buffer,
		options: {readonly qos: 0 | 1; readonly retain: boolean},
	): Promise<void>;
	/** Receives every message on a topic filter, inside the broker process. */
	subscribe(
		filter: string,
		onMessage: (topic: string, payload: Buffer, publisher: Publisher) => void,
	): Promise<void>;
	close(): Promise<void>;
};

/** Who published a message the broker delivers inside the process; empty for its own. */
export type Publisher = {
	readonly clientId?: string;
	readonly principal?: string;
};

export async function startEmbeddedBroker(
	options: EmbeddedBrokerOptions,
): Promise<EmbeddedBroker> {
	const {log} = options;
	const {access} = options;
	const limits = options.limits ?? defaultBrokerLimits;
	const aedes = await Aedes.createBroker({
		drainTimeout: 10_000,
		mq: createFlatEmitter(),
	});
	const connections = new WeakMap<object, Omit<ConnectionOrigin, 'conn'>>();
	const grants = installBrokerAccess(aedes, {
		access,
		limits,
		log,
		originOf: (conn) => connections.get(conn),
	});
	installMqtt5Refusal(aedes, log);

	aedes.on('clientError', (client, error) => {
		log.info('client error', {clientId: client.id, error: error.message});
	});
	aedes.on('connectionError', (client, error) => {
		log.info('connection error', {clientId: client.id, error: error.message});
	});

	// Sockets still open when the broker closes (one that never sent CONNECT, say) are destroyed.
	const open = new Set<Duplex>();
	const handle = (origin: ConnectionOrigin, request?: IncomingMessage) => {
		if (!origin.tls && !isLoopback(origin.remoteAddress)) {
			// Without TLS nothing proves who a remote client is, or keeps its traffic private.
			log.warn('refused a plain connection from beyond this machine', {
				remoteAddress: origin.remoteAddress,
			});
			origin.conn.destroy();
			return;
		}

		if (open.size >= limits.maxConnections) {
			log.warn('refused a connection past the limit', {
				remoteAddress: origin.remoteAddress,
				limit: limits.maxConnections,
			});
			origin.conn.destroy();
			return;
		}

		open.add(origin.conn);
		origin.conn.once('close', () => {
			open.delete(origin.conn);
		});
		connections.set(origin.conn, origin);
		const client = aedes.handle(origin.conn, request);
		guardPackets(client, limits, (violation) => {
			log.warn(`closed a connection: ${violation.reason}`, {
				clientId: client.id,
				remoteAddress: origin.remoteAddress,
				declaredBytes: violation.declared,
				limitBytes: limits.maxPayloadBytes,
			});
			origin.conn.destroy();
		});
	};

	const presence = startPresenceEvents(aedes, {
		log,
		recording: options.presence,
	});
	// aedes stamps a client's publish with its id on the way to subscribers.
	const publisherOf = (packet: object): Publisher => {
		const {clientId} = packet as {clientId?: unknown};
		if (typeof clientId !== 'string') return {};
		// Untyped but stable since aedes 0.x: the broker's connected clients by id.
		const {clients} = aedes as unknown as {
			clients: Record<string, Client | undefined>;
		};
		const client = clients[clientId];
		const principal = client ? grants.principalOf(client) : undefined;
		return principal === undefined ? {clientId} : {clientId, principal};
	};

	const overWebSocket = (
		stream: Duplex,
		request: IncomingMessage,
		principal: Principal | undefined,
	) => {
		const {socket} = request;
		handle(
			{
				conn: stream,
				remoteAddress: socket.remoteAddress,
				...(socket instanceof TLSSocket ? {tls: socket} : {}),
				...(principal ? {principal} : {}),
			},
			request,
		);
	};
	const admit = async (request: IncomingMessage) =>
		admitSignedUpgrade(access, request);

	// The HTTP API's port serves /mqtt only; the --ws-port listener serves MQTT on any path.
	// A whole packet of the largest, with its fixed header.
	const maxMessageBytes = maxPacketBytes(limits) + 5;
	const acceptWebSocket = mqttWebSocketAcceptor(overWebSocket, log, {
		maxMessageBytes,
		admit,
	});
	const wsListener = mqttWebSocketAcceptor(overWebSocket, log, {
		anyPath: true,
		maxMessageBytes,
		admit,
	});
	const servers: (NetServer | HttpServer)[] = [];
	try {
		const mqttServer = options.tls
			? tlsServer(handle, options.tls, log)
			: tcpServer(handle);
		servers.push(mqttServer);
		const mqttPort = await listen(mqttServer, options.host, options.port);
		let wsUrl: string | undefined;
		if (options.wsPort !== undefined) {
			const httpServer = wsServer(wsListener, options.tls);
			servers.push(httpServer);
			const wsPort = await listen(httpServer, options.host, options.wsPort);
			wsUrl = `${options.tls ? 'wss' : 'ws'}://${urlHost(options.host)}:${wsPort}${mqttWebSocketPath}`;
		}

		return {
			aedes,
			mqttUrl: `${options.tls ? 'mqtts' : 'mqtt'}://${urlHost(options.host)}:${mqttPort}`,
			...(wsUrl ? {wsUrl} : {}),
			acceptWebSocket,
			acceptTls(socket) {
				socket.setNoDelay(true);
				handle({
					conn: socket,
					remoteAddress: socket.remoteAddress,
					tls: socket,
				});
			},
			async publishAs(topic, payload, {qos, retain}) {
				await new Promise<void>((resolve, reject) => {
					aedes.publish(
						{cmd: 'publish', topic, payload, qos, retain, dup: false},
						(error) => {
							if (error) reject(error);
							else resolve();
						},
					);
				});
			},
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
								publisherOf(packet),
							);
							done();
						},
						resolve,
					);
				});
			},
			async close() {
				presence.stop();
				acceptWebSocket.close();
				wsListener.close();
				access.close();
				await closeAll(aedes, servers, open);
			},
		};
	} catch (error: unknown) {
		presence.stop();
		acceptWebSocket.close();
		wsListener.close();
		await closeAll(aedes, servers, open);
		throw error;
	}
}

type ConnectionOrigin = {
	readonly conn: Duplex;
	readonly remoteAddress: string | undefined;
	readonly tls?: TLSSocket;
	/** Who signed the WebSocket upgrade. */
	readonly principal?: Principal;
};

/**
An upgrade whose URL (or Authorization header) is signed is authenticated
now, as AWS IoT Core does: a bad signature never reaches MQTT. An unsigned
one, or any without identities configured (loopback is trusted), goes on to
CONNECT as before.
*/
async function admitSignedUpgrade(
	access: AccessControl,
	request: IncomingMessage,
): Promise<UpgradeAdmission> {
	const signed = signedRequestOf(request, Buffer.alloc(0));
	if (!access.identitiesRequired || signatureOf(signed) === undefined)
		return {ok: true};
	const {socket} = request;
	const result = await access.authenticate({
		remoteAddress: socket.remoteAddress,
		...(socket instanceof TLSSocket ? {tls: socket} : {}),
		signed,
		signedFor: ['iotdevicegateway'],
	});
	if (result.ok) return {ok: true, principal: result.principal};
	if (result.retryAfterSeconds !== undefined)
		return {
			ok: false,
			status: 429,
			errorType: 'ThrottlingException',
			message: 'Too Many Requests',
			reason: result.reason,
		};
	return {
		ok: false,
		status: result.signature?.status ?? 403,
		errorType: result.signature?.errorType ?? 'ForbiddenException',
		message: result.signature?.message ?? 'Forbidden',
		reason: result.reason,
	};
}

type Handle = (origin: ConnectionOrigin, request?: IncomingMessage) => void;

function tcpServer(handle: Handle): NetServer {
	return createNetServer({noDelay: true}, (socket) => {
		handle({conn: socket, remoteAddress: socket.remoteAddress});
	});
}

export function tlsServerOptions(files: TlsFiles): TlsOptions {
	return {
		cert: files.cert,
		key: files.key,
		// The handshake asks for a certificate; authentication decides, so a
		// refusal is a CONNACK (or 401) with a reason in the log, not a bare TLS alert.
		...(files.ca ? {ca: files.ca, requestCert: true} : {}),
		rejectUnauthorized: false,
	};
}

function tlsServer(handle: Handle, files: TlsFiles, log: Logger): NetServer {
	const server = createTlsServer(
		tlsServerOptions(files),
		(socket: TLSSocket) => {
			socket.setNoDelay(true);
			handle({conn: socket, remoteAddress: socket.remoteAddress, tls: socket});
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

/** MQTT over WebSocket: plain, or over TLS (wss) with client certificates as for MQTT. */
function wsServer(
	upgrade: WebSocketAcceptor,
	files: TlsFiles | undefined,
): HttpServer | HttpsServer {
	const onRequest = (_request: IncomingMessage, response: ServerResponse) => {
		response
			.writeHead(426, {'content-type': 'text/plain'})
			.end(`MQTT over WebSocket only, at ${mqttWebSocketPath}\n`);
	};

	const server = files
		? createHttpsServer({...tlsServerOptions(files), noDelay: true}, onRequest)
		: createHttpServer({noDelay: true}, onRequest);
	server.on('upgrade', upgrade);
	return server;
}

/** Listens, with the two refusals a user can act on said in their words. */
export async function listen(
	server: NetServer | HttpServer,
	host: string,
	port: number,
): Promise<number> {
	await new Promise<void>((resolve, reject) => {
		const onError = (error: NodeJS.ErrnoException) => {
			reject(
				error.code === 'EADDRINUSE'
					? new Error(`port ${port} on ${host} is already in use`)
					: error.code === 'EACCES'
						? new Error(
								`port ${port} needs privileges to bind (root, CAP_NET_BIND_SERVICE, or sysctl net.ipv4.ip_unprivileged_port_start); choose another port`,
							)
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
	open: ReadonlySet<Duplex>,
): Promise<void> {
	await new Promise<void>((resolve) => {
		aedes.close(resolve);
	});
	for (const conn of open) conn.destroy();
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
