/*
The request check's walk over desired and reported: the iterative, bounded
shapeOf against the recursive depth and null-in-array walks it replaced
(kept here as the baseline, as they were), on the 1 KB and 8 KB documents of
the engine benchmark.
*/
import {isJsonObject, type JsonValue} from '../source/shadow/json.js';
import {shapeOf} from '../source/shadow/json-shape.js';
import {documentOf} from './engine.bench.js';
import {compare, format} from './measure.js';

function hasNullInArray(value: JsonValue): boolean {
	if (Array.isArray(value)) {
		for (const item of value) {
			if (item === null || hasNullInArray(item)) return true;
		}

		return false;
	}

	if (isJsonObject(value)) {
		for (const key in value) {
			if (hasNullInArray(value[key] as JsonValue)) return true;
		}
	}

	return false;
}

function depthOf(value: JsonValue): number {
	let deepest = 0;
	if (Array.isArray(value)) {
		for (const item of value) deepest = Math.max(deepest, depthOf(item));
	} else if (isJsonObject(value)) {
		for (const key in value)
			deepest = Math.max(deepest, depthOf(value[key] as JsonValue));
	} else {
		return 0;
	}

	return deepest + 1;
}

export function benchBoundedWalk(): string[] {
	const lines = [
		'bounded walk: iterative shapeOf vs the recursive depth + null-in-array walks it replaced',
	];
	for (const size of [1024, 8192]) {
		const {state} = JSON.parse(documentOf(size, 7)) as {
			state: {desired: JsonValue; reported: JsonValue};
		};
		const sections = [state.desired, state.reported];
		let sink = 0;
		const recursive = () => {
			for (const section of sections) {
				if (hasNullInArray(section)) sink++;
				sink += depthOf(section);
			}
		};

		const bounded = () => {
			for (const section of sections) {
				const shape = shapeOf(section);
				if (shape.nullInArray || shape.nonFinite) sink++;
				sink += shape.depth;
			}
		};

		const result = compare(recursive, bounded);
		if (sink < 0) throw new Error('unreachable');
		lines.push(
			`  ${`${format(size)} B`.padEnd(8)} recursive ${format(result.baseline)}/s; bounded ${format(result.candidate)}/s = ${format(result.baseline / result.candidate, 2)}x the recursive walks' cost (aim <= 1x)`,
		);
	}

	return lines;
}
