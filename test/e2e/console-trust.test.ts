/*
The console as it is used over SSH, in real pseudo-terminals (tmux at 80x24):
keys that arrive in one read, a 10 KB paste, a full-screen editor that uses
the alternate screen, a resize, and what is stored checked byte for byte
against what was shown.
*/
import assert from 'node:assert/strict';
import {writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {test, type TestContext} from 'node:test';
import {getJson} from '../../source/client/get-json.js';
import {startServe, type ServeProcess} from '../helpers/serve-process.js';
import {temporaryDirectory} from '../helpers/service.js';
import {
	cliCommand,
	killTmuxServerAfter,
	openTerminal,
	screen,
	tmux,
	waitForScreen,
} from '../helpers/tmux.js';

async function desiredOf(
	serve: ServeProcess,
	thing: string,
): Promise<Record<string, unknown> | undefined> {
	const read = await getJson(`${serve.httpUrl}/things/${thing}/shadow`);
	return (read.body as {state?: {desired?: Record<string, unknown>}}).state
		?.desired;
}

async function consoleOn(
	t: TestContext,
	name: string,
	thing: string,
	env: Record<string, string> = {},
) {
	const dir = await temporaryDirectory(t);
	const serve = await startServe(t, ['--data', join(dir, 'data')]);
	killTmuxServerAfter(t);
	const args = [
		'--thing',
		thing,
		'--broker',
		serve.mqttUrl,
		'--api',
		serve.httpUrl,
	];
	openTerminal(t, name, cliCommand(args, env));
	await waitForScreen(
		name,
		(text) => text.includes('no shadow yet'),
		'the console',
	);
	return {dir, serve, args};
}

test('keys in one read: each is handled in order, and what is stored is what was shown', async (t) => {
	const {serve} = await consoleOn(t, 'burst', 'lamp');
	// One send-keys call: tmux writes these keys to the terminal together.
	tmux(
		'send-keys',
		'-t',
		'burst',
		'e',
		'lights = "onXY',
		'BSpace',
		'BSpace',
		'"',
		'Enter',
		// Enter again, in the preview: it sends.
		'Enter',
	);
	await waitForScreen(
		'burst',
		(text) => text.includes('✓ desired updated: version 1'),
		'the edit sent',
	);
	assert.deepEqual(await desiredOf(serve, 'lamp'), {lights: 'on'});
	assert.match(screen('burst'), /"lights": "on"/);

	// Tab Tab in one read: two panes on, the delta pane.
	tmux('send-keys', '-t', 'burst', 'Tab', 'Tab');
	await waitForScreen(
		'burst',
		(text) => text.includes('▸ delta'),
		'the delta pane',
	);
	// 1 then readline keys in a prompt: Ctrl-A, Ctrl-K, a word, Home, End, Ctrl-W.
	tmux(
		'send-keys',
		'-t',
		'burst',
		'1',
		'e',
		'x = 1 garbage',
		'C-a',
		'C-k',
		'y = 2 junk',
		'C-w',
		'Home',
		'End',
		'Enter',
		'Enter',
	);
	await waitForScreen(
		'burst',
		(text) => text.includes('✓ desired updated: version 2'),
		'the readline edit',
	);
	assert.deepEqual(await desiredOf(serve, 'lamp'), {lights: 'on', y: 2});

	// Two edits typed ahead of their replies, each sent from its preview: both land, the second on the version the first made.
	tmux(
		'send-keys',
		'-t',
		'burst',
		'e',
		'a = 1',
		'Enter',
		'Enter',
		'e',
		'b = 2',
		'Enter',
		'Enter',
	);
	await waitForScreen(
		'burst',
		(text) => text.includes('✓ desired updated: version 4'),
		'both typed-ahead edits',
	);
	assert.deepEqual(await desiredOf(serve, 'lamp'), {
		lights: 'on',
		y: 2,
		a: 1,
		b: 2,
	});

	// Ctrl-C in a prompt cancels it; nothing is sent and the console stays.
	tmux('send-keys', '-t', 'burst', 'e', 'z = 3', 'C-c');
	await waitForScreen(
		'burst',
		(text) => !text.includes('desired> '),
		'the prompt cancelled',
	);
	assert.deepEqual(await desiredOf(serve, 'lamp'), {
		lights: 'on',
		y: 2,
		a: 1,
		b: 2,
	});
	assert.match(screen('burst'), /role app/);
});

test('a 10 KB paste arrives whole, a resize redraws, and help scrolls to every key at 80x24', async (t) => {
	const {serve, dir} = await consoleOn(t, 'paste', 'pump');
	const document = Object.fromEntries(
		Array.from({length: 80}, (_, index) => [
			`key${String(index).padStart(2, '0')}`,
			`${'v'.repeat(60)}${index}`,
		]),
	);
	// Pretty-printed and indented: over 10 KB of text for a 6 KB document.
	const text = `{\n${Object.entries(document)
		.map(
			([key, value]) =>
				`${' '.repeat(60)}${JSON.stringify(key)}: ${JSON.stringify(value)}`,
		)
		.join(',\n')}\n}\n`;
	assert.ok(text.length > 10_000, `${text.length} bytes`);
	const file = join(dir, 'paste.json');
	await writeFile(file, text);
	tmux('load-buffer', '-b', 'big', file);
	tmux('send-keys', '-t', 'paste', 'e');
	await waitForScreen(
		'paste',
		(screenText) => screenText.includes('desired> '),
		'the prompt',
	);
	// -p: as a terminal pastes, bracketed, since the console asks for it.
	tmux('paste-buffer', '-p', '-b', 'big', '-t', 'paste');
	tmux('send-keys', '-t', 'paste', 'Enter');
	await waitForScreen(
		'paste',
		(text) => text.includes('preview: '),
		'the preview',
	);
	tmux('send-keys', '-t', 'paste', 'Enter');
	await waitForScreen(
		'paste',
		(screenText) => screenText.includes('✓ desired updated: version 1'),
		'the pasted document sent',
	);
	assert.deepEqual(await desiredOf(serve, 'pump'), document);

	tmux('resize-window', '-t', 'paste', '-x', '120', '-y', '35');
	await waitForScreen(
		'paste',
		(screenText) => /desired.*reported.*delta/.test(screenText),
		'the panes side by side at 120 columns',
	);
	tmux('resize-window', '-t', 'paste', '-x', '80', '-y', '24');
	await waitForScreen(
		'paste',
		(screenText) => screenText.includes('Tab switches'),
		'tabs again at 80 columns',
	);

	// Help: scrolled to the end, the last mode's keys are there; no line is wider than 80.
	tmux('send-keys', '-t', 'paste', '?');
	await waitForScreen(
		'paste',
		(screenText) => screenText.includes('keys  1-'),
		'help',
	);
	tmux('send-keys', '-t', 'paste', 'End');
	const end = await waitForScreen(
		'paste',
		(screenText) => !screenText.includes('↓ more'),
		'the end of help',
	);
	assert.match(end, /confirming/);
	for (const line of end.split('\n')) assert.ok(line.length <= 80, line);
	tmux('send-keys', '-t', 'paste', '/', 'retry', 'Enter');
	await waitForScreen(
		'paste',
		(screenText) =>
			screenText.includes('retry the failed') && !screenText.includes('quit ('),
		'help searched',
	);
});

test('a full-screen editor gets the terminal and gives it back drawn; q leaves no frame behind', async (t) => {
	const dir = await temporaryDirectory(t);
	const serve = await startServe(t, ['--data', join(dir, 'data')]);
	killTmuxServerAfter(t);
	// An "editor" that takes the alternate screen, as vim does, writes the file and leaves it.
	const editor = join(dir, 'full-screen-editor.sh');
	await writeFile(
		editor,
		`#!/bin/sh\nprintf '\\033[?1049h\\033[2JEDITOR SCREEN'\nprintf '{"lights": "dim"}\\n' > "$1"\nsleep 0.3\nprintf '\\033[?1049l'\n`,
		{mode: 0o755},
	);
	const args = ['--thing', 'lamp', '--broker', serve.mqttUrl];
	// In a shell, so that what the console leaves on the terminal after q can be seen.
	openTerminal(
		t,
		'vim',
		`sh -c "${cliCommand(args, {EDITOR: editor}).replaceAll('"', '\\"')}; echo console-exited; sleep 60"`,
	);
	await waitForScreen(
		'vim',
		(text) => text.includes('no shadow yet'),
		'the console',
	);
	tmux('send-keys', '-t', 'vim', 'E');
	// Drawn again without a key: the header and the preview are on screen.
	await waitForScreen(
		'vim',
		(text) =>
			text.includes('preview: edit desired in $EDITOR') &&
			text.includes('role app'),
		'the console redrawn after the editor',
	);
	tmux('send-keys', '-t', 'vim', 'Enter');
	const back = await waitForScreen(
		'vim',
		(text) =>
			text.includes('✓ desired updated: version 1') &&
			text.includes('role app'),
		'the edit sent',
	);
	assert.doesNotMatch(back, /EDITOR SCREEN/);

	tmux('send-keys', '-t', 'vim', 'q');
	const after = await waitForScreen(
		'vim',
		(text) => text.includes('console-exited'),
		'the shell after q',
	);
	assert.doesNotMatch(after, /role app|desired|EDITOR SCREEN/);
});

test('a delete by another process shows at once; a console started before the service waits for it', async (t) => {
	const {runCli} = await import('../helpers/cli.js');
	const {freePort} = await import('../helpers/mosquitto.js');
	const dir = await temporaryDirectory(t);
	killTmuxServerAfter(t);
	const [mqttPort, httpPort] = [await freePort(), await freePort()];
	const broker = `mqtt://127.0.0.1:${mqttPort}`;
	// No --api: the console learns it from the service once that is up.
	const args = ['--thing', 'lamp', '--broker', broker];
	openTerminal(t, 'early', cliCommand(args));
	await waitForScreen(
		'early',
		(text) => text.includes('connecting…'),
		'the console waiting for the service',
	);

	await startServe(t, ['--data', join(dir, 'data')], {
		mqtt: String(mqttPort),
		http: String(httpPort),
	});
	await waitForScreen(
		'early',
		(text) => text.includes('● connected') && text.includes('no shadow yet'),
		'the console connected once the service is up',
	);
	const updated = await runCli([
		'update',
		'--thing',
		'lamp',
		'--broker',
		broker,
		'--desired',
		'lights = "on"',
	]);
	assert.equal(updated.code, 0, updated.stderr);
	await waitForScreen('early', (text) => text.includes('· v1'), 'the update');

	const deleted = await runCli([
		'delete',
		'--thing',
		'lamp',
		'--broker',
		broker,
	]);
	assert.equal(deleted.code, 0, deleted.stderr);
	const gone = await waitForScreen(
		'early',
		(text) => text.includes('deleted at v1'),
		'the delete from another process',
	);
	assert.doesNotMatch(gone, /"lights"/);
	// g asks the service again: still deleted.
	tmux('send-keys', '-t', 'early', 'g');
	await new Promise((resolve) => setTimeout(resolve, 300));
	assert.match(screen('early'), /deleted at v1|no shadow/);
	// The service announced its HTTP API after the console started: the journal is there, with its writers.
	tmux('send-keys', '-t', 'early', 'h');
	await waitForScreen(
		'early',
		(text) =>
			text.includes("the service's journal") &&
			/deleted .* shadow-tui-/.test(text),
		'the history from the journal, with who deleted it',
	);
});
