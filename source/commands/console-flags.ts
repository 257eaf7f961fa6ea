/*
The console's flags checked before anything opens: a thing or shadow name
AWS would refuse (§10.1, names.ts), a broker, endpoint or API address that
cannot be connected to, an AWS region or profile name that cannot be one, a
--stale-after that is no duration. Pure (flags in, a UsageError out), so it runs before
the terminal is looked at and a script gets exit code 2 and one line whether
or not a terminal is attached.
*/
import type {FlagValues} from '../command-line/parse-command-line.js';
import {
	checkApiUrl,
	checkAwsProfile,
	checkBrokerUrl,
	checkRegion,
	parseEndpoint,
	quoteValue,
	signedEndpointProblem,
} from '../client/connection-settings.js';
import {awsLimits} from '../shadow/limits.js';
import {checkShadowName, checkThingName} from '../shadow/names.js';
import {parseDuration} from '../session/stale-after.js';
import {UsageError} from './command-error.js';

/** Throws a UsageError (one line, exit code 2) for the first flag that cannot work. */
export function checkConsoleFlags(flags: FlagValues): void {
	const problem = consoleFlagProblem(flags);
	if (problem !== undefined) throw new UsageError(problem);
}

/** The same check as a value: the first problem's one-line text, or undefined. */
export function consoleFlagProblem(flags: FlagValues): string | undefined {
	const text = (name: string): string | undefined => {
		const value = flags[name];
		return typeof value === 'string' ? value : undefined;
	};

	const thing = text('thing');
	if (thing !== undefined) {
		const rejection = checkThingName(thing, awsLimits);
		if (rejection) return `--thing ${quoteValue(thing)}: ${rejection.message}`;
	}

	const shadow = text('shadow');
	if (shadow !== undefined) {
		const rejection = checkShadowName(shadow, awsLimits);
		if (rejection)
			return `--shadow ${quoteValue(shadow)}: ${rejection.message}`;
	}

	const broker = text('broker');
	const endpoint = text('endpoint');
	if (broker !== undefined && endpoint !== undefined)
		return '--broker and --endpoint are alternatives; give one';
	if (broker !== undefined) {
		const brokerProblem = checkBrokerUrl(broker);
		if (brokerProblem) return brokerProblem;
	}

	if (endpoint !== undefined) {
		const parsed = parseEndpoint(endpoint);
		if (!parsed.ok) return parsed.error;
		// A profile may hold the certificate.
		if (text('cert') === undefined && text('profile') === undefined) {
			const signedProblem = signedEndpointProblem(parsed);
			if (signedProblem) return signedProblem;
		}
	}

	const api = text('api');
	if (api !== undefined) {
		const apiProblem = checkApiUrl(api);
		if (apiProblem) return apiProblem;
	}

	const awsProblem =
		checkAwsProfile(text('awsProfile')) ?? checkRegion(text('region'));
	if (awsProblem) return awsProblem;

	const staleAfter = text('staleAfter');
	if (staleAfter !== undefined) {
		const parsed = parseDuration(staleAfter);
		if (!parsed.ok) return parsed.error;
	}

	// A profile may hold the other half.
	if (
		text('profile') === undefined &&
		(text('cert') === undefined) !== (text('key') === undefined)
	)
		return '--cert and --key go together';
	return undefined;
}
