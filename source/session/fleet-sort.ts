/*
The fleet table's order: by any of its columns, either way. Names compare in
natural order (brewer-2 before brewer-10), numbers as numbers, and the two
ages by time, youngest first, since they are drawn as ages (`12 s`, `4 h`).
A row that has no value in the column (no reported state, online unknown, no
bulk result) comes last in both directions: reversing puts the other end of
the known values first, not the unknowns. Ties fall back to thing, then
shadow, in natural order, so the order is total and a refresh never swaps
equal rows.
*/
import type {BulkItem} from '../fleet/bulk-run.js';
import type {ShadowSummary} from '../fleet/list-shadows.js';
import {compareNatural} from '../fleet/natural-order.js';

export type FleetColumn =
	| 'thing'
	| 'shadow'
	| 'version'
	| 'online'
	| 'delta'
	| 'reported'
	| 'changed'
	| 'result';

export type FleetSort = {
	readonly column: FleetColumn;
	readonly descending: boolean;
};

export const defaultSort: FleetSort = {column: 'thing', descending: false};

/** Every column, left to right, as the table draws them. */
export const fleetColumnOrder: readonly FleetColumn[] = [
	'thing',
	'shadow',
	'version',
	'online',
	'delta',
	'reported',
	'changed',
	'result',
];

/** The columns drawn: SHADOW once a named shadow is listed. */
export function visibleColumns(listed: {
	readonly named: boolean;
}): FleetColumn[] {
	return fleetColumnOrder.filter(
		(column) => column !== 'shadow' || listed.named,
	);
}

/** The columns `s` cycles through: the drawn ones, RESULT only once a bulk edit has results. */
export function sortableColumns(listed: {
	readonly named: boolean;
	readonly results: boolean;
}): FleetColumn[] {
	return visibleColumns(listed).filter(
		(column) => column !== 'result' || listed.results,
	);
}

/** The next of `columns` to sort by (wrapping), ascending; from one not among them, the first after it that is. */
export function nextSort(
	sort: FleetSort,
	columns: readonly FleetColumn[],
): FleetSort {
	const from = fleetColumnOrder.indexOf(sort.column);
	for (let step = 1; step <= fleetColumnOrder.length; step++) {
		const column =
			fleetColumnOrder[(from + step) % fleetColumnOrder.length] ?? 'thing';
		if (columns.includes(column)) return {column, descending: false};
	}

	return defaultSort;
}

export function reversed(sort: FleetSort): FleetSort {
	return {...sort, descending: !sort.descending};
}

/** A sort key: a string (natural order) or a number; undefined when the row has no value. */
type Key = string | number | undefined;

/** Failures first: they are what one sorts by RESULT for. */
function resultRank(item: BulkItem | undefined): number | undefined {
	if (item === undefined) return undefined;
	if (item.status !== 'done') return 1;
	return item.outcome?.kind === 'accepted' ? 2 : 0;
}

function keyOf(
	column: FleetColumn,
	shadow: ShadowSummary,
	resultOf: (shadow: ShadowSummary) => BulkItem | undefined,
): Key {
	switch (column) {
		case 'thing': {
			return shadow.thingName;
		}

		case 'shadow': {
			return shadow.shadowName;
		}

		case 'version': {
			return shadow.version;
		}

		case 'online': {
			// Online first.
			return shadow.connected === undefined
				? undefined
				: shadow.connected
					? 0
					: 1;
		}

		case 'delta': {
			return shadow.deltaKeys;
		}

		case 'reported': {
			// Youngest first: the newest time has the smallest age.
			return shadow.reportedAt === undefined ? undefined : -shadow.reportedAt;
		}

		case 'changed': {
			return -shadow.updatedAt;
		}

		case 'result': {
			return resultRank(resultOf(shadow));
		}
	}
}

function compareKeys(a: Key, b: Key): number {
	if (typeof a === 'string' && typeof b === 'string')
		return compareNatural(a, b);
	if (typeof a === 'number' && typeof b === 'number')
		return a < b ? -1 : a > b ? 1 : 0;
	return 0;
}

/** Thing, then shadow, in natural order. */
export function compareAddresses(a: ShadowSummary, b: ShadowSummary): number {
	return (
		compareNatural(a.thingName, b.thingName) ||
		compareNatural(a.shadowName, b.shadowName)
	);
}

/** A comparator for this order; `resultOf` gives a row's bulk result, for RESULT. */
export function compareFor(
	sort: FleetSort,
	resultOf: (shadow: ShadowSummary) => BulkItem | undefined = () => undefined,
): (a: ShadowSummary, b: ShadowSummary) => number {
	const sign = sort.descending ? -1 : 1;
	return (a, b) => {
		const left = keyOf(sort.column, a, resultOf);
		const right = keyOf(sort.column, b, resultOf);
		if (left === undefined || right === undefined) {
			if (left !== right) return left === undefined ? 1 : -1;
		} else {
			const order = compareKeys(left, right);
			if (order !== 0) return sign * order;
		}

		return compareAddresses(a, b);
	};
}
