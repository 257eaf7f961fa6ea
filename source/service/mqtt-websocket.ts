/*
MQTT over WebSocket, as AWS IoT Core serves it: at path /mqtt, whatever the
Host header says (clients send AWS-shaped host names), and one MQTT control
packet per binary message. aedes writes a packet in several pieces (header,
topic, payload); WebSocket streams would send each piece as a message, which
the spec allows but simple clients and AWS-oriented tools do not read, so the
outgoing bytes are cut at packet boundaries first.

An upgrade may be admitted or refused before it is answered (a URL signed
with SigV4, as AWS IoT's WebSocket clients sign it, is checked here): a
refusal is an HTTP status with AWS's error body, and one line in the log.
*/
import type {IncomingMessage} from 'node:http';
import {Duplex} from 'node:stream';
import {WebSocketServer, type RawData, type WebSocket} from 'ws';
import type {Logger} from '../log/logger.js';
import type {Principal} from '../security/access-control.js';

export const mqttWebSocketPath = '/mqtt';

/** Past this much unsent, a write waits for the socket: the broker's unread-output bound then sees it. */
const bufferedHighWater = 64 * 1024;

export type PacketSplitter = {
	/** The whole packets that this chunk completes, in order. */
	push(chunk: Buffer): Buffer[];
};

/** Cuts a trusted MQTT byte stream (the broker's own output) into whole packets. */
export function createPacketSplitter(): PacketSplitter {
	let pending: Buffer = Buffer.alloc(0);
	return {
		push(chunk) {
			pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
			const packets: Buffer[] = [];
			let start = 0;
			for (;;) {
				const length = packetLength(pending, start);
				if (length === undefined || start + length > pending.length) break;
				packets.push(pending.subarray(start, start + length));
				start += length;
			}

			pending = pending.subarray(start);
			return packets;
		},
	};
}

/** Bytes of the whole packet that starts at `start`, or undefined until its length is known. */
function packetLength(bytes: Buffer, start: number): number | undefined {
	let remaining = 0;
	let multiplier = 1;
	for (let index = start + 1; index < start + 5; index++) {
		if (index >= bytes.length) return undefined;
		const byte = bytes[index] ?? 0;
		remaining += (byte & 0x7f) * multiplier;
		multiplier *= 128;
		if ((byte & 0x80) === 0) return index - start + 1 + remaining;
	}

	// A length over four bytes is not MQTT; the broker never writes one.
	throw new Error('malformed MQTT length in outgoing bytes');
}

/** A byte stream over one WebSocket: messages in, one packet per message out. */
export function mqttWebSocketStream(socket: WebSocket): Duplex {
	const splitter = createPacketSplitter();
	const send = (chunk: Buffer, done: (error?: Error | null) => void) => {
		const packets = splitter.push(chunk);
		// Set once the last packet is queued: then the write waits for it only if too much is unsent.
		const write = {waiting: false};
		for (const [index, packet] of packets.entries()) {
			const last = index === packets.length - 1;
			socket.send(
				packet,
				{binary: true},
				last
					? (error) => {
							if (write.waiting) done(error);
						}
					: undefined,
			);
		}

		write.waiting =
			packets.length > 0 && socket.bufferedAmount > bufferedHighWater;
		if (!write.waiting) done();
	};

	const stream = new Duplex({
		read() {
			socket.resume();
		},
		write(chunk: Buffer, _encoding, done) {
			if (socket.readyState !== socket.OPEN) {
				done(new Error('the WebSocket is closed'));
				return;
			}

			send(chunk, done);
		},
		final(done) {
			socket.close();
			done();
		},
		destroy(error, done) {
			socket.terminate();
			done(error);
		},
	});
	socket.on('message', (data: RawData) => {
		if (!stream.push(toBuffer(data))) socket.pause();
	});
	socket.once('close', () => {
		stream.push(null);
		stream.destroy();
	});
	socket.on('error', (error) => {
		stream.destroy(error);
	});
	return stream;
}

function toBuffer(data: RawData): Buffer {
	if (Buffer.isBuffer(data)) return data;
	return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

const statusTexts: Readonly<Record<number, string>> = {
	400: 'Bad Request',
	403: 'Forbidden',
	404: 'Not Found',
	429: 'Too Many Requests',
	500: 'Internal Server Error',
};

/** The answer to an upgrade nobody serves (404), or one refused (with AWS's error body), and the connection closed. */
export function refuseUpgrade(
	socket: Duplex,
	refusal: {
		readonly status: number;
		readonly errorType?: string;
		readonly message?: string;
	} = {status: 404},
): void {
	const body =
		refusal.message === undefined
			? ''
			: JSON.stringify({message: refusal.message});
	socket.end(
		[
			`HTTP/1.1 ${refusal.status} ${statusTexts[refusal.status] ?? 'Error'}`,
			...(body === '' ? [] : ['Content-Type: application/json']),
			...(refusal.errorType ? [`x-amzn-ErrorType: ${refusal.errorType}`] : []),
			`Content-Length: ${Buffer.byteLength(body)}`,
			'Connection: close',
			'',
			body,
		].join('\r\n'),
	);
}

/** Whether an upgrade goes on, and as whom when its request proved it. */
export type UpgradeAdmission =
	| {readonly ok: true; readonly principal?: Principal}
	| {
			readonly ok: false;
			readonly status: number;
			readonly errorType?: string;
			readonly message: string;
			/** For the log; never a secret. */
			readonly reason: string;
	  };

export type WebSocketAcceptor = (
	request: IncomingMessage,
	socket: Duplex,
	head: Buffer,
) => void;

/**
Answers HTTP upgrades at /mqtt (any query, any Host) with MQTT over
WebSocket; any other upgrade gets 404, unless `anyPath` (a listener that
serves nothing else). `accept` receives the stream and the upgrade request,
whose socket is the TLS socket when the server is HTTPS, and the principal
`admit` found, if any.
*/
export function mqttWebSocketAcceptor(
	accept: (
		stream: Duplex,
		request: IncomingMessage,
		principal: Principal | undefined,
	) => void,
	log: Logger,
	options: {
		readonly anyPath?: boolean;
		/**
		The largest message a client may send: one packet of the broker's largest.
		ws would otherwise buffer up to 100 MB of one message before the broker's
		own bounds see a byte.
		*/
		readonly maxMessageBytes: number;
		/** Asked before answering an upgrade at the path. */
		readonly admit?: (request: IncomingMessage) => Promise<UpgradeAdmission>;
	},
): WebSocketAcceptor & {close(): void} {
	const server = new WebSocketServer({
		noServer: true,
		maxPayload: options.maxMessageBytes,
		// MQTT asks for the "mqtt" subprotocol (older clients "mqttv3.1"); answer with what was offered.
		handleProtocols: (protocols) => protocols.values().next().value ?? false,
	});
	const upgrade: WebSocketAcceptor = (request, socket, head) => {
		const path = (request.url ?? '').split('?')[0];
		if (path !== mqttWebSocketPath && !options.anyPath) {
			refuseUpgrade(socket);
			return;
		}

		const upgradeAs = (principal: Principal | undefined) => {
			server.handleUpgrade(request, socket, head, (webSocket) => {
				const stream = mqttWebSocketStream(webSocket);
				stream.on('error', (error) => {
					log.info('websocket error', {error: error.message});
				});
				accept(stream, request, principal);
			});
		};

		const {admit} = options;
		if (!admit) {
			upgradeAs(undefined);
			return;
		}

		// Nothing else listens on the socket while the request is checked.
		const onError = () => socket.destroy();
		socket.on('error', onError);
		admit(request)
			.then((admission) => {
				socket.off('error', onError);
				if (socket.destroyed) return;
				if (admission.ok) {
					upgradeAs(admission.principal);
					return;
				}

				log.warn('refused a WebSocket upgrade', {
					remoteAddress: request.socket.remoteAddress,
					status: admission.status,
					reason: admission.reason,
				});
				refuseUpgrade(socket, admission);
			})
			.catch((error: unknown) => {
				socket.off('error', onError);
				log.error('WebSocket upgrade failed', {error: String(error)});
				if (!socket.destroyed) refuseUpgrade(socket, {status: 500});
			});
	};

	return Object.assign(upgrade, {
		close() {
			for (const client of server.clients) client.terminate();
			server.close();
		},
	});
}
