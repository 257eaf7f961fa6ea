/*
The fleet table's rows from Fleet Indexing's answer: one ShadowSummary per
shadow of each ThingDocument (the classic one and each named one), from the
shadow JSON string AWS sends. That string comes off the wire: its size and
depth are checked before anything walks it, and a document that is not what
AWS sends gives no rows rather than wrong ones.
*/
import type {ThingDocument} from '../client/control-plane.js';
import {computeDelta} from '../shadow/compute-delta.js';
import {isJsonObject, type JsonObject} from '../shadow/json.js';
import {deeperThan} from '../shadow/json-shape.js';
import {awsLimits} from '../shadow/limits.js';
import {newestTimestamp} from '../shadow/metadata.js';
import type {ShadowSummary} from './list-shadows.js';

/** Ten shadows of 8 KB and their metadata, with room. */
const maxShadowText = 1024 * 1024;
/** name, N, section, then a shadow's own depth, metadata one deeper. */
const deepestShadow = awsLimits.maxDepth + 4;

function objectOr(value: unknown): JsonObject | undefined {
	return isJsonObject(value) ? value : undefined;
}

function summaryOf(
	thingName: string,
	shadowName: string,
	document: JsonObject,
	thing: ThingDocument,
	withState: boolean,
): ShadowSummary | undefined {
	const {version} = document;
	if (typeof version !== 'number' || !Number.isFinite(version))
		return undefined;
	const desired = objectOr(document.desired);
	const reported = objectOr(document.reported);
	const metadata = objectOr(document.metadata) ?? {};
	const delta = computeDelta(
		desired,
		reported,
		objectOr(metadata.desired),
	)?.state;
	const updatedAt = newestTimestamp(metadata) ?? 0;
	const reportedAt = newestTimestamp(metadata.reported);
	const connected =
		typeof reported?.connected === 'boolean'
			? reported.connected
			: // Connectivity is the thing's; it says something only once the thing was seen.
				thing.connectivity?.timestamp !== undefined
				? thing.connectivity.connected
				: undefined;
	return {
		thingName,
		shadowName,
		version,
		updatedAt,
		...(reportedAt === undefined ? {} : {reportedAt}),
		...(typeof connected === 'boolean' ? {connected} : {}),
		deltaKeys: delta ? Object.keys(delta).length : 0,
		...(withState
			? {
					state: {
						...(desired ? {desired} : {}),
						...(reported ? {reported} : {}),
						...(delta ? {delta} : {}),
					},
				}
			: {}),
	};
}

/** The rows of one thing: its classic shadow first, then named ones by name; only `shadowName` when given. */
export function summariesOf(
	thing: ThingDocument,
	options: {readonly shadowName?: string; readonly withState?: boolean} = {},
): ShadowSummary[] {
	if (typeof thing.shadow !== 'string' || thing.shadow.length > maxShadowText)
		return [];
	let parsed: unknown;
	try {
		parsed = JSON.parse(thing.shadow);
	} catch {
		return [];
	}

	const document = objectOr(parsed);
	if (!document || deeperThan(document, deepestShadow)) return [];
	const withState = options.withState ?? false;
	const rows: ShadowSummary[] = [];
	const wanted = (name: string) =>
		options.shadowName === undefined || options.shadowName === name;
	if (wanted('') && typeof document.version === 'number') {
		const classic = summaryOf(thing.thingName, '', document, thing, withState);
		if (classic) rows.push(classic);
	}

	const named = objectOr(document.name) ?? {};
	for (const name of Object.keys(named).sort()) {
		const shadow = objectOr(named[name]);
		if (!shadow || !wanted(name)) continue;
		const row = summaryOf(thing.thingName, name, shadow, thing, withState);
		if (row) rows.push(row);
	}

	return rows;
}
