/*
The built binary in real pseudo-terminals (tmux): an app-role console changes
desired, a device-role console in another terminal receives the delta,
applies it, and both show the new version. tmux comes from Debian (.ci/run
installs it).
*/
import assert from 'node:assert/strict';
import {writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {test, type TestContext} from 'node:test';
import {startServe} from '../helpers/serve-process.js';
import {temporaryDirectory} from '../helpers/service.js';
import {
	cliCommand,
	openTerminal,
	screen,
	sessionExists,
	tmux,
	waitForScreen,
} from '../helpers/tmux.js';

function open(
	t: TestContext,
	name: string,
	args: string[],
	env: Record<string, string> = {},
): void {
	openTerminal(t, name, cliCommand(args, env));
}

test('an app console changes desired; a device console applies it; both show the new version', async (t) => {
	const data = join(await temporaryDirectory(t), 'data');
	const serve = await startServe(t, ['--data', data]);
	t.after(() => {
		try {
			tmux('kill-server');
		} catch {
			// No server left.
		}
	});
	const connection = [
		'--thing',
		'lamp',
		'--broker',
		serve.mqttUrl,
		'--api',
		serve.httpUrl,
	];
	open(t, 'app', connection);
	open(t, 'device', [...connection, '--role', 'device'], {NO_COLOR: '1'});
	await waitForScreen(
		'app',
		(text) => text.includes('role app'),
		'the app console',
	);
	// A device-role console acts as a device: it creates the shadow with connected: true (v1).
	await waitForScreen(
		'device',
		(text) =>
			text.includes('role device · v1') && text.includes('waiting for deltas'),
		'the device console',
	);
	await waitForScreen('app', (text) => text.includes('· v1'), 'the app at v1');

	tmux('send-keys', '-t', 'app', 'e');
	await waitForScreen(
		'app',
		(text) => text.includes('desired> '),
		'the edit prompt',
	);
	tmux('send-keys', '-t', 'app', '-l', '{"lights":"off"}');
	tmux('send-keys', '-t', 'app', 'Enter');
	await waitForScreen(
		'app',
		(text) => text.includes('preview: '),
		'the preview',
	);
	tmux('send-keys', '-t', 'app', 'Enter');
	await waitForScreen(
		'app',
		(text) => text.includes('✓ desired updated: version 2'),
		'the accepted edit',
	);

	const device = await waitForScreen(
		'device',
		(text) =>
			/» delta v2 \{"lights":"off"\}: applied/.test(text) &&
			text.includes('v3'),
		'the applied delta',
	);
	assert.match(device, /role device · v3/);
	const app = await waitForScreen(
		'app',
		(text) => text.includes('· v3 ·'),
		'the new version in the app',
	);
	assert.match(app, /role app · v3/);
	tmux('send-keys', '-t', 'app', '3');
	await waitForScreen(
		'app',
		(text) => text.includes('in sync: no delta'),
		'an empty delta after the device reported',
	);

	// NO_COLOR: the device console's screen carries no colour escapes; the app's does (39/49 are resets).
	// eslint-disable-next-line no-control-regex -- matching terminal escape sequences is the point
	const colour = /\u001B\[(?:[\d;]*;)?(?:3[0-7]|9[0-7]|38;[25])[;m]/;
	assert.doesNotMatch(
		screen('device', true),
		colour,
		'no colour with NO_COLOR',
	);
	assert.match(screen('app', true), colour, 'colour without NO_COLOR');

	// q quits and gives the terminal back: the tmux session ends with the process.
	tmux('send-keys', '-t', 'app', 'q');
	const deadline = Date.now() + 10_000;
	while (sessionExists('app') && Date.now() < deadline)
		await new Promise((resolve) => setTimeout(resolve, 100));
	assert.equal(sessionExists('app'), false, 'the console exited on q');
});

test('without a terminal the console refuses with one line', async () => {
	const {runCli} = await import('../helpers/cli.js');
	const result = await runCli(['--thing', 'lamp']);
	assert.equal(result.code, 2);
	assert.equal(
		result.stderr.trim(),
		'shadow-tui console: the console needs a terminal; for scripts use get, update and delete (see `shadow-tui console --help`)',
	);
});

test('E edits the whole section in $EDITOR; an invalid file is reported and not sent; Ctrl-C quits', async (t) => {
	const dir = await temporaryDirectory(t);
	const serve = await startServe(t, ['--data', join(dir, 'data')]);
	t.after(() => {
		try {
			tmux('kill-server');
		} catch {
			// No server left.
		}
	});
	// Editors that save a new desired section, then a broken one.
	const good = join(dir, 'good-editor.sh');
	const bad = join(dir, 'bad-editor.sh');
	await writeFile(
		good,
		`#!/bin/sh\nprintf '{\\n  "lights": "dim",\\n  "doors": "locked"\\n}\\n' > "$1"\n`,
		{mode: 0o755},
	);
	await writeFile(
		bad,
		`#!/bin/sh\nprintf '{\\n  "lights": dim\\n}\\n' > "$1"\n`,
		{mode: 0o755},
	);
	const connection = ['--thing', 'lamp', '--broker', serve.mqttUrl];
	open(t, 'editor', connection, {EDITOR: good});
	await waitForScreen(
		'editor',
		(text) => text.includes('no shadow yet'),
		'the console',
	);
	tmux('send-keys', '-t', 'editor', 'E');
	await waitForScreen(
		'editor',
		(text) => text.includes('preview: '),
		'the preview',
	);
	tmux('send-keys', '-t', 'editor', 'Enter');
	await waitForScreen(
		'editor',
		(text) =>
			text.includes('✓ desired updated: version 1') &&
			text.includes('"doors": "locked"'),
		'the section saved in the editor',
	);

	open(t, 'broken', connection, {EDITOR: bad});
	await waitForScreen(
		'broken',
		(text) => text.includes('· v1 ·'),
		'the second console',
	);
	tmux('send-keys', '-t', 'broken', 'E');
	await waitForScreen(
		'broken',
		(text) =>
			text.includes(
				'✗ invalid JSON at line 2 column 13: unexpected "d"; nothing was sent',
			),
		'the error from the editor file',
	);
	assert.match(screen('broken'), /· v1 ·/, 'nothing was sent');

	tmux('send-keys', '-t', 'editor', 'C-c');
	const deadline = Date.now() + 10_000;
	while (sessionExists('editor') && Date.now() < deadline)
		await new Promise((resolve) => setTimeout(resolve, 100));
	assert.equal(sessionExists('editor'), false, 'Ctrl-C quits');
});
