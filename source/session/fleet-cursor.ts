/*
The fleet table's cursor, held by the shadow it is on rather than by a row
number: the table re-sorts, refreshes every two seconds and narrows as a
filter is typed, and the cursor stays on its shadow through all of them.
When its shadow is no longer shown, it stays at the row it was on (or the
last row), and holds that row's shadow from then on.
*/
export type FleetCursor = {
	/** The shadow under the cursor (addressKey), undefined in an empty table. */
	readonly key: string | undefined;
	/** Its row in the shown list. */
	readonly index: number;
};

export const noCursor: FleetCursor = {key: undefined, index: 0};

function at(keys: readonly string[], index: number): FleetCursor {
	if (keys.length === 0) return noCursor;
	const clamped = Math.max(0, Math.min(keys.length - 1, index));
	return {key: keys[clamped], index: clamped};
}

/** The cursor in the rows shown now (their keys, in order). */
export function placeCursor(
	keys: readonly string[],
	cursor: FleetCursor,
): FleetCursor {
	const index = cursor.key === undefined ? -1 : keys.indexOf(cursor.key);
	return index === -1 ? at(keys, cursor.index) : {key: cursor.key, index};
}

/** The cursor `by` rows down (up when negative), stopping at the ends. */
export function moveCursor(
	keys: readonly string[],
	cursor: FleetCursor,
	by: number,
): FleetCursor {
	return at(keys, placeCursor(keys, cursor).index + by);
}
