/*
serve says what is wrong with its flags and files before it listens, in one
line naming the flag: a CA file that holds no certificate, a key of another
certificate, two listeners on one port, a flag given twice. A policy that
loads but can never match is started with a warning in the banner.
*/
import assert from 'node:assert/strict';
import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {test} from 'node:test';
import {issue, makeCa} from '../helpers/certificates.js';
import {runCli} from '../helpers/cli.js';
import {startServe} from '../helpers/serve-process.js';
import {temporaryDirectory} from '../helpers/service.js';

test('bad TLS files and port flags are one line naming the flag, before anything listens', async (t) => {
	const dir = await temporaryDirectory(t);
	const ca = makeCa(dir, 'ca');
	const server = issue(dir, ca, 'server', {server: true});
	const other = issue(dir, ca, 'other');
	const data = ['--data', join(dir, 'data'), '--port', '0', '--http-port', '0'];
	const cases: [string[], number, RegExp][] = [
		[
			[
				'--tls-cert',
				server.certPath,
				'--tls-key',
				server.keyPath,
				'--tls-ca',
				server.keyPath,
			],
			1,
			/--tls-ca .*server\.key holds no PEM certificate/,
		],
		[
			['--tls-cert', server.certPath, '--tls-key', other.keyPath],
			1,
			/--tls-key .*other\.key is not the key of --tls-cert .*server\.crt/,
		],
		[
			['--tls-cert', server.keyPath, '--tls-key', server.keyPath],
			1,
			/--tls-cert .*server\.key holds no PEM certificate/,
		],
		[
			[
				'--tls-cert',
				server.certPath,
				'--tls-key',
				server.keyPath,
				'--ws-port',
				'4444',
				'--alpn-port',
				'4444',
			],
			2,
			/--ws-port and --alpn-port are both 4444/,
		],
		[
			['--alpn-port', '1', '--alpn-port', '2'],
			2,
			/--alpn-port is given more than once/,
		],
	];
	for (const [args, code, message] of cases) {
		const result = await runCli(['serve', ...data, ...args]);
		assert.equal(result.code, code, args.join(' '));
		assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
		assert.match(result.stderr, message);
	}

	const clash = await runCli([
		'serve',
		'--data',
		join(dir, 'data'),
		'--port',
		'8080',
	]);
	assert.equal(clash.code, 2);
	assert.match(clash.stderr, /--port and --http-port are both 8080/);
});

test('a policy statement that can never match starts with a warning line', async (t) => {
	const dir = await temporaryDirectory(t);
	const ca = makeCa(dir, 'ca');
	const server = issue(dir, ca, 'server', {server: true});
	const policyFile = join(dir, 'policy.json');
	writeFileSync(
		policyFile,
		JSON.stringify({
			Version: '2012-10-17',
			Statement: [
				{
					Effect: 'Allow',
					Action: 'iot:Connect',
					Resource: 'arn:aws:iot:*:*:clinet/*',
				},
				{Effect: 'Allow', Action: 'iot:*', Resource: 'arn:aws:iot:*:*:topic/*'},
			],
		}),
	);
	const serve = await startServe(t, [
		'--data',
		join(dir, 'data'),
		'--tls-cert',
		server.certPath,
		'--tls-key',
		server.keyPath,
		'--tls-ca',
		ca.certPath,
		'--policy',
		policyFile,
	]);
	const warnings = serve
		.output()
		.split('\n')
		.filter((line) => line.startsWith('  warning'));
	assert.deepEqual(warnings, [
		"  warning    policy 'policy' statement 1: resource 'clinet/*' is of no type shadow-tui checks (client/, topic/, topicfilter/, thing/, index/), so it matches nothing",
	]);
});

test('--fleet-index off serves SearchIndex without the index, and says so; a bad value is one line', async (t) => {
	const dir = await temporaryDirectory(t);
	const bad = await runCli([
		'serve',
		'--fleet-index',
		'maybe',
		'--data',
		join(dir, 'bad'),
	]);
	assert.equal(bad.code, 2);
	assert.match(bad.stderr, /--fleet-index must be one of on, off/);
	assert.equal(bad.stderr.trim().split('\n').length, 1);

	const serve = await startServe(t, [
		'--fleet-index',
		'off',
		'--data',
		join(dir, 'data'),
	]);
	assert.match(serve.output(), /fleet\s+not indexed/);
	const updated = await fetch(`${serve.httpUrl}/things/kiln-1/shadow`, {
		method: 'POST',
		body: JSON.stringify({state: {reported: {heat: 900}}}),
	});
	assert.equal(updated.status, 200);
	const found = await fetch(`${serve.httpUrl}/indices/search`, {
		method: 'POST',
		body: JSON.stringify({queryString: 'shadow.reported.heat>800'}),
	});
	const body = (await found.json()) as {things: {thingName: string}[]};
	assert.deepEqual(
		body.things.map((thing) => thing.thingName),
		['kiln-1'],
	);
});
