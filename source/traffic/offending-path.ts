/*
Where in a refused update the service's 400 points: the path of the node that
breaks the rule AWS named (§3.2), found by an iterative walk over the request
(it came off the wire, so its depth is the sender's choice).
*/
import {isJsonObject, utf8Length, type JsonValue} from '../shadow/json.js';
import type {ShadowLimits} from '../shadow/limits.js';

export type Offence = {
	/** `state.desired.a.b`, `clientToken`, `version`; '' for the payload itself. */
	readonly path: string;
	readonly problem: string;
};

type Step = {
	readonly value: unknown;
	readonly path: string;
	readonly level: number;
};

function join(path: string, key: string | number): string {
	if (typeof key === 'number') return `${path}[${key}]`;
	const plain = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
	return path === '' ? plain : `${path}.${plain}`;
}

/** The first node of an update's payload that the shadow service refuses, or undefined. */
export function offendingPath(
	payload: JsonValue | undefined,
	limits: ShadowLimits,
): Offence | undefined {
	if (!isJsonObject(payload))
		return {path: '', problem: 'the payload is not a JSON object'};
	const {clientToken, version, state} = payload;
	if (
		clientToken !== undefined &&
		clientToken !== null &&
		(typeof clientToken !== 'string' ||
			utf8Length(clientToken) > limits.maxClientTokenBytes)
	)
		return {
			path: 'clientToken',
			problem:
				typeof clientToken === 'string'
					? `${utf8Length(clientToken)} bytes, over the ${limits.maxClientTokenBytes} a clientToken may be`
					: 'not a string',
		};
	if (
		version !== undefined &&
		version !== null &&
		(typeof version !== 'number' ||
			!Number.isSafeInteger(version) ||
			version < 0)
	)
		return {path: 'version', problem: 'not a whole number from 0 up'};
	if (!Object.prototype.hasOwnProperty.call(payload, 'state'))
		return {path: 'state', problem: 'missing'};
	if (state === null) return undefined;
	if (!isJsonObject(state)) return {path: 'state', problem: 'not an object'};
	for (const key of Object.keys(state))
		if (key !== 'desired' && key !== 'reported')
			return {
				path: join('state', key),
				problem: 'not a section (only desired and reported may be in state)',
			};
	for (const section of ['desired', 'reported'] as const) {
		const value = state[section];
		if (value !== undefined && value !== null && !isJsonObject(value))
			return {path: `state.${section}`, problem: 'not an object (or null)'};
	}

	// AWS checks nulls in arrays and numbers in both sections before the depth of either.
	const walks = (['desired', 'reported'] as const).map((section) =>
		walkSection(state[section], `state.${section}`, limits),
	);
	return (
		walks.find((walk) => walk.invalid)?.invalid ??
		walks.find((walk) => walk.deep)?.deep
	);
}

type SectionWalk = {readonly invalid?: Offence; readonly deep?: Offence};

function walkSection(
	section: JsonValue | undefined,
	path: string,
	limits: ShadowLimits,
): SectionWalk {
	if (!isJsonObject(section)) return {};
	const steps: Step[] = [{value: section, path, level: 1}];
	let deepest: Step | undefined;
	for (let step = steps.pop(); step; step = steps.pop()) {
		const {value, level} = step;
		if (typeof value === 'number' && !Number.isFinite(value))
			return {invalid: {path: step.path, problem: 'a number JSON cannot hold'}};
		if (typeof value !== 'object' || value === null) continue;
		if (level > limits.maxDepth && (!deepest || level > deepest.level))
			deepest = step;
		if (Array.isArray(value)) {
			for (const [index, item] of (value as unknown[]).entries()) {
				if (item === null)
					return {
						invalid: {
							path: join(step.path, index),
							problem: 'null inside an array (AWS refuses it)',
						},
					};
				steps.push({
					value: item,
					path: join(step.path, index),
					level: level + 1,
				});
			}
		} else
			for (const key of Object.keys(value))
				steps.push({
					value: (value as Record<string, unknown>)[key],
					path: join(step.path, key),
					level: level + 1,
				});
	}

	return deepest
		? {
				deep: {
					path: deepest.path,
					problem: `${deepest.level} levels deep; a section may nest ${limits.maxDepth}`,
				},
			}
		: {};
}
