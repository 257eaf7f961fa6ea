/*
Which shadows a many-thing command acts on: --match and --query, found by
Fleet Indexing's SearchIndex, for the shadow named by --shadow: on the local
service's HTTP API (--api, a profile's, or announced), signed with SigV4 when
AWS credentials are named, or on AWS IoT Core itself.
*/
import type {FlagValues} from '../command-line/parse-command-line.js';
import {checkApiUrl, quoteValue} from '../client/connection-settings.js';
import {silentLogger} from '../log/logger.js';
import type {ControlPlane} from '../client/control-plane.js';
import {isAwsIotCore} from '../client/discover-api.js';
import {fleetListerOf, FleetListError} from '../client/fleet-lister.js';
import {httpControlPlane} from '../client/http-control-plane.js';
import type {ShadowSummary} from '../fleet/list-shadows.js';
import {parseFleetQuery} from '../fleet/aws-query.js';
import {legacyQueryMessage} from '../fleet/legacy-query-hint.js';
import {CommandFailure, UsageError} from './command-error.js';
import {
	connectionFromFlags,
	controlPlaneFor,
	discoverApiFromFlags,
	httpCredentialsFromFlags,
	wantsSigv4Http,
} from './connect-from-flags.js';
import type {Environment} from './run-command.js';

/**
The service's HTTP API: --api, the profile's, or what the broker's service
announces. Never guessed: without any of them, one line and exit 2, in the
words of what needed it.
*/
export async function apiFromFlags(
	flags: FlagValues,
	environment: Environment,
	what = 'listing the fleet',
): Promise<string> {
	const given = flags.api as string | undefined;
	if (given !== undefined) {
		const problem = checkApiUrl(given);
		if (problem) throw new UsageError(problem);
		return given.replace(/\/+$/, '');
	}

	const connection = connectionFromFlags(flags, environment);
	if (connection.api !== undefined) return connection.api;
	const announced = await discoverApiFromFlags(
		flags,
		environment,
		silentLogger,
	);
	if (announced !== undefined) return announced;
	throw new UsageError(
		`${what} needs the HTTP API of the shadow service, and the broker at ${connection.url} does not say where it is (not reachable, another broker, or AWS IoT Core): give --api URL`,
	);
}

/** What --match, --query, --thing and --shadow selected, for "nothing matches" in one line. */
export function describeSelection(flags: FlagValues): string {
	const text = (name: string) => flags[name] as string | undefined;
	const parts = [
		...(text('thing') === undefined
			? []
			: [`--thing ${quoteValue(text('thing') ?? '')}`]),
		...(text('match') === undefined
			? []
			: [`--match ${quoteValue(text('match') ?? '')}`]),
		...(text('query') === undefined
			? []
			: [`--query ${quoteValue(text('query') ?? '')}`]),
		...(text('shadow') === undefined
			? []
			: [`--shadow ${quoteValue(text('shadow') ?? '')}`]),
	];
	return parts.join(' ');
}

/** The control plane the flags name: the SDK with SigV4, or plain HTTP to the service's API. */
export async function controlPlaneFromFlags(
	flags: FlagValues,
	environment: Environment,
	what = 'listing the fleet',
): Promise<ControlPlane> {
	const connection = connectionFromFlags(flags, environment);
	if (wantsSigv4Http(connection)) {
		// AWS IoT Core's own endpoints, unless an API is given: there is nothing to discover.
		const api =
			flags.api === undefined && isAwsIotCore(connection.url)
				? undefined
				: await apiFromFlags(flags, environment, what);
		const signed = controlPlaneFor(connection, environment, api);
		if (signed) return signed;
	}

	return httpControlPlane(
		await apiFromFlags(flags, environment, what),
		httpCredentialsFromFlags(flags, environment),
	);
}

/**
A --query that cannot be AWS's is refused before anything connects: one in
shadow-tui's old language gets its AWS form, a syntax error its position.
A field this service does not hold (attributes.*) is left to the service
that answers: AWS IoT Core holds them.
*/
export function checkQueryFlag(query: string): void {
	const hint = legacyQueryMessage(query);
	if (hint) throw new UsageError(`--query: ${hint}`);
	const parsed = parseFleetQuery(query);
	if (!parsed.ok && parsed.message.startsWith('Syntax error'))
		throw new UsageError(`--query: ${parsed.message}`);
}

export async function fleetFromFlags(
	flags: FlagValues,
	environment: Environment,
	options: {allShadows?: boolean; withState?: boolean} = {},
): Promise<ShadowSummary[]> {
	const match = flags.match as string | undefined;
	const query = flags.query as string | undefined;
	const shadowName = flags.shadow as string | undefined;
	if (query !== undefined) checkQueryFlag(query);
	try {
		return await fleetListerOf(await controlPlaneFromFlags(flags, environment))(
			{
				...(match === undefined ? {} : {match}),
				...(query === undefined ? {} : {query}),
				...(options.allShadows && shadowName === undefined
					? {}
					: {shadowName: shadowName ?? ''}),
				...(options.withState ? {withState: true} : {}),
			},
		);
	} catch (error: unknown) {
		// A query AWS's language does not take is the user's to fix: usage, exit 2.
		if (
			error instanceof FleetListError &&
			error.code === 'InvalidQueryException'
		)
			throw new UsageError(`--query: ${error.message}`);
		if (error instanceof FleetListError)
			throw new CommandFailure(error.message);
		throw error;
	}
}
