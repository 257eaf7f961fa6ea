/*
Which shadows a many-thing command acts on: --match and --query, listed by
the local service's HTTP API (--api), for the shadow named by --shadow.
*/
import type {FlagValues} from '../command-line/parse-command-line.js';
import {checkApiUrl, quoteValue} from '../client/connection-settings.js';
import {silentLogger} from '../log/logger.js';
import {createFleetLister, FleetListError} from '../client/fleet-lister.js';
import type {ShadowSummary} from '../fleet/list-shadows.js';
import {parseQuery} from '../fleet/query.js';
import {CommandFailure, UsageError} from './command-error.js';
import {
	connectionFromFlags,
	discoverApiFromFlags,
	httpCredentialsFromFlags,
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

export async function fleetFromFlags(
	flags: FlagValues,
	environment: Environment,
	options: {allShadows?: boolean; withState?: boolean} = {},
): Promise<ShadowSummary[]> {
	const match = flags.match as string | undefined;
	const query = flags.query as string | undefined;
	if (query !== undefined) {
		const parsed = parseQuery(query);
		if (!parsed.ok) throw new UsageError(parsed.error);
	}

	const shadowName = flags.shadow as string | undefined;
	try {
		return await createFleetLister(
			await apiFromFlags(flags, environment),
			httpCredentialsFromFlags(flags, environment),
		)({
			...(match === undefined ? {} : {match}),
			...(query === undefined ? {} : {query}),
			...(options.allShadows && shadowName === undefined
				? {}
				: {shadowName: shadowName ?? ''}),
			...(options.withState ? {withState: true} : {}),
		});
	} catch (error: unknown) {
		if (error instanceof FleetListError)
			throw new CommandFailure(error.message);
		throw error;
	}
}
