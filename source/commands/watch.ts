/*
shadow-tui watch: the traffic inspector's stream without a screen, for
scripts and logs. Every message of what is watched (requests, accepted and
rejected answers, deltas, documents, presence events) becomes one line on
stdout as it arrives, or one JSON object with --json (JSON Lines), so that
every line parses. Answers carry their request's latency, rejections their
explanation, and a request left unanswered gets a line of its own once its
timeout passes. Only MQTT is used, so it works the same against the local
service and AWS IoT Core; --query alone needs the local service's HTTP API,
to resolve the things once at start.

Everything else (the connection's state, "watching ...") goes to stderr, one
line each. It runs until SIGINT or SIGTERM, or until stdout is closed (`watch
| head -3`), then unsubscribes and closes: exit 0. A subscription the broker
refuses is exit 1, with the filter the identity's policy must allow.
*/
import type {FlagValues} from '../command-line/parse-command-line.js';
import {checkQueryFlag} from './fleet-targets.js';
import {quoteValue} from '../client/connection-settings.js';
import {ShadowRejectedError} from '../client/shadow-errors.js';
import type {
	ConnectionStatus,
	ShadowClient,
	TappedMessage,
} from '../client/shadow-client.js';
import {checkNamePattern, namePattern} from '../fleet/name-pattern.js';
import {createLogger, type Logger, type LogLevel} from '../log/logger.js';
import {awsLimits} from '../shadow/limits.js';
import {checkShadowName, checkThingName} from '../shadow/names.js';
import {parseShadowTopic} from '../shadow/topics.js';
import {
	describeScope,
	scopeFilters,
	type TrafficScope,
} from '../traffic/topic-filter.js';
import {
	clockTime,
	entryLine,
	entryRecord,
	unansweredLine,
	unansweredRecord,
} from '../traffic/traffic-format.js';
import {createTrafficLog, type TrafficEntry} from '../traffic/traffic-log.js';
import {CommandFailure, UsageError} from './command-error.js';
import {openClientFromFlags} from './connect-from-flags.js';
import {describeSelection, fleetFromFlags} from './fleet-targets.js';
import type {Environment} from './run-command.js';

/** What is watched: the filters to subscribe to, and which of their messages are printed. */
type Watched = {
	readonly scope: TrafficScope;
	/** Whether a message on this topic is one of the things (and shadow) asked for. */
	readonly includes: (topic: string) => boolean;
	readonly description: string;
	/** More than one shadow can show, so each line names its shadow. */
	readonly withShadow: boolean;
};

type Subject =
	| {readonly kind: 'presence' | 'thing'; readonly thingName: string}
	| {
			readonly kind: 'shadow';
			readonly thingName: string;
			readonly shadowName: string;
	  };

type StopReason =
	| {readonly kind: 'signal'; readonly signal: NodeJS.Signals}
	| {readonly kind: 'stdout-closed'}
	| {readonly kind: 'stdout-failed'; readonly message: string};

type Stop = {
	readonly reason: Promise<StopReason>;
	/** The reason once it came, so nothing more is written to a closed stdout. */
	readonly stopped: () => StopReason | undefined;
	readonly dispose: () => void;
};

/** Requests are paired with answers that come within moments: the recent ones are enough. */
const logCapacity = 1000;
const tickMs = 250;
const presencePrefix = '$aws/events/presence/';
/** How long shutdown waits for the broker to confirm the unsubscribe. */
const unsubscribeMs = 2000;

export async function runWatch(
	flags: FlagValues,
	environment: Environment,
): Promise<number> {
	const watched = await watchedFromFlags(flags, environment);
	const log = loggerFrom(flags);
	const stop = listenForStop();
	try {
		const reason = await watchUntilStopped({
			flags,
			environment,
			log,
			stop,
			watched,
			json: flags.json === true,
			answerTimeoutMs: (flags.answerTimeout as number | undefined) ?? 10_000,
		});
		if (reason?.kind === 'stdout-failed')
			throw new CommandFailure(`cannot write to stdout: ${reason.message}`);
		return 0;
	} finally {
		stop.dispose();
		await log.close();
	}
}

function loggerFrom(flags: FlagValues): Logger {
	const logFile = flags.logFile as string | undefined;
	return createLogger({
		...(logFile ? {file: logFile} : {}),
		level: (flags.logLevel as LogLevel | undefined) ?? 'info',
	});
}

/** --thing (and --shadow), or --match / --query: checked before anything connects. */
async function watchedFromFlags(
	flags: FlagValues,
	environment: Environment,
): Promise<Watched> {
	const thingName = flags.thing as string | undefined;
	const shadowName = flags.shadow as string | undefined;
	const match = flags.match as string | undefined;
	const query = flags.query as string | undefined;
	if (thingName !== undefined && (match !== undefined || query !== undefined))
		throw new UsageError(
			'--thing names one thing; --match and --query select many: give one or the other',
		);
	if (shadowName !== undefined && shadowName !== '') {
		const rejection = checkShadowName(shadowName, awsLimits);
		if (rejection)
			throw new UsageError(
				`--shadow ${quoteValue(shadowName)}: ${rejection.message}`,
			);
	}

	if (thingName !== undefined) {
		const rejection = checkThingName(thingName, awsLimits);
		if (rejection)
			throw new UsageError(
				`--thing ${quoteValue(thingName)}: ${rejection.message}`,
			);
		const scope: TrafficScope = {
			kind: 'shadow',
			address: {thingName, shadowName: shadowName ?? ''},
		};
		return {
			scope,
			includes: () => true,
			description: describeScope(scope),
			withShadow: false,
		};
	}

	if (match === undefined && query === undefined)
		throw new UsageError(
			'watch needs --thing NAME (or --match PATTERN, --query Q)',
		);
	const patternProblem =
		match === undefined ? undefined : checkNamePattern(match);
	if (patternProblem) throw new UsageError(`--match: ${patternProblem}`);
	if (query !== undefined) checkQueryFlag(query);
	const isThing =
		query === undefined
			? thingPredicate(match ?? '*')
			: await queriedThings(flags, environment);
	const shadowWords =
		shadowName === undefined
			? 'every shadow'
			: shadowName === ''
				? 'the classic shadow'
				: `shadow ${quoteValue(shadowName)}`;
	return {
		scope: {kind: 'fleet'},
		includes: (topic) => {
			const subject = subjectOf(topic);
			if (!subject || !isThing(subject.thingName)) return false;
			// Presence is the thing's, whichever of its shadows is watched.
			if (subject.kind === 'presence') return true;
			if (shadowName === undefined) return true;
			return subject.kind === 'shadow' && subject.shadowName === shadowName;
		},
		description: `${shadowWords} of the things selected by ${describeSelection({
			...(match === undefined ? {} : {match}),
			...(query === undefined ? {} : {query}),
		})}`,
		withShadow: true,
	};
}

function thingPredicate(pattern: string): (thingName: string) => boolean {
	const compiled = namePattern(pattern);
	return (thingName) => compiled.test(thingName);
}

/** The things --query (and --match, --shadow) select, listed once by the HTTP API. */
async function queriedThings(
	flags: FlagValues,
	environment: Environment,
): Promise<(thingName: string) => boolean> {
	const shadows = await fleetFromFlags(flags, environment, {
		allShadows: flags.shadow === undefined,
	});
	if (shadows.length === 0)
		throw new CommandFailure(`no shadow matches ${describeSelection(flags)}`);
	const names = new Set(shadows.map((shadow) => shadow.thingName));
	return (thingName) => names.has(thingName);
}

/**
Whose message a topic carries: a shadow topic's thing and shadow, a presence
event's client id (AWS's lifecycle events name the client, which is the thing
when it connects as its thing), or `$aws/things/NAME/...` that is no shadow
topic, whose shadow cannot be told.
*/
function subjectOf(topic: string): Subject | undefined {
	const parts = topic.split('/');
	if (parts[0] !== '$aws') return undefined;
	if (parts[1] === 'events' && parts[2] === 'presence')
		return {kind: 'presence', thingName: parts.slice(4).join('/')};
	if (parts[1] !== 'things' || parts[2] === undefined) return undefined;
	const parsed = parseShadowTopic(topic, awsLimits);
	return parsed.kind === 'other'
		? {kind: 'thing', thingName: parts[2]}
		: {
				kind: 'shadow',
				thingName: parsed.topic.thingName,
				shadowName: parsed.topic.shadowName,
			};
}

/** SIGINT, SIGTERM, or a stdout that can take no more (EPIPE: the reader went away). */
function listenForStop(): Stop {
	let reason: StopReason | undefined;
	let settle: (value: StopReason) => void = () => undefined;
	const promise = new Promise<StopReason>((resolve) => {
		settle = resolve;
	});
	const stopWith = (value: StopReason) => {
		reason ??= value;
		settle(reason);
	};

	const onSignal = (signal: NodeJS.Signals) => {
		stopWith({kind: 'signal', signal});
	};

	const onStdoutError = (error: NodeJS.ErrnoException) => {
		stopWith(
			error.code === 'EPIPE'
				? {kind: 'stdout-closed'}
				: {kind: 'stdout-failed', message: error.code ?? error.message},
		);
	};

	// Diagnostics are worth losing, never worth a crash.
	const onStderrError = () => undefined;
	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);
	process.stdout.on('error', onStdoutError);
	process.stderr.on('error', onStderrError);
	return {
		reason: promise,
		stopped: () => reason,
		dispose() {
			process.off('SIGINT', onSignal);
			process.off('SIGTERM', onSignal);
			process.stdout.off('error', onStdoutError);
			process.stderr.off('error', onStderrError);
		},
	};
}

type WatchOptions = {
	readonly flags: FlagValues;
	readonly environment: Environment;
	readonly log: Logger;
	readonly stop: Stop;
	readonly watched: Watched;
	readonly json: boolean;
	readonly answerTimeoutMs: number;
};

/** Connects (waiting for a service that is not up yet), taps, prints; the reason it stopped. */
async function watchUntilStopped(
	options: WatchOptions,
): Promise<StopReason | undefined> {
	const {stop} = options;
	const opening = openClientFromFlags(
		options.flags,
		options.environment,
		options.log,
	);
	const opened = await Promise.race([
		opening.then((client) => ({client})),
		stop.reason.then(() => undefined),
	]);
	if (opened === undefined) {
		// Still opening: close it when it comes, and say nothing of a failure nobody waits for.
		void opening.then(async (client) => client.close()).catch(() => undefined);
		return stop.stopped();
	}

	const {client} = opened;
	const stopStatus = client.onStatus((status) => {
		diagnostic(statusLine(client, status));
	});
	try {
		if (client.status() === 'connecting')
			diagnostic(statusLine(client, 'connecting'));
		return await tapUntilStopped(client, options);
	} finally {
		stopStatus();
		await client.close();
	}
}

async function tapUntilStopped(
	client: ShadowClient,
	options: WatchOptions,
): Promise<StopReason | undefined> {
	const {stop, watched, json, answerTimeoutMs} = options;
	const write = (line: string) => {
		if (stop.stopped() === undefined) process.stdout.write(`${line}\n`);
	};

	const traffic = createTrafficLog({
		capacity: logCapacity,
		answerTimeoutMs,
		limits: awsLimits,
	});
	const printEntry = (entry: TrafficEntry) => {
		write(
			json
				? JSON.stringify(entryRecord(entry))
				: entryLine(entry, {
						withShadow: watched.withShadow,
						streamed: true,
					}),
		);
	};

	const onMessage = (message: TappedMessage) => {
		if (!watched.includes(message.topic)) return;
		const entry = traffic.add(message);
		if (entry) printEntry(entry);
	};

	const filters = scopeFilters(watched.scope);
	const isPresence = (filter: string) => filter.startsWith(presencePrefix);
	const shadowFilters = filters.filter((filter) => !isPresence(filter));
	const presenceFilters = filters.filter(isPresence);
	const unsubscribes: (() => Promise<void>)[] = [];
	try {
		const shadows = await tapOrStop(client, shadowFilters, onMessage, stop);
		if (shadows === undefined) return stop.stopped();
		unsubscribes.push(shadows);
		const presence = await tapPresence(
			client,
			presenceFilters,
			onMessage,
			stop,
		);
		if (presence === 'stopped') return stop.stopped();
		if (presence) unsubscribes.push(presence);
	} catch (error: unknown) {
		throw tapFailure(error, filters);
	}

	diagnostic(`watching ${watched.description} on ${client.url} (Ctrl-C stops)`);
	const ticker = setInterval(() => {
		for (const entry of traffic.tick(Date.now()))
			write(
				json
					? JSON.stringify(unansweredRecord(entry, answerTimeoutMs))
					: unansweredLine(entry, answerTimeoutMs),
			);
	}, tickMs);
	try {
		return await stop.reason;
	} finally {
		clearInterval(ticker);
		await unsubscribeAll(unsubscribes);
	}
}

/** Subscribes, unless a stop comes first (undefined). */
async function tapOrStop(
	client: ShadowClient,
	filters: readonly string[],
	listener: (message: TappedMessage) => void,
	stop: Stop,
): Promise<(() => Promise<void>) | undefined> {
	const tapping = client.tap(filters, listener);
	// Settled below, or left behind by a stop; either way nobody else waits on it.
	void tapping.catch(() => undefined);
	return Promise.race([tapping, stop.reason.then(() => undefined)]);
}

/*
Lifecycle events are the thing's presence beside its shadow: a policy that
lets an identity read a shadow often grants no $aws/events topics (a device's
usually does not), so a refusal here is said on stderr and the shadow's
traffic is watched without them.
*/
async function tapPresence(
	client: ShadowClient,
	filters: readonly string[],
	listener: (message: TappedMessage) => void,
	stop: Stop,
): Promise<(() => Promise<void>) | 'stopped' | undefined> {
	try {
		return (await tapOrStop(client, filters, listener, stop)) ?? 'stopped';
	} catch (error: unknown) {
		const filter = refusedFilter(error);
		if (filter === undefined) throw error;
		diagnostic(
			`${clockTime(Date.now())}  not showing presence: the broker refused the subscription to ${filter} (the identity's policy does not allow iot:Subscribe on it)`,
		);
		return undefined;
	}
}

async function unsubscribeAll(
	unsubscribes: readonly (() => Promise<void>)[],
): Promise<void> {
	await withTimeout(
		Promise.all(unsubscribes.map(async (unsubscribe) => unsubscribe())).then(
			() => undefined,
		),
		unsubscribeMs,
	);
}

/** The filter of a 403 from tap: its message names it (ShadowRejectedError has no field for it). */
function refusedFilter(error: unknown): string | undefined {
	if (!(error instanceof ShadowRejectedError) || error.code !== 403)
		return undefined;
	return /subscription to (\S+)$/.exec(error.reason)?.[1] ?? '';
}

function tapFailure(error: unknown, filters: readonly string[]): Error {
	const refused = refusedFilter(error);
	if (refused !== undefined) {
		const filter = refused === '' ? filters.join(', ') : refused;
		return new CommandFailure(
			`the broker refused the subscription to ${filter}: the identity's policy must allow iot:Subscribe on it (resource topicfilter/${filter})`,
		);
	}

	return new CommandFailure(
		`cannot subscribe to ${filters.join(', ')}: ${error instanceof Error ? error.message : String(error)}`,
	);
}

function statusLine(client: ShadowClient, status: ConnectionStatus): string {
	const reason = client.connectionError();
	const because = reason === undefined ? '' : `: ${reason}`;
	const words: Record<ConnectionStatus, string> = {
		connecting: `connecting to ${client.url}${because}; retrying every second`,
		connected: `connected to ${client.url}`,
		reconnecting: `reconnecting to ${client.url}${because}`,
		offline: `offline from ${client.url}: ${reason ?? 'the connection was lost'}`,
		closed: `closed the connection to ${client.url}`,
	};
	return `${clockTime(Date.now())}  ${words[status]}`;
}

/** One line on stderr: never on stdout, which holds the messages alone. */
function diagnostic(line: string): void {
	process.stderr.write(`${line}\n`);
}

async function withTimeout(work: Promise<void>, timeoutMs: number) {
	let timer: NodeJS.Timeout | undefined;
	await Promise.race([
		work.catch(() => undefined),
		new Promise<void>((resolve) => {
			timer = setTimeout(resolve, timeoutMs);
		}),
	]);
	clearTimeout(timer);
}
