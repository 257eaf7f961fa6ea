/*
The rules of presence, without I/O: the shape of AWS IoT's lifecycle events,
how long a client of a previous run of the broker has to reconnect, and what
is published for one that does not.

A broker that dies takes its clients' last wills with it. AWS IoT declares a
connection lost when nothing arrives for 1.5 × the keep-alive the client asked
for, then publishes its will and a `disconnected` lifecycle event with
disconnectReason CONNECTION_LOST. After a restart the service applies the same
rule to the clients the previous run still had (orphans): the grace starts
when the new run starts, since the client may only now have noticed.
*/
import type {PresenceRecord, WillMessage} from '../store/presence-store.js';

export type GracePolicy = {
	/** AWS: a connection is lost after this many keep-alive periods without a packet. */
	readonly keepAliveFactor: number;
	/** For clients that asked for keep-alive 0 (never ping): how long they would have had. */
	readonly defaultKeepAliveSeconds: number;
};

export const awsGracePolicy: GracePolicy = Object.freeze({
	keepAliveFactor: 1.5,
	defaultKeepAliveSeconds: 60,
});

/** Wills above AWS IoT's largest MQTT payload are not remembered: one client cannot fill the file. */
export const maxRememberedWillBytes = 131_072;

export function orphanGraceMs(
	keepAliveSeconds: number,
	policy: GracePolicy = awsGracePolicy,
): number {
	const seconds =
		Number.isFinite(keepAliveSeconds) && keepAliveSeconds > 0
			? keepAliveSeconds
			: policy.defaultKeepAliveSeconds;
	return Math.ceil(seconds * policy.keepAliveFactor * 1000);
}

/** What the broker publishes for a client: its will, or a lifecycle event, in the will's shape. */
export type Message = WillMessage;

export type LifecycleFields = {
	readonly clientId: string;
	readonly timestamp: number;
	readonly sessionIdentifier: string;
	readonly principalIdentifier: string;
	readonly versionNumber: number;
};

export type LifecycleChange =
	| {readonly eventType: 'connected'; readonly ipAddress: string}
	| {
			readonly eventType: 'disconnected';
			readonly clientInitiatedDisconnect: boolean;
	  };

/** `$aws/events/presence/connected|disconnected/CLIENTID` with AWS's payload fields. */
export function lifecycleEvent(
	fields: LifecycleFields,
	change: LifecycleChange,
): Message {
	const extra =
		change.eventType === 'connected'
			? {ipAddress: change.ipAddress}
			: {
					clientInitiatedDisconnect: change.clientInitiatedDisconnect,
					disconnectReason: change.clientInitiatedDisconnect
						? 'CLIENT_INITIATED_DISCONNECT'
						: 'CONNECTION_LOST',
				};
	const payload = {
		clientId: fields.clientId,
		timestamp: fields.timestamp,
		eventType: change.eventType,
		sessionIdentifier: fields.sessionIdentifier,
		principalIdentifier: fields.principalIdentifier,
		...extra,
		versionNumber: fields.versionNumber,
	};
	return {
		topic: `$aws/events/presence/${change.eventType}/${fields.clientId}`,
		payload: Buffer.from(JSON.stringify(payload)),
		qos: 1,
		retain: false,
	};
}

/** What the broker would have published had it seen the orphan's connection drop: its will, then the event. */
export function orphanMessages(orphan: PresenceRecord, now: number): Message[] {
	const event = lifecycleEvent(
		{
			clientId: orphan.clientId,
			timestamp: now,
			sessionIdentifier: orphan.sessionIdentifier,
			principalIdentifier: orphan.principalIdentifier,
			versionNumber: orphan.versionNumber,
		},
		{eventType: 'disconnected', clientInitiatedDisconnect: false},
	);
	return orphan.will ? [orphan.will, event] : [event];
}

export type OrphanTimer = {
	readonly orphan: PresenceRecord;
	/** Milliseconds after the start of this run. */
	readonly delayMs: number;
};

/** One timer per client id (the store holds one row per client id), soonest first. */
export function orphanTimers(
	orphans: readonly PresenceRecord[],
	policy: GracePolicy = awsGracePolicy,
): OrphanTimer[] {
	const byClient = new Map<string, PresenceRecord>();
	for (const orphan of orphans) byClient.set(orphan.clientId, orphan);
	return [...byClient.values()]
		.map((orphan) => ({
			orphan,
			delayMs: orphanGraceMs(orphan.keepAliveSeconds, policy),
		}))
		.sort((a, b) => a.delayMs - b.delayMs);
}

/** The will worth remembering, or why not: none, too large, or dropped by the broker's authorization. */
export function rememberedWill(
	will: WillMessage | undefined,
	authorized: boolean,
):
	| {readonly kind: 'will'; readonly will: WillMessage}
	| {readonly kind: 'none' | 'too-large' | 'unauthorized'} {
	if (!will) return {kind: 'none'};
	if (!authorized) return {kind: 'unauthorized'};
	if (will.payload.length > maxRememberedWillBytes) return {kind: 'too-large'};
	return {kind: 'will', will};
}
