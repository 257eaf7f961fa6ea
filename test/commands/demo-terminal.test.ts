/*
shadow-tui demo at a terminal (tmux, 80x24): the banner with the addresses,
the devices and what to try stays until Enter opens the console; q quits it
and stops the demo; Ctrl-C at the banner stops it too.
*/
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {test, type TestContext} from 'node:test';
import {cliPath} from '../helpers/cli.js';

const socket = 'shadow-tui-demo-test';

function tmux(...args: string[]): string {
	return execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});
}

function exists(name: string): boolean {
	try {
		tmux('has-session', '-t', name);
		return true;
	} catch {
		return false;
	}
}

async function waitFor(
	what: string,
	condition: () => boolean,
	screen: () => string,
	timeoutMs = 20_000,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline)
			throw new Error(`timed out waiting for ${what}; screen:\n${screen()}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

function startDemo(t: TestContext, name: string) {
	// A shell stays after the demo exits, so its last words can be read.
	const command = `env -u FORCE_COLOR ${process.execPath} ${cliPath} demo; echo "exit code $?"; sleep 60`;
	tmux('new-session', '-d', '-s', name, '-x', '80', '-y', '24', command);
	t.after(() => {
		if (exists(name)) tmux('kill-session', '-t', name);
	});
	const screen = () => tmux('capture-pane', '-p', '-t', name);
	const waitForScreen = async (what: string, text: string) =>
		waitFor(what, () => screen().includes(text), screen);
	return {
		screen,
		waitForScreen,
		keys: (...keys: string[]) => tmux('send-keys', '-t', name, ...keys),
	};
}

test('the demo shows its banner until Enter, then the console; q stops it all', async (t) => {
	const demo = startDemo(t, 'demo-enter');
	await demo.waitForScreen('the banner', 'Press Enter to open the console');
	const banner = demo.screen();
	assert.match(banner, /MQTT {6}mqtt:\/\/127\.0\.0\.1:\d+/);
	assert.match(banner, /HTTP API {2}http:\/\/127\.0\.0\.1:\d+/);
	assert.match(
		banner,
		/devices {3}vehicle-1, coffee-maker-1, coffee-maker-2, pump-1/,
	);
	assert.match(banner, /e, lights = "off", Enter {8}a preview; Enter sends/);
	demo.keys('Enter');
	await demo.waitForScreen(
		'the console on vehicle-1',
		'vehicle-1 classic shadow',
	);
	assert.ok(!demo.screen().includes('Press Enter to open the console'));
	// h opens on the past the demo seeded, from the service's journal, with its writers.
	demo.keys('h');
	await demo.waitForScreen('the history', "the service's journal");
	assert.match(demo.screen(), /shadow-tui-demo-app/);
	demo.keys('Escape');
	// Esc and q in one read would be Alt-q: wait for the panes first.
	await demo.waitForScreen('back to the panes', '▸ desired');
	demo.keys('q');
	await demo.waitForScreen('the demo to stop', 'exit code 0');
});

test('Ctrl-C at the banner stops the demo without opening the console', async (t) => {
	const demo = startDemo(t, 'demo-ctrl-c');
	await demo.waitForScreen('the banner', 'Press Enter to open the console');
	demo.keys('C-c');
	await demo.waitForScreen('the demo to stop', 'exit code 0');
	assert.match(demo.screen(), /shadow-tui demo: stopped \(SIGINT\)/);
});
