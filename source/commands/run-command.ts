/*
Dispatch from a parsed command line to the command's runner. Runners return
the exit code; UsageError and CommandFailure become one line on stderr and
exit codes 2 and 1. Runners load on demand, so commands that draw nothing
never load React and Ink.
*/
import type {CommandName} from '../command-line/commands.js';
import type {FlagValues} from '../command-line/parse-command-line.js';
import {CommandFailure, UsageError} from './command-error.js';

export type Environment = {
	readonly env: NodeJS.ProcessEnv;
	readonly stdinIsTty: boolean;
	readonly stdoutIsTty: boolean;
};

type Runner = (flags: FlagValues, environment: Environment) => Promise<number>;

const runners: Record<CommandName, () => Promise<Runner>> = {
	console: async () => (await import('./console.js')).runConsole,
	serve: async () => (await import('./serve.js')).runServe,
	device: async () => (await import('./device.js')).runDevice,
	demo: async () => (await import('./demo.js')).runDemo,
	get: async () => (await import('./one-shot.js')).runGet,
	update: async () => (await import('./one-shot.js')).runUpdate,
	delete: async () => (await import('./one-shot.js')).runDelete,
	list: async () => (await import('./list.js')).runList,
	watch: async () => (await import('./watch.js')).runWatch,
	history: async () => (await import('./history.js')).runHistory,
	diff: async () => (await import('./diff.js')).runDiff,
	certs: async () => (await import('./certs.js')).runCerts,
};

export async function runCommand(
	command: CommandName,
	flags: FlagValues,
	environment: Environment,
): Promise<number> {
	const load = runners[command];
	try {
		return await (
			await load()
		)(flags, environment);
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
