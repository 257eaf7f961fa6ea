/*
The local shadow service assembled: a broker (embedded aedes, or an external
one the service attaches to), the shadow service, the SQLite store and the
HTTP API. close() stops taking requests, answers what is queued, then closes
the HTTP API, the broker and finally the store.
*/
import type {MqttClient} from 'mqtt';
import {connectMqtt, type MqttConnection} from '../client/connect-mqtt.js';
import type {Logger} from '../log/logger.js';
import {defaultEngineOptions, type EngineOptions} from '../shadow/limits.js';
import {announcement, discoveryTopic} from '../shadow/discovery.js';
import {requestTopicFilters} from '../shadow/topics.js';
import {
	openPresenceStore,
	type PresenceStore,
} from '../store/presence-store.js';
import type {JournalRetention} from '../store/journal.js';
import {openShadowStore, type ShadowStore} from '../store/shadow-store.js';
import {
	startEmbeddedBroker,
	type EmbeddedBroker,
	type TlsFiles,
} from './embedded-broker.js';
import {createAccessControl} from '../security/access-control.js';
import type {UserTable} from '../security/passwords.js';
import {
	defaultPolicies,
	everyCertificatePolicies,
	type PolicySet,
} from '../security/policy-set.js';
import {openRevocationList} from '../security/revocation-list.js';
import {startAlpnListener, type AlpnListener} from './alpn-listener.js';
import type {BrokerLimits} from './broker-limits.js';
import {
	startHttpApi,
	type HttpApi,
	type HttpBounds,
	type PublishAs,
} from './http-api.js';
import {
	createConnectivityTracker,
	presencePrefix,
	presenceTopicFilter,
} from './connectivity.js';
import {createSearch} from './fleet-search.js';
import {
	createShadowService,
	type Publish,
	type ShadowService,
} from './shadow-service.js';

export type LocalServiceConfig = {
	readonly host: string;
	/** MQTT port of the embedded broker (0 picks a free one). */
	readonly port: number;
	readonly wsPort?: number;
	/** TLS port where ALPN x-amzn-mqtt-ca is MQTT and the rest HTTPS, as AWS IoT Core's 443 (needs tls, the embedded broker and the HTTP API). */
	readonly alpnPort?: number;
	/** undefined: no HTTP API. */
	readonly httpPort?: number;
	readonly tls?: TlsFiles;
	/** Identities and policies; without them loopback clients are trusted and others refused. */
	readonly security?: SecurityConfig;
	/** Attach to this broker instead of embedding one. */
	readonly broker?: MqttConnection;
	/** SQLite file. */
	readonly dataFile: string;
	readonly options?: EngineOptions;
	/** The version journal's bounds; versions 0 turns it off. */
	readonly retention?: JournalRetention;
	/** The embedded broker's bounds (message size, connections, subscriptions). */
	readonly brokerLimits?: BrokerLimits;
	/** The HTTP API's bounds (timeouts, header size, connections). */
	readonly httpBounds?: HttpBounds;
	/** The fleet index (default on); off, SearchIndex reads every shadow. */
	readonly fleetIndex?: boolean;
	readonly clock?: () => number;
	readonly log: Logger;
};

export type SecurityConfig = {
	/**
	'every-certificate': any valid certificate from the CA may connect with any
	client id and use every shadow (serve --tls-ca alone). Default: the default
	policy file (devices: their own thing; apps: every thing).
	*/
	readonly policies?: PolicySet | 'every-certificate';
	readonly users?: UserTable;
	/** The revocation list, read again whenever it changes. */
	readonly revocationFile?: string;
};

export type LocalService = {
	/** The broker clients should use (the embedded one, or the external one). */
	readonly mqttUrl: string;
	readonly wsUrl?: string;
	readonly httpUrl?: string;
	/** MQTT over TLS with ALPN, sharing its port with HTTPS. */
	readonly alpnUrl?: string;
	readonly dataFile: string;
	readonly service: ShadowService;
	/** The embedded broker, when there is one (demo and benchmarks publish through it). */
	readonly broker?: EmbeddedBroker;
	close(): Promise<void>;
};

const epochSeconds = () => Math.floor(Date.now() / 1000);

export async function startLocalService(
	config: LocalServiceConfig,
): Promise<LocalService> {
	const clock = config.clock ?? epochSeconds;
	const log = config.log.child('service');
	const store = openShadowStore(config.dataFile, {
		fleetIndex: config.fleetIndex ?? true,
	});
	const connectivity = createConnectivityTracker();
	const search = createSearch({
		index: store.fleetIndex,
		thingsAfter: (after, limit) => store.thingsAfter(after, limit),
		thingShadows: (thingName) => store.thingShadows(thingName),
		connectivity,
	});
	const policies = config.security?.policies ?? defaultPolicies();
	const access = createAccessControl({
		certificates: config.tls?.ca !== undefined,
		...(policies === 'every-certificate'
			? {policies: everyCertificatePolicies(), anyCertificate: true}
			: {policies}),
		...(config.security?.users ? {users: config.security.users} : {}),
		...(config.security?.revocationFile
			? {revocations: openRevocationList(config.security.revocationFile)}
			: {}),
	});
	let embedded: EmbeddedBroker | undefined;
	// The embedded broker's connected clients; an external broker keeps its own wills.
	let presence: PresenceStore | undefined;
	let external: MqttClient | undefined;
	let http: HttpApi | undefined;
	let alpn: AlpnListener | undefined;
	try {
		let publish: Publish;
		if (config.broker) {
			external = await connectMqtt(
				{clientId: 'shadow-tui-service', ...config.broker},
				log,
			);
			const client = external;
			publish = (topic, payload) => {
				client.publish(topic, payload, {qos: 1}, (error) => {
					if (error) log.error('publish failed', {topic, error: error.message});
				});
			};
		} else {
			presence = openPresenceStore(config.dataFile);
			embedded = await startEmbeddedBroker({
				host: config.host,
				port: config.port,
				...(config.wsPort === undefined ? {} : {wsPort: config.wsPort}),
				...(config.tls ? {tls: config.tls} : {}),
				...(config.brokerLimits ? {limits: config.brokerLimits} : {}),
				access,
				presence: {store: presence},
				log,
			});
			const broker = embedded;
			publish = (topic, payload) => {
				broker.publish(topic, payload);
			};
		}

		const service = createShadowService({
			store,
			publish,
			clock,
			options: config.options ?? defaultEngineOptions,
			...(config.retention ? {retention: config.retention} : {}),
			log,
		});
		if (external) {
			external.on('message', (topic, payload) => {
				if (topic.startsWith(presencePrefix))
					connectivity.observe(topic, payload);
				else service.handleMessage(topic, payload);
			});
			await external.subscribeAsync(requestTopicFilters, {qos: 1});
			// Mosquitto has no lifecycle events; a broker that bridges AWS's would.
			await external.subscribeAsync(presenceTopicFilter, {qos: 0});
		} else if (embedded) {
			for (const filter of requestTopicFilters) {
				await embedded.subscribe(filter, (topic, payload, publisher) => {
					service.handleMessage(topic, payload, publisher);
				});
			}

			await embedded.subscribe(presenceTopicFilter, (topic, payload) => {
				connectivity.observe(topic, payload);
			});
		}

		const inside = embedded;
		const publishAs: PublishAs = inside
			? async (topic, payload, options) =>
					inside.publishAs(topic, payload, options)
			: async (topic, payload, {qos, retain}) => {
					await external?.publishAsync(topic, payload, {qos, retain});
				};
		if (config.httpPort !== undefined) {
			http = await startHttpApi({
				publish: publishAs,
				...(embedded ? {webSocket: embedded.acceptWebSocket} : {}),
				service,
				search,
				host: config.host,
				port: config.httpPort,
				clock,
				...(config.tls ? {tls: config.tls} : {}),
				...(config.httpBounds ? {bounds: config.httpBounds} : {}),
				access,
				log,
			});
		}

		if (config.alpnPort !== undefined) {
			if (!config.tls || !embedded || !http)
				throw new Error(
					'the ALPN port needs TLS, the embedded broker and the HTTP API',
				);
			const broker = embedded;
			const api = http;
			alpn = await startAlpnListener({
				host: config.host,
				port: config.alpnPort,
				tls: config.tls,
				mqtt: (socket) => {
					broker.acceptTls(socket);
				},
				https: (socket) => {
					api.acceptTls(socket);
				},
				log,
			});
		}

		// Where the HTTP API is, for clients of this broker (discovery.ts), retained.
		await publishAs(discoveryTopic, announcement(http?.url), {
			qos: 1,
			retain: true,
		});
		const brokerUrl = config.broker?.url ?? embedded?.mqttUrl ?? '';
		return {
			mqttUrl: brokerUrl,
			...(embedded?.wsUrl ? {wsUrl: embedded.wsUrl} : {}),
			...(http ? {httpUrl: http.url} : {}),
			...(alpn ? {alpnUrl: alpn.url} : {}),
			dataFile: config.dataFile,
			service,
			...(embedded ? {broker: embedded} : {}),
			close: async () => {
				await service.close();
				// An external broker would keep announcing a service that is gone; one gone itself is not waited for.
				if (external?.connected)
					await Promise.race([
						external
							.publishAsync(discoveryTopic, Buffer.alloc(0), {
								qos: 1,
								retain: true,
							})
							.catch(() => undefined),
						new Promise((resolve) => {
							setTimeout(resolve, 1000).unref();
						}),
					]);
				await alpn?.close();
				await shutdown(http, embedded, external, store);
				presence?.close();
				access.close();
			},
		};
	} catch (error: unknown) {
		await alpn?.close();
		await shutdown(http, embedded, external, store);
		presence?.close();
		access.close();
		throw error;
	}
}

async function shutdown(
	http: HttpApi | undefined,
	embedded: EmbeddedBroker | undefined,
	external: MqttClient | undefined,
	store: ShadowStore,
): Promise<void> {
	await http?.close();
	await external?.endAsync();
	await embedded?.close();
	store.close();
}
