/*
Timing helpers for benchmarks. Absolute numbers move by up to 2.5x on the
shared machine, so every figure is printed next to a baseline measured in the
same run, and rounds alternate so that drift hits both sides alike.
*/
export function opsPerSecond(work: () => void, milliseconds = 300): number {
	for (let i = 0; i < 200; i++) work();
	let count = 0;
	const start = process.hrtime.bigint();
	const end = start + BigInt(milliseconds) * 1_000_000n;
	let now = start;
	while (now < end) {
		for (let i = 0; i < 50; i++) work();
		count += 50;
		now = process.hrtime.bigint();
	}

	return count / (Number(now - start) / 1e9);
}

export function median(values: readonly number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Median ops/s of each side over alternating rounds. */
export function compare(
	baseline: () => void,
	candidate: () => void,
	rounds = 5,
): {baseline: number; candidate: number} {
	const base: number[] = [];
	const cand: number[] = [];
	for (let i = 0; i < rounds; i++) {
		base.push(opsPerSecond(baseline));
		cand.push(opsPerSecond(candidate));
	}

	return {baseline: median(base), candidate: median(cand)};
}

export function percentile(values: readonly number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return (
		sorted[
			Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
		] ?? Number.NaN
	);
}

export function format(value: number, digits = 0): string {
	return value.toLocaleString('en-US', {
		maximumFractionDigits: digits,
		minimumFractionDigits: digits,
	});
}
