/*
shadow-tui list: the fleet's shadows, filtered by --match and --query, as a
table or (--json) one JSON document per line.
*/
import type {FlagValues} from '../command-line/parse-command-line.js';
import {fleetFromFlags} from './fleet-targets.js';
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
	const shadows = await fleetFromFlags(flags, environment, {
		allShadows: true,
		withState: json,
	});
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
