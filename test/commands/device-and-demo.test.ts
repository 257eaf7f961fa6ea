/*
shadow-tui device and shadow-tui demo from the built binary, as users run them.
*/
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {createServer, type Server} from 'node:net';
import {join} from 'node:path';
import {test, type TestContext} from 'node:test';
import {connectShadowClient} from '../../source/client/shadow-client.js';
import {cliPath, runCli} from '../helpers/cli.js';
import {exited, startServe} from '../helpers/serve-process.js';
import {temporaryDirectory} from '../helpers/service.js';
import {until} from '../helpers/wait.js';

function spawnCli(t: TestContext, args: string[]) {
	const child = spawn(process.execPath, [cliPath, ...args], {stdio: 'pipe'});
	t.after(() => {
		if (child.exitCode === null && child.signalCode === null)
			child.kill('SIGKILL');
	});
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
	const waitFor = async (pattern: RegExp, timeoutMs = 15_000) => {
		const deadline = Date.now() + timeoutMs;
		while (!pattern.test(output)) {
			if (Date.now() > deadline)
				throw new Error(
					`timed out waiting for ${String(pattern)}; output:\n${output}`,
				);
			if (child.exitCode !== null)
				throw new Error(`exited with ${child.exitCode}:\n${output}`);
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
	};

	return {child, waitFor, output: () => output};
}

test('device --sim --count runs a simulated fleet headless', async (t) => {
	const serve = await startServe(t, [
		'--data',
		join(await temporaryDirectory(t), 'data'),
	]);
	const devices = spawnCli(t, [
		'device',
		'--thing',
		'pump',
		'--sim',
		'pump',
		'--count',
		'3',
		'--broker',
		serve.mqttUrl,
	]);
	await devices.waitFor(/3 devices running/);
	// Each connects with its thing name as client id, as device --help says.
	for (const name of ['pump-1', 'pump-2', 'pump-3'])
		assert.match(
			devices.output(),
			new RegExp(
				`^${name}: pump device connected to mqtt://\\S+ as ${name}$`,
				'm',
			),
		);
	const client = await connectShadowClient({connection: {url: serve.mqttUrl}});
	t.after(async () => client.close());
	for (const name of ['pump-1', 'pump-2', 'pump-3']) {
		const shadow = await client.get({thingName: name, shadowName: ''});
		assert.equal(shadow.state.reported?.connected, true);
		assert.equal(shadow.state.reported?.alarmLimit, 80);
	}

	await client.update(
		{thingName: 'pump-2', shadowName: ''},
		{state: {desired: {alarmLimit: 5}}},
	);
	await devices.waitFor(
		/pump-2: delta v\d+ \{"alarmLimit":5\} -> reported \{"alarmLimit":5,"alarm":true\}/,
	);
	devices.child.kill('SIGINT');
	assert.deepEqual(await exited(devices.child), {code: 0, signal: null});
	const after = await client.get({thingName: 'pump-1', shadowName: ''});
	assert.equal(after.state.reported?.connected, false);
});

test('device refuses bad usage with one line', async () => {
	for (const args of [
		['device', '--sim', 'pump'],
		['device', '--thing', 'x', '--sim', 'toaster'],
		['device', '--thing', 'x', '--apply', 'confirm'],
		['device', '--thing', 'x', '--count', '0'],
	]) {
		const result = await runCli(args);
		assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
		assert.equal(result.stderr.trim().split('\n').length, 1);
	}
});

test('demo starts the service and devices, moves off taken ports, and stops on Ctrl-C', async (t) => {
	// Hold the default ports, so the demo has to pick free ones and say so.
	const held: Server[] = [];
	// Held by this test, not merely taken: another test's demo may hold them now and let go later.
	for (const port of [1883, 8080]) {
		const deadline = Date.now() + 60_000;
		for (;;) {
			const server = createServer();
			const bound = await new Promise<boolean>((resolve) => {
				server.once('error', () => {
					resolve(false);
				});
				server.listen(port, '127.0.0.1', () => {
					resolve(true);
				});
			});
			if (bound) {
				held.push(server);
				break;
			}

			if (Date.now() > deadline) throw new Error(`port ${port} stayed taken`);
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
	}

	t.after(() => {
		for (const server of held) server.close();
	});
	const demo = spawnCli(t, ['demo']);
	await demo.waitFor(/Press Ctrl-C to stop/);
	assert.match(demo.output(), /\(the default port was taken\)/);
	const url = /MQTT\s+(mqtt:\/\/\S+)/.exec(demo.output())?.[1] ?? '';
	assert.notEqual(url, 'mqtt://127.0.0.1:1883');
	const client = await connectShadowClient({connection: {url}});
	t.after(async () => client.close());
	const vehicle = {thingName: 'vehicle-1', shadowName: ''};
	await client.update(vehicle, {state: {desired: {lights: 'off'}}});
	await until(
		async () => (await client.get(vehicle)).state.reported?.lights === 'off',
		'the vehicle to switch its lights off',
	);
	await demo.waitFor(/vehicle-1: delta v\d+ \{"lights":"off"\}/);
	for (const name of ['coffee-maker-1', 'coffee-maker-2', 'pump-1']) {
		assert.equal(
			(await client.get({thingName: name, shadowName: ''})).state.reported
				?.connected,
			true,
			name,
		);
	}

	await client.close();
	demo.child.kill('SIGINT');
	assert.deepEqual(await exited(demo.child), {code: 0, signal: null});
	assert.match(demo.output(), /stopped \(SIGINT\)/);
});
