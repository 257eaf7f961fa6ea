/*
The console's traffic inspector without React: a tap on the topics of what it
watches (the open shadow and its thing's presence, every shadow of the thing,
or the fleet), a bounded traffic log pairing requests with their answers, the
filter, and saving as JSON Lines. It follows the console: when another thing
or shadow is opened, the tap moves with it and the log is seeded with what
the console shows, so the first message already has a state to diff against.

The tap starts with the console, not when the inspector is opened: what went
wrong a minute ago is what a person opens it for. Listeners are told at most
once per frame, and only while someone looks (`setVisible`), so a flood of
1,000 messages a second costs the panes nothing.
*/
import {writeFile} from 'node:fs/promises';
import type {ShadowClient, TappedMessage} from '../client/shadow-client.js';
import {ShadowRejectedError} from '../client/shadow-errors.js';
import {awsLimits, type ShadowLimits} from '../shadow/limits.js';
import {addressKey, type ShadowAddress} from '../shadow/topics.js';
import {entryRecord} from '../traffic/traffic-format.js';
import {
	noFilter,
	parseTrafficFilter,
	type TrafficFilter,
} from '../traffic/traffic-filter.js';
import {
	createTrafficLog,
	type KnownState,
	type TrafficEntry,
	type TrafficLog,
} from '../traffic/traffic-log.js';
import {
	describeScope,
	scopeFilters,
	type TrafficScope,
} from '../traffic/topic-filter.js';

export type ScopeKind = TrafficScope['kind'];

export type TrafficSnapshot = {
	readonly scope: TrafficScope;
	/** `refused`: the broker would not let this identity subscribe; `error` says to what. */
	readonly status: 'starting' | 'on' | 'refused' | 'closed';
	readonly error: string | undefined;
	/** What is watched without being an error (lifecycle events the identity may not see). */
	readonly note: string | undefined;
	/** Every kept entry, oldest first. */
	readonly entries: readonly TrafficEntry[];
	/** The entries the filter keeps, oldest first. */
	readonly shown: readonly TrafficEntry[];
	readonly filter: string;
	readonly capacity: number;
	/** Messages that fell out of the bounded buffer. */
	readonly dropped: number;
	readonly answerTimeoutMs: number;
};

export type TrafficSession = {
	readonly subscribe: (listener: () => void) => () => void;
	readonly getSnapshot: () => TrafficSnapshot;
	start(): Promise<void>;
	/** The console opened another shadow: the shadow or thing scope moves with it. */
	follow(address: ShadowAddress, known?: KnownState | null): Promise<void>;
	setScope(kind: ScopeKind): Promise<void>;
	setFilter(text: string): void;
	/** Notifications only while the inspector is on screen. */
	setVisible(visible: boolean): void;
	/** Writes the shown entries as JSON Lines; resolves to how many. */
	save(path: string): Promise<number>;
	clear(): void;
	close(): Promise<void>;
};

export type TrafficSessionOptions = {
	readonly client: ShadowClient;
	readonly address: ShadowAddress;
	readonly capacity: number;
	readonly answerTimeoutMs: number;
	readonly limits?: ShadowLimits;
	readonly frameMs?: number;
	/** Epoch ms. */
	readonly now?: () => number;
};

/** Whether a kept entry belongs to a scope, by its address: no topic is parsed again per frame. */
function inScopeOf(scope: TrafficScope, entry: TrafficEntry): boolean {
	if (scope.kind === 'fleet' || entry.kind === 'connection') return true;
	const thingName =
		entry.address?.thingName ?? entry.presence?.clientId ?? undefined;
	const thing =
		scope.kind === 'shadow' ? scope.address.thingName : scope.thingName;
	if (thingName !== thing) return false;
	return (
		scope.kind === 'thing' ||
		entry.address === undefined ||
		entry.address.shadowName === scope.address.shadowName
	);
}

export function createTrafficSession(
	options: TrafficSessionOptions,
): TrafficSession {
	const {client} = options;
	const limits = options.limits ?? awsLimits;
	const frameMs = options.frameMs ?? 100;
	const now = options.now ?? Date.now;
	const listeners = new Set<() => void>();
	const log: TrafficLog = createTrafficLog({
		capacity: options.capacity,
		answerTimeoutMs: options.answerTimeoutMs,
		limits,
	});
	let address = options.address;
	let scope: TrafficScope = {kind: 'shadow', address};
	let status: TrafficSnapshot['status'] = 'starting';
	let error: string | undefined;
	let filter: TrafficFilter = noFilter;
	let visible = false;
	let closed = false;
	let note: string | undefined;
	let added = 0;
	let stopTap: (() => Promise<void>) | undefined;
	let tapGeneration = 0;
	let timer: NodeJS.Timeout | undefined;
	let dirty = false;
	let snapshot = build();
	let wasConnected = client.status() === 'connected';
	const stopStatus = client.onStatus((next) => {
		const up = next === 'connected';
		if (up === wasConnected || next === 'closed') return;
		wasConnected = up;
		const reason = up ? undefined : client.connectionError();
		log.connection(up, now(), reason);
		added++;
		changed();
	});
	const ticker = setInterval(() => {
		if (log.tick(now()).length > 0) changed();
	}, 250);
	ticker.unref();

	function build(): TrafficSnapshot {
		const entries = log.entries();
		// Messages kept from a wider scope are not this scope's: they are not shown nor saved.
		const inScope = (entry: TrafficEntry) => inScopeOf(scope, entry);
		return {
			scope,
			status,
			error,
			note,
			entries,
			shown: entries.filter(
				(entry) =>
					inScope(entry) && (filter === noFilter || filter.matches(entry)),
			),
			filter: filter.text,
			capacity: options.capacity,
			dropped: added - log.size(),
			answerTimeoutMs: options.answerTimeoutMs,
		};
	}

	function changed(): void {
		dirty = true;
		if (!visible) return;
		if (frameMs === 0) flush();
		else timer ??= setTimeout(flush, frameMs);
	}

	function flush(): void {
		timer = undefined;
		if (!dirty) return;
		dirty = false;
		snapshot = build();
		for (const listener of listeners) listener();
	}

	async function retap(): Promise<void> {
		const generation = ++tapGeneration;
		const previous = stopTap;
		stopTap = undefined;
		await previous?.();
		status = 'starting';
		error = undefined;
		note = undefined;
		changed();
		const all = scopeFilters(scope);
		const isPresence = (filter: string) =>
			filter.startsWith('$aws/events/presence/');
		const filters = all.filter((filter) => !isPresence(filter));
		const onMessage = (message: TappedMessage) => {
			if (generation !== tapGeneration) return;
			if (log.add(message)) {
				added++;
				changed();
			}
		};

		try {
			const stop = await client.tap(filters, onMessage);
			// A device's policy seldom allows the lifecycle topics: the shadow's traffic shows without them.
			const stopPresence = await client
				.tap(all.filter(isPresence), onMessage)
				.catch(() => {
					note =
						'lifecycle events not shown: this identity may not subscribe to them';
					return undefined;
				});
			const stopBoth = async () => {
				await stop();
				await stopPresence?.();
			};

			if (generation !== tapGeneration || closed) {
				await stopBoth();
				return;
			}

			stopTap = stopBoth;
			status = 'on';
		} catch (failure: unknown) {
			if (generation !== tapGeneration) return;
			status = 'refused';
			error =
				failure instanceof ShadowRejectedError
					? `this identity may not subscribe to ${filters.join(' ')} (${describeScope(scope)}): its policy needs iot:Subscribe and iot:Receive on them`
					: `the inspector could not subscribe: ${failure instanceof Error ? failure.message : String(failure)}`;
		}

		changed();
	}

	return {
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		getSnapshot: () => snapshot,
		start: retap,
		async follow(next, known) {
			const moved = addressKey(next) !== addressKey(address);
			address = next;
			if (known !== undefined && log.known(next) === undefined)
				log.seed(next, known);
			if (!moved) return;
			if (scope.kind === 'shadow') scope = {kind: 'shadow', address};
			else if (scope.kind === 'thing')
				scope = {kind: 'thing', thingName: address.thingName};
			else return;
			await retap();
		},
		async setScope(kind) {
			if (kind === scope.kind) return;
			scope =
				kind === 'shadow'
					? {kind, address}
					: kind === 'thing'
						? {kind, thingName: address.thingName}
						: {kind};
			await retap();
		},
		setFilter(text) {
			filter = text.trim() === '' ? noFilter : parseTrafficFilter(text);
			dirty = true;
			flush();
		},
		setVisible(next) {
			visible = next;
			if (visible) {
				dirty = true;
				flush();
			}
		},
		async save(path) {
			const shown = build().shown;
			const text = shown
				.map((entry) => JSON.stringify(entryRecord(entry)))
				.join('\n');
			await writeFile(path, shown.length > 0 ? `${text}\n` : '', {
				flag: 'wx',
			});
			return shown.length;
		},
		clear() {
			log.clear();
			added = 0;
			dirty = true;
			flush();
		},
		async close() {
			status = 'closed';
			closed = true;
			tapGeneration++;
			clearInterval(ticker);
			stopStatus();
			if (timer) clearTimeout(timer);
			await stopTap?.();
		},
	};
}
