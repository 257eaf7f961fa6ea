/*
update --match/--query --dry-run: every target previewed (fleet/bulk-preview.ts)
and nothing sent. Exit 1 when any would be refused or could not be read,
else 0; --json prints one object.
*/
import type {FlagValues} from '../command-line/parse-command-line.js';
import {
	bulkPreviewLines,
	bulkPreviewRecord,
	previewAll,
} from '../fleet/bulk-preview.js';
import {createLogger, type LogLevel} from '../log/logger.js';
import type {StatePatch, UpdateRequest} from '../shadow/request.js';
import {UsageError} from './command-error.js';
import {connectFromFlags} from './connect-from-flags.js';
import {describeSelection, fleetFromFlags} from './fleet-targets.js';
import type {Environment} from './run-command.js';

/** update --dry-run with --match or --query: every target previewed, nothing sent; exit 1 if any would be refused. */
export async function runBulkDryRun(
	flags: FlagValues,
	environment: Environment,
	state: StatePatch,
): Promise<number> {
	if (flags.thing !== undefined)
		throw new UsageError(
			'--thing names one thing; --match and --query select many: give one or the other',
		);
	const targets = await fleetFromFlags(flags, environment);
	if (targets.length === 0) {
		console.error(
			`shadow-tui update: no shadow matches ${describeSelection(flags)}`,
		);
		return 1;
	}

	const logFile = flags.logFile as string | undefined;
	const log = createLogger({
		...(logFile ? {file: logFile} : {}),
		level: (flags.logLevel as LogLevel | undefined) ?? 'info',
	});
	try {
		const client = await connectFromFlags(flags, environment, log);
		try {
			await client.subscribeAllReplies('get');
			const request: UpdateRequest = {state};
			const results = await previewAll(
				client,
				targets.map(({thingName, shadowName}) => ({thingName, shadowName})),
				request,
			);
			console.log(
				flags.json === true
					? JSON.stringify(bulkPreviewRecord(request, results))
					: bulkPreviewLines(request, results, describeSelection(flags)).join(
							'\n',
						),
			);
			return results.some(
				(result) => result.kind === 'failed' || result.preview.rejection,
			)
				? 1
				: 0;
		} finally {
			await client.close();
		}
	} finally {
		await log.close();
	}
}
