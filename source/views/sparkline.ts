/*
A trend in one line of text: numbers drawn with the eight block characters,
one character per column, lowest ▁ to highest █. Pure, for the history view.

More values than columns: each column draws the mean of the values it covers.
Not the last one: with 10,000 readings in 20 columns, a column would show one
reading out of 500 and ignore the rest, so a noise spike that happened to fall
on a bucket's edge would pass for a trend. The mean draws what the stretch
was; the current value exactly is sparklineSummary's `last`.
Fewer values than columns: one character per value, never stretched, so a
column always means the same thing (a value, or a stretch of them).
The height is scaled to what is drawn (the values, or the columns' means), so
that the trend uses the whole height; a flat line draws half-height blocks.
*/

const blocks = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;
const flat = '▄';

export type SparklineSummary = {
	readonly min: number;
	readonly max: number;
	readonly last: number;
	/** Finite values only: the ones drawn. */
	readonly count: number;
};

export function sparkline(values: readonly number[], width: number): string {
	const columnCount = Math.floor(width);
	if (!(columnCount > 0)) return '';
	const finite = values.filter((value) => Number.isFinite(value));
	if (finite.length === 0) return '';
	const columns =
		finite.length <= columnCount ? finite : means(finite, columnCount);
	let low = Number.POSITIVE_INFINITY;
	let high = Number.NEGATIVE_INFINITY;
	for (const value of columns) {
		low = Math.min(low, value);
		high = Math.max(high, value);
	}

	const span = high - low;
	return columns
		.map((value) => {
			if (!(span > 0) || !Number.isFinite(span)) return flat;
			// Eight equal bands: the lowest value lands in the first, the highest in the last.
			const level = Math.min(
				blocks.length - 1,
				Math.floor(((value - low) / span) * blocks.length),
			);
			return blocks[level] ?? flat;
		})
		.join('');
}

/** The finite values' bounds and the newest; undefined when there is none. */
export function sparklineSummary(
	values: readonly number[],
): SparklineSummary | undefined {
	let min = Number.POSITIVE_INFINITY;
	let max = Number.NEGATIVE_INFINITY;
	let last: number | undefined;
	let count = 0;
	for (const value of values) {
		if (!Number.isFinite(value)) continue;
		min = Math.min(min, value);
		max = Math.max(max, value);
		last = value;
		count++;
	}

	return last === undefined ? undefined : {min, max, last, count};
}

/** `values.length > count`: every column covers at least one value. */
function means(values: readonly number[], count: number): number[] {
	const columns: number[] = [];
	for (let column = 0; column < count; column++) {
		const start = Math.floor((column * values.length) / count);
		const end = Math.floor(((column + 1) * values.length) / count);
		// A running mean stays within the values' range, where a sum could overflow.
		let mean = 0;
		for (let index = start; index < end; index++)
			mean += ((values[index] ?? 0) - mean) / (index - start + 1);
		columns.push(mean);
	}

	return columns;
}
