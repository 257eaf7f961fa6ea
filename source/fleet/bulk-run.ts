/*
One action (an update, a delete, a get) over many shadows with bounded
concurrency. Each target is sent once per run; retry() sends again only the
ones that failed, and only when asked, so nothing goes out twice by accident.
A timeout or a dropped connection is "unknown" rather than "failed": the
request may have been applied, which the result says.
*/
import {
	ShadowOfflineError,
	ShadowRejectedError,
	ShadowTimeoutError,
} from '../client/shadow-errors.js';
import type {ShadowAddress} from '../shadow/topics.js';

export type BulkOutcome =
	| {
			readonly kind: 'accepted';
			readonly version: number;
			readonly document: unknown;
	  }
	| {readonly kind: 'rejected'; readonly code: number; readonly message: string}
	| {readonly kind: 'unknown'; readonly message: string};

export type BulkItem = {
	readonly address: ShadowAddress;
	readonly status: 'waiting' | 'sending' | 'done';
	readonly outcome?: BulkOutcome;
	/** How many times it was sent. */
	readonly attempts: number;
};

export type BulkProgress = {
	readonly total: number;
	readonly done: number;
	readonly accepted: number;
	readonly failed: number;
	readonly running: boolean;
};

export type BulkRun = {
	run(): Promise<void>;
	/** Sends the rejected and unknown ones again. */
	retry(): Promise<void>;
	/** A snapshot of every item (copied when something changed since the last call). */
	items(): readonly BulkItem[];
	progress(): BulkProgress;
	/** Told after every change. */
	subscribe(listener: () => void): () => void;
	/** Told once per item when its request has an outcome. */
	onDone(listener: (item: BulkItem) => void): () => void;
};

export type BulkAction = (address: ShadowAddress) => Promise<{version: number}>;

export function createBulkRun(
	addresses: readonly ShadowAddress[],
	action: BulkAction,
	concurrency = 64,
): BulkRun {
	// Updated in place with running counts: a copy per change would make 10,000 items quadratic.
	const items: BulkItem[] = addresses.map((address) => ({
		address,
		status: 'waiting',
		attempts: 0,
	}));
	let copy: readonly BulkItem[] | undefined;
	let done = 0;
	let accepted = 0;
	const listeners = new Set<() => void>();
	const doneListeners = new Set<(item: BulkItem) => void>();
	let running: Promise<void> | undefined;

	const notify = () => {
		copy = undefined;
		for (const listener of listeners) listener();
	};

	async function send(index: number): Promise<void> {
		const item = items[index];
		if (!item) return;
		items[index] = {...item, status: 'sending', attempts: item.attempts + 1};
		notify();
		let outcome: BulkOutcome;
		try {
			const document = await action(item.address);
			outcome = {kind: 'accepted', version: document.version, document};
		} catch (error: unknown) {
			if (error instanceof ShadowRejectedError)
				outcome = {kind: 'rejected', code: error.code, message: error.reason};
			else if (
				error instanceof ShadowTimeoutError ||
				error instanceof ShadowOfflineError
			)
				outcome = {
					kind: 'unknown',
					message: `${error.message} (it may have been applied)`,
				};
			else
				outcome = {
					kind: 'unknown',
					message: error instanceof Error ? error.message : String(error),
				};
		}

		const finished: BulkItem = {
			...(items[index] ?? item),
			status: 'done',
			outcome,
		};
		items[index] = finished;
		done++;
		if (outcome.kind === 'accepted') accepted++;
		for (const listener of doneListeners) listener(finished);
		notify();
	}

	async function drain(): Promise<void> {
		const waiting = items.flatMap((item, index) =>
			item.status === 'waiting' ? [index] : [],
		);
		let next = 0;
		const worker = async () => {
			while (next < waiting.length) {
				const index = waiting[next++];
				if (index !== undefined) await send(index);
			}
		};

		await Promise.all(
			Array.from({length: Math.min(concurrency, waiting.length)}, worker),
		);
	}

	const start = async (): Promise<void> => {
		running ??= drain().finally(() => {
			running = undefined;
			notify();
		});
		return running;
	};

	return {
		run: start,
		async retry() {
			await running;
			items.forEach((item, index) => {
				if (item.status === 'done' && item.outcome?.kind !== 'accepted') {
					items[index] = {...item, status: 'waiting'};
					done--;
				}
			});
			notify();
			await start();
		},
		items() {
			copy ??= [...items];
			return copy;
		},
		progress: () => ({
			total: items.length,
			done,
			accepted,
			failed: done - accepted,
			running: running !== undefined,
		}),
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		onDone(listener) {
			doneListeners.add(listener);
			return () => doneListeners.delete(listener);
		},
	};
}
