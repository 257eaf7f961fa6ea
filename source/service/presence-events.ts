/*
Presence on the embedded broker: AWS IoT lifecycle events
($aws/events/presence/connected|disconnected/CLIENTID), so a console can tell
whether a device is online, and presence that survives a restart.

aedes holds last wills in memory only. With a presence store, every client is
remembered (will, keep-alive, session) before its CONNACK leaves and forgotten
when the broker sees it go, so a run that ends without seeing it go (SIGKILL,
a crash, or a stop while devices are connected) leaves its row behind. The
next run gives each such orphan AWS's grace (presence-rules.ts): a client
with the same id that connects within it is simply online again; otherwise
its will and a CONNECTION_LOST event are published, as aedes would have done.
*/
import {randomUUID} from 'node:crypto';
import type {TLSSocket} from 'node:tls';
import type {Aedes, Client, PublishPacket} from 'aedes';
import type {Logger} from '../log/logger.js';
import type {
	PresenceRecord,
	PresenceStore,
	WillMessage,
} from '../store/presence-store.js';
import {
	awsGracePolicy,
	lifecycleEvent,
	orphanMessages,
	orphanTimers,
	rememberedWill,
	type GracePolicy,
	type LifecycleChange,
	type Message,
} from './presence-rules.js';

export type PresenceRecording = {
	readonly store: PresenceStore;
	/** Default: AWS's 1.5 × keep-alive (60 s for keep-alive 0). */
	readonly grace?: GracePolicy;
};

export type PresenceOptions = {
	readonly log: Logger;
	/** Without it, presence is known only while this run lasts. */
	readonly recording?: PresenceRecording | undefined;
	readonly now?: () => number;
};

export type PresenceEvents = {
	/** Stops events and timers; rows stay, so the next run can settle them. */
	stop(): void;
};

/** Client ids whose versionNumber is remembered; beyond this the least recently connected start again at 0. */
const maxVersionedClients = 100_000;

export function startPresenceEvents(
	aedes: Aedes,
	options: PresenceOptions,
): PresenceEvents {
	const {log, recording} = options;
	const now = options.now ?? Date.now;
	const versions = new Map<string, number>();
	const sessions = new WeakMap<
		Client,
		{readonly identifier: string; readonly versionNumber: number}
	>();
	const gone = new WeakSet<Client>();
	const orphans = new Map<
		string,
		{readonly orphan: PresenceRecord; readonly timer: NodeJS.Timeout}
	>();
	let stopped = false;

	const publish = (message: Message, done: () => void) => {
		aedes.publish({cmd: 'publish', dup: false, ...message}, (error) => {
			if (error)
				log.error('presence publish failed', {
					topic: message.topic,
					error: error.message,
				});
			done();
		});
	};

	const noteVersion = (clientId: string, versionNumber: number) => {
		// Re-inserted on every use, so the first key is the least recently connected.
		versions.delete(clientId);
		versions.set(clientId, versionNumber);
		if (versions.size > maxVersionedClients) {
			const oldest = versions.keys().next();
			if (!oldest.done) versions.delete(oldest.value);
		}
	};

	const forget = (clientId: string, sessionIdentifier: string) => {
		if (!recording) return;
		try {
			recording.store.remove(clientId, sessionIdentifier);
		} catch (error: unknown) {
			log.error('could not forget a disconnected client', {
				clientId,
				error: String(error),
			});
		}
	};

	const emit = (client: Client, change: LifecycleChange) => {
		if (stopped) return;
		const session = sessions.get(client);
		publish(
			lifecycleEvent(
				{
					clientId: client.id,
					timestamp: now(),
					sessionIdentifier: session?.identifier ?? randomUUID(),
					principalIdentifier: principalOf(client),
					versionNumber: session?.versionNumber ?? 0,
				},
				change,
			),
			() => undefined,
		);
	};

	const expire = (orphan: PresenceRecord) => {
		orphans.delete(orphan.clientId);
		if (stopped) return;
		log.info('a client of the previous run did not come back', {
			clientId: orphan.clientId,
			will: orphan.will !== undefined,
		});
		const messages = orphanMessages(orphan, now());
		let pending = messages.length;
		for (const message of messages) {
			publish(message, () => {
				pending -= 1;
				// Once stopped, the store may be closed: the row stays and the next run settles it.
				if (pending === 0 && !stopped)
					forget(orphan.clientId, orphan.sessionIdentifier);
			});
		}
	};

	const cancelOrphan = (clientId: string) => {
		const pending = orphans.get(clientId);
		if (!pending) return;
		clearTimeout(pending.timer);
		orphans.delete(clientId);
		forget(clientId, pending.orphan.sessionIdentifier);
		log.info('a client of the previous run reconnected in time', {clientId});
	};

	const remember = (client: Client, record: PresenceRecord) => {
		if (!recording) return;
		const will = willOf(client);
		const put = (authorized: WillMessage | undefined, allowed: boolean) => {
			// The client may have gone while its will was being authorized: then there is nothing to remember.
			if (stopped || gone.has(client)) return;
			const decision = rememberedWill(authorized, allowed);
			if (decision.kind === 'too-large')
				log.warn('a will too large to survive a restart', {
					clientId: client.id,
					bytes: authorized?.payload.length,
				});
			try {
				recording.store.put(
					decision.kind === 'will' ? {...record, will: decision.will} : record,
				);
			} catch (error: unknown) {
				log.error('could not remember a connected client', {
					clientId: client.id,
					error: String(error),
				});
			}
		};

		if (!will) {
			put(undefined, true);
			return;
		}

		// Authorized now, as AWS checks a will at CONNECT: a replayed will then cannot reach what the client may not.
		// The broker drops a refused publish by an error or by sending it elsewhere (another topic).
		const packet: PublishPacket = {cmd: 'publish', dup: false, ...will};
		aedes.authorizePublish(client, packet, (error) => {
			put(
				{...will, retain: packet.retain},
				!error && packet.topic === will.topic,
			);
		});
	};

	// 'client' fires when aedes registers a connection, before its CONNACK: the row is durable before the client counts on it.
	const onRegistered = (client: Client) => {
		const versionNumber = (versions.get(client.id) ?? -1) + 1;
		noteVersion(client.id, versionNumber);
		const identifier = randomUUID();
		sessions.set(client, {identifier, versionNumber});
		cancelOrphan(client.id);
		remember(client, {
			clientId: client.id,
			sessionIdentifier: identifier,
			principalIdentifier: principalOf(client),
			keepAliveSeconds: keepAliveOf(client),
			versionNumber,
			connectedAt: now(),
		});
	};

	const onReady = (client: Client) => {
		emit(client, {
			eventType: 'connected',
			ipAddress: (client.conn as {remoteAddress?: string}).remoteAddress ?? '',
		});
	};

	const onDisconnect = (client: Client) => {
		gone.add(client);
		const session = sessions.get(client);
		if (session) forget(client.id, session.identifier);
		const clean =
			(client as unknown as {_disconnected?: boolean})._disconnected === true;
		emit(client, {eventType: 'disconnected', clientInitiatedDisconnect: clean});
	};

	if (recording) {
		let previous: PresenceRecord[] = [];
		try {
			previous = recording.store.list();
		} catch (error: unknown) {
			log.error('could not read the clients of the previous run', {
				error: String(error),
			});
		}

		for (const {orphan, delayMs} of orphanTimers(
			previous,
			recording.grace ?? awsGracePolicy,
		)) {
			noteVersion(orphan.clientId, orphan.versionNumber);
			const timer = setTimeout(() => {
				expire(orphan);
			}, delayMs);
			timer.unref();
			orphans.set(orphan.clientId, {orphan, timer});
		}

		if (orphans.size > 0)
			log.info('clients of the previous run may reconnect within their grace', {
				count: orphans.size,
			});
	}

	aedes.on('client', onRegistered);
	aedes.on('clientReady', onReady);
	aedes.on('clientDisconnect', onDisconnect);
	return {
		stop() {
			stopped = true;
			for (const {timer} of orphans.values()) clearTimeout(timer);
			orphans.clear();
			aedes.off('client', onRegistered);
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

/** aedes keeps only the timeout it derived from CONNECT: 1500 ms × keep-alive + 1, or -1 for none. */
function keepAliveOf(client: Client): number {
	const interval =
		(client as unknown as {_keepaliveInterval?: number})._keepaliveInterval ??
		-1;
	return interval > 0 ? Math.round((interval - 1) / 1500) : 0;
}

type ConnectWill = {
	readonly topic: string;
	readonly payload: Buffer | string;
	readonly qos?: 0 | 1 | 2;
	readonly retain?: boolean;
};

function willOf(
	client: Client,
):
	| {topic: string; payload: Buffer; qos: 0 | 1 | 2; retain: boolean}
	| undefined {
	const will = (client as unknown as {will?: ConnectWill | null}).will;
	if (!will) return undefined;
	return {
		topic: will.topic,
		payload: toBuffer(will.payload),
		qos: will.qos ?? 0,
		retain: will.retain ?? false,
	};
}

function toBuffer(payload: Buffer | string): Buffer {
	return Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
}
