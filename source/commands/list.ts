/*
shadow-tui list: the fleet's shadows, filtered by --match, --query, --thing
(one thing's classic and named shadows) and --shadow, as a table or (--json)
one JSON document per line. A filter that selects nothing says so and exits
with 1, so a script does not take an empty answer for success.
*/
import type {FlagValues} from '../command-line/parse-command-line.js';
import {quoteValue} from '../client/connection-settings.js';
import {awsLimits} from '../shadow/limits.js';
import {checkThingName} from '../shadow/names.js';
import {UsageError} from './command-error.js';
import {describeSelection, fleetFromFlags} from './fleet-targets.js';
import type {Environment} from './run-command.js';

function when(epochSeconds: number): string {
	return new Date(epochSeconds * 1000)
		.toISOString()
		.replace('T', ' ')
		.slice(0, 19);
}

export async function runList(
	flags: FlagValues,
	environment: Environment,
): Promise<number> {
	const json = flags.json === true;
	const thing = flags.thing as string | undefined;
	if (thing !== undefined) {
		if (flags.match !== undefined)
			throw new UsageError(
				'--thing names one thing; --match selects many: give one or the other',
			);
		const rejection = checkThingName(thing, awsLimits);
		if (rejection)
			throw new UsageError(
				`--thing ${quoteValue(thing)}: ${rejection.message}`,
			);
	}

	// A thing name has no * or ?, so as a pattern it matches that thing alone.
	const shadows = await fleetFromFlags(
		thing === undefined ? flags : {...flags, match: thing},
		environment,
		{allShadows: true, withState: json},
	);
	const filtered = ['thing', 'match', 'query', 'shadow'].some(
		(name) => flags[name] !== undefined,
	);
	if (shadows.length === 0 && filtered) {
		console.error(
			`shadow-tui list: no shadow matches ${describeSelection(flags)}`,
		);
		return 1;
	}

	if (json) {
		for (const shadow of shadows) console.log(JSON.stringify(shadow));
		return 0;
	}

	const rows = shadows.map((shadow) => [
		shadow.thingName,
		shadow.shadowName === '' ? '(classic)' : shadow.shadowName,
		String(shadow.version),
		shadow.connected === undefined ? '?' : shadow.connected ? 'yes' : 'no',
		String(shadow.deltaKeys),
		when(shadow.updatedAt),
	]);
	const header = ['THING', 'SHADOW', 'VERSION', 'ONLINE', 'DELTA', 'CHANGED'];
	const widths = header.map((title, column) =>
		Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
	);
	for (const row of [header, ...rows])
		console.log(
			row
				.map((cell, column) => cell.padEnd(widths[column] ?? 0))
				.join('  ')
				.trimEnd(),
		);
	console.error(`${shadows.length} shadow${shadows.length === 1 ? '' : 's'}`);
	return 0;
}
