/*
Dispatch from a parsed command line to the command's runner. Runners return
the exit code; UsageError and CommandFailure become one line on stderr and
exit codes 2 and 1.
*/
import type {CommandName} from '../command-line/commands.js';
import type {FlagValues} from '../command-line/parse-command-line.js';
import {CommandFailure, UsageError} from './command-error.js';
import {runConsole} from './console.js';
import {runDemo} from './demo.js';
import {runDevice} from './device.js';
import {runDelete, runGet, runUpdate} from './one-shot.js';
import {runServe} from './serve.js';

export type Environment = {
	readonly env: NodeJS.ProcessEnv;
	readonly stdinIsTty: boolean;
	readonly stdoutIsTty: boolean;
};

const runners: Partial<
	Record<
		CommandName,
		(flags: FlagValues, environment: Environment) => Promise<number>
	>
> = {
	console: runConsole,
	serve: runServe,
	device: runDevice,
	demo: runDemo,
	get: runGet,
	update: runUpdate,
	delete: runDelete,
};

export async function runCommand(
	command: CommandName,
	flags: FlagValues,
	environment: Environment,
): Promise<number> {
	const runner = runners[command];
	if (!runner) {
		console.error(
			`shadow-tui: '${command}' is not available in this version yet`,
		);
		return 1;
	}

	try {
		return await runner(flags, environment);
	} catch (error: unknown) {
		if (error instanceof UsageError) {
			console.error(
				`shadow-tui ${command}: ${error.message} (see \`shadow-tui ${command} --help\`)`,
			);
			return 2;
		}

		if (error instanceof CommandFailure) {
			console.error(`shadow-tui ${command}: ${error.message}`);
			return 1;
		}

		throw error;
	}
}
