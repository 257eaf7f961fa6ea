/*
The embedded MQTT broker: aedes behind a TCP (or TLS) listener and an optional
WebSocket listener, bound to 127.0.0.1 unless the user names another host.
Nagle is off on every socket: with it, each QoS 1 round trip costs ~44-88 ms
(stack-notes §6). Who may connect and what each client may publish,
subscribe to and receive is decided by the access control (policies, as on
AWS IoT Core); a plain (non-TLS) listener serves loopback clients only.
*/
import {
	createServer as createHttpServer,
	type IncomingMessage,
	type Server as HttpServer,
} from 'node:http';
import {
	createServer as createNetServer,
	type AddressInfo,
	type Server as NetServer,
} from 'node:net';
import type {Duplex} from 'node:stream';
import {
	createServer as createTlsServer,
	type TLSSocket,
	type TlsOptions,
} from 'node:tls';
import {Aedes, type AuthenticateError, type Client} from 'aedes';
import {WebSocketServer, createWebSocketStream} from 'ws';
import type {Logger} from '../log/logger.js';
import {
	describePrincipal,
	type AccessControl,
	type Principal,
} from '../security/access-control.js';
import {isLoopback} from '../security/loopback.js';
import {resources, type Access, type PolicyAction} from '../security/policy.js';
import {awsLimits} from '../shadow/limits.js';
import {parseShadowTopic} from '../shadow/topics.js';
import {
	startPresenceEvents,
	type PresenceRecording,
} from './presence-events.js';
import {
	createSubscriptionCounter,
	defaultBrokerLimits,
	guardPackets,
	unreadBytes,
	type BrokerLimits,
} from './broker-limits.js';

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
	const {access} = options;
	const limits = options.limits ?? defaultBrokerLimits;
	const aedes = await Aedes.createBroker({drainTimeout: 10_000});
	const subscriptions = createSubscriptionCounter(
		limits.maxSubscriptionsPerConnection,
	);
	const connections = new WeakMap<object, Omit<ConnectionOrigin, 'conn'>>();
	const grants = new WeakMap<Client, {principal: Principal; access: Access}>();

	const allowed = (client: Client, action: PolicyAction, resource: string) =>
		grants.get(client)?.access.allows(action, resource) ?? false;

	aedes.authenticate = (client, username, password, done) => {
		const origin = connections.get(client.conn);
		access
			.authenticate({
				remoteAddress: origin?.remoteAddress,
				...(origin?.tls ? {tls: origin.tls} : {}),
				...(username === undefined ? {} : {username}),
				...(password === undefined ? {} : {password: password.toString()}),
			})
			.then(
				(result) => {
					if (!result.ok) {
						log.warn('connection refused', {
							clientId: client.id,
							remoteAddress: origin?.remoteAddress,
							reason: result.reason,
						});
						done(refusal(result.code, result.reason), false);
						return;
					}

					const granted = access.accessFor(result.principal, client.id);
					if (!granted.allows('iot:Connect', resources.client(client.id))) {
						log.warn('connection refused by policy', {
							clientId: client.id,
							principal: describePrincipal(result.principal),
						});
						done(refusal(5, 'not authorized'), false);
						return;
					}

					// The credentials may have changed while the password was checked.
					if (!access.isCurrent(result.principal)) {
						done(refusal(5, 'credentials changed while signing in'), false);
						return;
					}

					grants.set(client, {principal: result.principal, access: granted});
					done(null, true);
				},
				(error: unknown) => {
					log.error('authentication failed', {error: String(error)});
					done(refusal(3, 'server unavailable'), false);
				},
			);
	};

	aedes.authorizePublish = (client, packet, callback) => {
		if (client && oversized(packet)) {
			log.warn('closed a connection: payload too large', {
				clientId: client.id,
				topic: packet.topic,
				payloadBytes: packet.payload.length,
				limitBytes: limits.maxPayloadBytes,
			});
			callback(new Error('payload too large'));
			return;
		}

		const refusal = client ? publishRefusal(client, packet) : undefined;
		if (refusal && client) {
			// MQTT 3.1.1 has no negative PUBACK: the message is acknowledged and
			// dropped, and the client stays connected.
			log.warn(`dropped ${refusal}`, {
				clientId: client.id,
				principal: principalName(grants.get(client)?.principal),
				topic: packet.topic,
				retain: packet.retain,
			});
			packet.topic = sinkTopic;
			packet.retain = false;
		}

		callback(null);
	};

	/** Over the limit, and not a shadow request that the service answers with 413. */
	function oversized(packet: {
		topic: string;
		payload: Buffer | string;
	}): boolean {
		if (packet.payload.length <= limits.maxPayloadBytes) return false;
		const parsed = parseShadowTopic(packet.topic, awsLimits);
		return parsed.kind === 'other' || parsed.topic.reply !== undefined;
	}

	function publishRefusal(
		client: Client,
		packet: {topic: string; retain: boolean},
	): string | undefined {
		const {topic} = packet;
		if (topic.startsWith('$SYS/'))
			return "a publish to $SYS/, the broker's topics";
		// §2.2: reply and event topics are subscribe-only.
		if (isServiceOnlyTopic(topic))
			return 'a client publish to a service-only topic';
		if (packet.retain && topic.startsWith('$aws/'))
			return 'a retained publish on a reserved topic (AWS IoT Core refuses them)';
		if (!allowed(client, 'iot:Publish', resources.topic(topic)))
			return 'a publish the policy does not allow';
		return undefined;
	}

	aedes.authorizeSubscribe = (client, subscription, callback) => {
		if (subscription.topic.startsWith('$shadow-tui/')) {
			callback(null, null);
			return;
		}

		if (
			!allowed(
				client,
				'iot:Subscribe',
				resources.topicFilter(subscription.topic),
			)
		) {
			log.warn('refused a subscription the policy does not allow', {
				clientId: client.id,
				principal: principalName(grants.get(client)?.principal),
				topicFilter: subscription.topic,
			});
			callback(null, null);
			return;
		}

		if (!subscriptions.admit(client, subscription.topic)) {
			log.warn('refused a subscription past the limit per connection', {
				clientId: client.id,
				topicFilter: subscription.topic,
				limit: limits.maxSubscriptionsPerConnection,
			});
			callback(null, null);
			return;
		}

		callback(null, subscription);
	};
	aedes.on('unsubscribe', (filters, client) => {
		subscriptions.release(client, filters);
	});

	const slowReaders = new WeakSet<Client>();
	aedes.authorizeForward = (client, packet) => {
		if (!allowed(client, 'iot:Receive', resources.topic(packet.topic)))
			return null;
		if (unreadBytes(client) > limits.maxQueuedBytesPerClient) {
			// A client that stops reading is sent nothing more until it catches up.
			if (!slowReaders.has(client))
				log.warn('dropping messages to a client that does not read them', {
					clientId: client.id,
					unreadBytes: unreadBytes(client),
				});
			slowReaders.add(client);
			return null;
		}

		slowReaders.delete(client);
		return packet;
	};

	const live = new Set<Client>();
	aedes.on('clientReady', (client) => live.add(client));
	aedes.on('clientDisconnect', (client) => live.delete(client));
	// A revoked certificate, or a password changed or removed, ends the sessions it opened.
	access.onCredentialsChange(() => {
		for (const client of live) {
			const grant = grants.get(client);
			if (grant && !access.isCurrent(grant.principal)) {
				log.warn(
					grant.principal.kind === 'user'
						? 'disconnected a client whose password was changed or removed'
						: 'disconnected a client whose certificate was revoked',
					{
						clientId: client.id,
						principal: describePrincipal(grant.principal),
					},
				);
				client.close();
			}
		}
	});

	aedes.on('clientError', (client, error) => {
		log.info('client error', {clientId: client.id, error: error.message});
	});
	aedes.on('connectionError', (client, error) => {
		log.info('connection error', {clientId: client.id, error: error.message});
	});

	let openConnections = 0;
	const handle = (origin: ConnectionOrigin, request?: IncomingMessage) => {
		if (!origin.tls && !isLoopback(origin.remoteAddress)) {
			// Without TLS nothing proves who a remote client is, or keeps its traffic private.
			log.warn('refused a plain connection from beyond this machine', {
				remoteAddress: origin.remoteAddress,
			});
			origin.conn.destroy();
			return;
		}

		if (openConnections >= limits.maxConnections) {
			log.warn('refused a connection past the limit', {
				remoteAddress: origin.remoteAddress,
				limit: limits.maxConnections,
			});
			origin.conn.destroy();
			return;
		}

		openConnections++;
		origin.conn.once('close', () => {
			openConnections--;
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
	const servers: (NetServer | HttpServer)[] = [];
	try {
		const mqttServer = options.tls
			? tlsServer(handle, options.tls, log)
			: tcpServer(handle);
		servers.push(mqttServer);
		const mqttPort = await listen(mqttServer, options.host, options.port);
		let wsUrl: string | undefined;
		if (options.wsPort !== undefined) {
			const httpServer = wsServer(handle, log);
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
				access.close();
				await closeAll(aedes, servers);
			},
		};
	} catch (error: unknown) {
		presence.stop();
		await closeAll(aedes, servers);
		throw error;
	}
}

function isServiceOnlyTopic(topic: string): boolean {
	if (topic.startsWith('$aws/events/')) return true;
	const parsed = parseShadowTopic(topic, awsLimits);
	return parsed.kind !== 'other' && parsed.topic.reply !== undefined;
}

type ConnectionOrigin = {
	readonly conn: Duplex;
	readonly remoteAddress: string | undefined;
	readonly tls?: TLSSocket;
};

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

function wsServer(handle: Handle, log: Logger): HttpServer {
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
		handle(
			{conn: stream, remoteAddress: request.socket.remoteAddress},
			request,
		);
	});
	return server;
}

function refusal(code: 3 | 4 | 5, reason: string): AuthenticateError {
	// eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- aedes' AuthErrorCode is an ambient const enum that isolated modules cannot import; 3-5 are its values.
	return Object.assign(new Error(reason), {returnCode: code});
}

function principalName(principal: Principal | undefined): string {
	return principal ? describePrincipal(principal) : 'unknown';
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
