/*
shadow-tui get / update / delete as a script would run them: the built binary
against `shadow-tui serve`, with a saved profile, and over mutual TLS.
*/
import assert from 'node:assert/strict';
import {mkdir, readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {test} from 'node:test';
import {issue, makeCa} from '../helpers/certificates.js';
import {runCli} from '../helpers/cli.js';
import {startServe} from '../helpers/serve-process.js';
import {temporaryDirectory} from '../helpers/service.js';

test('update, get and delete with a saved profile; exit codes and --json', async (t) => {
	const dir = await temporaryDirectory(t);
	const serve = await startServe(t, ['--data', join(dir, 'data')]);
	const configHome = join(dir, 'config');
	await mkdir(join(configHome, 'shadow-tui'), {recursive: true});
	await writeFile(
		join(configHome, 'shadow-tui', 'config.json'),
		JSON.stringify({profiles: {local: {broker: serve.mqttUrl}}}),
	);
	const env = {XDG_CONFIG_HOME: configHome};
	const cli = async (...args: string[]) => runCli(args, {env});

	const updated = await cli(
		'update',
		'--thing',
		'lamp',
		'--profile',
		'local',
		'--desired',
		'{"lights":"off"}',
		'--json',
	);
	assert.equal(updated.code, 0, updated.stderr);
	assert.equal((JSON.parse(updated.stdout) as {version: number}).version, 1);

	const got = await cli(
		'get',
		'--thing',
		'lamp',
		'--profile',
		'local',
		'--json',
	);
	assert.equal(got.code, 0);
	assert.deepEqual((JSON.parse(got.stdout) as {state: unknown}).state, {
		desired: {lights: 'off'},
		delta: {lights: 'off'},
	});

	const conflict = await cli(
		'update',
		'--thing',
		'lamp',
		'--profile',
		'local',
		'--reported',
		'{"lights":"off"}',
		'--version',
		'9',
	);
	assert.equal(conflict.code, 1);
	assert.equal(
		conflict.stderr.trim(),
		'shadow-tui update: 409 Version conflict',
	);

	const missing = await cli(
		'get',
		'--thing',
		'ghost',
		'--profile',
		'local',
		'--json',
	);
	assert.equal(missing.code, 1);
	assert.deepEqual(JSON.parse(missing.stdout), {
		error: {code: 404, message: "No shadow exists with name: 'ghost'"},
	});

	const named = await cli(
		'update',
		'--thing',
		'lamp',
		'--shadow',
		'schedule',
		'--profile',
		'local',
		'--desired',
		'{"brew":"07:00"}',
		'--json',
	);
	assert.equal((JSON.parse(named.stdout) as {version: number}).version, 1);

	const deleted = await cli(
		'delete',
		'--thing',
		'lamp',
		'--profile',
		'local',
		'--json',
	);
	assert.equal(deleted.code, 0);
	assert.equal((JSON.parse(deleted.stdout) as {version: number}).version, 1);

	for (const args of [
		['get', '--thing', 'lamp', '--profile', 'nope'],
		[
			'update',
			'--thing',
			'lamp',
			'--profile',
			'local',
			'--desired',
			'{"lights":',
		],
		['update', '--thing', 'lamp', '--profile', 'local'],
		['get', '--profile', 'local'],
	]) {
		const result = await cli(...args);
		assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
		assert.equal(result.stderr.trim().split('\n').length, 1);
	}

	const unreachable = await runCli([
		'get',
		'--thing',
		'lamp',
		'--broker',
		'mqtt://127.0.0.1:1',
	]);
	assert.equal(unreachable.code, 1);
	assert.match(
		unreachable.stderr,
		/^shadow-tui get: cannot connect to mqtt:\/\/127\.0\.0\.1:1: /,
	);
});

test('mutual TLS from the command line; the private key appears nowhere', async (t) => {
	const dir = await temporaryDirectory(t);
	const ca = makeCa(dir, 'ca');
	const server = issue(dir, ca, 'server', {server: true});
	const device = issue(dir, ca, 'lamp');
	const serve = await startServe(t, [
		'--data',
		join(dir, 'data'),
		'--tls-cert',
		server.certPath,
		'--tls-key',
		server.keyPath,
		'--tls-ca',
		ca.certPath,
	]);
	assert.match(serve.mqttUrl, /^mqtts:/);
	const logFile = join(dir, 'client.log');
	const tlsArgs = [
		'--broker',
		serve.mqttUrl,
		'--ca',
		ca.certPath,
		'--cert',
		device.certPath,
		'--key',
		device.keyPath,
		// The default policy: a device connects with its thing's name as client id.
		'--client-id',
		'lamp',
		'--log-file',
		logFile,
		'--log-level',
		'debug',
	];
	const updated = await runCli([
		'update',
		'--thing',
		'lamp',
		'--reported',
		'{"secure":true}',
		'--json',
		...tlsArgs,
	]);
	assert.equal(updated.code, 0, updated.stderr);
	const refused = await runCli([
		'get',
		'--thing',
		'lamp',
		'--broker',
		serve.mqttUrl,
		'--ca',
		ca.certPath,
	]);
	assert.equal(refused.code, 1);
	assert.match(refused.stderr, /cannot connect to mqtts:/);

	const keyBody = (await readFile(device.keyPath, 'utf8')).split('\n')[1] ?? '';
	assert.ok(keyBody.length > 20);
	const everything = [
		updated.stdout,
		updated.stderr,
		refused.stdout,
		refused.stderr,
		await readFile(logFile, 'utf8').catch(() => ''),
	].join('\n');
	assert.ok(
		!everything.includes(keyBody),
		'key material was printed or logged',
	);
	assert.ok(!everything.includes('PRIVATE KEY'));
});
