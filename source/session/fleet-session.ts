/*
The console's fleet view without React: the listed shadows, the filter, the
selection, and a bulk edit of desired over the selected things with its
progress and per-thing results. A name filter narrows the loaded list as you
type; a query (it has an operator) is asked of the service. Shadows are in
natural order (brewer-2 before brewer-10).

A bulk edit goes to the selected things that are shown, never to one the
filter hides: bulkTargets() says which, for the view to confirm, and
bulkUpdate sends to exactly those (or to the targets the user confirmed).
*/
import type {FleetLister} from '../client/fleet-lister.js';
import {parseQuery} from '../fleet/query.js';
import type {ShadowClient} from '../client/shadow-client.js';
import {
	createBulkRun,
	type BulkItem,
	type BulkProgress,
	type BulkRun,
} from '../fleet/bulk-run.js';
import {previewAll, type TargetPreview} from '../fleet/bulk-preview.js';
import type {ShadowSummary} from '../fleet/list-shadows.js';
import {namePattern} from '../fleet/name-pattern.js';
import {compareNatural} from '../fleet/natural-order.js';
import type {JsonObject} from '../shadow/json.js';
import {addressKey, type ShadowAddress} from '../shadow/topics.js';
import {describeFailure} from './console-session.js';

export type FleetSnapshot = {
	readonly shadows: readonly ShadowSummary[];
	/** The shadows the filter lets through, in order. */
	readonly shown: readonly ShadowSummary[];
	readonly filter: string;
	readonly selected: ReadonlySet<string>;
	readonly loading: boolean;
	readonly error: string | undefined;
	readonly bulk:
		| {
				readonly items: readonly BulkItem[];
				readonly progress: BulkProgress;
				readonly patch: JsonObject;
		  }
		| undefined;
};

export type BulkTargets = {
	/** How many shadows a bulk edit would go to now. */
	readonly count: number;
	/** Their things, in the table's order. */
	readonly thingNames: readonly string[];
	readonly addresses: readonly ShadowAddress[];
	/** What narrows the table, as the user typed it ('' when nothing does). */
	readonly filter: string;
	/** Selected shadows that are not shown (the filter hides them, or they left the list): not sent to. */
	readonly hiddenSelected: number;
};

export type FleetSession = {
	readonly subscribe: (listener: () => void) => () => void;
	readonly getSnapshot: () => FleetSnapshot;
	load(): Promise<void>;
	/** Loads again without showing "loading" (the table refreshes itself while open). */
	refresh(): Promise<void>;
	setFilter(text: string): void;
	/** Applies the filter: a query goes to the service. */
	submitFilter(): Promise<void>;
	toggle(shadow: ShadowSummary): void;
	selectShown(): void;
	selectNone(): void;
	/** Who a bulk edit would go to: the selected shadows that are shown. */
	bulkTargets(): BulkTargets;
	/** Updates desired of `targets` (confirmed by the user), or of bulkTargets() now. */
	bulkUpdate(patch: JsonObject, targets?: BulkTargets): Promise<void>;
	/** What that update would do to each target, nothing sent (each read with a get). */
	previewBulk(
		patch: JsonObject,
		targets: BulkTargets,
	): Promise<readonly TargetPreview[]>;
	retry(): Promise<void>;
};

export function isQuery(text: string): boolean {
	return /[=<>~]/.test(text);
}

export function keyOf(shadow: ShadowAddress): string {
	return addressKey(shadow);
}

export function compareShadows(a: ShadowSummary, b: ShadowSummary): number {
	return (
		compareNatural(a.thingName, b.thingName) ||
		compareNatural(a.shadowName, b.shadowName)
	);
}

export function createFleetSession(options: {
	readonly client: ShadowClient;
	readonly list: FleetLister;
	readonly concurrency?: number;
}): FleetSession {
	const listeners = new Set<() => void>();
	let shadows: readonly ShadowSummary[] = [];
	let filter = '';
	let appliedQuery: string | undefined;
	let selected: ReadonlySet<string> = new Set();
	let loading = false;
	let error: string | undefined;
	let bulk: BulkRun | undefined;
	let bulkPatch: JsonObject = {};
	let snapshot = build();

	function shownOf(): ShadowSummary[] {
		if (filter === '' || isQuery(filter)) return [...shadows];
		const pattern = namePattern(
			filter.includes('*') || filter.includes('?') ? filter : `*${filter}*`,
		);
		return shadows.filter((shadow) => pattern.test(shadow.thingName));
	}

	/** What narrows the table now: the query the service answered, then a name typed over it. */
	function filterInEffect(): string {
		const name = filter !== '' && !isQuery(filter) ? filter : undefined;
		return [appliedQuery, name].filter(Boolean).join(', then ');
	}

	function targetsNow(): BulkTargets {
		const targets = shownOf().filter((shadow) => selected.has(keyOf(shadow)));
		return {
			count: targets.length,
			thingNames: targets.map(({thingName}) => thingName),
			addresses: targets.map(({thingName, shadowName}) => ({
				thingName,
				shadowName,
			})),
			filter: filterInEffect(),
			hiddenSelected: selected.size - targets.length,
		};
	}

	function build(): FleetSnapshot {
		return {
			shadows,
			shown: shownOf(),
			filter,
			selected,
			loading,
			error,
			bulk: bulk
				? {items: bulk.items(), progress: bulk.progress(), patch: bulkPatch}
				: undefined,
		};
	}

	function changed(): void {
		clearTimeout(pending);
		pending = undefined;
		snapshot = build();
		for (const listener of listeners) listener();
	}

	let pending: NodeJS.Timeout | undefined;
	function changedSoon(): void {
		pending ??= setTimeout(changed, 33);
	}

	async function load(quiet = false): Promise<void> {
		if (!quiet) {
			loading = true;
			error = undefined;
			changed();
		}

		try {
			const listed = await options.list({
				shadowName: '',
				...(appliedQuery ? {query: appliedQuery} : {}),
			});
			shadows = listed.sort(compareShadows);
		} catch (failure: unknown) {
			error = failure instanceof Error ? failure.message : String(failure);
		} finally {
			loading = false;
			changed();
		}
	}

	return {
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		getSnapshot: () => snapshot,
		previewBulk: async (patch, targets) =>
			previewAll(options.client, targets.addresses, {
				state: {desired: patch},
			}),
		load: async () => load(),
		refresh: async () => load(true),
		setFilter(text) {
			filter = text;
			changed();
		},
		async submitFilter() {
			// A query that does not parse is said here, not sent (the table would keep the last one's rows).
			const parsed = isQuery(filter) ? parseQuery(filter) : undefined;
			if (parsed && !parsed.ok) {
				error = `invalid query: ${parsed.error}; the table still shows the last query's shadows`;
				changed();
				return;
			}

			const next = isQuery(filter) ? filter : undefined;
			if (next === appliedQuery) return;
			appliedQuery = next;
			await load();
		},
		toggle(shadow) {
			const key = keyOf(shadow);
			const next = new Set(selected);
			if (next.has(key)) next.delete(key);
			else next.add(key);
			selected = next;
			changed();
		},
		selectShown() {
			selected = new Set([...selected, ...shownOf().map(keyOf)]);
			changed();
		},
		selectNone() {
			selected = new Set();
			changed();
		},
		bulkTargets: () => targetsNow(),
		async bulkUpdate(patch, confirmed) {
			const targets = (confirmed ?? targetsNow()).addresses;
			if (targets.length === 0) {
				error =
					'no shown thing is selected (space selects, a selects all shown)';
				changed();
				return;
			}

			bulkPatch = patch;
			await options.client.subscribeAllReplies('update');
			bulk = createBulkRun(
				targets,
				async (address) =>
					options.client.update(address, {state: {desired: patch}}),
				options.concurrency ?? 64,
			);
			// A bulk edit changes something per thing: show it at most once per frame.
			bulk.subscribe(changedSoon);
			error = undefined;
			try {
				await bulk.run();
			} catch (failure: unknown) {
				error = describeFailure(failure);
			}

			await load();
		},
		async retry() {
			if (!bulk) return;
			await bulk.retry();
			await load();
		},
	};
}
