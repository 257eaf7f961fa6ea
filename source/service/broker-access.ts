/*
What each client of the embedded broker may do, installed as aedes' hooks:
who may connect (the access control, as on AWS IoT Core), what a client may
publish, subscribe to and receive (its policy), and the bounds one client may
not pass (subscriptions, unread output, message size). A refused publish is
acknowledged and dropped, never delivered; revoked or changed credentials end
the sessions they opened. A WebSocket whose upgrade was signed with SigV4 was
authenticated then (mqtt-websocket.ts): its CONNECT needs no username or
password, and its client id is checked by the policy as anyone's.
*/
import type {TLSSocket} from 'node:tls';
import type {Aedes, AuthenticateError, Client} from 'aedes';
import type {Logger} from '../log/logger.js';
import {
	describePrincipal,
	type AccessControl,
	type Authentication,
	type Principal,
} from '../security/access-control.js';
import {resources, type Access, type PolicyAction} from '../security/policy.js';
import {awsLimits} from '../shadow/limits.js';
import {discoveryTopic} from '../shadow/discovery.js';
import {parseShadowTopic} from '../shadow/topics.js';
import {
	createSubscriptionCounter,
	unreadBytes,
	type BrokerLimits,
} from './broker-limits.js';

/** Where client publishes to service-only topics go: nothing can subscribe to it. */
const sinkTopic = '$shadow-tui/dropped';

/** Where a connection came from, as the listener saw it. */
export type ConnectionOrigin = {
	readonly remoteAddress: string | undefined;
	readonly tls?: TLSSocket;
	/** Who signed the WebSocket upgrade this connection came in on. */
	readonly principal?: Principal;
};

export function installBrokerAccess(
	aedes: Aedes,
	options: {
		readonly access: AccessControl;
		readonly limits: BrokerLimits;
		readonly log: Logger;
		readonly originOf: (conn: object) => ConnectionOrigin | undefined;
	},
): {principalOf(client: Client): string | undefined} {
	const {access, limits, log, originOf} = options;
	const subscriptions = createSubscriptionCounter(
		limits.maxSubscriptionsPerConnection,
	);
	const grants = new WeakMap<Client, {principal: Principal; access: Access}>();

	const allowed = (client: Client, action: PolicyAction, resource: string) =>
		grants.get(client)?.access.allows(action, resource) ?? false;

	aedes.authenticate = (client, username, password, done) => {
		const origin = originOf(client.conn);
		const signedIn: Promise<Authentication> = origin?.principal
			? Promise.resolve({ok: true, principal: origin.principal})
			: access.authenticate({
					remoteAddress: origin?.remoteAddress,
					...(origin?.tls ? {tls: origin.tls} : {}),
					...(username === undefined ? {} : {username}),
					...(password === undefined ? {} : {password: password.toString()}),
				});
		signedIn.then(
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
				const resource = resources.client(client.id);
				if (!granted.allows('iot:Connect', resource)) {
					log.warn('connection refused by policy', {
						clientId: client.id,
						principal: describePrincipal(result.principal),
						action: 'iot:Connect',
						resource,
						decision: granted.explain('iot:Connect', resource),
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
			log.warn(`dropped ${refusal.what}`, {
				clientId: client.id,
				principal: principalName(grants.get(client)?.principal),
				action: 'iot:Publish',
				resource: resources.topic(packet.topic),
				decision: refusal.decision,
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
	): {what: string; decision: string} | undefined {
		const {topic} = packet;
		const rule = reservedTopicRefusal(topic, packet.retain);
		if (rule)
			return {
				what: rule,
				decision: 'the broker refuses it whatever the policy',
			};
		const resource = resources.topic(topic);
		const grant = grants.get(client);
		if (!grant?.access.allows('iot:Publish', resource))
			return {
				what: 'a publish the policy does not allow',
				decision:
					grant?.access.explain('iot:Publish', resource) ?? 'not signed in',
			};
		return undefined;
	}

	aedes.authorizeSubscribe = (client, subscription, callback) => {
		// Where the service is (discovery.ts) is for every client; the rest of $shadow-tui/ for none.
		if (
			subscription.topic.startsWith('$shadow-tui/') &&
			subscription.topic !== discoveryTopic
		) {
			callback(null, null);
			return;
		}

		if (subscription.topic === discoveryTopic) {
			callback(null, subscription);
			return;
		}

		const resource = resources.topicFilter(subscription.topic);
		if (!allowed(client, 'iot:Subscribe', resource)) {
			const grant = grants.get(client);
			log.warn('refused a subscription the policy does not allow', {
				clientId: client.id,
				principal: principalName(grant?.principal),
				action: 'iot:Subscribe',
				resource,
				decision:
					grant?.access.explain('iot:Subscribe', resource) ?? 'not signed in',
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
		if (
			packet.topic !== discoveryTopic &&
			!allowed(client, 'iot:Receive', resources.topic(packet.topic))
		)
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
				log.warn(staleCredentials(grant.principal), {
					clientId: client.id,
					principal: describePrincipal(grant.principal),
					...(grant.principal.kind !== 'local' &&
					grant.principal.accessKeyId !== undefined
						? {accessKeyId: grant.principal.accessKeyId}
						: {}),
				});
				client.close();
			}
		}
	});

	return {
		principalOf(client) {
			const grant = grants.get(client);
			return grant ? describePrincipal(grant.principal) : undefined;
		},
	};
}

/**
What the broker refuses on any channel, whatever the policy: its own $SYS
topics, the service's reply and event topics, and retained messages on
reserved topics. Undefined when the publish may go on to the policy.
*/
export function reservedTopicRefusal(
	topic: string,
	retain: boolean,
): string | undefined {
	if (topic.startsWith('$SYS/'))
		return "a publish to $SYS/, the broker's topics";
	// §2.2: reply and event topics are subscribe-only.
	if (isServiceOnlyTopic(topic))
		return 'a client publish to a service-only topic';
	if (retain && topic.startsWith('$aws/'))
		return 'a retained publish on a reserved topic (AWS IoT Core refuses them)';
	return undefined;
}

function isServiceOnlyTopic(topic: string): boolean {
	// Nobody may say where the service is but the service.
	if (topic.startsWith('$aws/events/') || topic.startsWith('$shadow-tui/'))
		return true;
	const parsed = parseShadowTopic(topic, awsLimits);
	return parsed.kind !== 'other' && parsed.topic.reply !== undefined;
}

function refusal(code: 3 | 4 | 5, reason: string): AuthenticateError {
	// eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- aedes' AuthErrorCode is an ambient const enum that isolated modules cannot import; 3-5 are its values.
	return Object.assign(new Error(reason), {returnCode: code});
}

function staleCredentials(principal: Principal): string {
	if (principal.kind !== 'user')
		return 'disconnected a client whose certificate was revoked';
	return principal.accessKeyId === undefined
		? 'disconnected a client whose password was changed or removed'
		: 'disconnected a client whose access key was changed or removed';
}

function principalName(principal: Principal | undefined): string {
	return principal ? describePrincipal(principal) : 'unknown';
}
