/*
One TLS port for everything, as AWS IoT Core's 443: a client that offers ALPN
x-amzn-mqtt-ca (what the AWS IoT SDKs offer with mtls_from_path, and what
they need to connect without a port) or mqtt speaks MQTT; every other
connection is HTTPS (the data-plane API, and MQTT over WebSocket at /mqtt).
*/
import type {AddressInfo} from 'node:net';
import {createServer, type Server, type TLSSocket} from 'node:tls';
import type {Logger} from '../log/logger.js';
import {tlsServerOptions, urlHost, type TlsFiles} from './embedded-broker.js';

/** Server preference order: MQTT when the client offers it, then HTTP. */
export const alpnProtocols = [
	'x-amzn-mqtt-ca',
	'mqtt',
	'x-amzn-http-ca',
	'http/1.1',
];

const mqttProtocols = new Set(['x-amzn-mqtt-ca', 'mqtt']);

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
		{...tlsServerOptions(options.tls), ALPNProtocols: alpnProtocols},
		(socket) => {
			socket.setNoDelay(true);
			open.add(socket);
			socket.once('close', () => open.delete(socket));
			const protocol = socket.alpnProtocol;
			if (typeof protocol === 'string' && mqttProtocols.has(protocol))
				options.mqtt(socket);
			else options.https(socket);
		},
	);
	server.on('tlsClientError', (error, socket) => {
		log.info('TLS handshake refused on the ALPN port', {
			error: error.message,
			remoteAddress: socket.remoteAddress,
		});
	});
	const port = await new Promise<number>((resolve, reject) => {
		server.once('error', (error: NodeJS.ErrnoException) => {
			reject(
				new Error(
					error.code === 'EADDRINUSE'
						? `port ${options.port} on ${options.host} is already in use`
						: error.code === 'EACCES'
							? `port ${options.port} needs privileges to bind (root, CAP_NET_BIND_SERVICE, or sysctl net.ipv4.ip_unprivileged_port_start); choose another --alpn-port`
							: error.message,
				),
			);
		});
		server.listen(options.port, options.host, () => {
			resolve((server.address() as AddressInfo).port);
		});
	});
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
