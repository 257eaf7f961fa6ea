/*
The HTTP API of AWS IoT's data plane (§11): GetThingShadow, UpdateThingShadow,
DeleteThingShadow and ListNamedShadowsForThing, with AWS's paths, status codes,
error bodies and the x-amzn-ErrorType header that AWS's SDKs read to name the
error. Every request goes through the same queue, engine and store as MQTT.
*/
import {randomUUID} from 'node:crypto';
import {
	createServer,
	type IncomingMessage,
	type ServerResponse,
} from 'node:http';
import {createServer as createHttpsServer} from 'node:https';
import type {AddressInfo, Socket} from 'node:net';
import type {Duplex} from 'node:stream';
import {TLSSocket} from 'node:tls';
import type {Logger} from '../log/logger.js';
import {
	exceptionNames,
	messages,
	reject,
	type Rejection,
} from '../shadow/errors.js';
import {checkShadowName, checkThingName} from '../shadow/names.js';
import type {Operation, ShadowAddress} from '../shadow/topics.js';
import {
	describePrincipal,
	type AccessControl,
	type Principal,
} from '../security/access-control.js';
import {
	resources,
	type PolicyAction,
	type PolicyResource,
} from '../security/policy.js';
import {tlsServerOptions, urlHost, type TlsFiles} from './embedded-broker.js';
import type {ShadowService} from './shadow-service.js';
import {
	parsePublishRequest,
	publishPath,
	publishedBody,
} from './http-publish.js';
import {historyPage, historyPath, parseHistoryQuery} from './journal-route.js';
import {refuseUpgrade, type WebSocketAcceptor} from './mqtt-websocket.js';
import {
	signatureOf,
	signedRequestOf,
	type SignedRequest,
} from '../security/sigv4-verify.js';
import {createIndexRoute, indexRoutes} from './fleet-index-route.js';
import type {Search} from './fleet-search.js';

export type HttpApi = {
	readonly url: string;
	/** Serves a connection that another listener accepted over TLS (the ALPN port's HTTPS). */
	acceptTls(socket: TLSSocket): void;
	close(): Promise<void>;
};

/** A client's publish, as the broker takes it from the HTTP Publish API. */
export type PublishAs = (
	topic: string,
	payload: Buffer,
	options: {readonly qos: 0 | 1; readonly retain: boolean},
) => Promise<void>;

type Reply = {
	readonly status: number;
	readonly body: unknown;
	readonly errorType?: string;
	/** Close the connection after the reply (the rest of a refused body is not read). */
	readonly close?: boolean;
};

const shadowPath = /^\/things\/([^/]*)\/shadow\/?$/;
const listPath =
	/^\/api\/things\/shadow\/ListNamedShadowsForThing\/([^/]*)\/?$/;

/**
What one HTTP client may hold: a request's headers must arrive within 10 s
and the whole request within 30 s, an idle keep-alive connection is closed
after 5 s (Node's default), headers are at most 16 KB, bodies at most the
shadow service's request limit (128 KB).
*/
export const defaultHttpBounds: HttpBounds = Object.freeze({
	headersTimeout: 10_000,
	requestTimeout: 30_000,
	keepAliveTimeout: 5000,
	maxHeaderSize: 16 * 1024,
	maxConnections: 10_000,
	// How often Node looks for requests past their timeouts.
	connectionsCheckingInterval: 1000,
});

export type HttpBounds = {
	readonly headersTimeout: number;
	readonly requestTimeout: number;
	readonly keepAliveTimeout: number;
	readonly maxHeaderSize: number;
	readonly maxConnections: number;
	readonly connectionsCheckingInterval: number;
};
const methods: Readonly<Record<string, Operation>> = {
	GET: 'get',
	POST: 'update',
	DELETE: 'delete',
};
const actions: Readonly<Record<Operation, PolicyAction>> = {
	get: 'iot:GetThingShadow',
	update: 'iot:UpdateThingShadow',
	delete: 'iot:DeleteThingShadow',
};

export async function startHttpApi(options: {
	readonly service: ShadowService;
	readonly host: string;
	readonly port: number;
	readonly clock: () => number;
	/** HTTPS with this certificate (and client certificates when it has a CA). */
	readonly tls?: TlsFiles;
	readonly access: AccessControl;
	readonly bounds?: HttpBounds;
	/** MQTT over WebSocket at /mqtt on this port, as on AWS IoT Core (the embedded broker's). */
	readonly webSocket?: WebSocketAcceptor;
	/** The iot-data Publish API: how a message reaches the broker. */
	readonly publish: PublishAs;
	/** Fleet Indexing (SearchIndex and the aggregations) over the store. */
	readonly search?: Search;
	readonly log: Logger;
}): Promise<HttpApi> {
	const {service, log, access} = options;
	const {limits} = service.options;
	const answerIndex = createIndexRoute();
	// One authentication per connection and Authorization header: scrypt is slow on purpose.
	// Each request still asks whether the principal is current (a lookup, no scrypt), so a
	// revocation or a password change reaches keep-alive connections opened before it.
	const sessions = new WeakMap<
		Socket,
		{authorization: string | undefined; principal: Principal}
	>();

	async function principalOf(
		request: IncomingMessage,
	): Promise<Principal | Rejection | Reply> {
		const {socket} = request;
		const authorization = request.headers.authorization;
		// Each SigV4 request has its own signature: checked every time, never cached by connection.
		const signed = access.identitiesRequired
			? await signedRequestWithBody(request, limits.maxRequestBytes)
			: undefined;
		if (signed === 'too large')
			return {
				...errorReply(reject(413, messages.payloadTooLarge)),
				close: true,
			};
		const known = signed ? undefined : sessions.get(socket);
		if (known && known.authorization === authorization) {
			if (access.isCurrent(known.principal)) return known.principal;
			sessions.delete(socket);
			log.warn('HTTP connection signed in again: its credentials changed', {
				remoteAddress: socket.remoteAddress,
				principal: describePrincipal(known.principal),
			});
		}

		const credentials = basicCredentials(authorization);
		const result = await access.authenticate({
			remoteAddress: socket.remoteAddress,
			...(socket instanceof TLSSocket ? {tls: socket} : {}),
			...(signed ? {signed, signedFor: httpSigningServices} : {}),
			...credentials,
		});
		if (!result.ok) {
			log.warn('HTTP request refused', {
				remoteAddress: socket.remoteAddress,
				reason: result.reason,
			});
			// AWS answers throttling with 429 ThrottlingException.
			if (result.retryAfterSeconds !== undefined)
				return reject(429, messages.tooManyRequests);
			return result.signature
				? {
						status: result.signature.status,
						body: {message: result.signature.message},
						errorType: result.signature.errorType,
					}
				: reject(401, messages.unauthorized);
		}

		if (!signed)
			sessions.set(socket, {authorization, principal: result.principal});
		return result.principal;
	}

	async function handle(request: IncomingMessage): Promise<Reply> {
		const principal = await principalOf(request);
		if ('status' in principal) return principal;
		if ('code' in principal) return errorReply(principal);
		const granted = access.accessFor(principal);
		const forbidden = (
			action: PolicyAction,
			resource: PolicyResource,
		): Reply | undefined => {
			if (granted.allows(action, resource)) return undefined;
			log.warn('HTTP request forbidden by policy', {
				principal: describePrincipal(principal),
				action,
				resource,
				decision: granted.explain(action, resource),
			});
			return errorReply(reject(403, messages.forbidden));
		};

		const url = new URL(request.url ?? '/', 'http://localhost');
		const published = publishPath.exec(url.pathname);
		if (published) {
			if (request.method !== 'POST')
				return errorReply(reject(405, 'Method Not Allowed'));
			return publishFrom(request, published[1] ?? '', url, forbidden);
		}

		const list = listPath.exec(url.pathname);
		if (list) {
			if (request.method !== 'GET')
				return errorReply(reject(405, 'Method Not Allowed'));
			const thingName = decode(list[1] ?? '');
			return (
				forbidden('iot:ListNamedShadowsForThing', resources.thing(thingName)) ??
				listNamed(thingName, url.searchParams)
			);
		}

		const indexRoute = indexRoutes[url.pathname];
		if (indexRoute) {
			if (request.method !== 'POST')
				return errorReply(reject(405, 'Method Not Allowed'));
			const {search} = options;
			if (!search) return errorReply(reject(404, 'Not Found'));
			const body = await readBody(request, limits.maxRequestBytes);
			if (body === undefined)
				return {
					...errorReply(reject(413, messages.payloadTooLarge)),
					close: true,
				};
			return answerIndex(indexRoute, body, {search, granted});
		}

		const history = historyPath.exec(url.pathname);
		if (history) {
			if (request.method !== 'GET')
				return errorReply(reject(405, 'Method Not Allowed'));
			const address = addressOf(decode(history[1] ?? ''), url.searchParams);
			if ('code' in address) return errorReply(address);
			return (
				forbidden('iot:GetThingShadow', resources.thing(address.thingName)) ??
				readHistory(address, url.searchParams)
			);
		}

		const shadow = shadowPath.exec(url.pathname);
		if (!shadow) return errorReply(reject(404, 'Not Found'));
		const operation = methods[request.method ?? ''];
		if (!operation) return errorReply(reject(405, 'Method Not Allowed'));

		const address = addressOf(decode(shadow[1] ?? ''), url.searchParams);
		if ('code' in address) return errorReply(address);
		const refusal = forbidden(
			actions[operation],
			resources.thing(address.thingName),
		);
		if (refusal) return refusal;
		const body =
			operation === 'update'
				? await readBody(request, limits.maxRequestBytes)
				: Buffer.alloc(0);
		if (body === undefined)
			return {
				...errorReply(reject(413, messages.payloadTooLarge)),
				close: true,
			};

		const outcome = await service.request(address, operation, body, {
			principal: describePrincipal(principal),
		});
		return outcome.ok
			? {status: 200, body: outcome.accepted}
			: errorReply(outcome.rejection);
	}

	async function publishFrom(
		request: IncomingMessage,
		encodedTopic: string,
		url: URL,
		forbidden: (
			action: PolicyAction,
			resource: PolicyResource,
		) => Reply | undefined,
	): Promise<Reply> {
		const parsed = parsePublishRequest(encodedTopic, url.searchParams);
		if ('code' in parsed) return errorReply(parsed);
		const refusal = forbidden('iot:Publish', resources.topic(parsed.topic));
		if (refusal) return refusal;

		const body = await readBody(request, limits.maxRequestBytes);
		if (body === undefined)
			return {
				...errorReply(reject(413, messages.payloadTooLarge)),
				close: true,
			};
		await options.publish(parsed.topic, body, parsed);
		return {status: 200, body: publishedBody(randomUUID())};
	}

	function listNamed(thingName: string, query: URLSearchParams): Reply {
		const nameProblem = checkThingName(thingName, limits);
		if (nameProblem) return errorReply(nameProblem);
		const pageSizeText = query.get('pageSize');
		const pageSize =
			pageSizeText === null ? limits.listPageSizeDefault : Number(pageSizeText);
		if (
			!Number.isInteger(pageSize) ||
			pageSize < 1 ||
			pageSize > limits.listPageSizeMax
		) {
			return errorReply(
				reject(400, `pageSize must be between 1 and ${limits.listPageSizeMax}`),
			);
		}

		const token = query.get('nextToken');
		const after =
			token === null ? '' : Buffer.from(token, 'base64url').toString('utf8');
		if (token !== null && (after === '' || checkShadowName(after, limits))) {
			return errorReply(reject(400, 'Invalid nextToken'));
		}

		const names = service.listNamedShadows(thingName, after, pageSize + 1);
		const results = names.slice(0, pageSize);
		const nextToken =
			names.length > pageSize
				? Buffer.from(results.at(-1) ?? '').toString('base64url')
				: undefined;
		return page(results, nextToken);
	}

	function readHistory(address: ShadowAddress, query: URLSearchParams): Reply {
		const {journal} = service;
		if (!journal)
			return errorReply(
				reject(
					404,
					'This service keeps no version journal (serve --history-versions 0)',
				),
			);
		const parsed = parseHistoryQuery(address, query);
		if ('code' in parsed) return errorReply(parsed);
		// One more than the page says whether there is a next one.
		const entries = journal.read({...parsed, limit: parsed.limit + 1});
		return {
			status: 200,
			body: historyPage(entries, parsed.limit, journal.retention),
		};
	}

	/** A page of a listing, as ListNamedShadowsForThing shapes it. */
	function page(results: unknown[], nextToken: string | undefined): Reply {
		return {
			status: 200,
			body: {
				results,
				...(nextToken ? {nextToken} : {}),
				timestamp: options.clock(),
			},
		};
	}

	function addressOf(
		thingName: string,
		query: URLSearchParams,
	): ShadowAddress | Rejection {
		const shadowName = query.get('name');
		const problem =
			checkThingName(thingName, limits) ??
			(shadowName === null ? undefined : checkShadowName(shadowName, limits));
		return problem ?? {thingName, shadowName: shadowName ?? ''};
	}

	const onRequest = (request: IncomingMessage, response: ServerResponse) => {
		handle(request).then(
			(reply) => {
				send(response, reply);
			},
			(error: unknown) => {
				log.error('HTTP request failed', {
					error: String(error),
					url: request.url,
				});
				send(response, errorReply(reject(500, messages.internalFailure)));
			},
		);
	};

	const {maxConnections, ...bounds} = options.bounds ?? defaultHttpBounds;
	const serverOptions = {noDelay: true, ...bounds};
	const server = options.tls
		? createHttpsServer(
				{...tlsServerOptions(options.tls), ...serverOptions},
				onRequest,
			)
		: createServer(serverOptions, onRequest);
	server.maxConnections = maxConnections;
	// Sockets that stop talking mid-request are closed, not kept forever.
	server.timeout = bounds.requestTimeout;
	const {webSocket} = options;
	// Upgraded sockets leave the HTTP server's bookkeeping, yet keep close() waiting: they are destroyed there.
	const upgraded = new Set<Duplex>();
	const onUpgrade = (
		request: IncomingMessage,
		socket: Duplex,
		head: Buffer,
	) => {
		upgraded.add(socket);
		socket.once('close', () => upgraded.delete(socket));
		if (webSocket) webSocket(request, socket, head);
		else refuseUpgrade(socket);
	};

	server.on('upgrade', onUpgrade);
	// Connections the ALPN listener hands over are already TLS: a plain HTTP server serves them.
	const handedOver = createServer(serverOptions, onRequest);
	handedOver.timeout = bounds.requestTimeout;
	handedOver.on('upgrade', onUpgrade);
	const handedOverSockets = new Set<TLSSocket>();

	const port = await new Promise<number>((resolve, fail) => {
		server.once('error', (error: NodeJS.ErrnoException) => {
			fail(
				error.code === 'EADDRINUSE'
					? new Error(
							`port ${options.port} on ${options.host} is already in use`,
						)
					: error,
			);
		});
		server.listen(options.port, options.host, () => {
			resolve((server.address() as AddressInfo).port);
		});
	});

	return {
		url: `${options.tls ? 'https' : 'http'}://${urlHost(options.host)}:${port}`,
		acceptTls(socket) {
			handedOverSockets.add(socket);
			socket.once('close', () => handedOverSockets.delete(socket));
			handedOver.emit('connection', socket);
		},
		async close() {
			for (const socket of [...handedOverSockets, ...upgraded])
				socket.destroy();
			server.closeAllConnections();
			await new Promise<void>((resolve) => {
				server.close(() => {
					resolve();
				});
			});
		},
	};
}

function decode(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		// A malformed escape cannot be a valid name; the name check refuses it.
		return segment;
	}
}

/** The body, or undefined when it is larger than the limit (the rest is not buffered). */
/** Bodies already read, by request: a signed request's is read before authentication, then used by its route. */
const bodiesRead = new WeakMap<IncomingMessage, Buffer>();

async function readBody(
	request: IncomingMessage,
	limit: number,
): Promise<Buffer | undefined> {
	const early = bodiesRead.get(request);
	if (early) return early.byteLength > limit ? undefined : early;
	const declared = Number(request.headers['content-length'] ?? 0);
	if (declared > limit) return undefined;
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of request) {
		const buffer = chunk as Buffer;
		size += buffer.byteLength;
		if (size > limit) {
			request.resume();
			return undefined;
		}

		chunks.push(buffer);
	}

	const body = Buffer.concat(chunks);
	bodiesRead.set(request, body);
	return body;
}

function errorReply(rejection: Rejection): Reply {
	return {
		status: rejection.code,
		body: {message: rejection.message},
		errorType: exceptionNames[rejection.code],
	};
}

function send(response: ServerResponse, reply: Reply): void {
	if (response.headersSent) {
		response.destroy();
		return;
	}

	const text = JSON.stringify(reply.body);
	response.writeHead(reply.status, {
		'content-type': 'application/json',
		'content-length': Buffer.byteLength(text),
		'x-amzn-RequestId': randomUUID(),
		...(reply.errorType ? {'x-amzn-ErrorType': reply.errorType} : {}),
		...(reply.close ? {connection: 'close'} : {}),
	});
	response.end(text);
}

function basicCredentials(authorization: string | undefined): {
	username?: string;
	password?: string;
} {
	const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
	if (!match) return {};
	const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	return colon === -1
		? {username: decoded}
		: {username: decoded.slice(0, colon), password: decoded.slice(colon + 1)};
}

/** Scopes a signature over HTTP may have: iot-data, and the control plane served on the same port. */
const httpSigningServices = ['iotdata', 'iot'];

/**
The request as its SigV4 signature covers it, the body read (bounded) so its
hash can be checked; undefined when it is not signed.
*/
async function signedRequestWithBody(
	request: IncomingMessage,
	limit: number,
): Promise<SignedRequest | 'too large' | undefined> {
	const bare = signedRequestOf(request, Buffer.alloc(0));
	if (signatureOf(bare) === undefined) return undefined;
	const body = await readBody(request, limit);
	return body === undefined ? 'too large' : {...bare, body};
}
