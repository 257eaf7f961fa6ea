/*
The console's fleet view without React: the listed shadows (classic and
named, or the classic ones only), the filter, the order, the cursor, the
selection, counts per value of a field, and a bulk edit of desired over the
selected shadows with its progress and per-shadow results.

The filter is a thing name, narrowed locally as it is typed, or a query in
AWS IoT Fleet Indexing's language (fleet-filter.ts), passed to the lister as
it was typed: the service answers it, and its errors (InvalidQueryException,
a hint for the old language) are shown as they came. Counts come from the
injected `aggregate` (GetBucketsAggregation) over the same query, asked
again whenever the table is listed again.

A bulk edit goes to the selected shadows that are shown, never to one the
filter or the classic-only view hides: bulkTargets() says which, for the
view to confirm, and bulkUpdate sends to exactly those (or to the targets
the user confirmed). A named shadow's row is addressed with its name.
*/
import type {FleetLister} from '../client/fleet-lister.js';
import type {ShadowClient} from '../client/shadow-client.js';
import {
	createBulkRun,
	type BulkItem,
	type BulkProgress,
	type BulkRun,
} from '../fleet/bulk-run.js';
import {previewAll, type TargetPreview} from '../fleet/bulk-preview.js';
import type {ShadowSummary} from '../fleet/list-shadows.js';
import type {JsonObject} from '../shadow/json.js';
import {addressKey, shortName, type ShadowAddress} from '../shadow/topics.js';
import {describeFailure} from './console-session.js';
import {
	checkedCounts,
	type FleetAggregate,
	type FleetAggregation,
} from './fleet-aggregation.js';
import {
	moveCursor,
	noCursor,
	placeCursor,
	type FleetCursor,
} from './fleet-cursor.js';
import {isQuery, nameFilter} from './fleet-filter.js';
import {
	compareAddresses,
	compareFor,
	defaultSort,
	nextSort,
	reversed,
	sortableColumns,
	visibleColumns,
	type FleetColumn,
	type FleetSort,
} from './fleet-sort.js';

/** 'every': classic and named shadows; 'classic': each thing's classic shadow only. */
export type FleetScope = 'every' | 'classic';

export type FleetSnapshot = {
	/** Every listed shadow, in natural order. */
	readonly shadows: readonly ShadowSummary[];
	/** The shadows the filter lets through, in the table's order. */
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
	readonly sort: FleetSort;
	/** The columns the table draws, left to right (SHADOW once a named shadow is listed). */
	readonly columns: readonly FleetColumn[];
	readonly scope: FleetScope;
	/** The row of `shown` under the cursor (0 in an empty table). */
	readonly cursor: number;
	/** Counts per value of the chosen field; undefined until one is chosen. */
	readonly aggregation: FleetAggregation | undefined;
};

export type BulkTargets = {
	/** How many shadows a bulk edit would go to now. */
	readonly count: number;
	/** Their things, in the table's order. */
	readonly thingNames: readonly string[];
	/** The shadows as one says them, `thing` or `thing/shadow`, in the table's order. */
	readonly names: readonly string[];
	readonly addresses: readonly ShadowAddress[];
	/** What narrows the table, as the user typed it ('' when nothing does). */
	readonly filter: string;
	/** Selected shadows that are not shown (the filter hides them, or they left the list): not sent to. */
	readonly hiddenSelected: number;
};

export type FleetSession = {
	readonly subscribe: (listener: () => void) => () => void;
	readonly getSnapshot: () => FleetSnapshot;
	/** False when no aggregation was given: countBy cannot count. */
	readonly canCount: boolean;
	load(): Promise<void>;
	/** Loads again without showing "loading" (the table refreshes itself while open). */
	refresh(): Promise<void>;
	setFilter(text: string): void;
	/** Applies the filter: a query goes to the service. */
	submitFilter(): Promise<void>;
	/** Classic and named shadows, or the classic ones only; lists again. */
	setScope(scope: FleetScope): Promise<void>;
	sortBy(sort: FleetSort): void;
	/** Sorts by the next column shown, ascending. */
	sortByNext(): void;
	reverseSort(): void;
	/** Moves the cursor `by` rows (negative: up). */
	moveCursor(by: number): void;
	/** Counts per value of `field` over the table's query ('' stops counting). */
	countBy(field: string): Promise<void>;
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

export function keyOf(shadow: ShadowAddress): string {
	return addressKey(shadow);
}

export const noAggregationMessage =
	'counts per value are not available: this console was given no aggregation (GetBucketsAggregation)';

export function createFleetSession(options: {
	readonly client: ShadowClient;
	readonly list: FleetLister;
	readonly concurrency?: number;
	/** Counts per value of a field (GetBucketsAggregation); without it countBy says so. */
	readonly aggregate?: FleetAggregate;
}): FleetSession {
	const listeners = new Set<() => void>();
	let shadows: readonly ShadowSummary[] = [];
	let named = false;
	let filter = '';
	/** The query sent last, and the one the listed shadows answer (they differ after a failure). */
	let appliedQuery: string | undefined;
	let listedQuery: string | undefined;
	let scope: FleetScope = 'every';
	let sort: FleetSort = defaultSort;
	let cursor: FleetCursor = noCursor;
	let selected: ReadonlySet<string> = new Set();
	let loading = false;
	let error: string | undefined;
	/** A listing's error goes when a listing succeeds; a command's stays until the next load. */
	let errorFromListing = false;
	let aggregation: FleetAggregation | undefined;
	let bulk: BulkRun | undefined;
	let bulkPatch: JsonObject = {};
	/** Each listing and each count request has a number: only the newest one's answer is kept. */
	let listings = 0;
	let countings = 0;
	let ordered = {
		shadows,
		sort,
		items: undefined as readonly BulkItem[] | undefined,
		rows: shadows,
	};
	let snapshot = build();

	/** The listed shadows in the table's order, sorted again only when something it depends on changed. */
	function inOrder(): readonly ShadowSummary[] {
		const items = sort.column === 'result' ? bulk?.items() : undefined;
		if (
			ordered.shadows === shadows &&
			ordered.sort === sort &&
			ordered.items === items
		)
			return ordered.rows;
		const results = new Map(items?.map((item) => [keyOf(item.address), item]));
		// Listings are in natural order already: thing ascending is that order.
		const rows =
			sort === defaultSort
				? shadows
				: [...shadows].sort(
						compareFor(sort, (shadow) => results.get(keyOf(shadow))),
					);
		ordered = {shadows, sort, items, rows};
		return rows;
	}

	function shownOf(): readonly ShadowSummary[] {
		const rows = inOrder();
		if (filter === '' || isQuery(filter)) return rows;
		const matches = nameFilter(filter);
		return rows.filter((shadow) => matches(shadow.thingName));
	}

	/** What narrows the table now: the query the service answered, then a name typed over it. */
	function filterInEffect(): string {
		const name = filter !== '' && !isQuery(filter) ? filter : undefined;
		return [listedQuery, name].filter(Boolean).join(', then ');
	}

	function targetsNow(): BulkTargets {
		const targets = shownOf().filter((shadow) => selected.has(keyOf(shadow)));
		return {
			count: targets.length,
			thingNames: targets.map(({thingName}) => thingName),
			names: targets.map(shortName),
			addresses: targets.map(({thingName, shadowName}) => ({
				thingName,
				shadowName,
			})),
			filter: filterInEffect(),
			hiddenSelected: selected.size - targets.length,
		};
	}

	function build(): FleetSnapshot {
		const shown = shownOf();
		cursor = placeCursor(shown.map(keyOf), cursor);
		return {
			shadows,
			shown,
			filter,
			selected,
			loading,
			error,
			bulk: bulk
				? {items: bulk.items(), progress: bulk.progress(), patch: bulkPatch}
				: undefined,
			sort,
			columns: visibleColumns({named}),
			scope,
			cursor: cursor.index,
			aggregation,
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

	function fail(message: string, fromListing: boolean): void {
		error = message;
		errorFromListing = fromListing;
	}

	async function listShadows(query: string | undefined): Promise<void> {
		const listing = ++listings;
		try {
			const listed = await options.list({
				...(scope === 'classic' ? {shadowName: ''} : {}),
				...(query === undefined ? {} : {query}),
			});
			if (listing !== listings) return;
			shadows = listed.sort(compareAddresses);
			named = shadows.some(({shadowName}) => shadowName !== '');
			listedQuery = query;
			if (errorFromListing) error = undefined;
		} catch (failure: unknown) {
			if (listing === listings) fail(describeFailure(failure), true);
		} finally {
			if (listing === listings) loading = false;
			changed();
		}
	}

	async function count(query: string | undefined): Promise<void> {
		const {aggregate} = options;
		if (!aggregation || !aggregate) return;
		const counting = ++countings;
		const {field} = aggregation;
		aggregation = {...aggregation, query, counting: true};
		changed();
		try {
			const counts = checkedCounts(
				await aggregate({field, ...(query === undefined ? {} : {query})}),
			);
			if (counting !== countings) return;
			aggregation = {field, query, counting: false, counts, error: undefined};
		} catch (failure: unknown) {
			if (counting !== countings) return;
			aggregation = {
				field,
				query,
				counting: false,
				counts: undefined,
				error: describeFailure(failure),
			};
		}

		changed();
	}

	async function load(quiet = false): Promise<void> {
		if (!quiet) {
			loading = true;
			error = undefined;
			changed();
		}

		const query = appliedQuery;
		await Promise.all([listShadows(query), count(query)]);
	}

	return {
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		getSnapshot: () => snapshot,
		canCount: options.aggregate !== undefined,
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
			const next = isQuery(filter) ? filter : undefined;
			// The same query again is only sent again when it failed.
			if (next === appliedQuery && !(errorFromListing && error)) return;
			appliedQuery = next;
			await load();
		},
		async setScope(next) {
			if (next === scope) return;
			scope = next;
			await load();
		},
		sortBy(next) {
			sort = next;
			changed();
		},
		sortByNext() {
			sort = nextSort(
				sort,
				sortableColumns({named, results: bulk !== undefined}),
			);
			changed();
		},
		reverseSort() {
			sort = reversed(sort);
			changed();
		},
		moveCursor(by) {
			cursor = moveCursor(snapshot.shown.map(keyOf), cursor, by);
			changed();
		},
		async countBy(text) {
			const field = text.trim();
			if (field === '') {
				countings++;
				aggregation = undefined;
				changed();
				return;
			}

			aggregation = {
				field,
				query: appliedQuery,
				counting: false,
				counts: undefined,
				error: options.aggregate ? undefined : noAggregationMessage,
			};
			changed();
			await count(appliedQuery);
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
				fail(
					'no shown thing is selected (space selects, a selects all shown)',
					false,
				);
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
				fail(describeFailure(failure), false);
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
