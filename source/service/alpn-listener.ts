/*
One TLS port for everything, as AWS IoT Core's 443: a client that offers ALPN
x-amzn-mqtt-ca (what the AWS IoT SDKs offer with mtls_from_path, and what
they need to connect without a port) or mqtt speaks MQTT; one that offers
another protocol is HTTPS (the data-plane API, and MQTT over WebSocket at
/mqtt); one that offers none is served by what its first byte says.
*/
import {createServer, type Server, type TLSSocket} from 'node:tls';
import type {Logger} from '../log/logger.js';
import {
	listen,
	tlsServerOptions,
	urlHost,
	type TlsFiles,
} from './embedded-broker.js';

/** Server preference order: MQTT when the client offers it, then HTTP. */
export const alpnProtocols = [
	'x-amzn-mqtt-ca',
	'mqtt',
	'x-amzn-http-ca',
	'http/1.1',
];

const mqttProtocols = new Set(['x-amzn-mqtt-ca', 'mqtt']);
const httpProtocols = new Set(['x-amzn-http-ca', 'http/1.1']);

/**
The protocol to agree on: ours in our order when the client offers one,
else the client's first. With a plain list of our protocols, a client that
offers none of them (`h2` alone, `mqttv3.1`) would get a fatal alert;
agreeing on its own lets its first bytes decide, as for a client without ALPN.
*/
export function chooseProtocol({
	protocols,
}: {
	readonly protocols: readonly string[];
}): string | undefined {
	return (
		alpnProtocols.find((protocol) => protocols.includes(protocol)) ??
		protocols[0]
	);
}

/** How long a client that offered no ALPN may take to send its first bytes. */
const firstBytesTimeout = 30_000;
const mqttConnect = 0x10;

/**
A client that offers no ALPN, or none of ours (mqtt.js, mosquitto_pub, Node's https) says
what it speaks in its first byte: a CONNECT is 0x10, an HTTP request starts
with a method's letter. The byte is put back for whoever serves it.
*/
function dispatchByFirstByte(
	socket: TLSSocket,
	serve: {
		readonly mqtt: (socket: TLSSocket) => void;
		readonly https: (socket: TLSSocket) => void;
	},
): void {
	socket.setTimeout(firstBytesTimeout, () => {
		socket.destroy();
	});
	socket.once('data', (chunk: Buffer) => {
		socket.pause();
		socket.setTimeout(0);
		socket.unshift(chunk);
		if (chunk[0] === mqttConnect) serve.mqtt(socket);
		else serve.https(socket);
		socket.resume();
	});
}

export type AlpnListener = {
	readonly url: string;
	close(): Promise<void>;
};

export async function startAlpnListener(options: {
	readonly host: string;
	readonly port: number;
	readonly tls: TlsFiles;
	readonly mqtt: (socket: TLSSocket) => void;
	readonly https: (socket: TLSSocket) => void;
	readonly log: Logger;
}): Promise<AlpnListener> {
	const {log} = options;
	const open = new Set<TLSSocket>();
	const server: Server = createServer(
		{...tlsServerOptions(options.tls), ALPNCallback: chooseProtocol},
		(socket) => {
			socket.setNoDelay(true);
			open.add(socket);
			socket.once('close', () => open.delete(socket));
			const protocol = socket.alpnProtocol;
			if (typeof protocol === 'string' && mqttProtocols.has(protocol))
				options.mqtt(socket);
			else if (typeof protocol === 'string' && httpProtocols.has(protocol))
				options.https(socket);
			else dispatchByFirstByte(socket, options);
		},
	);
	server.on('tlsClientError', (error, socket) => {
		log.info('TLS handshake refused on the ALPN port', {
			error: error.message,
			remoteAddress: socket.remoteAddress,
		});
	});
	const port = await listen(server, options.host, options.port);
	return {
		url: `mqtts://${urlHost(options.host)}:${port}`,
		async close() {
			for (const socket of open) socket.destroy();
			await new Promise<void>((resolve) => {
				server.close(() => {
					resolve();
				});
			});
		},
	};
}
