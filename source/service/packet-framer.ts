/*
Reads MQTT packet boundaries from the raw byte stream, before the packet
parser buffers anything: the fixed header declares the remaining length, so a
packet that is too large is known from its first bytes, and the connection
can be closed without holding the body (a client declaring 256 MB would
otherwise make the parser keep every byte until the packet is complete).
For a PUBLISH the variable header's topic length is read too, so the limit
applies to the payload, as AWS IoT Core's 128 KB message limit does.
*/

export type FramerLimits = {
	/** Largest PUBLISH payload. */
	readonly maxPayloadBytes: number;
	/** Largest remaining length of any packet (topic, properties and payload). */
	readonly maxPacketBytes: number;
};

export type FrameViolation = {
	readonly reason:
		| 'packet too large'
		| 'payload too large'
		| 'malformed length'
		| 'packet not completed in time';
	/** Bytes the sender declared (0 when the size was not the problem). */
	readonly declared: number;
};

export type PacketFramer = {
	/** Follows the stream; returns the first violation in this chunk, if any. */
	feed(chunk: Uint8Array): FrameViolation | undefined;
	/** True while a packet has begun and not ended. */
	midPacket(): boolean;
	/** Packets ended so far. */
	completed(): number;
};

const publishType = 3;

export function createPacketFramer(limits: FramerLimits): PacketFramer {
	// One packet at a time: header byte, up to 4 length bytes, then the body.
	let stage: 'type' | 'length' | 'body' = 'type';
	let type = 0;
	let qos = 0;
	let length = 0;
	let multiplier = 1;
	let lengthBytes = 0;
	let remaining = 0;
	// For a PUBLISH: the first two body bytes are the topic length.
	let topicLengthBytes: number[] = [];
	let completed = 0;

	function startBody(): FrameViolation | undefined {
		if (length > limits.maxPacketBytes)
			return {reason: 'packet too large', declared: length};
		remaining = length;
		topicLengthBytes = [];
		if (remaining === 0) completed++;
		stage = remaining === 0 ? 'type' : 'body';
		return undefined;
	}

	function checkPublishPayload(): FrameViolation | undefined {
		const topicLength =
			((topicLengthBytes[0] ?? 0) << 8) + (topicLengthBytes[1] ?? 0);
		// MQTT 3.1.1: the packet id follows the topic for QoS 1 and 2 (MQTT 5 properties are not spoken here).
		const payload = length - 2 - topicLength - (qos > 0 ? 2 : 0);
		return payload > limits.maxPayloadBytes
			? {reason: 'payload too large', declared: payload}
			: undefined;
	}

	return {
		midPacket: () => stage !== 'type',
		completed: () => completed,
		feed(chunk) {
			let index = 0;
			while (index < chunk.length) {
				if (stage === 'type') {
					const byte = chunk[index++] ?? 0;
					type = byte >> 4;
					qos = (byte >> 1) & 3;
					length = 0;
					multiplier = 1;
					lengthBytes = 0;
					stage = 'length';
					continue;
				}

				if (stage === 'length') {
					const byte = chunk[index++] ?? 0;
					length += (byte & 0x7f) * multiplier;
					multiplier *= 128;
					lengthBytes++;
					if ((byte & 0x80) === 0) {
						const violation = startBody();
						if (violation) return violation;
					} else if (lengthBytes === 4) {
						return {reason: 'malformed length', declared: length};
					}

					continue;
				}

				if (type === publishType && topicLengthBytes.length < 2) {
					topicLengthBytes.push(chunk[index++] ?? 0);
					remaining--;
					if (topicLengthBytes.length === 2) {
						const violation = checkPublishPayload();
						if (violation) return violation;
					}
				} else {
					const step = Math.min(remaining, chunk.length - index);
					index += step;
					remaining -= step;
				}

				if (remaining === 0) {
					stage = 'type';
					completed++;
				}
			}

			return undefined;
		},
	};
}
