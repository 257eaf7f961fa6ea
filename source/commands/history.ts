/*
shadow-tui history: a shadow's version journal as the local service keeps
it (GET /api/history), newest first, one line a version: the version, when
(local time and age), document or deleted, who wrote it, and what changed
against the version before. --json prints each version as the route gives
it, one a line (JSON Lines). --series reported.temperature prints one key's
numeric values oldest first (VERSION, EPOCH, VALUE separated by tabs, or JSON
Lines) and a summary on stderr, for scripts and plots.

The journal is read over HTTP (--api, found as the fleet commands find it).
A service without one (AWS IoT Core, `serve --history-versions 0`) is one
line and exit 1; so is a window with nothing in it.
*/
import type {FlagValues} from '../command-line/parse-command-line.js';
import {quoteValue} from '../client/connection-settings.js';
import {
	createHistoryReader,
	HistoryPageError,
	NoJournal,
	type HistoryReader,
	type HistoryRequest,
	type HistoryVersion,
} from '../client/history-reader.js';
import {keySeries, parseKeyPath, type KeyPath} from '../session/key-series.js';
import {parseDuration} from '../session/stale-after.js';
import type {JsonValue} from '../shadow/json.js';
import {awsLimits} from '../shadow/limits.js';
import {checkShadowName, checkThingName} from '../shadow/names.js';
import type {ShadowAddress} from '../shadow/topics.js';
import {formatAge} from '../views/value-ages.js';
import {diffLines, diffText} from '../views/diff-lines.js';
import {CommandFailure, UsageError} from './command-error.js';
import {httpCredentialsFromFlags} from './connect-from-flags.js';
import {apiFromFlags} from './fleet-targets.js';
import type {Environment} from './run-command.js';

/** One shadow's journal on one service: what history and diff read. */
export type Journal = {
	readonly address: ShadowAddress;
	readonly api: string;
	/** `lamp's classic shadow`, for messages. */
	readonly name: string;
	/** Runs `action` on the reader; what goes wrong becomes one line (CommandFailure). */
	read<T>(action: (reader: HistoryReader) => Promise<T>): Promise<T>;
};

/** How much of a writer's name or a changed value a line shows. */
const shownChars = 100;

export function shadowName(address: ShadowAddress): string {
	return address.shadowName === ''
		? `${address.thingName}'s classic shadow`
		: `${address.thingName}'s shadow ${address.shadowName}`;
}

/** --thing, --shadow and --api to a journal; bad names and a missing API are usage errors. */
export async function journalFromFlags(
	flags: FlagValues,
	environment: Environment,
	command: string,
): Promise<Journal> {
	const thingName = flags.thing as string | undefined;
	if (thingName === undefined)
		throw new UsageError(`${command} needs --thing NAME`);
	const badThing = checkThingName(thingName, awsLimits);
	if (badThing)
		throw new UsageError(
			`--thing ${quoteValue(thingName)}: ${badThing.message}`,
		);
	const shadow = flags.shadow as string | undefined;
	const badShadow =
		shadow === undefined ? undefined : checkShadowName(shadow, awsLimits);
	if (badShadow && shadow !== undefined)
		throw new UsageError(
			`--shadow ${quoteValue(shadow)}: ${badShadow.message}`,
		);
	const address = {thingName, shadowName: shadow ?? ''};
	const api = await journalApi(flags, environment);
	const reader = createHistoryReader(
		api,
		httpCredentialsFromFlags(flags, environment),
	);
	const name = shadowName(address);
	return {
		address,
		api,
		name,
		async read(action) {
			let result;
			try {
				result = await action(reader);
			} catch (error: unknown) {
				if (error instanceof NoJournal)
					throw new CommandFailure(
						`the service at ${api} keeps no version journal (AWS IoT Core keeps none; \`serve --history-versions 0\` turns it off)`,
					);
				if (error instanceof HistoryPageError)
					throw new CommandFailure(error.message);
				throw new CommandFailure(
					`cannot read the journal of ${name} from ${api}: ${error instanceof Error ? error.message : String(error)}`,
				);
			}

			return result;
		},
	};
}

/** The fleet commands' --api, in this command's words when it is missing. */
async function journalApi(
	flags: FlagValues,
	environment: Environment,
): Promise<string> {
	return apiFromFlags(flags, environment, 'reading the journal');
}

/** Epoch seconds of --since and --until: a duration back from `now`, an ISO 8601 date-time, or epoch seconds. */
export function parseWhen(
	text: string,
	flag: string,
	now: number,
): {ok: true; seconds: number} | {ok: false; error: string} {
	const trimmed = text.trim();
	const shown = JSON.stringify(
		trimmed.length > 40 ? `${trimmed.slice(0, 40)}…` : trimmed,
	);
	if (/^\d{1,12}$/.test(trimmed)) return {ok: true, seconds: Number(trimmed)};
	if (/^\d+[a-z]/i.test(trimmed)) {
		const duration = parseDuration(trimmed, flag);
		return duration.ok
			? {ok: true, seconds: Math.max(0, now - duration.seconds)}
			: duration;
	}

	const iso =
		/^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;
	if (iso.test(trimmed)) {
		// A date alone is local midnight, as a time without a zone is local time.
		const milliseconds = Date.parse(
			trimmed.length === 10 ? `${trimmed}T00:00` : trimmed.replace(' ', 'T'),
		);
		if (Number.isFinite(milliseconds) && milliseconds >= 0)
			return {ok: true, seconds: Math.floor(milliseconds / 1000)};
		return {ok: false, error: `${flag}: no such date-time, got ${shown}`};
	}

	return {
		ok: false,
		error: `${flag} must be a duration back from now (90s, 5m, 4h, 2d), an ISO 8601 date-time (2026-12-02T14:00) or epoch seconds, got ${shown}`,
	};
}

/** `2026-12-02 14:03:11`, in this machine's time zone. */
export function localTime(epochSeconds: number): string {
	const date = new Date(epochSeconds * 1000);
	const two = (value: number) => String(value).padStart(2, '0');
	return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

/** Text from the network on one terminal line: control characters shown as escapes, and bounded. */
export function printable(text: string, limit = shownChars): string {
	const cut = text.length > limit ? `${text.slice(0, limit)}…` : text;
	return cut.replaceAll(
		// eslint-disable-next-line no-control-regex
		/[\u0000-\u001F\u007F-\u009F\u2028\u2029]/g,
		(character) =>
			`\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
	);
}

/** principal / client id / channel, as far as the journal knows them. */
export function describeWriter(writer: HistoryVersion['writer']): string {
	return [writer.principal, writer.clientId, writer.channel]
		.filter((part): part is string => part !== undefined && part !== '')
		.map((part) => printable(part, 64))
		.join(' / ');
}

/** The sections that were written; the delta follows from them. */
export function written(version: HistoryVersion): JsonValue {
	const {desired, reported} = version.state;
	return {
		...(desired === undefined ? {} : {desired: desired as JsonValue}),
		...(reported === undefined ? {} : {reported: reported as JsonValue}),
	};
}

/** What `version` changed against `before` (the version older than it), in a few words. */
export function changeSummary(
	version: HistoryVersion,
	before: HistoryVersion | undefined,
): string {
	if (version.kind === 'deleted') return 'shadow deleted';
	const known = before !== undefined || version.version === 1;
	const lines = diffLines(before ? written(before) : {}, written(version));
	const first = lines[0];
	const change =
		first === undefined
			? 'no change'
			: `${printable(diffText(first))}${lines.length > 1 ? ` (+${lines.length - 1} more)` : ''}`;
	if (known) return change;
	const count = (section: unknown) =>
		typeof section === 'object' && section !== null
			? Object.keys(section).length
			: 0;
	const keys = count(version.state.desired) + count(version.state.reported);
	return `${keys} key${keys === 1 ? '' : 's'} (older versions are not in the journal)`;
}

/** One line per version, newest first, in columns; `older` is the version before the last one, if known. */
export function historyLines(
	versions: readonly HistoryVersion[],
	older: HistoryVersion | undefined,
	now: number,
): string[] {
	const rows = versions.map((version, index) => [
		`v${version.version}`,
		`${localTime(version.timestamp)} (${formatAge(Math.max(0, now - version.timestamp))} ago)`,
		version.kind,
		describeWriter(version.writer),
		changeSummary(version, versions[index + 1] ?? older),
	]);
	const widths = [0, 1, 2, 3].map((column) =>
		Math.max(...rows.map((row) => (row[column] ?? '').length)),
	);
	return rows.map((row) =>
		row
			.map((cell, column) => cell.padEnd(widths[column] ?? 0))
			.join('  ')
			.trimEnd(),
	);
}

/** One line each; a reader that went away (`| head`) costs nothing: console ignores EPIPE. */
export function printLines(lines: readonly string[]): void {
	for (const line of lines) console.log(line);
}

function windowFromFlags(
	flags: FlagValues,
	now: number,
): {since?: number; until?: number} {
	const window: {since?: number; until?: number} = {};
	for (const name of ['since', 'until'] as const) {
		const text = flags[name] as string | undefined;
		if (text === undefined) continue;
		const when = parseWhen(text, `--${name}`, now);
		if (!when.ok) throw new UsageError(when.error);
		window[name] = when.seconds;
	}

	if (
		window.since !== undefined &&
		window.until !== undefined &&
		window.since > window.until
	)
		throw new UsageError(
			`--since (${localTime(window.since)}) is after --until (${localTime(window.until)})`,
		);
	return window;
}

function seriesPathFromFlags(flags: FlagValues): KeyPath | undefined {
	const text = flags.series as string | undefined;
	if (text === undefined) return undefined;
	const parsed = parseKeyPath(text);
	if (!parsed.ok) throw new UsageError(`--series: ${parsed.error}`);
	return parsed.path;
}

function describeWindow(window: {since?: number; until?: number}): string {
	return [
		...(window.since === undefined ? [] : [`since ${localTime(window.since)}`]),
		...(window.until === undefined ? [] : [`until ${localTime(window.until)}`]),
	].join(' ');
}

export async function runHistory(
	flags: FlagValues,
	environment: Environment,
): Promise<number> {
	const now = Math.floor(Date.now() / 1000);
	const window = windowFromFlags(flags, now);
	const series = seriesPathFromFlags(flags);
	const limit = (flags.limit as number | undefined) ?? 1000;
	const json = flags.json === true;
	const journal = await journalFromFlags(flags, environment, 'history');
	const request: HistoryRequest = {
		address: journal.address,
		order: 'desc',
		...window,
	};
	// One more than shown: what the oldest shown changed, and whether there are older ones.
	const found = await journal.read(async (reader) =>
		reader.versions(request, series ? limit : limit + 1),
	);
	const versions = found.slice(0, limit);
	const where = `${journal.name}${window.since === undefined && window.until === undefined ? '' : ` ${describeWindow(window)}`}`;
	if (versions.length === 0) {
		console.error(`shadow-tui history: no version of ${where} in the journal`);
		return 1;
	}

	if (series) return printSeries(versions, series, json, where);
	if (json) {
		printLines(versions.map((version) => JSON.stringify(version)));
		return 0;
	}

	const oldest = versions.at(-1);
	const older =
		found[limit] ??
		(window.since !== undefined && oldest?.kind === 'document'
			? await versionBefore(journal, oldest)
			: undefined);
	printLines(historyLines(versions, older, now));
	console.error(
		`${versions.length} version${versions.length === 1 ? '' : 's'} of ${where}, newest first${found.length > limit ? `; older ones are in the journal (--limit ${limit} shown)` : ''}; from the journal at ${journal.api}`,
	);
	return 0;
}

/** The document before `version`, outside the window, so that its line can say what it changed. */
async function versionBefore(
	journal: Journal,
	version: HistoryVersion,
): Promise<HistoryVersion | undefined> {
	if (version.version <= 1) return undefined;
	const page = await journal.read(async (reader) =>
		reader.page({address: journal.address, version: version.version - 1}),
	);
	return page.versions.find((entry) => entry.kind === 'document');
}

function printSeries(
	versions: readonly HistoryVersion[],
	path: KeyPath,
	json: boolean,
	where: string,
): number {
	const {points, min, max, last} = keySeries(versions, path);
	const key = printable(path.text);
	if (points.length === 0) {
		console.error(
			`shadow-tui history: ${key} is not a number in any of ${versions.length} version${versions.length === 1 ? '' : 's'} of ${where}`,
		);
		return 1;
	}

	printLines(
		points.map((point) =>
			json
				? JSON.stringify(point)
				: `${point.version}\t${point.timestamp}\t${point.value}`,
		),
	);
	console.error(
		`${points.length} point${points.length === 1 ? '' : 's'} of ${key} in ${versions.length} version${versions.length === 1 ? '' : 's'} of ${where}: min ${String(min)}, max ${String(max)}, last ${String(last)}`,
	);
	return 0;
}
