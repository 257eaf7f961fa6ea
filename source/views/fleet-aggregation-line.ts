/*
The fleet table's counts line: `shadow.reported.model: coffee-x 12 ·
coffee-y 3 · (4 more values)`, as many values as fit the width, most
frequent first (the service's order), and how many did not fit. An error
takes the counts' place, after ✗ (NO_COLOR keeps the mark). Values come
from devices, so each is made one line and cut, and an empty one is drawn
as "". When a name typed in the filter narrows the table, the counts (asked
of the service with its query only) say they are not narrowed by it.
*/
import type {FleetAggregation} from '../session/fleet-aggregation.js';
import {fitText, oneLine} from './fit-text.js';

const separator = ' · ';

function length(text: string): number {
	return Array.from(text).length;
}

function valueText(keyValue: string, width: number): string {
	const text = oneLine(keyValue);
	return text === '' ? '""' : fitText(text, width);
}

function plural(count: number, word: string): string {
	return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export function aggregationLine(
	aggregation: FleetAggregation,
	width: number,
	options: {readonly nameFiltered?: boolean} = {},
): string {
	const head = `${fitText(oneLine(aggregation.field), Math.max(8, Math.floor(width / 2)))}: `;
	const tail = options.nameFiltered ? `${separator}not name-filtered` : '';
	const {counts, error} = aggregation;
	if (error !== undefined) return fitText(`${head}✗ ${oneLine(error)}`, width);
	if (counts === undefined) return fitText(`${head}counting…${tail}`, width);
	if (counts.buckets.length === 0)
		return fitText(
			`${head}no values among ${plural(counts.totalCount, 'thing')}${tail}`,
			width,
		);

	// One long value may not push every other value off the line.
	const valueWidth = Math.max(8, Math.floor(width / 3));
	const parts = counts.buckets.map(
		({keyValue, count}) => `${valueText(keyValue, valueWidth)} ${count}`,
	);
	for (let kept = parts.length; kept > 0; kept--) {
		const left = parts.length - kept;
		const text = [
			...parts.slice(0, kept),
			...(left > 0 ? [`(${left} more value${left === 1 ? '' : 's'})`] : []),
		].join(separator);
		const line = `${head}${text}${tail}`;
		if (length(line) <= width) return line;
	}

	return fitText(`${head}(${plural(parts.length, 'value')})${tail}`, width);
}
