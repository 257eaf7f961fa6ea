/*
shadow-tui console: the interactive console in a terminal. Everything that
can fail on the way in (flags, terminal, connection) fails before Ink starts,
with one line. While Ink renders nothing else writes to the terminal.
*/
import {join} from 'node:path';
import {render} from 'ink';
import type {FlagValues} from '../command-line/parse-command-line.js';
import type {NamedShadowLister} from '../client/named-shadows.js';
import type {ShadowClient} from '../client/shadow-client.js';
import type {ApplyPolicy} from '../device-mode/device-runner.js';
import {createLogger, type Logger, type LogLevel} from '../log/logger.js';
import {createConsoleSession, type Role} from '../session/console-session.js';
import {createFleetSession} from '../session/fleet-session.js';
import {createTrafficSession} from '../session/traffic-session.js';
import {parseDuration} from '../session/stale-after.js';
import type {FleetLister} from '../client/fleet-lister.js';
import type {HistoryReader} from '../client/history-reader.js';
import {dataDirectory} from '../config/paths.js';
import {openSeenJournal} from '../session/seen-journal.js';
import type {ShadowAddress} from '../shadow/topics.js';
import {App} from '../views/app.js';
import {ColorContext} from '../views/color.js';
import {ErrorBoundary} from '../views/error-boundary.js';
import {UsageError} from './command-error.js';
import {
	openClientFromFlags,
	connectionFromFlags,
	controlPlaneFor,
	wantsSigv4Http,
	httpCredentialsFromFlags,
} from './connect-from-flags.js';
import type {SdkControlPlane} from '../client/sdk-control-plane.js';
import {
	apiClients,
	ApiUnknown,
	type ApiClients,
} from '../client/followed-api.js';
import {checkConsoleFlags} from './console-flags.js';
import {takeTerminal} from './console-terminal.js';
import {createExternalEditor} from './external-editor.js';
import type {Environment} from './run-command.js';

export type ConsoleOptions = {
	readonly client: ShadowClient;
	readonly address: ShadowAddress;
	readonly role: Role;
	readonly apply: ApplyPolicy;
	readonly historyLimit: number;
	readonly listNamedShadows?: NamedShadowLister;
	/** The HTTP API that lists the fleet and named shadows, when there is one. */
	readonly fleetLister?: FleetLister;
	/** Counts per value of a field, for the fleet view (GetBucketsAggregation). */
	readonly aggregate?: ApiClients['aggregate'];
	readonly environment: Environment;
	readonly log: Logger;
	/** Where diagnostics go, for the one line shown if the console fails. */
	readonly logFile: string | undefined;
	/** Messages the traffic inspector keeps. */
	readonly trafficCapacity?: number;
	/** When the inspector marks a request unanswered. */
	readonly answerTimeoutMs?: number;
	/** --stale-after in seconds, when given. */
	readonly staleAfterSeconds?: number;
	/** The service's version journal, when its HTTP API is known. */
	readonly journal?: HistoryReader;
	/** Where versions seen are kept for services without a journal; none: not kept. */
	readonly seenDirectory?: string;
};

/** Runs the console until the user quits; the caller closes the client. */
export async function runConsoleApp(options: ConsoleOptions): Promise<void> {
	const {client, environment, log} = options;
	const session = createConsoleSession({
		client,
		address: options.address,
		role: options.role,
		apply: options.apply,
		historyLimit: options.historyLimit,
		clock: () => Math.floor(Date.now() / 1000),
		...(options.journal ? {journal: options.journal} : {}),
		...(options.seenDirectory
			? {
					seen: openSeenJournal({
						directory: options.seenDirectory,
						endpoint: client.url,
						limit: options.historyLimit,
						log,
					}),
				}
			: {}),
	});
	const traffic = createTrafficSession({
		client,
		address: options.address,
		capacity: options.trafficCapacity ?? 2000,
		answerTimeoutMs: options.answerTimeoutMs ?? 10_000,
	});
	const color =
		environment.env.NO_COLOR === undefined || environment.env.NO_COLOR === '';
	const ink: {instance?: ReturnType<typeof render>} = {};
	const terminal = takeTerminal(process.stdout, {
		onResume: () => ink.instance?.clear(),
		onSignal: () => ink.instance?.unmount(),
	});
	const instance = render(
		<ColorContext.Provider value={color}>
			<ErrorBoundary
				logHint={
					options.logFile
						? `details in ${options.logFile}`
						: 'run with --log-file FILE for details'
				}
				onError={(error) => {
					log.error('console render failed', {
						error: error.stack ?? error.message,
					});
				}}
			>
				<App
					{...(options.fleetLister
						? {
								fleet: createFleetSession({
									client,
									list: options.fleetLister,
									...(options.aggregate ? {aggregate: options.aggregate} : {}),
								}),
							}
						: {})}
					session={session}
					traffic={traffic}
					{...(options.listNamedShadows
						? {listNamedShadows: options.listNamedShadows}
						: {})}
					editInEditor={createExternalEditor(environment.env)}
					terminal={terminal}
					staleAfterSeconds={options.staleAfterSeconds}
				/>
			</ErrorBoundary>
		</ColorContext.Provider>,
		{exitOnCtrlC: false, patchConsole: true},
	);
	ink.instance = instance;
	// Its subscription goes out before the first get's, so the inspector sees the get.
	traffic.start().catch((error: unknown) => {
		log.warn('traffic inspector did not start', {error: String(error)});
	});
	session.start().catch((error: unknown) => {
		log.error('console start failed', {error: String(error)});
	});
	try {
		await instance.waitUntilExit();
	} finally {
		// Ink is done writing: only then the screen is given back, so no frame is left on it.
		terminal.restore();
		await traffic.close();
		await session.close();
	}
}

export async function runConsole(
	flags: FlagValues,
	environment: Environment,
): Promise<number> {
	// Everything a flag can get wrong is said before the screen opens.
	checkConsoleFlags(flags);
	const thingName = flags.thing as string | undefined;
	if (thingName === undefined)
		throw new UsageError(
			'the console needs --thing NAME (or try `shadow-tui demo`)',
		);
	if (!environment.stdinIsTty)
		throw new UsageError(
			'the console needs a terminal; for scripts use get, update and delete',
		);
	const connection = connectionFromFlags(flags, environment);
	const credentials = httpCredentialsFromFlags(flags, environment);
	const logFile = flags.logFile as string | undefined;
	// checkConsoleFlags refused a --stale-after that is no duration.
	const staleAfter =
		typeof flags.staleAfter === 'string'
			? parseDuration(flags.staleAfter)
			: undefined;
	const log = createLogger({
		...(logFile ? {file: logFile} : {}),
		level: (flags.logLevel as LogLevel | undefined) ?? 'info',
	});
	// The service may not be up yet: the console waits for it (connecting…) instead of exiting.
	const client = await openClientFromFlags(flags, environment, log);
	// Never guessed: --api, the profile's, or what the broker's service announces (followed).
	// Each signed plane holds an SDK client; closed when the console ends.
	const planes = new Map<string, SdkControlPlane>();
	const api = apiClients(
		client,
		connection.url,
		(flags.api as string | undefined)?.replace(/\/+$/, '') ?? connection.api,
		credentials,
		wantsSigv4Http(connection)
			? {
					signed(known) {
						const key = known ?? '';
						const cached = planes.get(key);
						if (cached) return cached;
						const plane = controlPlaneFor(connection, environment, known, log);
						if (!plane)
							throw new ApiUnknown('no HTTP API known: give --api URL');
						planes.set(key, plane);
						return plane;
					},
				}
			: {},
	);
	try {
		await runConsoleApp({
			client,
			address: {
				thingName,
				shadowName: (flags.shadow as string | undefined) ?? '',
			},
			role: ((flags.role as string | undefined) ?? 'app') as Role,
			apply: ((flags.apply as string | undefined) ?? 'auto') as ApplyPolicy,
			historyLimit: (flags.history as number | undefined) ?? 1000,
			trafficCapacity: (flags.traffic as number | undefined) ?? 2000,
			answerTimeoutMs: (flags.answerTimeout as number | undefined) ?? 10_000,
			listNamedShadows: api.listNamedShadows,
			fleetLister: api.fleetLister,
			aggregate: api.aggregate,
			journal: api.journal,
			seenDirectory: join(dataDirectory(environment.env), 'seen-history'),
			environment,
			log,
			logFile,
			...(staleAfter?.ok ? {staleAfterSeconds: staleAfter.seconds} : {}),
		});
	} finally {
		await api.stop();
		for (const plane of planes.values()) plane.close();
		await client.close();
		await log.close();
	}

	return 0;
}
