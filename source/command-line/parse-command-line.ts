/*
argv -> a command and typed flags, or a one-line usage error. meow splits the
words; the checks are ours, because meow's own print multi-line messages or
throw (choices) where users should see one line and exit code 2.
*/
import meow from 'meow';
import {
	commandHelp,
	commands,
	isCommandName,
	mainHelp,
	type CommandName,
	type FlagSpec,
} from './commands.js';

export type FlagValue = string | number | boolean | undefined;
export type FlagValues = Readonly<Record<string, FlagValue>>;

export type CommandLine =
	| {
			readonly kind: 'run';
			readonly command: CommandName;
			readonly flags: FlagValues;
	  }
	| {readonly kind: 'help'; readonly text: string}
	| {readonly kind: 'version'; readonly version: string}
	| {readonly kind: 'usage-error'; readonly message: string};

function kebab(name: string): string {
	return name.replaceAll(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

function usageError(message: string, command?: CommandName): CommandLine {
	const hint = command ? `shadow-tui ${command} --help` : 'shadow-tui --help';
	return {kind: 'usage-error', message: `${message} (see \`${hint}\`)`};
}

export function parseCommandLine(
	argv: readonly string[],
	importMeta: ImportMeta,
): CommandLine {
	const first = argv[0];
	if (first === 'help') return helpCommand(argv.slice(1));
	const named = first !== undefined && !first.startsWith('-');
	if (named && !isCommandName(first))
		return usageError(`unknown command '${first}'`);
	const command: CommandName =
		named && isCommandName(first) ? first : 'console';
	const rest = named ? argv.slice(1) : argv;
	const spec = commands[command];

	const meowFlags: Record<
		string,
		{type: 'string' | 'boolean'; shortFlag?: string}
	> = {
		help: {type: 'boolean', shortFlag: 'h'},
		version: {type: 'boolean'},
	};
	for (const [name, flag] of Object.entries(spec.flags)) {
		meowFlags[name] = {type: flag.type === 'boolean' ? 'boolean' : 'string'};
	}

	let cli;
	try {
		cli = meow({
			importMeta,
			argv: [...rest],
			flags: meowFlags,
			allowUnknownFlags: true,
			autoHelp: false,
			autoVersion: false,
			booleanDefault: undefined,
		});
	} catch (error: unknown) {
		// meow throws for a flag given twice, naming it in camelCase.
		const message = error instanceof Error ? error.message : String(error);
		const twice = /The flag --(\w+) can only be set once/.exec(message);
		return usageError(
			twice ? `--${kebab(twice[1] ?? '')} is given more than once` : message,
			command,
		);
	}

	const given = cli.flags as Record<string, unknown>;
	if (given.help === true)
		return {kind: 'help', text: named ? commandHelp(command) : mainHelp()};
	// update has a --version N of its own (the optimistic lock); elsewhere --version prints ours.
	const ownVersionFlag = 'version' in spec.flags;
	if (!ownVersionFlag && given.version === true) {
		return {kind: 'version', version: cli.pkg.version ?? 'unknown'};
	}

	const names = spec.arguments ?? [];
	if (cli.input.length > names.length)
		return usageError(
			`unexpected argument '${cli.input[names.length] ?? ''}'`,
			command,
		);

	const flags: Record<string, FlagValue> = {};
	for (const [index, word] of cli.input.entries())
		flags[names[index] ?? ''] = word;
	for (const [name, raw] of Object.entries(given)) {
		if (
			name === 'help' ||
			(name === 'version' && !ownVersionFlag) ||
			raw === undefined
		)
			continue;
		const flag = spec.flags[name];
		if (!flag)
			return usageError(
				`unknown flag --${kebab(name)} for '${command}'`,
				command,
			);
		const value = checkFlag(name, flag, raw);
		if (typeof value === 'object') return usageError(value.error, command);
		flags[name] = value;
	}

	for (const [name, flag] of Object.entries(spec.flags)) {
		if (flags[name] === undefined && flag.default !== undefined)
			flags[name] = flag.default;
	}

	return {kind: 'run', command, flags};
}

/** `shadow-tui help` and `shadow-tui help COMMAND`, as git and npm take them. */
function helpCommand(words: readonly string[]): CommandLine {
	const [topic, extra] = words;
	if (topic === undefined) return {kind: 'help', text: mainHelp()};
	if (extra !== undefined)
		return usageError(`help takes one command, got '${extra}' too`);
	if (topic === 'help') return {kind: 'help', text: mainHelp()};
	if (!isCommandName(topic)) return usageError(`unknown command '${topic}'`);
	return {kind: 'help', text: commandHelp(topic)};
}

function checkFlag(
	name: string,
	flag: FlagSpec,
	raw: unknown,
): string | number | boolean | {error: string} {
	const label = `--${kebab(name)}`;
	if (flag.type === 'boolean') {
		return typeof raw === 'boolean' ? raw : {error: `${label} takes no value`};
	}

	if (Array.isArray(raw)) return {error: `${label} was given more than once`};
	const text = typeof raw === 'string' ? raw : String(raw);
	if (text === '') return {error: `${label} needs a value`};
	if (flag.type === 'number') {
		const value = Number(text);
		const min = flag.min ?? Number.MIN_SAFE_INTEGER;
		const max = flag.max ?? Number.MAX_SAFE_INTEGER;
		if (!/^\d+$/.test(text) || value < min || value > max) {
			const range =
				flag.max === undefined ? `at least ${min}` : `from ${min} to ${max}`;
			return {error: `${label} must be a whole number ${range}, got '${text}'`};
		}

		return value;
	}

	if (flag.choices && !flag.choices.includes(text)) {
		return {
			error: `${label} must be one of ${flag.choices.join(', ')}, got '${text}'`,
		};
	}

	return text;
}
