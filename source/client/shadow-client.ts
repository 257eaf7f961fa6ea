/*
A typed client for AWS IoT's Device Shadow protocol over one MQTT connection,
for the local service and for AWS IoT Core alike.

- Requests subscribe to their accepted/rejected topics before publishing (AWS
  requires it), carry a unique clientToken, and settle by that token or time out.
- Per shadow, the newest version seen is kept; delta and documents messages
  older than it are dropped, so a stale state is never shown as current.
- After a reconnect, subscriptions are renewed and every watched shadow is
  fetched again (a `resync` event), because messages sent while offline are lost.
- A client may be opened before the broker is up (openShadowClient): its
  status is `connecting` and it retries until the first CONNACK. A failure
  that retrying cannot fix (a TLS error, a refused CONNACK) ends the attempts:
  status `offline`, with the reason in connectionError().
- Requests made while offline fail at once with ShadowOfflineError rather than
  being queued: a desired state typed minutes ago may no longer be wanted.
  Requests in flight when the connection drops fail the same way.
- A message on a reply topic that cannot be a shadow document (too deep, too
  large, missing what a reply has) is dropped with a logged reason before any
  field of it is read; it settles no request (check-reply.ts).
- An update too deep for JSON.stringify, or holding numbers JSON cannot
  carry, is refused before it is serialised, with AWS's rejection.
*/
import type {MqttClient} from 'mqtt';
import type {Logger} from '../log/logger.js';
import type {JsonObject} from '../shadow/json.js';
import type {
	DeleteAccepted,
	DeltaDocument,
	DocumentsDocument,
	ErrorDocument,
	GetAccepted,
	UpdateAccepted,
} from '../shadow/replies.js';
import type {StatePatch} from '../shadow/request.js';
import {
	addressKey,
	formatShadowTopic,
	parseShadowTopic,
	shortName,
	type Operation,
	type ReplyKind,
	type ShadowAddress,
} from '../shadow/topics.js';
import {messages, tooDeep} from '../shadow/errors.js';
import {shapeOf} from '../shadow/json-shape.js';
import {awsLimits, type ShadowLimits} from '../shadow/limits.js';
import {checkShadowName, checkThingName} from '../shadow/names.js';
import {topicMatches} from '../traffic/topic-filter.js';
import {checkReply, maxReplyBytes} from './check-reply.js';
import {
	connectMqtt,
	isRetryableConnectError,
	openMqtt,
	type MqttConnection,
} from './connect-mqtt.js';
import {
	ShadowOfflineError,
	ShadowRejectedError,
	ShadowTimeoutError,
} from './shadow-errors.js';

export type ConnectionStatus =
	/** Not connected yet: the first connection is being made or retried. */
	'connecting' | 'connected' | 'reconnecting' | 'offline' | 'closed';

export type ShadowEvent =
	| {readonly kind: 'delta'; readonly delta: DeltaDocument}
	| {readonly kind: 'documents'; readonly documents: DocumentsDocument}
	/** The shadow was deleted (its delete/accepted, whoever sent the delete). */
	| {readonly kind: 'deleted'; readonly deleted: DeleteAccepted}
	/** After a reconnect: the shadow as it is now, or undefined when it does not exist. */
	| {readonly kind: 'resync'; readonly shadow: GetAccepted | undefined}
	/** A message on one of the shadow's reply topics was dropped: it cannot be a shadow document. */
	| {
			readonly kind: 'ignored';
			readonly operation: Operation;
			readonly reply: ReplyKind;
			readonly reason: string;
	  };

export type UpdateRequestBody = {
	readonly state: StatePatch | null;
	/** Refuse with 409 unless the shadow is at this version. */
	readonly version?: number;
};

export type ShadowClient = {
	readonly url: string;
	readonly clientId: string;
	status(): ConnectionStatus;
	/** Why the last connection attempt failed, while not connected; undefined once connected. */
	connectionError(): string | undefined;
	onStatus(listener: (status: ConnectionStatus) => void): () => void;
	get(address: ShadowAddress): Promise<GetAccepted>;
	update(
		address: ShadowAddress,
		request: UpdateRequestBody,
	): Promise<UpdateAccepted>;
	delete(address: ShadowAddress): Promise<DeleteAccepted>;
	/** Delta and documents events of one shadow, fresh ones only; returns a function that stops watching. */
	watch(
		address: ShadowAddress,
		listener: (event: ShadowEvent) => void,
	): Promise<() => void>;
	/** The newest version this client has seen for a shadow. */
	newestVersion(address: ShadowAddress): number | undefined;
	/**
	Subscribes once to every thing's replies of an operation (wildcards), so that
	requests to many things need no subscription each: for bulk work.
	*/
	subscribeAllReplies(operation: Operation): Promise<void>;
	/**
	Every message on topics matching the filters, raw, and every request this
	client publishes (sent: true), for the traffic inspector. Rejects with 403
	when the broker refuses a filter; the returned function unsubscribes.
	*/
	tap(
		filters: readonly string[],
		listener: (message: TappedMessage) => void,
	): Promise<() => Promise<void>>;
	/** AWS lifecycle events of one client id: true on connected, false on disconnected. */
	watchPresence(
		clientId: string,
		listener: (online: boolean, at: number) => void,
	): Promise<() => void>;
	close(): Promise<void>;
};

export type TappedMessage = {
	readonly topic: string;
	readonly payload: Uint8Array;
	/** Epoch ms. */
	readonly at: number;
	readonly sent: boolean;
};

const presencePrefix = '$aws/events/presence/';

export type ShadowClientOptions = {
	readonly connection: MqttConnection;
	readonly log?: Logger;
	readonly timeoutMs?: number;
	/** What a shadow document can be (depth, sizes, names); AWS's limits by default. */
	readonly limits?: ShadowLimits;
};

type Pending = {
	readonly operation: Operation;
	readonly key: string;
	readonly resolve: (document: unknown) => void;
	readonly reject: (error: Error) => void;
	readonly timer: NodeJS.Timeout;
};

type Versioned = {version?: number};

export async function connectShadowClient(
	options: ShadowClientOptions,
): Promise<ShadowClient> {
	const mqtt = await connectMqtt(options.connection, options.log);
	return createShadowClient(mqtt, options);
}

/**
A client that need not be connected yet: it resolves once the first attempt
has connected, or has failed in a way that retrying may fix (nothing listens
yet: status `connecting`, retried every reconnectPeriod), or after
firstAttemptMs without an answer. It rejects, closed, when the first attempt
fails for good: a TLS error, a refused CONNACK, a name that does not resolve,
or a broker that closes the connection before accepting it.
*/
export async function openShadowClient(
	options: ShadowClientOptions & {readonly firstAttemptMs?: number},
): Promise<ShadowClient> {
	const mqtt = openMqtt(options.connection, options.log);
	const client = createShadowClient(mqtt, options);
	try {
		await firstAttempt(mqtt, options.firstAttemptMs ?? 5000);
	} catch (error: unknown) {
		await client.close();
		throw error;
	}

	return client;
}

async function firstAttempt(
	mqtt: MqttClient,
	timeoutMs: number,
): Promise<void> {
	await new Promise<void>((resolve, reject) => {
		const settle = (error?: Error) => {
			clearTimeout(timer);
			mqtt.off('connect', onConnect);
			mqtt.off('error', onError);
			mqtt.off('close', onClose);
			if (error) reject(error);
			else resolve();
		};

		const onConnect = () => {
			settle();
		};

		const onError = (error: Error) => {
			settle(isRetryableConnectError(error) ? undefined : error);
		};

		const onClose = () => {
			settle(new Error(closedBeforeConnack));
		};

		const timer = setTimeout(settle, timeoutMs);
		mqtt.on('connect', onConnect);
		mqtt.on('error', onError);
		mqtt.on('close', onClose);
	});
}

const closedBeforeConnack =
	'the broker closed the connection before accepting it (a refused client certificate, or a service that serves only clients on its own machine?)';

export function createShadowClient(
	mqtt: MqttClient,
	options: ShadowClientOptions,
): ShadowClient {
	const log = options.log?.child('client');
	const timeoutMs = options.timeoutMs ?? 10_000;
	const limits = options.limits ?? awsLimits;
	const clientId = mqtt.options.clientId ?? 'shadow-tui';
	const tokenPrefix = clientId.slice(0, 40);
	const pending = new Map<string, Pending>();
	const subscribed = new Map<string, Promise<void>>();
	const coveredOperations = new Set<Operation>();
	const newest = new Map<string, number>();
	const watchers = new Map<
		string,
		{address: ShadowAddress; listeners: Set<(event: ShadowEvent) => void>}
	>();
	const statusListeners = new Set<(status: ConnectionStatus) => void>();
	const taps = new Set<{
		readonly filters: readonly string[];
		readonly listener: (message: TappedMessage) => void;
	}>();
	const tapped = (message: TappedMessage) => {
		for (const tap of taps)
			if (tap.filters.some((filter) => topicMatches(filter, message.topic)))
				tap.listener(message);
	};
	let status: ConnectionStatus = mqtt.connected ? 'connected' : 'connecting';
	let counter = 0;
	let gaveUp = false;
	let everConnected = mqtt.connected;
	let everDisconnected = false;
	let connectionError: string | undefined;
	/*
	Subscriptions asked for before the first connection wait for it: mqtt.js
	would send them on a socket that is not there and fail them when it closes.
	*/
	let firstConnection: Promise<void> = Promise.resolve();
	let connected: () => void = () => undefined;
	let neverConnected: (error: Error) => void = () => undefined;
	if (!everConnected) {
		firstConnection = new Promise<void>((resolve, reject) => {
			connected = resolve;
			neverConnected = reject;
		});
		// Nobody may be waiting when it fails.
		firstConnection.catch(() => undefined);
	}

	const setStatus = (next: ConnectionStatus) => {
		if (status === next || status === 'closed') return;
		status = next;
		for (const listener of statusListeners) listener(next);
	};

	const seen = (key: string, version: number | undefined): boolean => {
		if (typeof version !== 'number') return true;
		const known = newest.get(key);
		if (known !== undefined && version < known) return false;
		newest.set(key, version);
		return true;
	};

	const forbidden = (topic: string) =>
		new ShadowRejectedError(
			403,
			`Forbidden: the broker refused the subscription to ${topic}`,
		);

	async function subscribe(topics: string[]): Promise<void> {
		await firstConnection;
		const missing = topics.filter((topic) => !subscribed.has(topic));
		if (missing.length > 0) {
			// A refused subscription is a SUBACK 128: mqtt.js 5 rejects with the packet, older ones resolve with it.
			const refusedTopic = (granted: readonly number[]) => {
				const index = granted.indexOf(128);
				return index === -1 ? undefined : (missing[index] ?? missing[0]);
			};

			// A SUBACK that refuses one filter grants the others: they are given back, as nobody will listen.
			const giveBack = (granted: readonly number[]) => {
				const kept = missing.filter((_topic, index) => granted[index] !== 128);
				if (kept.length > 0 && mqtt.connected)
					mqtt.unsubscribeAsync(kept).catch(() => undefined);
			};

			const done = mqtt.subscribeAsync(missing, {qos: 1}).then(
				(grants) => {
					const codes = grants.map((grant) => grant.qos);
					const refused = refusedTopic(codes);
					if (refused) {
						giveBack(codes);
						throw forbidden(refused);
					}
				},
				(error: unknown) => {
					const granted = (error as {packet?: {granted?: unknown}}).packet
						?.granted;
					const refused = Array.isArray(granted)
						? refusedTopic(granted as number[])
						: undefined;
					if (refused) giveBack(granted as number[]);
					throw refused ? forbidden(refused) : error;
				},
			);
			for (const topic of missing) subscribed.set(topic, done);
			done.catch(() => {
				for (const topic of missing) subscribed.delete(topic);
			});
		}

		await Promise.all(topics.map(async (topic) => subscribed.get(topic)));
	}

	async function request<T>(
		address: ShadowAddress,
		operation: Operation,
		body: JsonObject,
	): Promise<T> {
		const badName =
			checkThingName(address.thingName, limits) ??
			(address.shadowName === ''
				? undefined
				: checkShadowName(address.shadowName, limits));
		if (badName) throw new ShadowRejectedError(badName.code, badName.message);
		if (status !== 'connected') throw offline('the request was not sent');
		if (!coveredOperations.has(operation)) {
			await subscribe([
				formatShadowTopic(address, operation, 'accepted'),
				formatShadowTopic(address, operation, 'rejected'),
			]);
		}
		if (!mqtt.connected) throw offline('the request was not sent');
		const clientToken = `${tokenPrefix}-${(counter++).toString(36)}`;
		const payload = JSON.stringify({...body, clientToken});
		if (Buffer.byteLength(payload) > limits.maxRequestBytes)
			throw new ShadowRejectedError(413, messages.payloadTooLarge);
		return new Promise<T>((resolve, reject) => {
			const timer = setTimeout(() => {
				pending.delete(clientToken);
				reject(
					new ShadowTimeoutError(
						`no reply to ${operation} of ${shortName(address)} within ${timeoutMs} ms`,
					),
				);
			}, timeoutMs);
			pending.set(clientToken, {
				operation,
				key: addressKey(address),
				resolve: resolve as (document: unknown) => void,
				reject,
				timer,
			});
			const topic = formatShadowTopic(address, operation);
			if (taps.size > 0)
				tapped({
					topic,
					payload: Buffer.from(payload),
					at: Date.now(),
					sent: true,
				});
			mqtt.publish(topic, payload, {qos: 1}, (error) => {
				if (!error) return;
				const entry = pending.get(clientToken);
				if (!entry) return;
				clearTimeout(entry.timer);
				pending.delete(clientToken);
				reject(offline(`the request could not be sent: ${error.message}`));
			});
		});
	}

	function offline(what: string): ShadowOfflineError {
		return new ShadowOfflineError(
			`not connected to ${options.connection.url}; ${what}`,
		);
	}

	function onMessage(topic: string, payload: Buffer): void {
		if (taps.size > 0) tapped({topic, payload, at: Date.now(), sent: false});
		if (topic.startsWith(presencePrefix)) {
			onPresence(topic, payload);
			return;
		}

		const parsed = parseShadowTopic(topic, limits);
		if (parsed.kind !== 'shadow' || parsed.topic.reply === undefined) return;
		const {thingName, shadowName, operation, reply} = parsed.topic;
		const key = addressKey({thingName, shadowName});
		const ignore = (reason: string) => {
			log?.warn('dropped a reply that cannot be a shadow document', {
				topic,
				reason,
				bytes: payload.byteLength,
			});
			const event: ShadowEvent = {kind: 'ignored', operation, reply, reason};
			for (const listener of watchers.get(key)?.listeners ?? [])
				listener(event);
		};

		if (payload.byteLength > maxReplyBytes(limits)) {
			ignore(`${payload.byteLength} bytes, larger than any shadow reply`);
			return;
		}

		let document: unknown;
		try {
			document = JSON.parse(payload.toString('utf8'));
		} catch {
			ignore('not JSON');
			return;
		}

		const problem = checkReply(operation, reply, document, limits);
		if (problem !== undefined) {
			ignore(problem);
			return;
		}

		const token = (document as {clientToken?: unknown}).clientToken;
		const mine = typeof token === 'string' ? pending.get(token) : undefined;

		if (reply === 'delta' || reply === 'documents') {
			const version =
				reply === 'delta'
					? (document as Versioned).version
					: (document as DocumentsDocument).current.version;
			if (!seen(key, version)) {
				log?.info('dropped a stale message', {
					topic,
					version,
					newest: newest.get(key),
				});
				return;
			}

			const event: ShadowEvent =
				reply === 'delta'
					? {kind: 'delta', delta: document as DeltaDocument}
					: {kind: 'documents', documents: document as DocumentsDocument};
			for (const listener of watchers.get(key)?.listeners ?? [])
				listener(event);
			return;
		}

		if (reply === 'accepted') {
			if (operation === 'delete') {
				newest.delete(key);
				const event: ShadowEvent = {
					kind: 'deleted',
					deleted: document as DeleteAccepted,
				};
				for (const listener of watchers.get(key)?.listeners ?? [])
					listener(event);
			} else seen(key, (document as Versioned).version);
		}

		if (!mine || mine.operation !== operation || mine.key !== key) return;
		clearTimeout(mine.timer);
		pending.delete(token as string);
		if (reply === 'accepted') {
			mine.resolve(document);
		} else {
			const error = document as ErrorDocument;
			mine.reject(
				new ShadowRejectedError(error.code, error.message, error.clientToken),
			);
		}
	}

	async function resync(): Promise<void> {
		const topics = [...subscribed.keys()];
		subscribed.clear();
		try {
			await subscribe(topics);
		} catch (error: unknown) {
			log?.warn('resubscribe failed', {error: String(error)});
			return;
		}

		for (const {address, listeners} of watchers.values()) {
			let shadow: GetAccepted | undefined;
			try {
				shadow = await client.get(address);
			} catch (error: unknown) {
				if (!(error instanceof ShadowRejectedError && error.code === 404)) {
					log?.warn('resync failed', {
						shadow: shortName(address),
						error: String(error),
					});
					continue;
				}
			}

			for (const listener of listeners) listener({kind: 'resync', shadow});
		}
	}

	const presenceListeners = new Map<
		string,
		Set<(online: boolean, at: number) => void>
	>();

	function onPresence(topic: string, payload: Buffer): void {
		const [eventType, clientId] = topic.slice(presencePrefix.length).split('/');
		const listeners = presenceListeners.get(clientId ?? '');
		if (
			!listeners ||
			(eventType !== 'connected' && eventType !== 'disconnected')
		)
			return;
		let at = Date.now();
		try {
			const timestamp = (
				JSON.parse(payload.toString('utf8')) as {timestamp?: unknown}
			).timestamp;
			if (typeof timestamp === 'number') at = timestamp;
		} catch {
			// The topic alone says enough.
		}

		for (const listener of listeners) listener(eventType === 'connected', at);
	}

	mqtt.on('message', onMessage);
	mqtt.on('connect', () => {
		everConnected = true;
		connected();
		connectionError = undefined;
		setStatus('connected');
		if (everDisconnected) void resync();
	});
	mqtt.on('error', (error) => {
		if (mqtt.connected || status === 'closed' || gaveUp) return;
		connectionError = error.message;
		// Before the first connection, what retrying cannot fix ends the attempts.
		if (status === 'connecting' && !isRetryableConnectError(error)) {
			gaveUp = true;
			connectionError = `${error.message}; not retrying`;
			neverConnected(offline(connectionError));
			mqtt.end(true);
			setStatus('offline');
		}
	});
	mqtt.on('reconnect', () => {
		if (status !== 'connecting') setStatus('reconnecting');
	});
	mqtt.on('close', () => {
		everDisconnected = everConnected;
		if (status === 'connecting') connectionError ??= closedBeforeConnack;
		if (status === 'connected') setStatus('reconnecting');
		for (const [token, entry] of pending) {
			clearTimeout(entry.timer);
			entry.reject(
				offline(
					'the connection dropped before the reply; the request may or may not have been applied',
				),
			);
			pending.delete(token);
		}
	});
	mqtt.on('offline', () => {
		if (status !== 'connecting') setStatus('offline');
	});

	const client: ShadowClient = {
		url: options.connection.url,
		clientId,
		status: () => status,
		connectionError: () => connectionError,
		onStatus(listener) {
			statusListeners.add(listener);
			return () => statusListeners.delete(listener);
		},
		get: async (address) => request<GetAccepted>(address, 'get', {}),
		async update(address, body) {
			const problem = unsendable(body.state, limits);
			if (problem) throw problem;
			return request<UpdateAccepted>(address, 'update', {
				state: body.state,
				...(body.version === undefined ? {} : {version: body.version}),
			});
		},
		delete: async (address) => request<DeleteAccepted>(address, 'delete', {}),
		async watch(address, listener) {
			const key = addressKey(address);
			const entry = watchers.get(key) ?? {address, listeners: new Set()};
			watchers.set(key, entry);
			entry.listeners.add(listener);
			await subscribe([
				formatShadowTopic(address, 'update', 'delta'),
				formatShadowTopic(address, 'update', 'documents'),
				// A delete by anyone: the console shows it at once.
				formatShadowTopic(address, 'delete', 'accepted'),
			]);
			return () => {
				entry.listeners.delete(listener);
				if (entry.listeners.size === 0) watchers.delete(key);
			};
		},
		newestVersion: (address) => newest.get(addressKey(address)),
		async subscribeAllReplies(operation) {
			await subscribe(
				['$aws/things/+/shadow', '$aws/things/+/shadow/name/+'].flatMap(
					(prefix) => [
						`${prefix}/${operation}/accepted`,
						`${prefix}/${operation}/rejected`,
					],
				),
			);
			coveredOperations.add(operation);
		},
		async tap(filters, listener) {
			const entry = {filters: [...filters], listener};
			taps.add(entry);
			try {
				await subscribe(entry.filters);
			} catch (error: unknown) {
				taps.delete(entry);
				throw error;
			}

			return async () => {
				taps.delete(entry);
				const unused = entry.filters.filter(
					(filter) =>
						![...taps].some((other) => other.filters.includes(filter)) &&
						subscribed.has(filter),
				);
				for (const filter of unused) subscribed.delete(filter);
				if (unused.length > 0 && mqtt.connected)
					await mqtt.unsubscribeAsync(unused).catch(() => undefined);
			};
		},
		async watchPresence(presenceClientId, listener) {
			const listeners = presenceListeners.get(presenceClientId) ?? new Set();
			presenceListeners.set(presenceClientId, listeners);
			listeners.add(listener);
			try {
				await subscribe([
					`${presencePrefix}connected/${presenceClientId}`,
					`${presencePrefix}disconnected/${presenceClientId}`,
				]);
			} catch (error: unknown) {
				listeners.delete(listener);
				throw error;
			}

			return () => listeners.delete(listener);
		},
		async close() {
			setStatus('closed');
			neverConnected(new ShadowOfflineError('the client was closed'));
			for (const entry of pending.values()) {
				clearTimeout(entry.timer);
				entry.reject(new ShadowOfflineError('the client was closed'));
			}

			pending.clear();
			// A graceful end waits for the broker; when there is none it would wait forever.
			await mqtt.endAsync(!mqtt.connected);
		},
	};
	return client;
}

/**
What must not reach JSON.stringify: a state deeper than a shadow can be
overflows the stack there, and Infinity would be sent as null, which removes
the key. The service judges everything else (§3.2).
*/
function unsendable(
	state: StatePatch | null,
	limits: ShadowLimits,
): ShadowRejectedError | undefined {
	for (const section of [state?.desired, state?.reported]) {
		if (section === null || section === undefined) continue;
		const shape = shapeOf(section);
		if (shape.nonFinite)
			return new ShadowRejectedError(400, messages.invalidJson);
		if (shape.depth > limits.maxDepth) {
			const rejection = tooDeep(limits.maxDepth);
			return new ShadowRejectedError(rejection.code, rejection.message);
		}
	}

	return undefined;
}
