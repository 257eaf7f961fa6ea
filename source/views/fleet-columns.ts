/*
The fleet table's columns: which are drawn, how wide each is at a width,
and the titles with the sort mark. Names give way first (THING, then
SHADOW), never the numbers, so at 80 columns nothing wraps. The column the
table is sorted by carries ↑ (ascending) or ↓ beside its title (before a
number's, so the numbers still end under the title's end), a character
rather than a colour so NO_COLOR keeps it; that column is one wider, so the
mark never pushes the others out of line.
*/
import type {ShadowSummary} from '../fleet/list-shadows.js';
import type {FleetColumn, FleetSort} from '../session/fleet-sort.js';
import {fitText} from './fit-text.js';
import {widestAge} from './value-ages.js';

/** Cursor mark and check box: `▸[x] `. */
export const lead = 5;
/** The narrowest a thing name gets before RESULT gives way. */
const minimumName = 8;
/** What RESULT keeps at least (`✓ v12`, the start of a rejection). */
const minimumResult = 12;

export const titles: Readonly<Record<FleetColumn, string>> = {
	thing: 'THING',
	shadow: 'SHADOW',
	version: 'VER',
	online: 'ONLINE',
	delta: 'DELTA',
	reported: 'REPORTED',
	changed: 'CHANGED',
	result: 'RESULT',
};

/** Numbers end under the end of their titles; the rest start under their start. */
const rightAligned: ReadonlySet<FleetColumn> = new Set(['version', 'delta']);

/** The SHADOW cell of a classic shadow (as the named-shadow picker says it). */
export const classicName = '(classic)';

export function shadowCell(shadowName: string): string {
	return shadowName === '' ? classicName : shadowName;
}

export type FleetLayout = {
	/** The drawn columns before RESULT, left to right, with their widths. */
	readonly cells: readonly {
		readonly column: FleetColumn;
		readonly width: number;
	}[];
	readonly sort: FleetSort;
};

export function sortMark(sort: FleetSort): string {
	return sort.descending ? '↓' : '↑';
}

/** THING and SHADOW in `room`: each what it wants when both fit, else the longer one is cut first, neither below half unless the other needs less. */
function shareNames(
	thing: number,
	shadow: number,
	room: number,
	minimum: {readonly thing: number; readonly shadow: number},
): {thing: number; shadow: number} {
	const half = Math.floor(room / 2);
	const shadowWidth =
		thing + shadow <= room
			? shadow
			: shadow <= half
				? shadow
				: thing <= room - half
					? room - thing
					: room - half;
	return {
		thing: Math.max(minimum.thing, Math.min(thing, room - shadowWidth)),
		shadow: Math.max(minimum.shadow, shadowWidth),
	};
}

/** Column widths for these shadows at this width. */
export function fleetLayout(
	shown: readonly ShadowSummary[],
	columns: readonly FleetColumn[],
	sort: FleetSort,
	width: number,
): FleetLayout {
	const wanted: Record<FleetColumn, number> = {
		thing: titles.thing.length,
		shadow: titles.shadow.length,
		version: titles.version.length,
		online: titles.online.length,
		delta: titles.delta.length,
		reported: Math.max(titles.reported.length, widestAge),
		changed: Math.max(titles.changed.length, widestAge),
		result: 0,
	};
	for (const shadow of shown) {
		wanted.thing = Math.max(wanted.thing, shadow.thingName.length);
		wanted.shadow = Math.max(
			wanted.shadow,
			shadowCell(shadow.shadowName).length,
		);
		wanted.version = Math.max(wanted.version, String(shadow.version).length);
		wanted.delta = Math.max(wanted.delta, String(shadow.deltaKeys).length);
	}

	const marked = (column: FleetColumn) =>
		column === sort.column
			? Math.max(wanted[column], titles[column].length + 1)
			: wanted[column];
	const drawn = columns.filter((column) => column !== 'result');
	const fixed = drawn
		.filter((column) => column !== 'thing' && column !== 'shadow')
		.reduce((sum, column) => sum + marked(column), 0);
	// A space after each cell, the last one before RESULT.
	const room = width - lead - fixed - drawn.length - minimumResult;
	const {thing: thingWidth, shadow: shadowWidth} = drawn.includes('shadow')
		? shareNames(marked('thing'), marked('shadow'), room, {
				thing: minimumName,
				shadow: titles.shadow.length + (sort.column === 'shadow' ? 1 : 0),
			})
		: {
				thing: Math.max(minimumName, Math.min(marked('thing'), room)),
				shadow: 0,
			};
	return {
		cells: drawn.map((column) => ({
			column,
			width:
				column === 'thing'
					? thingWidth
					: column === 'shadow'
						? shadowWidth
						: marked(column),
		})),
		sort,
	};
}

function aligned(column: FleetColumn, text: string, width: number): string {
	const cut = fitText(text, width);
	return rightAligned.has(column) ? cut.padStart(width) : cut.padEnd(width);
}

/** The cells of one row (or of the titles), each followed by a space: RESULT comes after. */
export function rowText(
	layout: FleetLayout,
	values: Readonly<Record<FleetColumn, string>>,
): string {
	return layout.cells
		.map(({column, width}) => `${aligned(column, values[column], width)} `)
		.join('');
}

/** The titles line, the sorted column's with its mark. */
export function titleText(layout: FleetLayout): string {
	const title = (column: FleetColumn) =>
		column !== layout.sort.column
			? titles[column]
			: rightAligned.has(column)
				? `${sortMark(layout.sort)}${titles[column]}`
				: `${titles[column]}${sortMark(layout.sort)}`;
	const values = Object.fromEntries(
		Object.keys(titles).map((column) => [column, title(column as FleetColumn)]),
	) as Record<FleetColumn, string>;
	return `${' '.repeat(lead)}${rowText(layout, values)}${values.result}`;
}
