/*
get, update and delete for scripts. One shadow (--thing): the reply document
on stdout (pretty, or one line with --json), exit 0; a rejection or failure
on stderr (or as {"error": ...} with --json), exit 1. Many (--match,
--query): one line per shadow, sent with bounded concurrency, each once;
exit 1 when any failed, or when nothing matches. `get` prints each document
as a line of JSON (JSON Lines) with its thing and shadow names, and its
failures on stderr, so stdout stays parseable. Bad usage: exit 2, and so is a patch AWS would
refuse for its shape (too large, too deep, null in an array, 1e400): it is
refused in AWS's words before anything connects.
*/
import type {FlagValues} from '../command-line/parse-command-line.js';
import {
	checkPatchText,
	checkStatePatch,
	describePatchProblem,
	type PatchSection,
} from '../client/check-patch.js';
import {
	ShadowOfflineError,
	ShadowRejectedError,
	ShadowTimeoutError,
} from '../client/shadow-errors.js';
import type {ShadowClient} from '../client/shadow-client.js';
import {createBulkRun, type BulkItem} from '../fleet/bulk-run.js';
import {createLogger, type Logger, type LogLevel} from '../log/logger.js';
import {awsLimits} from '../shadow/limits.js';
import type {StatePatch} from '../shadow/request.js';
import type {ShadowAddress} from '../shadow/topics.js';
import {UsageError} from './command-error.js';
import {connectFromFlags, dataPlaneFromFlags} from './connect-from-flags.js';
import type {ShadowRequests} from '../client/sdk-data-plane.js';
import {describeSelection, fleetFromFlags} from './fleet-targets.js';
import {runBulkDryRun} from './bulk-dry-run.js';
import {dryRunUpdate, previewLines} from './dry-run.js';
import {parsePatchFlag} from './parse-patch-flag.js';
import type {Environment} from './run-command.js';

type Action = (
	client: ShadowRequests,
	address: ShadowAddress,
) => Promise<{version: number}>;

/** Where a command's shadow requests go, and how to let go of it. */
type Transport = {
	readonly requests: ShadowRequests;
	/** Subscribes to every reply of the operation first (MQTT), so many requests need no subscription each. */
	prepare(operation: 'get' | 'update' | 'delete'): Promise<void>;
	close(): Promise<void>;
};

/**
With AWS credentials and a known HTTP API (--api, or AWS IoT Core's data
endpoint) the requests are iot-data calls signed with SigV4, as the AWS CLI
makes them; otherwise MQTT, as before (over a signed WebSocket when the
broker is wss:// and credentials are named).
*/
async function openTransport(
	flags: FlagValues,
	environment: Environment,
	log: Logger,
): Promise<Transport> {
	const plane = dataPlaneFromFlags(
		flags,
		environment,
		flags.api as string | undefined,
	);
	if (plane)
		return {
			requests: plane,
			prepare: async () => Promise.resolve(),
			async close() {
				plane.close();
				return Promise.resolve();
			},
		};
	const client: ShadowClient = await connectFromFlags(flags, environment, log);
	return {
		requests: client,
		async prepare(operation) {
			await client.subscribeAllReplies(operation);
		},
		async close() {
			await client.close();
		},
	};
}

function loggerFrom(flags: FlagValues): Logger {
	const logFile = flags.logFile as string | undefined;
	return createLogger({
		...(logFile ? {file: logFile} : {}),
		level: (flags.logLevel as LogLevel | undefined) ?? 'info',
	});
}

async function runOneShot(
	flags: FlagValues,
	environment: Environment,
	command: string,
	action: Action,
): Promise<number> {
	const many = flags.match !== undefined || flags.query !== undefined;
	if (many && flags.thing !== undefined)
		throw new UsageError(
			'--thing names one thing; --match and --query select many: give one or the other',
		);
	if (many) return runMany(flags, environment, command, action);
	const thingName = flags.thing as string | undefined;
	if (thingName === undefined)
		throw new UsageError(
			`${command} needs --thing NAME (or --match PATTERN, --query Q)`,
		);
	const address = {
		thingName,
		shadowName: (flags.shadow as string | undefined) ?? '',
	};
	const json = flags.json === true;
	const log = loggerFrom(flags);
	try {
		const transport = await openTransport(flags, environment, log);
		try {
			const document = await action(transport.requests, address);
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
			await transport.close();
		}
	} finally {
		await log.close();
	}
}

async function runMany(
	flags: FlagValues,
	environment: Environment,
	command: string,
	action: Action,
): Promise<number> {
	const json = flags.json === true;
	const targets = await fleetFromFlags(flags, environment);
	if (targets.length === 0) {
		console.error(
			`shadow-tui ${command}: no shadow matches ${describeSelection(flags)}`,
		);
		return 1;
	}

	const log = loggerFrom(flags);
	try {
		const transport = await openTransport(flags, environment, log);
		try {
			await transport.prepare(
				command === 'get' ? 'get' : command === 'delete' ? 'delete' : 'update',
			);
			const bulk = createBulkRun(
				targets.map(({thingName, shadowName}) => ({thingName, shadowName})),
				async (address) => action(transport.requests, address),
			);
			bulk.onDone((item) => {
				if (json) console.log(JSON.stringify(itemJson(item)));
				else if (command !== 'get') console.log(itemLine(item));
				else if (item.outcome?.kind === 'accepted')
					console.log(documentLine(item.address, item.outcome.document));
				else console.error(itemLine(item));
			});
			await bulk.run();
			const {total, accepted, failed} = bulk.progress();
			if (!json)
				console.error(
					`${accepted} of ${total} done${failed > 0 ? `, ${failed} failed` : ''}`,
				);
			return failed > 0 ? 1 : 0;
		} finally {
			await transport.close();
		}
	} finally {
		await log.close();
	}
}

function name(address: ShadowAddress): string {
	return address.shadowName === ''
		? address.thingName
		: `${address.thingName}/${address.shadowName}`;
}

function itemLine(item: BulkItem): string {
	const outcome = item.outcome;
	if (outcome?.kind === 'accepted')
		return `${name(item.address)}: ok, version ${outcome.version}`;
	if (outcome?.kind === 'rejected')
		return `${name(item.address)}: ${outcome.code} ${outcome.message}`;
	return `${name(item.address)}: ${outcome?.message ?? 'not sent'}`;
}

/** One get reply as `get --thing` prints it, on one line, named: JSON Lines. */
function documentLine(address: ShadowAddress, document: unknown): string {
	return JSON.stringify({
		thingName: address.thingName,
		shadowName: address.shadowName,
		...(document as object),
	});
}

function itemJson(item: BulkItem): unknown {
	const {thingName, shadowName} = item.address;
	const outcome = item.outcome;
	if (outcome?.kind === 'accepted')
		return {
			thingName,
			shadowName,
			ok: true,
			version: outcome.version,
			document: outcome.document,
		};
	if (outcome?.kind === 'rejected')
		return {
			thingName,
			shadowName,
			ok: false,
			error: {code: outcome.code, message: outcome.message},
		};
	return {
		thingName,
		shadowName,
		ok: false,
		error: {message: outcome?.message ?? 'not sent'},
	};
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

/** The patch of --desired and --reported, refused as a UsageError unless AWS could accept it. */
function stateFromFlags(flags: FlagValues): StatePatch {
	const texts = {
		desired: flags.desired as string | undefined,
		reported: flags.reported as string | undefined,
	};
	const refuse = (
		problem: {section?: PatchSection},
		message: string,
	): never => {
		throw new UsageError(
			`${problem.section ? `--${problem.section}` : '--desired and --reported'}: ${message}`,
		);
	};

	for (const section of ['desired', 'reported'] as const) {
		const text = texts[section];
		const tooLarge =
			text === undefined ? undefined : checkPatchText(text, awsLimits);
		if (tooLarge) refuse({section}, describePatchProblem(tooLarge));
	}

	const desired = parsePatchFlag('--desired', texts.desired);
	const reported = parsePatchFlag('--reported', texts.reported);
	if (desired === undefined && reported === undefined)
		throw new UsageError('update needs --desired JSON or --reported JSON');
	const state: StatePatch = {
		...(desired === undefined ? {} : {desired}),
		...(reported === undefined ? {} : {reported}),
	};
	const problem = checkStatePatch(state, awsLimits);
	if (problem) refuse(problem, describePatchProblem(problem));
	return state;
}

export async function runUpdate(
	flags: FlagValues,
	environment: Environment,
): Promise<number> {
	const state = stateFromFlags(flags);
	const version = flags.version as number | undefined;
	if (
		version !== undefined &&
		(flags.match !== undefined || flags.query !== undefined)
	) {
		throw new UsageError(
			'--version names the version of one shadow; it cannot go with --match or --query',
		);
	}

	if (flags.dryRun === true)
		return runDryRun(flags, environment, state, version);
	return runOneShot(flags, environment, 'update', async (client, address) =>
		client.update(address, {
			state,
			...(version === undefined ? {} : {version}),
		}),
	);
}

/** update --dry-run: the preview on stdout (JSON with --json); exit 1 when the service would refuse it. */
async function runDryRun(
	flags: FlagValues,
	environment: Environment,
	state: StatePatch,
	version: number | undefined,
): Promise<number> {
	if (flags.match !== undefined || flags.query !== undefined)
		return runBulkDryRun(flags, environment, state);
	const thingName = flags.thing as string | undefined;
	if (thingName === undefined)
		throw new UsageError('update needs --thing NAME');
	const address = {
		thingName,
		shadowName: (flags.shadow as string | undefined) ?? '',
	};
	const request = {state, ...(version === undefined ? {} : {version})};
	const log = loggerFrom(flags);
	try {
		const client = await connectFromFlags(flags, environment, log);
		try {
			const preview = await dryRunUpdate(client, address, request);
			console.log(
				flags.json === true
					? JSON.stringify({dryRun: true, ...preview})
					: previewLines(address, request, preview).join('\n'),
			);
			return preview.rejection ? 1 : 0;
		} catch (error: unknown) {
			const {code, message} = describeFailure(error);
			console.error(
				`shadow-tui update: ${code === undefined ? '' : `${code} `}${message}`,
			);
			return 1;
		} finally {
			await client.close();
		}
	} finally {
		await log.close();
	}
}
