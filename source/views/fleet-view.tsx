/*
The fleet table: one row per shown shadow in the session's order, with
columns that line up under their titles at any width (fleet-columns.ts: the
sorted one marked ↑ or ↓), a SHADOW column once a named shadow is listed,
and, when a field was chosen, the counts per value above the titles
(fleet-aggregation-line.ts). Every line is cut to the width (long names end
in …), so at 80 columns nothing wraps and the header stays one line.
REPORTED and CHANGED are ages (`12 s`, `4 h`): how long ago the device last
reported, and the shadow last changed at all; `-` when it has no reported
state. Errors from the service are drawn as they came, on one line.
*/
import {Box, Text} from 'ink';
import type {BulkItem} from '../fleet/bulk-run.js';
import {useNow} from '../hooks/use-now.js';
import {isQuery} from '../session/fleet-filter.js';
import {keyOf, type FleetSnapshot} from '../session/fleet-session.js';
import {useColor} from './color.js';
import {aggregationLine} from './fleet-aggregation-line.js';
import {fleetLayout, rowText, shadowCell, titleText} from './fleet-columns.js';
import {fitText, oneLine} from './fit-text.js';
import {ageOf, formatAge} from './value-ages.js';

export {fitText} from './fit-text.js';

type Props = {
	readonly fleet: FleetSnapshot;
	/** The row under the cursor; the session's (it follows its shadow through re-sorts) when absent. */
	readonly cursor?: number;
	readonly width: number;
	readonly height: number;
	/** Epoch seconds for the ages (a test's clock); the system clock by default. */
	readonly now?: () => number;
};

function progressBar(done: number, total: number, width: number): string {
	const filled = total === 0 ? width : Math.round((done / total) * width);
	return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

function resultText(item: BulkItem | undefined): string {
	if (item === undefined) return '';
	if (item.status !== 'done') return '…';
	const {outcome} = item;
	if (outcome?.kind === 'accepted') return `✓ v${outcome.version}`;
	if (outcome?.kind === 'rejected')
		return `✗ ${outcome.code} ${oneLine(outcome.message)}`;
	return `? ${oneLine(outcome?.message ?? '')}`;
}

/** Rows of shadows a body of `height` shows: what PgUp and PgDn move by. */
export function fleetRows(fleet: FleetSnapshot, height: number): number {
	const head =
		(fleet.bulk ? 3 : 2) + (fleet.aggregation ? 1 : 0) + (fleet.error ? 1 : 0);
	return Math.max(1, height - head);
}

function summaryLine(fleet: FleetSnapshot): string {
	const scope = fleet.scope === 'classic' ? ' (classic shadows only)' : '';
	const loading = fleet.loading ? ', loading…' : '';
	const filter = fleet.filter ? ` · filter ${oneLine(fleet.filter)}` : '';
	return `  fleet: ${fleet.shown.length} shown of ${fleet.shadows.length}${scope}, ${fleet.selected.size} selected${loading}${filter}`;
}

export function FleetView({
	fleet,
	cursor: given,
	width,
	height,
	now: clock,
}: Props) {
	const color = useColor();
	const now = useNow(clock);
	const age = (at: number | undefined) =>
		at === undefined ? '-' : formatAge(ageOf(at, now));
	const {shown, selected, bulk, aggregation} = fleet;
	const cursor = given ?? fleet.cursor;
	const results = new Map(
		bulk?.items.map((item) => [keyOf(item.address), item]) ?? [],
	);
	const rowsHeight = fleetRows(fleet, height);
	const first = Math.max(
		0,
		Math.min(cursor - Math.floor(rowsHeight / 2), shown.length - rowsHeight),
	);
	const rows = shown.slice(first, first + rowsHeight);
	const layout = fleetLayout(shown, fleet.columns, fleet.sort, width);
	const fit = (text: string) => fitText(text, width);
	const nameFiltered = fleet.filter !== '' && !isQuery(fleet.filter);
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text bold inverse wrap="truncate-end">
				{fit(summaryLine(fleet))}
			</Text>
			{bulk ? (
				<Text
					color={color(bulk.progress.failed > 0 ? 'yellow' : 'green')}
					wrap="truncate-end"
				>
					{fit(
						`${progressBar(bulk.progress.done, bulk.progress.total, 20)} ${bulk.progress.done}/${bulk.progress.total} · ok ${bulk.progress.accepted} · failed ${bulk.progress.failed} · desired ${JSON.stringify(bulk.patch)}${bulk.progress.failed > 0 && !bulk.progress.running ? ' · R retries the failed' : ''}`,
					)}
				</Text>
			) : null}
			{aggregation ? (
				<Text
					color={aggregation.error === undefined ? undefined : color('red')}
					wrap="truncate-end"
				>
					{aggregationLine(aggregation, width, {nameFiltered})}
				</Text>
			) : null}
			<Text dimColor wrap="truncate-end">
				{fit(titleText(layout))}
			</Text>
			{rows.map((shadow, index) => {
				const position = first + index;
				const item = results.get(keyOf(shadow));
				const outcome = item?.outcome;
				const line = `${position === cursor ? '▸' : ' '}${selected.has(keyOf(shadow)) ? '[x]' : '[ ]'} ${rowText(
					layout,
					{
						thing: shadow.thingName,
						shadow: shadowCell(shadow.shadowName),
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
						result: '',
					},
				)}`;
				const result = resultText(item);
				const room = width - Array.from(line).length;
				return (
					<Text
						key={keyOf(shadow)}
						inverse={position === cursor}
						wrap="truncate-end"
					>
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
				<Text color={color('red')} wrap="truncate-end">
					{fit(`✗ ${oneLine(fleet.error)}`)}
				</Text>
			) : null}
		</Box>
	);
}
