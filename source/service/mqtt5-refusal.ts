/*
MQTT 5 clients and the embedded broker. aedes speaks MQTT 3.1.1 and answers
an MQTT 5 CONNECT with a 3.1.1-shaped CONNACK (return code 1), which an
MQTT 5 client may misread as a malformed packet. Here an MQTT 5 CONNECT gets
an MQTT 5 CONNACK instead: reason code 0x84 (Unsupported Protocol Version,
MQTT 5 §3.2.2.2) with a Reason String naming the way out, then the
connection ends (§3.2.2.2: after a CONNACK with a reason code of 0x80 or more
the Server MUST close the connection). Every other CONNECT passes to aedes
unchanged.
*/
import type {Socket} from 'node:net';
import type {Aedes, Client} from 'aedes';
import type {Logger} from '../log/logger.js';

/** MQTT 5's CONNACK reason code 0x84. */
export const unsupportedProtocolVersion = 0x84;

export const mqtt5ReasonString =
	"shadow-tui's embedded broker speaks MQTT 3.1.1; connect with MQTT 3.1.1, or run shadow-tui serve --broker mqtt://HOST:PORT on an MQTT 5 broker such as Mosquitto";

/** How long a refused client may keep its socket open after the CONNACK. */
const closeGraceMs = 5000;

const reasonStringProperty = 0x1f;
const maxUtf8StringBytes = 0xffff;

/**
 * An MQTT 5 CONNACK refusing the connection with reason code 0x84, with the
 * reason string as its only property when one is given.
 */
export function buildMqtt5Refusal(reasonString?: string): Buffer {
	const properties: Buffer[] = [];
	if (reasonString !== undefined) {
		const text = Buffer.from(reasonString, 'utf8');
		if (text.length > maxUtf8StringBytes)
			throw new Error(
				`an MQTT reason string holds at most ${maxUtf8StringBytes} bytes, not ${text.length}`,
			);
		const length = Buffer.alloc(2);
		length.writeUInt16BE(text.length);
		properties.push(Buffer.from([reasonStringProperty]), length, text);
	}

	const propertyBytes = Buffer.concat(properties);
	const variableHeader = Buffer.concat([
		// Connect Acknowledge Flags: no session present.
		Buffer.from([0x00, unsupportedProtocolVersion]),
		variableByteInteger(propertyBytes.length),
		propertyBytes,
	]);
	return Buffer.concat([
		Buffer.from([0x20]),
		variableByteInteger(variableHeader.length),
		variableHeader,
	]);
}

/** MQTT 5 §1.5.5: seven bits a byte, least significant first, the top bit says "more". */
export function variableByteInteger(value: number): Buffer {
	if (!Number.isInteger(value) || value < 0 || value > 268_435_455)
		throw new Error(`${value} is not a variable byte integer`);
	const bytes: number[] = [];
	let rest = value;
	do {
		const digit = rest % 128;
		rest = Math.floor(rest / 128);
		bytes.push(rest > 0 ? digit | 0x80 : digit);
	} while (rest > 0);
	return Buffer.from(bytes);
}

export function installMqtt5Refusal(aedes: Aedes, log: Logger): void {
	aedes.preConnect = (client, packet, callback) => {
		if (packet.protocolVersion !== 5) {
			callback(null, true);
			return;
		}

		// §3.2.2.3.9: no Reason String if it would pass the client's Maximum Packet Size.
		const withReason = buildMqtt5Refusal(mqtt5ReasonString);
		const limit = packet.properties?.maximumPacketSize;
		const connack =
			limit === undefined || withReason.length <= limit
				? withReason
				: buildMqtt5Refusal();
		log.warn(
			'refused an MQTT 5 client: the embedded broker speaks MQTT 3.1.1; connect with MQTT 3.1.1, or run shadow-tui serve --broker mqtt://HOST:PORT on an MQTT 5 broker such as Mosquitto',
			{
				clientId: packet.clientId,
				remoteAddress: remoteAddressOf(client),
				reasonCode: unsupportedProtocolVersion,
			},
		);
		endAfter(client, connack);
		// false: aedes goes no further with this CONNECT and sends no CONNACK of its own.
		callback(null, false);
	};
}

function endAfter(client: Client, connack: Buffer): void {
	const {conn} = client;
	// A client that keeps its end open after the refusal is cut off.
	const timer = setTimeout(() => {
		conn.destroy();
	}, closeGraceMs).unref();
	conn.once('close', () => {
		clearTimeout(timer);
	});
	conn.end(connack);
}

function remoteAddressOf(client: Client): string | undefined {
	return (
		(client.conn as Partial<Socket>).remoteAddress ??
		client.req?.socket.remoteAddress
	);
}
