/*
What one client may hold of the embedded broker, so that no client can
exhaust memory for all: AWS IoT Core's message size (128 KB payload), a bound
on connections, on subscriptions per connection, and on what waits unread in
a client's outgoing buffer. Oversized packets are refused from their fixed
header (packet-framer.ts), before the parser buffers the body.
*/
import type {Client} from 'aedes';
import {createPacketFramer, type FrameViolation} from './packet-framer.js';

export type BrokerLimits = {
	/** Largest PUBLISH payload; AWS IoT Core refuses larger messages. */
	readonly maxPayloadBytes: number;
	readonly maxConnections: number;
	/** AWS's default quota is 50 (adjustable); ours is higher, see the readme. */
	readonly maxSubscriptionsPerConnection: number;
	/**
	Bytes a client may leave unread before messages to it are dropped, as AWS
	stops sending to a client with 100 unacknowledged messages.
	*/
	readonly maxQueuedBytesPerClient: number;
	/** A packet begun must end within this time, whatever the client's keep-alive. */
	readonly packetTimeoutMs: number;
};

export const defaultBrokerLimits: BrokerLimits = Object.freeze({
	maxPayloadBytes: 128 * 1024,
	maxConnections: 10_000,
	maxSubscriptionsPerConnection: 1000,
	maxQueuedBytesPerClient: 16 * 1024 * 1024,
	packetTimeoutMs: 30_000,
});

/**
A shadow request a little over the limit is let through to the shadow
service, which answers it `413` on its /rejected topic without parsing it (as
a device expects from the shadow service); past this much more, and on any
other topic past the limit, the connection is closed.
*/
export const shadowRequestGraceBytes = 64 * 1024;

/** The largest payload the framer lets the parser buffer. */
export function payloadCeiling(limits: BrokerLimits): number {
	return limits.maxPayloadBytes + shadowRequestGraceBytes;
}

/** Room for the topic (MQTT allows 65,535 bytes) and the packet id beside the largest payload. */
export function maxPacketBytes(limits: BrokerLimits): number {
	return payloadCeiling(limits) + 65_535 + 4;
}

type Parser = {parse(buffer: Buffer): unknown};

/**
Puts the framer in front of aedes' packet parser for this client. aedes reads
the connection itself and hands each chunk to `_parser.parse`; the framer sees
the chunk first, and on a violation the chunk is never parsed.
*/
export function guardPackets(
	client: Client,
	limits: BrokerLimits,
	onViolation: (violation: FrameViolation) => void,
): void {
	const parser = (client as unknown as {_parser?: Parser})._parser;
	if (!parser) throw new Error('aedes client has no packet parser to guard');
	const framer = createPacketFramer({
		maxPayloadBytes: payloadCeiling(limits),
		maxPacketBytes: maxPacketBytes(limits),
	});
	const parse = parser.parse.bind(parser);
	let refused = false;
	let timer: NodeJS.Timeout | undefined;
	const refuse = (violation: FrameViolation) => {
		refused = true;
		clearTimeout(timer);
		onViolation(violation);
	};

	// A half-sent packet would otherwise hold its buffer for as long as the socket lives
	// (a client with keep-alive 0 is never timed out). Each packet gets its own time.
	let timedPacket = -1;
	const watchCompletion = () => {
		const current = framer.midPacket() ? framer.completed() : -1;
		if (timedPacket === current) return;
		clearTimeout(timer);
		timer = undefined;
		timedPacket = current;
		if (current === -1) return;
		timer = setTimeout(() => {
			refuse({reason: 'packet not completed in time', declared: 0});
		}, limits.packetTimeoutMs).unref();
	};

	client.conn.once('close', () => {
		clearTimeout(timer);
	});
	parser.parse = (buffer: Buffer) => {
		if (refused) return 0;
		const violation = framer.feed(buffer);
		if (violation) {
			refuse(violation);
			return 0;
		}

		watchCompletion();
		return parse(buffer);
	};
}

/** Topic filters each client holds, to bound them per connection. */
export function createSubscriptionCounter(limit: number) {
	const held = new WeakMap<Client, Set<string>>();
	return {
		/** False when this new filter would take the client past the limit. */
		admit(client: Client, filter: string): boolean {
			const filters = held.get(client) ?? new Set<string>();
			held.set(client, filters);
			if (filters.has(filter)) return true;
			if (filters.size >= limit) return false;
			filters.add(filter);
			return true;
		},
		release(client: Client, filters: readonly string[]): void {
			const current = held.get(client);
			for (const filter of filters) current?.delete(filter);
		},
	};
}

export function unreadBytes(client: Client): number {
	return (client.conn as {writableLength?: number}).writableLength ?? 0;
}
