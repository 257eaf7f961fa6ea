#!/usr/bin/env node
/*
The only module that reads process.argv, process.env and the terminal. It
turns them into a command and its options, and owns the exit code.
*/
import process from 'node:process';
import {parseCommandLine} from './command-line/parse-command-line.js';
import {runCommand} from './commands/run-command.js';

// The AWS SDK warns on stderr, in many lines, about Node 20; nothing may write there while Ink draws.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const commandLine = parseCommandLine(process.argv.slice(2), import.meta);

switch (commandLine.kind) {
	case 'help': {
		console.log(commandLine.text);
		break;
	}

	case 'version': {
		console.log(commandLine.version);
		break;
	}

	case 'usage-error': {
		console.error(`shadow-tui: ${commandLine.message}`);
		process.exitCode = 2;
		break;
	}

	case 'run': {
		// Ink draws only the final frame when it thinks it runs in CI (CI=true, read once when Ink
		// loads; chalk then drops colour too). At a terminal a person is watching, so both must see no CI.
		const interactive =
			commandLine.command === 'console' || commandLine.command === 'demo';
		/*
		React (loaded on demand, after this) picks its build from NODE_ENV when it
		loads. Its development build keeps debugging data for every render: under
		250 documents a second the console's heap grew by about 36 MB a second and
		never came back (measured with Ink on a fake terminal); the production
		build stays flat at about 30 MB. A user's NODE_ENV is left as it is.
		*/
		process.env.NODE_ENV ??= 'production';
		if (interactive && process.stdin.isTTY && process.stdout.isTTY) {
			for (const name of ['CI', 'CONTINUOUS_INTEGRATION']) {
				delete process.env[name];
			}
		}

		process.exitCode = await runCommand(
			commandLine.command,
			commandLine.flags,
			{
				env: process.env,
				stdinIsTty: process.stdin.isTTY,
				stdoutIsTty: process.stdout.isTTY,
			},
		);
		break;
	}
}
