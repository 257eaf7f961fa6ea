/*
The fleet table: one row per shown shadow, in the session's natural order,
with columns that line up under their titles at any width. Every line is
cut to the width (long thing names end in …), so at 80 columns nothing
wraps and the header stays one line. REPORTED and CHANGED are ages (`12 s`,
`4 h`): how long ago the device last reported, and the shadow last changed
at all; `-` when it has no reported state.
*/
import {Box, Text} from 'ink';
import type {ShadowSummary} from '../fleet/list-shadows.js';
import {useNow} from '../hooks/use-now.js';
import type {BulkItem} from '../fleet/bulk-run.js';
import type {FleetSnapshot} from '../session/fleet-session.js';
import {keyOf} from '../session/fleet-session.js';
import {useColor} from './color.js';
import {ageOf, formatAge, widestAge} from './value-ages.js';

type Props = {
	readonly fleet: FleetSnapshot;
	readonly cursor: number;
	readonly width: number;
	readonly height: number;
	/** Epoch seconds for the ages (a test's clock); the system clock by default. */
	readonly now?: () => number;
};

function progressBar(done: number, total: number, width: number): string {
	const filled = total === 0 ? width : Math.round((done / total) * width);
	return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

/** Cut to `width` characters, the last one … when something was cut. */
export function fitText(text: string, width: number): string {
	const characters = Array.from(text);
	if (characters.length <= width) return text;
	return width <= 0 ? '' : `${characters.slice(0, width - 1).join('')}…`;
}

export type FleetColumns = {
	readonly name: number;
	readonly version: number;
	readonly delta: number;
};

const online = 'ONLINE'.length;
const reported = Math.max('REPORTED'.length, widestAge);
const changed = Math.max('CHANGED'.length, widestAge);
/** Cursor mark and check box: `▸[x] `. */
const lead = 5;
/** The narrowest a thing name gets before RESULT gives way. */
const minimumName = 8;
/** What RESULT keeps at least (`✓ v12`, the start of a rejection). */
const minimumResult = 12;

/** Column widths for these shadows at this width: names give way first, never the numbers. */
export function fleetColumns(
	shadows: readonly ShadowSummary[],
	width: number,
): FleetColumns {
	let longestName = 'THING'.length;
	let version = 'VER'.length;
	let delta = 'DELTA'.length;
	for (const shadow of shadows) {
		longestName = Math.max(longestName, shadow.thingName.length);
		version = Math.max(version, String(shadow.version).length);
		delta = Math.max(delta, String(shadow.deltaKeys).length);
	}

	// Six spaces: between the seven cells and before RESULT.
	const fixed = lead + version + online + delta + reported + changed + 6;
	const room = width - fixed - minimumResult;
	return {
		name: Math.max(minimumName, Math.min(longestName, room)),
		version,
		delta,
	};
}

function cells(
	columns: FleetColumns,
	values: {
		name: string;
		version: string;
		online: string;
		delta: string;
		reported: string;
		changed: string;
	},
): string {
	return [
		fitText(values.name, columns.name).padEnd(columns.name),
		values.version.padStart(columns.version),
		values.online.padEnd(online),
		values.delta.padStart(columns.delta),
		values.reported.padEnd(reported),
		values.changed.padEnd(changed),
	].join(' ');
}

function resultText(item: BulkItem | undefined): string {
	if (item === undefined) return '';
	if (item.status !== 'done') return '…';
	const {outcome} = item;
	if (outcome?.kind === 'accepted') return `✓ v${outcome.version}`;
	if (outcome?.kind === 'rejected')
		return `✗ ${outcome.code} ${outcome.message}`;
	return `? ${outcome?.message ?? ''}`;
}

export function FleetView({fleet, cursor, width, height, now: clock}: Props) {
	const color = useColor();
	const now = useNow(clock);
	const age = (at: number | undefined) =>
		at === undefined ? '-' : formatAge(ageOf(at, now));
	const {shown, selected, bulk} = fleet;
	const results = new Map(
		bulk?.items.map((item) => [keyOf(item.address), item]) ?? [],
	);
	const rowsHeight = Math.max(
		1,
		height - (bulk ? 3 : 2) - (fleet.error ? 1 : 0),
	);
	const first = Math.max(
		0,
		Math.min(cursor - Math.floor(rowsHeight / 2), shown.length - rowsHeight),
	);
	const rows = shown.slice(first, first + rowsHeight);
	const columns = fleetColumns(shown, width);
	const titles = `${' '.repeat(lead)}${cells(columns, {
		name: 'THING',
		version: 'VER',
		online: 'ONLINE',
		delta: 'DELTA',
		reported: 'REPORTED',
		changed: 'CHANGED',
	})} RESULT`;
	const fit = (text: string) => fitText(text, width);
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text bold inverse>
				{fit(
					`  fleet: ${shown.length} shown of ${fleet.shadows.length}, ${selected.size} selected${fleet.loading ? ', loading…' : ''}${fleet.filter ? ` · filter ${fleet.filter}` : ''}`,
				)}
			</Text>
			{bulk ? (
				<Text color={color(bulk.progress.failed > 0 ? 'yellow' : 'green')}>
					{fit(
						`${progressBar(bulk.progress.done, bulk.progress.total, 20)} ${bulk.progress.done}/${bulk.progress.total} · ok ${bulk.progress.accepted} · failed ${bulk.progress.failed} · desired ${JSON.stringify(bulk.patch)}${bulk.progress.failed > 0 && !bulk.progress.running ? ' · R retries the failed' : ''}`,
					)}
				</Text>
			) : null}
			<Text dimColor>{fit(titles)}</Text>
			{rows.map((shadow, index) => {
				const position = first + index;
				const item = results.get(keyOf(shadow));
				const outcome = item?.outcome;
				const line = `${position === cursor ? '▸' : ' '}${selected.has(keyOf(shadow)) ? '[x]' : '[ ]'} ${cells(
					columns,
					{
						name: shadow.thingName,
						version: String(shadow.version),
						online:
							shadow.connected === undefined
								? '?'
								: shadow.connected
									? 'yes'
									: 'no',
						delta: String(shadow.deltaKeys),
						reported: age(shadow.reportedAt),
						changed: age(shadow.updatedAt),
					},
				)} `;
				const result = resultText(item);
				const room = width - Array.from(line).length;
				return (
					<Text key={keyOf(shadow)} inverse={position === cursor}>
						{fit(line)}
						{room > 0 && result !== '' ? (
							<Text
								color={color(
									outcome?.kind === 'accepted'
										? 'green'
										: outcome
											? 'red'
											: 'gray',
								)}
							>
								{fitText(result, room)}
							</Text>
						) : null}
					</Text>
				);
			})}
			{fleet.error ? (
				<Text color={color('red')}>{fit(`✗ ${fleet.error}`)}</Text>
			) : null}
		</Box>
	);
}
