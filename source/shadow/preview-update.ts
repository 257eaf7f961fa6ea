/*
What an update would do, before it is sent (`update --dry-run`): the engine's
own applyUpdate on the shadow as the service has it, so the preview refuses
what the service would refuse (409, 413, the checks of §3.2) and otherwise
shows the resulting sections, the delta and the size of each section against
the 8 KB limit (§3.5). Pure: the caller fetched the shadow.
*/
import {isJsonObject, utf8Length, type JsonObject} from './json.js';
import type {EngineOptions} from './limits.js';
import {mergeSection} from './merge-section.js';
import type {UpdateRequest} from './request.js';
import type {LiveShadow} from './shadow-record.js';
import type {Sections} from './shadow-record.js';
import type {ShadowAddress} from './topics.js';
import {applyUpdate} from './update-shadow.js';

export type SectionSizes = {
	readonly desired: number;
	readonly reported: number;
	readonly total: number;
	readonly limit: number;
};

export type UpdatePreview = {
	/** The version the shadow is at (0: it does not exist) and would be at. */
	readonly from: number;
	readonly to: number | undefined;
	readonly state: Sections<JsonObject>;
	readonly delta: JsonObject | undefined;
	readonly sizes: SectionSizes;
	/** What the service would answer instead, with what to do about it. */
	readonly rejection?: {
		readonly code: number;
		readonly message: string;
		readonly fix: string;
	};
};

export function previewUpdate(
	current: LiveShadow | undefined,
	request: UpdateRequest,
	context: {
		readonly address: ShadowAddress;
		readonly now: number;
		readonly options: EngineOptions;
	},
): UpdatePreview {
	const outcome = applyUpdate(current, request, context);
	const from = current?.version ?? 0;
	if (outcome.ok) {
		const {state} = outcome.shadow;
		return {
			from,
			to: outcome.shadow.version,
			state,
			delta: outcome.delta?.state,
			sizes: sizesOf(state, context.options.limits.maxDocBytes),
		};
	}

	// Refused: the sections as the merge would leave them, so the sizes say what to trim.
	const state = merged(current?.state ?? {}, request);
	const sizes = sizesOf(state, context.options.limits.maxDocBytes);
	const {code, message} = outcome.rejection;
	return {
		from,
		to: undefined,
		state,
		delta: undefined,
		sizes,
		rejection: {code, message, fix: fixOf(code, sizes, from, request)},
	};
}

function merged(
	before: Sections<JsonObject>,
	request: UpdateRequest,
): Sections<JsonObject> {
	if (request.state === null) return {};
	const after: {desired?: JsonObject; reported?: JsonObject} = {...before};
	for (const section of ['desired', 'reported'] as const) {
		const patch = request.state[section];
		if (patch === null) delete after[section];
		else if (isJsonObject(patch)) {
			const next = mergeSection(before[section], undefined, patch, {
				timestamp: 0,
			}).state;
			if (next) after[section] = next;
			else delete after[section];
		}
	}

	return after;
}

function sizesOf(state: Sections<JsonObject>, limit: number): SectionSizes {
	const bytes = (section: JsonObject | undefined) =>
		section ? utf8Length(JSON.stringify(section)) : 0;
	const desired = bytes(state.desired);
	const reported = bytes(state.reported);
	return {desired, reported, total: desired + reported, limit};
}

function fixOf(
	code: number,
	sizes: SectionSizes,
	from: number,
	request: UpdateRequest,
): string {
	if (code === 409)
		return `the shadow is at v${from}, not v${request.version ?? '?'}: get it again, or send without --version`;
	if (code === 413 && sizes.total > sizes.limit) {
		const larger = sizes.desired >= sizes.reported ? 'desired' : 'reported';
		return `trim ${larger} by at least ${(sizes.total - sizes.limit).toLocaleString('en-US')} B (remove keys with null, or shorten values)`;
	}

	return 'change the patch and preview it again';
}
