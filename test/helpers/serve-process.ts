/*
`shadow-tui serve` as a child process of the built binary, with the addresses
it prints read back, for tests that kill and restart it.
*/
import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process';
import type {TestContext} from 'node:test';
import {cliPath} from './cli.js';

export type ServeProcess = {
	readonly child: ChildProcessWithoutNullStreams;
	readonly mqttUrl: string;
	readonly httpUrl: string;
	output(): string;
};

/** Free ports unless `ports` names them (a restart that clients must find again). */
export async function startServe(
	t: TestContext,
	args: string[],
	ports: {readonly mqtt: string; readonly http: string} = {
		mqtt: '0',
		http: '0',
	},
): Promise<ServeProcess> {
	const child = spawn(
		process.execPath,
		[
			cliPath,
			'serve',
			'--port',
			ports.mqtt,
			'--http-port',
			ports.http,
			...args,
		],
		{stdio: 'pipe'},
	);
	t.after(() => {
		if (child.exitCode === null && child.signalCode === null)
			child.kill('SIGKILL');
	});
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
	const deadline = Date.now() + 15_000;
	while (!output.includes('Press Ctrl-C')) {
		if (child.exitCode !== null)
			throw new Error(`serve exited with ${child.exitCode}: ${output}`);
		if (Date.now() > deadline)
			throw new Error(`serve did not start: ${output}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}

	const mqttUrl = /MQTT\s+(\S+)/.exec(output)?.[1] ?? '';
	const httpUrl = /HTTP API\s+(\S+)/.exec(output)?.[1] ?? '';
	return {child, mqttUrl, httpUrl, output: () => output};
}

export async function exited(
	child: ChildProcessWithoutNullStreams,
): Promise<{code: number | null; signal: NodeJS.Signals | null}> {
	if (child.exitCode !== null || child.signalCode !== null)
		return {code: child.exitCode, signal: child.signalCode};
	return new Promise((resolve) => {
		child.once('exit', (code, signal) => {
			resolve({code, signal});
		});
	});
}
