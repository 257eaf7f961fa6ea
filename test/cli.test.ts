import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {test} from 'node:test';
import {
	commandHelp,
	commandNames,
	mainHelp,
} from '../source/command-line/commands.js';
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

test('-h is --help on every command, and `help [COMMAND]` prints the same', async () => {
	const main = await runCli(['-h']);
	assert.equal(main.code, 0);
	assert.equal(main.stdout, `${mainHelp()}\n`);
	assert.deepEqual(await runCli(['help']), main);
	for (const name of commandNames) {
		const short = await runCli([name, '-h']);
		assert.equal(short.code, 0, name);
		assert.equal(short.stdout, `${commandHelp(name)}\n`, name);
		assert.match(short.stdout, /^ {2}-h, --help {2,}show this help$/m);
		assert.deepEqual(await runCli(['help', name]), short, `help ${name}`);
	}

	for (const args of [
		['help', 'nope'],
		['help', 'get', 'update'],
	]) {
		const {code, stdout, stderr} = await runCli(args);
		assert.equal(code, 2, args.join(' '));
		assert.equal(stdout, '');
		assert.equal(stderr.trim().split('\n').length, 1, stderr);
	}
});

test('device --help names the client id a device really uses: its thing name', async () => {
	const {stdout} = await runCli(['device', '--help']);
	assert.match(
		stdout,
		/^ {2}--client-id ID +MQTT client id \(default: the thing name, as AWS IoT policies expect; with --count each device uses its own, THING-1 … THING-N\)$/m,
	);
	const get = await runCli(['get', '--help']);
	assert.match(
		get.stdout,
		/--client-id ID +MQTT client id \(default: the profile's, else the thing of a `certs` device certificate, else shadow-tui-<random> per run\)/,
	);
});

test("commands run React's production build unless NODE_ENV says otherwise", () => {
	// The console refuses without a terminal, after the command line chose its environment.
	const reportEnvironment = [
		'--import',
		`data:text/javascript,process.on('exit', () => process.stderr.write('NODE_ENV=' + process.env.NODE_ENV))`,
	];
	const plain = spawnSync(
		process.execPath,
		[...reportEnvironment, 'dist/source/cli.js', 'console', '--thing', 'lamp'],
		{encoding: 'utf8', env: {...process.env, NODE_ENV: undefined}},
	);
	assert.match(plain.stderr, /NODE_ENV=production$/);
	const chosen = spawnSync(
		process.execPath,
		[...reportEnvironment, 'dist/source/cli.js', 'console', '--thing', 'lamp'],
		{encoding: 'utf8', env: {...process.env, NODE_ENV: 'development'}},
	);
	assert.match(chosen.stderr, /NODE_ENV=development$/);
});
