/*
The readme's secure setup, as a user types it: certs init, device, app and
user; serve --certs; a device, an app and a user at work; a revocation that
takes effect at once. Also what must never show: keys and passwords, on the
terminal or in either log.
*/
import assert from 'node:assert/strict';
import {readFileSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {test} from 'node:test';
import {runCli} from '../helpers/cli.js';
import {exited, startServe} from '../helpers/serve-process.js';
import {temporaryDirectory} from '../helpers/service.js';
import {until} from '../helpers/wait.js';

const mode = (path: string) => statSync(path).mode & 0o777;

test('secure setup from the command line: certs, serve --certs, device, app, user, revoke', async (t) => {
	const home = await temporaryDirectory(t);
	const dir = join(home, 'certs');
	const password = 'hunter2-but-longer';
	const env = {XDG_CONFIG_HOME: home, SHADOW_TUI_PASSWORD: password};
	const cli = async (...args: string[]) => runCli(args, {env});

	const init = await cli('certs', 'init', '--dir', dir);
	assert.equal(init.code, 0, init.stderr);
	assert.match(init.stdout, /created a CA in/);
	for (const [action, name] of [
		['device', 'lamp'],
		['device', 'fan'],
		['app', 'console'],
		['user', 'alice'],
	] as const) {
		const result = await cli('certs', action, name, '--dir', dir);
		assert.equal(result.code, 0, result.stderr);
		assert.doesNotMatch(result.stdout, /PRIVATE KEY|hunter2/);
	}

	assert.equal(mode(dir), 0o700);
	for (const file of [
		'ca.key',
		'server.key',
		'devices/lamp.key',
		'apps/console.key',
		'users.json',
	]) {
		assert.equal(mode(join(dir, file)), 0o600, file);
	}

	assert.doesNotMatch(readFileSync(join(dir, 'users.json'), 'utf8'), /hunter2/);

	// Bad usage: one line, the right exit code, nothing half-written.
	for (const [args, code, message] of [
		[['certs', 'device', '--dir', dir], 2, /certs device needs a NAME/],
		[['certs', 'init', '--dir', dir], 1, /already has a CA/],
		[['certs', 'mint', '--dir', dir], 2, /say what to do/],
		[['certs', 'device', 'no spaces', '--dir', dir], 1, /cannot name a thing/],
		[
			['certs', 'revoke', 'nobody', '--dir', dir],
			1,
			/no certificate issued here/,
		],
	] as const) {
		const result = await cli(...args);
		assert.equal(result.code, code, args.join(' '));
		assert.match(result.stderr, message);
		assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
	}

	const serviceLog = join(home, 'serve.log');
	const serve = await startServe(t, [
		'--certs',
		dir,
		'--data',
		join(home, 'data'),
		'--log-file',
		serviceLog,
	]);
	assert.match(serve.mqttUrl, /^mqtts:/);
	assert.match(serve.httpUrl, /^https:/);
	assert.match(serve.output(), /client certificates or passwords required/);
	const ca = ['--ca', join(dir, 'ca.crt')];
	const as = (kind: 'devices' | 'apps', name: string) => [
		'--broker',
		serve.mqttUrl,
		...ca,
		'--cert',
		join(dir, kind, `${name}.crt`),
		'--key',
		join(dir, kind, `${name}.key`),
	];

	const own = await cli(
		'update',
		'--thing',
		'lamp',
		// No --client-id: a device certificate from certs makes its thing the default.
		...as('devices', 'lamp'),
		'--reported',
		'{"on":true}',
	);
	assert.equal(own.code, 0, own.stderr);

	const other = await cli(
		'get',
		'--thing',
		'fan',
		...as('devices', 'lamp'),
		'--client-id',
		'lamp',
	);
	assert.equal(other.code, 1);
	assert.match(other.stderr, /403 Forbidden/);
	assert.equal(other.stderr.trim().split('\n').length, 1, other.stderr);

	const clientLog = join(home, 'client.log');
	const asAlice = await cli(
		'get',
		'--thing',
		'lamp',
		'--broker',
		serve.mqttUrl,
		...ca,
		'--username',
		'alice',
		'--log-level',
		'debug',
		'--log-file',
		clientLog,
	);
	assert.equal(asAlice.code, 0, asAlice.stderr);
	assert.deepEqual((JSON.parse(asAlice.stdout) as {state: unknown}).state, {
		reported: {on: true},
	});

	const noPassword = await runCli(
		[
			'get',
			'--thing',
			'lamp',
			'--broker',
			serve.mqttUrl,
			...ca,
			'--username',
			'alice',
		],
		{env: {XDG_CONFIG_HOME: home, SHADOW_TUI_PASSWORD: ''}},
	);
	assert.equal(noPassword.code, 2);
	assert.match(
		noPassword.stderr,
		/needs the password in the SHADOW_TUI_PASSWORD/,
	);

	const listed = await cli(
		'list',
		...as('apps', 'console'),
		'--api',
		serve.httpUrl,
	);
	assert.equal(listed.code, 0, listed.stderr);
	assert.match(listed.stdout, /^lamp\s+\(classic\)\s+1/m);

	const revoke = await cli('certs', 'revoke', 'lamp', '--dir', dir);
	assert.equal(revoke.code, 0, revoke.stderr);
	const again = await cli('certs', 'device', 'fan', '--dir', dir);
	assert.equal(again.code, 1);
	assert.match(again.stderr, /still valid .* revoke it first/);
	const listing = await cli('certs', 'list', '--dir', dir);
	assert.match(listing.stdout, /thing:lamp\s+[0-9A-F]+\s+REVOKED/);
	assert.match(listing.stdout, /thing:fan\s+[0-9A-F]+\s+valid until/);
	const refused = await cli(
		'get',
		'--thing',
		'lamp',
		...as('devices', 'lamp'),
		'--client-id',
		'lamp',
	);
	assert.equal(refused.code, 1);
	assert.match(refused.stderr, /Not authorized/);
	// A revoked certificate may be replaced; the new one is served.
	const renewed = await cli('certs', 'device', 'lamp', '--dir', dir);
	assert.equal(renewed.code, 0, renewed.stderr);
	const back = await cli('get', '--thing', 'lamp', ...as('devices', 'lamp'));
	assert.equal(back.code, 0, back.stderr);

	serve.child.kill('SIGTERM');
	assert.equal((await exited(serve.child)).code, 0);
	await until(
		() => readFileSync(serviceLog, 'utf8').includes('is revoked'),
		'the revocation in the service log',
	);
	for (const log of [serviceLog, clientLog]) {
		const text = readFileSync(log, 'utf8');
		assert.doesNotMatch(text, /hunter2|PRIVATE KEY/, log);
	}

	assert.doesNotMatch(serve.output(), /hunter2|PRIVATE KEY/);
});

test('serve refuses security flags that would not do what they say', async (t) => {
	const home = await temporaryDirectory(t);
	for (const [args, message] of [
		[['--certs', join(home, 'none')], /has no ca.crt/],
		[
			['--policy', join(home, 'p.json')],
			/apply to clients with certificates or passwords/,
		],
		[
			['--broker', 'mqtt://127.0.0.1:1', '--users', join(home, 'u.json')],
			/an external broker enforces its own/,
		],
		[['--users', join(home, 'u.json'), '--host', '0.0.0.0'], /needs TLS/],
	] as const) {
		const result = await runCli(['serve', '--data', home, ...args], {
			env: {XDG_CONFIG_HOME: home},
		});
		assert.equal(result.code, 2, args.join(' '));
		assert.match(result.stderr, message);
	}
});
