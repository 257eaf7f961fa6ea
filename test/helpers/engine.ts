import {
	defaultEngineOptions,
	type EngineOptions,
} from '../../source/shadow/limits.js';
import type {JsonObject} from '../../source/shadow/json.js';
import {leafMetadata, objectMetadata} from '../../source/shadow/metadata.js';
import {deleteShadow, getShadow} from '../../source/shadow/read-shadow.js';
import {
	sectionsOf,
	type LiveShadow,
	type ShadowRecord,
} from '../../source/shadow/shadow-record.js';
import type {ShadowAddress} from '../../source/shadow/topics.js';
import {
	updateShadow,
	type OperationContext,
} from '../../source/shadow/update-shadow.js';

export const classic: ShadowAddress = {thingName: 'lamp', shadowName: ''};
export const named: ShadowAddress = {thingName: 'lamp', shadowName: 'cfg'};

export function context(
	now: number,
	address: ShadowAddress = classic,
	options: EngineOptions = defaultEngineOptions,
): OperationContext {
	return {now, address, options};
}

function body(request: unknown): string {
	return typeof request === 'string' ? request : JSON.stringify(request);
}

export function update(
	record: ShadowRecord | undefined,
	request: unknown,
	now: number,
	address = classic,
) {
	return updateShadow(record, body(request), context(now, address));
}

export function get(
	record: ShadowRecord | undefined,
	request: unknown,
	now: number,
	address = classic,
) {
	return getShadow(record, body(request), context(now, address));
}

export function remove(
	record: ShadowRecord | undefined,
	request: unknown,
	now: number,
	address = classic,
) {
	return deleteShadow(record, body(request), context(now, address));
}

/** A stored live shadow whose desired and reported leaves carry the given timestamps. */
export function live(
	version: number,
	desired?: {value: JsonObject; at: number},
	reported?: {value: JsonObject; at: number},
): LiveShadow {
	return {
		kind: 'live',
		state: sectionsOf(desired?.value, reported?.value),
		metadata: sectionsOf(
			desired && objectMetadata(desired.value, leafMetadata(desired.at)),
			reported && objectMetadata(reported.value, leafMetadata(reported.at)),
		),
		version,
		updatedAt: Math.max(desired?.at ?? 0, reported?.at ?? 0),
	};
}

/** Asserts success and narrows, so a test reads as the worked example does. */
export function accepted<T extends {ok: boolean}>(
	outcome: T,
): Extract<T, {ok: true}> {
	if (!outcome.ok)
		throw new Error(`expected success, got ${JSON.stringify(outcome)}`);
	return outcome as Extract<T, {ok: true}>;
}

export function rejected<T extends {ok: boolean}>(
	outcome: T,
): Extract<T, {ok: false}> {
	if (outcome.ok)
		throw new Error(`expected a rejection, got ${JSON.stringify(outcome)}`);
	return outcome as Extract<T, {ok: false}>;
}

/** What goes over the wire: undefined keys vanish exactly as in the service. */
export function wire(value: unknown): unknown {
	return JSON.parse(JSON.stringify(value)) as unknown;
}
