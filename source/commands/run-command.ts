/*
Dispatch from a parsed command line to the command's runner. Runners return
the exit code (0 success, 1 failure, 2 usage) and print one line on error.
*/
import type {CommandName} from '../command-line/commands.js';
import type {FlagValues} from '../command-line/parse-command-line.js';

export type Environment = {
	readonly env: NodeJS.ProcessEnv;
	readonly stdinIsTty: boolean;
};

export function runCommand(
	command: CommandName,
	_flags: FlagValues,
	_environment: Environment,
): Promise<number> {
	console.error(
		`shadow-tui: '${command}' is not available in this version yet`,
	);
	return Promise.resolve(1);
}
