/*
The readme's secure setup for attack tests: our own CA, the local service
over TLS with client certificates, the revocation list and (optionally) the
users file as `serve --certs` reads them, and the raw clients an attacker
would use: HTTPS over one keep-alive connection, and a bare MQTT CONNECT
whose CONNACK code is read back, from any loopback source address.
*/
import {readFileSync} from 'node:fs';
import {Agent, request} from 'node:https';
import type {Socket} from 'node:net';
import {join} from 'node:path';
import type {TestContext} from 'node:test';
import {connect as connectTls} from 'node:tls';
import {
	caFiles,
	createCertificateAuthority,
	issueClientCertificate,
} from '../../source/certs/certificate-authority.js';
import {createLogger} from '../../source/log/logger.js';
import {parseUsers} from '../../source/security/passwords.js';
import {openUserFile} from '../../source/security/user-file.js';
import {startTestService, temporaryDirectory} from '../helpers/service.js';
import {until} from '../helpers/wait.js';

export type Credentials = {readonly cert: Buffer; readonly key: Buffer};

export async function startSecureService(
	t: TestContext,
	options: {
		/** Called once the CA exists, to add users to its users.json before the service reads it. */
		readonly addUsers?: (dir: string) => Promise<void>;
	} = {},
) {
	const dir = await temporaryDirectory(t);
	await createCertificateAuthority(dir, {
		hosts: ['localhost', '127.0.0.1'],
		days: 2,
	});
	const files = caFiles(dir);
	const ca = readFileSync(files.caCert);
	const logFile = join(dir, 'service.log');
	const log = createLogger({file: logFile, level: 'debug'});
	t.after(async () => log.close());
	let users;
	if (options.addUsers) {
		await options.addUsers(dir);
		// As serve does: checked once, then followed.
		const parsed = parseUsers(JSON.parse(readFileSync(files.users, 'utf8')));
		if (!parsed.ok) throw new Error(parsed.error);
		users = openUserFile(files.users, {initial: parsed.users});
	}

	const service = await startTestService(t, {
		tls: {
			cert: readFileSync(files.serverCert),
			key: readFileSync(files.serverKey),
			ca,
		},
		security: {revocationFile: files.revoked, ...(users ? {users} : {})},
		log,
	});
	const mqttPort = Number(new URL(service.mqttUrl).port);
	const credentials = async (
		kind: 'thing' | 'app',
		name: string,
	): Promise<Credentials> => {
		const issued = await issueClientCertificate(dir, {kind, name});
		return {
			cert: readFileSync(issued.certificate),
			key: readFileSync(issued.key),
		};
	};

	const logText = async (pattern: RegExp) => {
		await until(
			() => pattern.test(readFileSync(logFile, 'utf8')),
			`a log line matching ${String(pattern)}`,
		);
		return readFileSync(logFile, 'utf8');
	};

	return {
		dir,
		ca,
		service,
		mqttPort,
		httpUrl: service.httpUrl ?? '',
		credentials,
		logText,
	};
}

export type HttpsReply = {
	readonly status: number;
	readonly body: unknown;
	readonly errorType: string | undefined;
	readonly socket: Socket;
};

/** One keep-alive connection: every request goes over the same socket while it stays open. */
export function keepAliveAgent(
	t: TestContext,
	who: {ca: Buffer; cert?: Buffer; key?: Buffer},
): Agent {
	const agent = new Agent({keepAlive: true, maxSockets: 1, ...who});
	t.after(() => {
		agent.destroy();
	});
	return agent;
}

export async function https(
	url: string,
	options: {
		readonly agent: Agent | false;
		readonly ca?: Buffer;
		readonly method?: string;
		readonly body?: string;
		readonly username?: string;
		readonly password?: string;
	},
): Promise<HttpsReply> {
	const headers: Record<string, string> = {};
	if (options.username !== undefined)
		headers.authorization = `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`;
	if (options.body !== undefined) headers['content-type'] = 'application/json';
	return new Promise((resolve, reject) => {
		let socket: Socket | undefined;
		const sent = request(
			url,
			{
				method: options.method ?? 'GET',
				headers,
				agent: options.agent,
				...(options.ca ? {ca: options.ca} : {}),
				timeout: 10_000,
			},
			(response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('error', reject);
				response.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let body: unknown;
					try {
						body = JSON.parse(text);
					} catch {
						body = text;
					}

					const errorType = response.headers['x-amzn-errortype'];
					resolve({
						status: response.statusCode ?? 0,
						body,
						errorType: typeof errorType === 'string' ? errorType : undefined,
						socket: socket ?? response.socket,
					});
				});
			},
		);
		sent.on('socket', (assigned) => {
			socket = assigned;
		});
		sent.on('timeout', () => {
			sent.destroy(new Error(`no answer from ${url} within 10 s`));
		});
		sent.on('error', reject);
		sent.end(options.body);
	});
}

/** An MQTT 3.1.1 CONNECT over TLS from `localAddress`; resolves with the CONNACK return code. */
export async function connackCode(options: {
	readonly port: number;
	readonly ca: Buffer;
	readonly clientId: string;
	readonly username?: string;
	readonly password?: string;
	readonly localAddress?: string;
}): Promise<number> {
	const field = (text: string) => {
		const bytes = Buffer.from(text);
		const length = Buffer.alloc(2);
		length.writeUInt16BE(bytes.length);
		return Buffer.concat([length, bytes]);
	};

	const flags =
		0x02 |
		(options.username === undefined ? 0 : 0x80) |
		(options.password === undefined ? 0 : 0x40);
	const body = Buffer.concat([
		field('MQTT'),
		Buffer.from([4, flags, 0, 30]),
		field(options.clientId),
		...(options.username === undefined ? [] : [field(options.username)]),
		...(options.password === undefined ? [] : [field(options.password)]),
	]);
	const length: number[] = [];
	let rest = body.length;
	do {
		const byte = rest % 128;
		rest = Math.floor(rest / 128);
		length.push(rest > 0 ? byte | 0x80 : byte);
	} while (rest > 0);
	const packet = Buffer.concat([Buffer.from([0x10, ...length]), body]);

	return new Promise((resolve, reject) => {
		const socket = connectTls({
			host: '127.0.0.1',
			port: options.port,
			ca: options.ca,
			servername: 'localhost',
			...(options.localAddress ? {localAddress: options.localAddress} : {}),
		});
		let received = Buffer.alloc(0);
		const timer = setTimeout(() => {
			socket.destroy();
			reject(new Error('no CONNACK within 10 s'));
		}, 10_000);
		socket.on('secureConnect', () => {
			socket.write(packet);
		});
		socket.on('data', (chunk: Buffer) => {
			received = Buffer.concat([received, chunk]);
			if (received.length >= 4) {
				clearTimeout(timer);
				socket.destroy();
				if (received[0] === 0x20) resolve(received[3] ?? -1);
				else reject(new Error(`not a CONNACK: ${received.toString('hex')}`));
			}
		});
		socket.on('error', (error: Error) => {
			clearTimeout(timer);
			reject(error);
		});
		socket.on('close', () => {
			clearTimeout(timer);
			reject(new Error('closed before a CONNACK'));
		});
	});
}
