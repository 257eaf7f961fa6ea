/*
The shape of an untrusted JSON value in one iterative pass: how deep its
containers go, whether an array holds a null, whether a number overflowed
(JSON.parse turns 1e400 into Infinity, which JSON.stringify would store as
null). JSON.parse itself is iterative in V8 and accepts any depth, so every
later walk over a value that came off the wire must be bounded by this check
first: the sender chooses the depth, and recursion would let it choose when
the stack overflows.
*/
import {isJsonObject} from './json.js';

export type JsonShape = {
	/** Container levels, the value itself being level 1 when it is a container (§3.4). */
	readonly depth: number;
	readonly nullInArray: boolean;
	/** A number JSON cannot hold (Infinity or NaN after parsing). */
	readonly nonFinite: boolean;
};

export function shapeOf(value: unknown): JsonShape {
	let depth = 0;
	let nullInArray = false;
	let nonFinite = false;
	// Parallel stacks (values and their levels) keep the walk allocation-light.
	const values: unknown[] = [value];
	const levels: number[] = [1];
	while (values.length > 0) {
		const current = values.pop();
		const level = levels.pop() ?? 1;
		if (typeof current === 'number') {
			if (!Number.isFinite(current)) nonFinite = true;
			continue;
		}

		if (Array.isArray(current)) {
			if (level > depth) depth = level;
			for (const item of current as unknown[]) {
				if (item === null) nullInArray = true;
				else if (typeof item === 'object' || typeof item === 'number') {
					values.push(item);
					levels.push(level + 1);
				}
			}
		} else if (isJsonObject(current)) {
			if (level > depth) depth = level;
			for (const key in current) {
				const item = current[key];
				if (typeof item === 'object' || typeof item === 'number') {
					values.push(item);
					levels.push(level + 1);
				}
			}
		}
	}

	return {depth, nullInArray, nonFinite};
}

/** True when value nests deeper than maxDepth container levels; stops at the first such path. */
export function deeperThan(value: unknown, maxDepth: number): boolean {
	const values: unknown[] = [value];
	const levels: number[] = [1];
	while (values.length > 0) {
		const current = values.pop();
		const level = levels.pop() ?? 1;
		if (typeof current !== 'object' || current === null) continue;
		if (level > maxDepth) return true;
		const children: unknown[] = Array.isArray(current)
			? (current as unknown[])
			: Object.values(current);
		for (const child of children) {
			if (typeof child === 'object' && child !== null) {
				values.push(child);
				levels.push(level + 1);
			}
		}
	}

	return false;
}
