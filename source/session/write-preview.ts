/*
What a write from the console would do, before it is sent: the engine's own
rules (preview-update.ts) applied to the shadow as the console shows it.
An edit locked to the version it was made on would be refused when the
shadow moved since; when what moved did not touch the keys it sets, the
console sends it on the current version instead (console-session.ts), and
the preview says so rather than show a 409 that will not happen.
*/
import {getOwn, jsonEqual, type JsonObject} from '../shadow/json.js';
import {defaultEngineOptions} from '../shadow/limits.js';
import {previewUpdate, type UpdatePreview} from '../shadow/preview-update.js';
import type {StatePatch} from '../shadow/request.js';
import type {LiveShadow, Sections} from '../shadow/shadow-record.js';
import type {ShadowAddress} from '../shadow/topics.js';
import type {ShownShadow} from './console-session.js';

/** A write the console proposes: an edit, a restore of an older version, an undo. */
export type ProposedWrite = {
	readonly kind: 'edit' | 'restore' | 'undo';
	/** `edit desired`, `restore v10's desired`: the preview's title. */
	readonly label: string;
	readonly state: StatePatch;
	/** Sent as the request's version (the lock); undefined sends none. */
	readonly version: number | undefined;
	/** The state it was made on (at `version`): whether a shadow that moved may still take it. */
	readonly base?: Sections<JsonObject>;
};

export type WritePreview = UpdatePreview & {
	/** Set when the edit will go on the current version: why that is safe. */
	readonly rebased?: string;
};

export function previewWrite(
	shown: ShownShadow | null | undefined,
	write: ProposedWrite,
	context: {
		readonly address: ShadowAddress;
		readonly now: number;
		/** The state at the write's version, when the console has it: decides a rebase. */
		readonly base?: Sections<JsonObject>;
	},
): WritePreview {
	const current = liveOf(shown);
	const engine = {
		address: context.address,
		now: context.now,
		options: defaultEngineOptions,
	};
	const request = {
		state: write.state,
		...(write.version === undefined ? {} : {version: write.version}),
	};
	const preview = previewUpdate(current, request, engine);
	const base = write.base ?? context.base;
	if (
		preview.rejection?.code !== 409 ||
		!current ||
		!base ||
		!stillApplies(write, base, current.state)
	)
		return preview;
	return {
		...previewUpdate(current, {...request, version: current.version}, engine),
		rebased: `moved from v${write.version ?? '?'} to v${current.version}, not ${write.kind === 'restore' ? 'in desired' : 'the keys this sets'}: it goes on v${current.version}`,
	};
}

/**
Whether a write made on `base` does what it was made to do on `now` too, so
that it may go on the current version: an edit or an undo when nobody
touched the keys it sets since; a restore only when desired is the same,
since it sets desired as a whole (keys added since would stay).
*/
export function stillApplies(
	write: ProposedWrite,
	base: Sections<JsonObject>,
	now: Sections<JsonObject>,
): boolean {
	if (write.kind === 'restore')
		return jsonEqual(base.desired ?? {}, now.desired ?? {});
	return !touchedSince(base, now, write.state);
}

/** Whether a key the patch sets changed between the two states (top level, as the console's rebase decides). */
export function touchedSince(
	before: Sections<JsonObject>,
	now: Sections<JsonObject>,
	patch: StatePatch,
): boolean {
	for (const section of ['desired', 'reported'] as const) {
		const keys = patch[section];
		if (keys === undefined) continue;
		const was = before[section] ?? {};
		const is = now[section] ?? {};
		if (keys === null) {
			if (!jsonEqual(was, is)) return true;
			continue;
		}

		for (const key of Object.keys(keys)) {
			const a = getOwn(was, key);
			const b = getOwn(is, key);
			if (a === undefined || b === undefined ? a !== b : !jsonEqual(a, b))
				return true;
		}
	}

	return false;
}

function liveOf(shown: ShownShadow | null | undefined): LiveShadow | undefined {
	if (!shown) return undefined;
	return {
		kind: 'live',
		state: shown.state,
		metadata: shown.metadata,
		version: shown.version,
		updatedAt: shown.changedAt,
	};
}
