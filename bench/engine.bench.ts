/*
The engine's updates per second on a 1 KB and an 8 KB document, against
JSON.parse + JSON.stringify of the same document. The update carries the whole
document (both sections, every key changed), the heaviest update of that size;
the stored shadow already holds a document of the same shape.
*/
import type {JsonObject} from '../source/shadow/json.js';
import {withLimits} from '../source/shadow/limits.js';
import type {LiveShadow} from '../source/shadow/shadow-record.js';
import {updateShadow} from '../source/shadow/update-shadow.js';
import {compare, format} from './measure.js';

function section(targetBytes: number, salt: number): JsonObject {
	const result: JsonObject = {};
	for (let i = 0; JSON.stringify(result).length < targetBytes; i++) {
		result[`sensor${i}`] =
			i % 3 === 0
				? {value: i + salt, unit: 'C', ok: true}
				: i % 3 === 1
					? `mode-${i + salt}`
					: [i, i + salt, i * 2];
	}

	return result;
}

export function documentOf(bytes: number, salt: number): string {
	return JSON.stringify({
		state: {
			desired: section(bytes / 2 - 30, salt),
			reported: section(bytes / 2 - 30, salt + 1),
		},
	});
}

export function benchEngine(): string[] {
	const lines = [
		'engine: whole-document update vs JSON.parse + JSON.stringify of the same document',
	];
	for (const size of [1024, 8192]) {
		const options = withLimits({maxDocBytes: size * 2});
		const address = {thingName: 'bench', shadowName: ''};
		const first = updateShadow(undefined, documentOf(size, 0), {
			address,
			now: 1,
			options,
		});
		if (!first.ok) throw new Error(first.rejection.message);
		const stored: LiveShadow = first.shadow;
		const request = documentOf(size, 7);
		const requestBytes = Buffer.from(request);
		let now = 2;
		const baseline = () => {
			JSON.stringify(JSON.parse(request));
		};

		const engine = () => {
			const outcome = updateShadow(stored, requestBytes, {
				address,
				now: now++,
				options,
			});
			if (!outcome.ok) throw new Error(outcome.rejection.message);
		};

		const withReplies = () => {
			const outcome = updateShadow(stored, requestBytes, {
				address,
				now: now++,
				options,
			});
			if (!outcome.ok) throw new Error(outcome.rejection.message);
			JSON.stringify(outcome.accepted);
			JSON.stringify(outcome.documents);
			if (outcome.delta) JSON.stringify(outcome.delta);
		};

		const plain = compare(baseline, engine);
		const full = compare(baseline, withReplies);
		const label = `${format(requestBytes.byteLength)} B`;
		lines.push(
			`  ${label.padEnd(8)} baseline ${format(plain.baseline)}/s; engine ${format(plain.candidate)}/s = ${format(plain.baseline / plain.candidate, 2)}x the baseline's cost (aim <= 3x)`,
			`  ${label.padEnd(8)} engine + serialising accepted, documents and delta ${format(full.candidate)}/s = ${format(full.baseline / full.candidate, 2)}x`,
		);
	}

	return lines;
}
