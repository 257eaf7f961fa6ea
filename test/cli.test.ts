import assert from 'node:assert/strict';
import {test} from 'node:test';
import {commandNames} from '../source/command-line/commands.js';
import {runCli} from './helpers/cli.js';

test('--help lists every command and exits 0', async () => {
	const {code, stdout} = await runCli(['--help']);
	assert.equal(code, 0);
	for (const name of commandNames)
		assert.match(stdout, new RegExp(`^  ${name} `, 'm'));
});

test('COMMAND --help lists the flags of cli.md', async () => {
	const {code, stdout} = await runCli(['serve', '--help']);
	assert.equal(code, 0);
	for (const flag of [
		'--host',
		'--port',
		'--ws-port',
		'--http-port',
		'--tls-cert',
		'--tls-key',
		'--tls-ca',
		'--data',
		'--broker',
	]) {
		assert.ok(stdout.includes(flag), flag);
	}
});

test('bad usage is one line on stderr and exit code 2', async () => {
	for (const args of [
		['serve', '--port', 'abc'],
		['serve', '--bogus'],
		['nope'],
		['--role', 'admin'],
		['serve', '--port', '70000'],
		['get', '--thing'],
		['serve', '--port', '0', '--port', '1'],
		['get', '--thing', 'a', '--thing', 'b'],
	]) {
		const {code, stdout, stderr} = await runCli(args);
		assert.equal(code, 2, args.join(' '));
		assert.equal(stdout, '');
		assert.equal(stderr.trim().split('\n').length, 1, stderr);
		assert.match(stderr, /^shadow-tui: /);
	}
});

test('--version prints the package version', async () => {
	const {code, stdout} = await runCli(['--version']);
	assert.equal(code, 0);
	assert.match(stdout.trim(), /^\d+\.\d+\.\d+$/);
});
