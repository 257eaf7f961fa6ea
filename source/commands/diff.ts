/*
shadow-tui diff V1 V2: two versions of a shadow from the local service's
journal and what changed between them, desired and reported, as the
console's history draws it ("+ path: value", "- path: value", "~ path: old ->
new"). A version the journal does not hold (pruned, or never written) is one
line and exit 1. --json prints {from, to, changes}.
*/
import type {FlagValues} from '../command-line/parse-command-line.js';
import type {HistoryVersion} from '../client/history-reader.js';
import {diffLines, diffText} from '../views/diff-lines.js';
import {UsageError} from './command-error.js';
import {
	describeWriter,
	journalFromFlags,
	localTime,
	printable,
	printLines,
	written,
	type Journal,
} from './history.js';
import type {Environment} from './run-command.js';

/** `7` (or `v7`, as history shows it) to a version number; anything else is a usage error. */
export function parseVersionArgument(
	text: string | undefined,
	which: string,
): number {
	if (text === undefined)
		throw new UsageError(
			'diff needs two versions: shadow-tui diff --thing NAME V1 V2',
		);
	const match = /^v?(\d{1,15})$/i.exec(text.trim());
	const version = match ? Number(match[1]) : Number.NaN;
	if (!Number.isSafeInteger(version) || version < 1)
		throw new UsageError(
			`the ${which} version must be a whole number of at least 1, got ${JSON.stringify(text.slice(0, 40))}`,
		);
	return version;
}

async function documentOf(
	journal: Journal,
	version: number,
): Promise<HistoryVersion | undefined> {
	const page = await journal.read(async (reader) =>
		reader.page({address: journal.address, version}),
	);
	// A version can have been deleted too: its document is what it was.
	return page.versions.find((entry) => entry.kind === 'document');
}

function describe(version: HistoryVersion): string {
	return `v${version.version} (${localTime(version.timestamp)}, ${describeWriter(version.writer)})`;
}

export async function runDiff(
	flags: FlagValues,
	environment: Environment,
): Promise<number> {
	const fromVersion = parseVersionArgument(
		flags.from as string | undefined,
		'first',
	);
	const toVersion = parseVersionArgument(
		flags.to as string | undefined,
		'second',
	);
	const journal = await journalFromFlags(flags, environment, 'diff');
	const [from, to] = await Promise.all([
		documentOf(journal, fromVersion),
		documentOf(journal, toVersion),
	]);
	const missing = [
		...(from ? [] : [fromVersion]),
		...(to || toVersion === fromVersion ? [] : [toVersion]),
	];
	if (!from || !to) {
		const versions = missing.map((version) => `v${version}`).join(' and ');
		console.error(
			`shadow-tui diff: ${versions} of ${journal.name} ${missing.length === 1 ? 'is' : 'are'} not in the journal (pruned, or never written)`,
		);
		return 1;
	}

	const changes = diffLines(written(from), written(to));
	if (flags.json === true) {
		printLines([JSON.stringify({from, to, changes})]);
		return 0;
	}

	printLines([
		`${describe(from)} → ${describe(to)}`,
		...(changes.length === 0
			? ['no change']
			: changes.map((line) =>
					printable(diffText(line), Number.POSITIVE_INFINITY),
				)),
	]);
	return 0;
}
