/*
Real pseudo-terminals for end-to-end tests: the built binary in tmux
sessions on a private tmux server, read back with capture-pane. tmux comes
from Debian (.ci/run installs it).
*/
import {execFileSync} from 'node:child_process';
import type {TestContext} from 'node:test';
import {cliPath} from './cli.js';

/** One tmux server per test process: files run in parallel, and each kills its own. */
const socket = `shadow-tui-test-${process.pid}`;

export function tmux(...args: string[]): string {
	return execFileSync('tmux', ['-L', socket, ...args], {
		encoding: 'utf8',
	});
}

export function screen(name: string, escapes = false): string {
	return tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', name);
}

export async function waitForScreen(
	name: string,
	predicate: (text: string) => boolean,
	what: string,
	timeoutMs = 15_000,
): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const text = screen(name);
		if (predicate(text)) return text;
		if (Date.now() > deadline)
			throw new Error(
				`timed out waiting for ${what} in ${name}; screen:\n${text}`,
			);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

/** The CLI as a shell command line, for tmux to run. */
export function cliCommand(
	args: readonly string[],
	env: Readonly<Record<string, string>> = {},
): string {
	const exports = Object.entries(env)
		.map(([key, value]) => `${key}='${value}' `)
		.join('');
	// The test runner sets FORCE_COLOR=0 for ink-testing-library; a user's terminal does not.
	return `env -u FORCE_COLOR ${exports}${process.execPath} ${cliPath} ${args.map((arg) => `'${arg}'`).join(' ')}`;
}

/** A tmux session of 80x24 (unless told) running `command`; killed when the test ends. */
export function openTerminal(
	t: TestContext,
	name: string,
	command: string,
	size: {readonly columns: number; readonly rows: number} = {
		columns: 80,
		rows: 24,
	},
): void {
	tmux(
		'new-session',
		'-d',
		'-s',
		name,
		'-x',
		String(size.columns),
		'-y',
		String(size.rows),
		command,
	);
	t.after(() => {
		try {
			tmux('kill-session', '-t', name);
		} catch {
			// Already gone: the console quit.
		}
	});
}

export function sessionExists(name: string): boolean {
	try {
		tmux('has-session', '-t', name);
		return true;
	} catch {
		return false;
	}
}

export function killTmuxServerAfter(t: TestContext): void {
	t.after(() => {
		try {
			tmux('kill-server');
		} catch {
			// No server left.
		}
	});
}
