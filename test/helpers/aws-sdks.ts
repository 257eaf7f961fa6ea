/*
The unmodified AWS SDKs against `shadow-tui serve` with mutual TLS, as a user
would run it: certificates made by openssl, the serve process given only the
user's CA (--tls-cert, --tls-key, --tls-ca), and random client ids.

The SDKs answer through callbacks and events; the wrappers here only record
what arrives (in order, per shadow) and let a test wait for one reply, failing
with everything that did arrive. Every native connection is closed in
`t.after`, or the test process would never exit.
*/
import {randomBytes} from 'node:crypto';
import {createRequire} from 'node:module';
import {join} from 'node:path';
import type {TestContext} from 'node:test';
import {auth, io, iot, iotshadow, mqtt} from 'aws-iot-device-sdk-v2';
import {issue, makeCa, type Pem} from './certificates.js';
import {startServe, type ServeProcess} from './serve-process.js';
import {temporaryDirectory} from './service.js';

export type Json = Record<string, unknown>;

/** A CA of the user's, the server certificate it signs, and client certificates on demand. */
export type Pki = {
	readonly dir: string;
	readonly ca: Pem;
	readonly server: Pem;
	/** A client certificate with this common name, signed by the CA. */
	client(commonName: string): Pem;
	/** A certificate with this common name from a CA the server does not trust. */
	rogue(commonName: string): Pem;
};

export async function makePki(t: TestContext): Promise<Pki> {
	const dir = await temporaryDirectory(t);
	const ca = makeCa(dir, 'user-ca');
	const server = issue(dir, ca, 'server', {server: true});
	const clients = new Map<string, Pem>();
	let rogueCa: Pem | undefined;
	return {
		dir,
		ca,
		server,
		client(commonName) {
			let pem = clients.get(commonName);
			if (!pem) {
				pem = issue(dir, ca, commonName);
				clients.set(commonName, pem);
			}
			return pem;
		},
		rogue(commonName) {
			rogueCa ??= makeCa(dir, 'rogue-ca');
			return issue(dir, rogueCa, commonName);
		},
	};
}

/** A client id or name nobody else in the run uses, unrelated to any certificate. */
export function randomId(prefix: string): string {
	return `${prefix}-${randomBytes(5).toString('hex')}`;
}

export type SecureServe = {
	readonly serve: ServeProcess;
	readonly mqttPort: number;
	readonly httpPort: number;
	readonly httpUrl: string;
	/** The `WebSocket` line of the banner, when it printed one. */
	readonly wsUrl: string | undefined;
	/** The port of the `ALPN` line of the banner, when it printed one. */
	readonly alpnPort: number | undefined;
};

function portOf(url: string, what: string, output: string): number {
	const port = /^\w+:\/\/[^/\s]+:(\d+)/.exec(url)?.[1];
	if (port === undefined)
		throw new Error(`no ${what} port in the serve banner:\n${output}`);
	return Number(port);
}

/** `shadow-tui serve --tls-cert --tls-key --tls-ca` with its own data directory, on free ports. */
export async function startSecureServe(
	t: TestContext,
	pki: Pki,
	extra: string[] = [],
): Promise<SecureServe> {
	const data = join(pki.dir, 'data');
	const serve = await startServe(t, [
		'--tls-cert',
		pki.server.certPath,
		'--tls-key',
		pki.server.keyPath,
		'--tls-ca',
		pki.ca.certPath,
		'--data',
		data,
		...extra,
	]);
	const output = serve.output();
	const wsUrl = /^\s*WebSocket\s+(\S+)/m.exec(output)?.[1];
	const alpnUrl = /^\s*ALPN\s+(\S+)/m.exec(output)?.[1];
	return {
		serve,
		mqttPort: portOf(serve.mqttUrl, 'MQTT', output),
		httpPort: portOf(serve.httpUrl, 'HTTP API', output),
		httpUrl: serve.httpUrl,
		wsUrl,
		alpnPort:
			alpnUrl === undefined ? undefined : portOf(alpnUrl, 'ALPN', output),
	};
}

function errorText(error: unknown): string {
	return error instanceof Error ? error.message : JSON.stringify(error);
}

/** Polls a list that callbacks append to; on timeout, says what it saw. */
export class Recorder<T> {
	readonly items: T[] = [];

	constructor(private readonly describe: (item: T) => string) {}

	push(item: T): void {
		this.items.push(item);
	}

	async waitFor(
		predicate: (item: T) => boolean,
		what: string,
		from = 0,
		timeoutMs = 10_000,
	): Promise<T> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const found = this.items.slice(from).find(predicate);
			if (found !== undefined) return found;
			if (Date.now() > deadline) {
				const seen = this.items.slice(from).map(this.describe).join('\n');
				throw new Error(
					`timed out waiting for ${what}; received:\n${seen || '(nothing)'}`,
				);
			}
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
	}
}

// ---------------------------------------------------------------- SDK v2

export type V2Options = {
	/** No certificate: a client that trusts the server but cannot prove who it is. */
	readonly cert: Pem | undefined;
	readonly ca: Pem;
	readonly port: number;
	readonly clientId: string;
	/** The endpoint the SDK resolves and sends as SNI (and Host over WebSocket). */
	readonly endpoint?: '127.0.0.1' | 'localhost';
	readonly websocket?: boolean;
};

function tlsOptions(cert: Pem | undefined): io.TlsContextOptions {
	return cert
		? io.TlsContextOptions.create_client_with_mtls_from_path(
				cert.certPath,
				cert.keyPath,
			)
		: new io.TlsContextOptions();
}

/**
 * The SDK's own builders: mTLS from files (which offers ALPN x-amzn-mqtt-ca on
 * every port), or MQTT over WebSocket with the client certificate and a SigV4
 * query signed with static example credentials.
 */
export function v2Config(options: V2Options): mqtt.MqttConnectionConfig {
	let builder: iot.AwsIotMqttConnectionConfigBuilder;
	if (options.websocket)
		builder = iot.AwsIotMqttConnectionConfigBuilder.new_with_websockets({
			tls_ctx_options: tlsOptions(options.cert),
			region: 'us-east-1',
			credentials_provider: auth.AwsCredentialsProvider.newStatic(
				'AKIDEXAMPLE',
				'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
			),
		});
	else if (options.cert)
		builder = iot.AwsIotMqttConnectionConfigBuilder.new_mtls_builder_from_path(
			options.cert.certPath,
			options.cert.keyPath,
		);
	else builder = iot.AwsIotMqttConnectionConfigBuilder.new_default_builder();
	return builder
		.with_certificate_authority_from_path(undefined, options.ca.certPath)
		.with_endpoint(options.endpoint ?? '127.0.0.1')
		.with_port(options.port)
		.with_client_id(options.clientId)
		.with_clean_session(true)
		.with_keep_alive_seconds(30)
		.build();
}

/** Connects, or rejects with the SDK's error; a connection that opened is closed in `t.after`. */
export async function connectV2(
	t: TestContext,
	options: V2Options,
): Promise<mqtt.MqttClientConnection> {
	const connection = new mqtt.MqttClient().new_connection(v2Config(options));
	// The SDK emits 'error' for a failed connect as well as rejecting connect().
	connection.on('error', () => undefined);
	await connection.connect();
	t.after(async () => connection.disconnect());
	return connection;
}

export type ReplyKind =
	| 'update/accepted'
	| 'update/rejected'
	| 'update/delta'
	| 'update/documents'
	| 'get/accepted'
	| 'get/rejected'
	| 'delete/accepted'
	| 'delete/rejected';

const allKinds: readonly ReplyKind[] = [
	'update/accepted',
	'update/rejected',
	'update/delta',
	'update/documents',
	'get/accepted',
	'get/rejected',
	'delete/accepted',
	'delete/rejected',
];

export type ShadowReply = {readonly kind: ReplyKind; readonly body: Json};

type Operation = 'update' | 'get' | 'delete';

/** One shadow (classic or named) through the SDK's IotShadowClient, with every reply recorded. */
export class V2Shadow {
	readonly replies = new Recorder<ShadowReply>(
		(reply) => `${reply.kind} ${JSON.stringify(reply.body).slice(0, 300)}`,
	);

	private constructor(
		private readonly client: iotshadow.IotShadowClient,
		readonly thingName: string,
		readonly shadowName: string | undefined,
	) {}

	/**
	 * Subscribes (QoS 1, waiting for every SUBACK) before anything is sent: to
	 * all eight reply and event topics unless `kinds` names fewer.
	 */
	static async open(
		connection: mqtt.MqttClientConnection,
		thingName: string,
		shadowName?: string,
		kinds: readonly ReplyKind[] = allKinds,
	): Promise<V2Shadow> {
		const client = new iotshadow.IotShadowClient(connection);
		const shadow = new V2Shadow(client, thingName, shadowName);
		const qos = mqtt.QoS.AtLeastOnce;
		const on = (kind: ReplyKind) => (error: unknown, response: unknown) => {
			shadow.replies.push({
				kind,
				body:
					error === undefined
						? (response as Json)
						: {sdkError: errorText(error), response},
			});
		};
		const classic = {thingName};
		const named = {thingName, shadowName: shadowName ?? ''};
		const subscribe: Record<
			ReplyKind,
			() => Promise<mqtt.MqttSubscribeRequest>
		> =
			shadowName === undefined
				? {
						'update/accepted': async () =>
							client.subscribeToUpdateShadowAccepted(
								classic,
								qos,
								on('update/accepted'),
							),
						'update/rejected': async () =>
							client.subscribeToUpdateShadowRejected(
								classic,
								qos,
								on('update/rejected'),
							),
						'update/delta': async () =>
							client.subscribeToShadowDeltaUpdatedEvents(
								classic,
								qos,
								on('update/delta'),
							),
						'update/documents': async () =>
							client.subscribeToShadowUpdatedEvents(
								classic,
								qos,
								on('update/documents'),
							),
						'get/accepted': async () =>
							client.subscribeToGetShadowAccepted(
								classic,
								qos,
								on('get/accepted'),
							),
						'get/rejected': async () =>
							client.subscribeToGetShadowRejected(
								classic,
								qos,
								on('get/rejected'),
							),
						'delete/accepted': async () =>
							client.subscribeToDeleteShadowAccepted(
								classic,
								qos,
								on('delete/accepted'),
							),
						'delete/rejected': async () =>
							client.subscribeToDeleteShadowRejected(
								classic,
								qos,
								on('delete/rejected'),
							),
					}
				: {
						'update/accepted': async () =>
							client.subscribeToUpdateNamedShadowAccepted(
								named,
								qos,
								on('update/accepted'),
							),
						'update/rejected': async () =>
							client.subscribeToUpdateNamedShadowRejected(
								named,
								qos,
								on('update/rejected'),
							),
						'update/delta': async () =>
							client.subscribeToNamedShadowDeltaUpdatedEvents(
								named,
								qos,
								on('update/delta'),
							),
						'update/documents': async () =>
							client.subscribeToNamedShadowUpdatedEvents(
								named,
								qos,
								on('update/documents'),
							),
						'get/accepted': async () =>
							client.subscribeToGetNamedShadowAccepted(
								named,
								qos,
								on('get/accepted'),
							),
						'get/rejected': async () =>
							client.subscribeToGetNamedShadowRejected(
								named,
								qos,
								on('get/rejected'),
							),
						'delete/accepted': async () =>
							client.subscribeToDeleteNamedShadowAccepted(
								named,
								qos,
								on('delete/accepted'),
							),
						'delete/rejected': async () =>
							client.subscribeToDeleteNamedShadowRejected(
								named,
								qos,
								on('delete/rejected'),
							),
					};
		for (const kind of kinds) {
			const granted = await subscribe[kind]();
			if ((granted.qos as number) === 128 || granted.error_code)
				throw new Error(
					`subscription refused: ${granted.topic} (${String(granted.error_code)})`,
				);
		}
		return shadow;
	}

	/** Publishes an update (QoS 1) and waits for update/accepted or update/rejected with its token. */
	async update(
		state: iotshadow.model.ShadowState,
		clientToken: string,
		version?: number,
	): Promise<ShadowReply> {
		const body = {
			thingName: this.thingName,
			state,
			clientToken,
			...(version === undefined ? {} : {version}),
		};
		const qos = mqtt.QoS.AtLeastOnce;
		await (this.shadowName === undefined
			? this.client.publishUpdateShadow(body, qos)
			: this.client.publishUpdateNamedShadow(
					{...body, shadowName: this.shadowName},
					qos,
				));
		return this.reply('update', clientToken);
	}

	async get(clientToken: string): Promise<ShadowReply> {
		const qos = mqtt.QoS.AtLeastOnce;
		await (this.shadowName === undefined
			? this.client.publishGetShadow(
					{thingName: this.thingName, clientToken},
					qos,
				)
			: this.client.publishGetNamedShadow(
					{thingName: this.thingName, shadowName: this.shadowName, clientToken},
					qos,
				));
		return this.reply('get', clientToken);
	}

	async delete(clientToken: string): Promise<ShadowReply> {
		const qos = mqtt.QoS.AtLeastOnce;
		await (this.shadowName === undefined
			? this.client.publishDeleteShadow(
					{thingName: this.thingName, clientToken},
					qos,
				)
			: this.client.publishDeleteNamedShadow(
					{thingName: this.thingName, shadowName: this.shadowName, clientToken},
					qos,
				));
		return this.reply('delete', clientToken);
	}

	/** The next message of this kind (from index `from`) that matches. */
	async waitFor(
		kind: ReplyKind,
		predicate: (body: Json) => boolean = () => true,
		from = 0,
	): Promise<Json> {
		const reply = await this.replies.waitFor(
			(item) => item.kind === kind && predicate(item.body),
			`${kind} on ${this.label()}`,
			from,
		);
		return reply.body;
	}

	count(kind: ReplyKind): number {
		return this.replies.items.filter((item) => item.kind === kind).length;
	}

	private async reply(
		operation: Operation,
		clientToken: string,
	): Promise<ShadowReply> {
		return this.replies.waitFor(
			(item) =>
				(item.kind === `${operation}/accepted` ||
					item.kind === `${operation}/rejected`) &&
				item.body.clientToken === clientToken,
			`${operation}/accepted or /rejected with clientToken ${clientToken} on ${this.label()}`,
		);
	}

	private label(): string {
		return this.shadowName === undefined
			? `${this.thingName} (classic)`
			: `${this.thingName}/${this.shadowName}`;
	}
}

// ---------------------------------------------------------------- SDK v1

/** The part of aws-iot-device-sdk v1's thingShadow that the tests use (it ships no types). */
export type V1ThingShadow = {
	register(
		thingName: string,
		options: {persistentSubscribe?: boolean; enableVersioning?: boolean},
		callback: (error?: unknown, failedTopics?: unknown) => void,
	): void;
	unregister(thingName: string): void;
	update(thingName: string, state: Json): string | null;
	get(thingName: string, clientToken?: string): string | null;
	delete(thingName: string, clientToken?: string): string | null;
	publish(
		topic: string,
		message: string,
		options: {qos: 0 | 1},
		callback: (error?: Error) => void,
	): void;
	subscribe(
		topics: string[],
		options: {qos: 0 | 1},
		callback: (error: Error | null, granted?: {qos: number}[]) => void,
	): void;
	end(force: boolean, callback: () => void): void;
	on(event: 'connect' | 'close' | 'offline', listener: () => void): void;
	on(event: 'error', listener: (error: Error) => void): void;
	on(
		event: 'status',
		listener: (
			thingName: string,
			status: 'accepted' | 'rejected',
			clientToken: string,
			body: Json,
		) => void,
	): void;
	on(event: 'delta', listener: (thingName: string, body: Json) => void): void;
	on(
		event: 'foreignStateChange',
		listener: (thingName: string, operation: string, body: Json) => void,
	): void;
	on(
		event: 'timeout',
		listener: (thingName: string, clientToken: string) => void,
	): void;
	on(
		event: 'message',
		listener: (topic: string, payload: Buffer) => void,
	): void;
};

type V1Module = {
	thingShadow(options: Record<string, unknown>): V1ThingShadow;
};

export type V1Event =
	| {
			readonly type: 'status';
			readonly thingName: string;
			readonly status: 'accepted' | 'rejected';
			readonly clientToken: string;
			readonly body: Json;
	  }
	| {readonly type: 'delta'; readonly thingName: string; readonly body: Json}
	| {
			readonly type: 'foreignStateChange';
			readonly thingName: string;
			readonly operation: string;
			readonly body: Json;
	  }
	| {
			readonly type: 'timeout';
			readonly thingName: string;
			readonly clientToken: string;
	  }
	| {readonly type: 'message'; readonly topic: string; readonly body: Json};

/** A v1 thingShadow client and everything it reported. */
export type V1Client = {
	readonly shadow: V1ThingShadow;
	readonly events: Recorder<V1Event>;
	register(
		thingName: string,
		options?: {persistentSubscribe?: boolean},
	): Promise<void>;
	/** Runs one operation (it returns the SDK's client token) and waits for its 'status'. */
	request(
		start: () => string | null,
	): Promise<Extract<V1Event, {type: 'status'}>>;
	subscribe(topic: string): Promise<void>;
	publish(topic: string, body: Json): Promise<void>;
};

const require = createRequire(import.meta.url);

export async function connectV1(
	t: TestContext,
	options: {
		readonly cert: Pem;
		readonly ca: Pem;
		readonly port: number;
		readonly clientId: string;
	},
): Promise<V1Client> {
	const sdk = require('aws-iot-device-sdk') as V1Module;
	const shadow = sdk.thingShadow({
		keyPath: options.cert.keyPath,
		certPath: options.cert.certPath,
		caPath: options.ca.certPath,
		clientId: options.clientId,
		host: '127.0.0.1',
		// The SDK sends its host as SNI; Node refuses an IP address there, so name the certificate's DNS name.
		servername: 'localhost',
		port: options.port,
		protocol: 'mqtts',
	});
	const events = new Recorder<V1Event>((event) => JSON.stringify(event));
	const registered: string[] = [];
	let lastError: Error | undefined;
	shadow.on('error', (error) => (lastError = error));
	shadow.on('status', (thingName, status, clientToken, body) =>
		events.push({type: 'status', thingName, status, clientToken, body}),
	);
	shadow.on('delta', (thingName, body) =>
		events.push({type: 'delta', thingName, body}),
	);
	shadow.on('foreignStateChange', (thingName, operation, body) =>
		events.push({type: 'foreignStateChange', thingName, operation, body}),
	);
	shadow.on('timeout', (thingName, clientToken) =>
		events.push({type: 'timeout', thingName, clientToken}),
	);
	shadow.on('message', (topic, payload) => {
		let body: Json;
		try {
			body = JSON.parse(payload.toString()) as Json;
		} catch {
			body = {text: payload.toString()};
		}
		events.push({type: 'message', topic, body});
	});
	t.after(async () => {
		// Unregistering clears the SDK's operation timers, which would keep the process alive.
		for (const thingName of registered) shadow.unregister(thingName);
		await new Promise<void>((resolve) => shadow.end(true, resolve));
	});
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(
			() =>
				reject(
					new Error(
						`v1 SDK did not connect: ${lastError?.message ?? 'no error reported'}`,
					),
				),
			10_000,
		);
		shadow.on('connect', () => {
			clearTimeout(timer);
			resolve();
		});
	});

	return {
		shadow,
		events,
		async register(thingName, options = {}) {
			await new Promise<void>((resolve, reject) => {
				shadow.register(thingName, options, (error, failedTopics) => {
					if (error === undefined) resolve();
					else
						reject(
							new Error(
								`register ${thingName}: ${errorText(error)} ${JSON.stringify(failedTopics)}`,
							),
						);
				});
			});
			registered.push(thingName);
		},
		async request(start) {
			const clientToken = start();
			if (clientToken === null)
				throw new Error('the v1 SDK refused to start the operation');
			const event = await events.waitFor(
				(item) =>
					(item.type === 'status' || item.type === 'timeout') &&
					item.clientToken === clientToken,
				`status for clientToken ${clientToken}`,
			);
			if (event.type !== 'status')
				throw new Error(`v1 SDK timed out on clientToken ${clientToken}`);
			return event;
		},
		async subscribe(topic) {
			await new Promise<void>((resolve, reject) => {
				shadow.subscribe([topic], {qos: 1}, (error, granted) => {
					if (error) reject(error);
					else if (granted?.some((grant) => grant.qos === 128))
						reject(new Error(`subscription refused: ${topic}`));
					else resolve();
				});
			});
		},
		async publish(topic, body) {
			await new Promise<void>((resolve, reject) => {
				shadow.publish(topic, JSON.stringify(body), {qos: 1}, (error) => {
					if (error) reject(error);
					else resolve();
				});
			});
		},
	};
}
