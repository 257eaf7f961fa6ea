/*
Debian's Mosquitto, started by a test on a free loopback port and stopped when
the test ends. .ci/run installs it with apt-get when it is missing.
*/
import {spawn, type ChildProcess} from 'node:child_process';
import {existsSync} from 'node:fs';
import {writeFile} from 'node:fs/promises';
import {createConnection, createServer, type AddressInfo} from 'node:net';
import {userInfo} from 'node:os';
import {join} from 'node:path';
import type {TestContext} from 'node:test';
import {temporaryDirectory} from './service.js';

export const mosquittoPath = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].find(
	(path) => existsSync(path),
);

export async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

export type Mosquitto = {
	readonly url: string;
	readonly port: number;
	stop(): Promise<void>;
	readonly process: ChildProcess;
};

export type MosquittoTls = {
	readonly caPath: string;
	readonly certPath: string;
	readonly keyPath: string;
};

export async function startMosquitto(
	t: TestContext,
	options: {port?: number; tls?: MosquittoTls} = {},
): Promise<Mosquitto> {
	if (!mosquittoPath)
		throw new Error(
			'mosquitto is not installed (apt-get install mosquitto; .ci/run does it)',
		);
	const dir = await temporaryDirectory(t);
	const chosen = options.port ?? (await freePort());
	const config = join(dir, 'mosquitto.conf');
	const tls = options.tls
		? [
				`cafile ${options.tls.caPath}`,
				`certfile ${options.tls.certPath}`,
				`keyfile ${options.tls.keyPath}`,
				'require_certificate true',
			]
		: [];
	// Started as root, Mosquitto would switch to user 'mosquitto' and lose access to the test's files.
	const lines = [
		`user ${userInfo().username}`,
		`listener ${chosen} 127.0.0.1`,
		...tls,
		'allow_anonymous true',
		'persistence false',
		'set_tcp_nodelay true',
		'log_dest none',
		'',
	];
	await writeFile(config, lines.join('\n'));
	const child = spawn(mosquittoPath, ['-c', config], {stdio: 'ignore'});
	const stop = async () => {
		if (child.exitCode !== null || child.signalCode !== null) return;
		const exited = new Promise((resolve) => child.once('exit', resolve));
		child.kill('SIGTERM');
		await exited;
	};

	t.after(stop);
	await waitForPort(chosen, child);
	return {
		url: `${options.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${chosen}`,
		port: chosen,
		stop,
		process: child,
	};
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
	const deadline = Date.now() + 10_000;
	while (Date.now() < deadline) {
		if (child.exitCode !== null)
			throw new Error(`mosquitto exited with code ${child.exitCode}`);
		const open = await new Promise<boolean>((resolve) => {
			const socket = createConnection({port, host: '127.0.0.1'}, () => {
				socket.destroy();
				resolve(true);
			});
			socket.on('error', () => resolve(false));
		});
		if (open) return;
		await new Promise((resolve) => setTimeout(resolve, 50));
	}

	throw new Error(`mosquitto did not listen on port ${port}`);
}
