/*
Which shadows a many-thing command acts on: --match and --query, listed by
the local service's HTTP API (--api), for the shadow named by --shadow.
*/
import type {FlagValues} from '../command-line/parse-command-line.js';
import {
	checkApiUrl,
	defaultApiFor,
	quoteValue,
} from '../client/connection-settings.js';
import {createFleetLister, FleetListError} from '../client/fleet-lister.js';
import type {ShadowSummary} from '../fleet/list-shadows.js';
import {parseQuery} from '../fleet/query.js';
import {CommandFailure, UsageError} from './command-error.js';
import {
	connectionFromFlags,
	httpCredentialsFromFlags,
} from './connect-from-flags.js';
import type {Environment} from './run-command.js';

export function apiFromFlags(
	flags: FlagValues,
	environment: Environment,
): string {
	const given = flags.api as string | undefined;
	if (given !== undefined) {
		const problem = checkApiUrl(given);
		if (problem) throw new UsageError(problem);
		return given.replace(/\/+$/, '');
	}

	const api = defaultApiFor(connectionFromFlags(flags, environment).url);
	if (api !== undefined) return api;
	throw new UsageError(
		'listing the fleet needs the HTTP API of the shadow service: give --api URL',
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
			apiFromFlags(flags, environment),
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
