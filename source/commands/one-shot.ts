/*
get, update and delete of one shadow for scripts: the reply document on
stdout (pretty, or one line with --json), exit 0; a rejection or failure on
stderr (or as {"error": ...} with --json), exit 1; bad usage, exit 2.
*/
import type {FlagValues} from '../command-line/parse-command-line.js';
import {
	ShadowOfflineError,
	ShadowRejectedError,
	ShadowTimeoutError,
} from '../client/shadow-errors.js';
import type {ShadowClient} from '../client/shadow-client.js';
import {createLogger, type LogLevel} from '../log/logger.js';
import type {StatePatch} from '../shadow/request.js';
import type {ShadowAddress} from '../shadow/topics.js';
import {UsageError} from './command-error.js';
import {connectFromFlags} from './connect-from-flags.js';
import {parsePatchFlag} from './parse-patch-flag.js';
import type {Environment} from './run-command.js';

type Action = (
	client: ShadowClient,
	address: ShadowAddress,
) => Promise<unknown>;

function addressFromFlags(flags: FlagValues, command: string): ShadowAddress {
	if (flags.match !== undefined || flags.query !== undefined) {
		throw new UsageError(
			`--match and --query are not available in this version yet; name one shadow with --thing`,
		);
	}

	const thingName = flags.thing as string | undefined;
	if (thingName === undefined)
		throw new UsageError(`${command} needs --thing NAME`);
	return {thingName, shadowName: (flags.shadow as string | undefined) ?? ''};
}

async function runOneShot(
	flags: FlagValues,
	environment: Environment,
	command: string,
	action: Action,
): Promise<number> {
	const address = addressFromFlags(flags, command);
	const json = flags.json === true;
	const logFile = flags.logFile as string | undefined;
	const log = createLogger({
		...(logFile ? {file: logFile} : {}),
		level: (flags.logLevel as LogLevel | undefined) ?? 'info',
	});
	try {
		const client = await connectFromFlags(flags, environment, log);
		try {
			const document = await action(client, address);
			console.log(
				json
					? JSON.stringify(document)
					: JSON.stringify(document, undefined, 2),
			);
			return 0;
		} catch (error: unknown) {
			const {code, message} = describeFailure(error);
			if (json)
				console.log(
					JSON.stringify({
						error: {...(code === undefined ? {} : {code}), message},
					}),
				);
			else
				console.error(
					`shadow-tui ${command}: ${code === undefined ? '' : `${code} `}${message}`,
				);
			return 1;
		} finally {
			await client.close();
		}
	} finally {
		await log.close();
	}
}

function describeFailure(error: unknown): {code?: number; message: string} {
	if (error instanceof ShadowRejectedError)
		return {code: error.code, message: error.reason};
	if (
		error instanceof ShadowTimeoutError ||
		error instanceof ShadowOfflineError
	)
		return {message: error.message};
	throw error;
}

export async function runGet(
	flags: FlagValues,
	environment: Environment,
): Promise<number> {
	return runOneShot(flags, environment, 'get', async (client, address) =>
		client.get(address),
	);
}

export async function runDelete(
	flags: FlagValues,
	environment: Environment,
): Promise<number> {
	return runOneShot(flags, environment, 'delete', async (client, address) =>
		client.delete(address),
	);
}

export async function runUpdate(
	flags: FlagValues,
	environment: Environment,
): Promise<number> {
	const desired = parsePatchFlag(
		'--desired',
		flags.desired as string | undefined,
	);
	const reported = parsePatchFlag(
		'--reported',
		flags.reported as string | undefined,
	);
	if (desired === undefined && reported === undefined)
		throw new UsageError('update needs --desired JSON or --reported JSON');
	const state: StatePatch = {
		...(desired === undefined ? {} : {desired}),
		...(reported === undefined ? {} : {reported}),
	};
	const version = flags.version as number | undefined;
	return runOneShot(flags, environment, 'update', async (client, address) =>
		client.update(address, {
			state,
			...(version === undefined ? {} : {version}),
		}),
	);
}
