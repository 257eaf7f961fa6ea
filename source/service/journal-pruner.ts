/*
Keeps the journal within its retention without making an update wait: the
service notes which shadows it wrote, and once a second the pruner deletes
what is past the bounds in chunks of a few hundred rows, yielding to the
event loop between chunks so that queued requests are answered in between.

A shadow is checked once it has had versions/20 writes since its last check
(every write for small bounds), so that a busy fleet does not pay one count
per write; between checks a shadow may hold up to 5% more than its bound.
After a start, every shadow of the store is checked once too, a few hundred
a second, so that a bound lowered across a restart applies to shadows
nobody writes.
*/
import type {Logger} from '../log/logger.js';
import {addressKey, type ShadowAddress} from '../shadow/topics.js';
import type {JournalRetention, JournalWrite} from '../store/journal.js';
import type {ShadowStore} from '../store/shadow-store.js';

const chunkRows = 500;
const intervalMs = 1000;
/** Bounds the shadows waiting for a check, whatever the fleet's size. */
const maxTracked = 100_000;

export type JournalPruner = {
	noteWrites(writes: readonly JournalWrite[]): void;
	/** Runs a full pass now; resolves when nothing is past retention (tests, shutdown). */
	pruneNow(): Promise<void>;
	stop(): void;
};

export function startJournalPruner(options: {
	readonly store: ShadowStore;
	readonly retention: JournalRetention;
	/** Epoch seconds. */
	readonly clock: () => number;
	readonly log: Logger;
}): JournalPruner {
	const {store, retention, clock, log} = options;
	const slack = Math.max(1, Math.floor(retention.versions / 20));
	const writesSince = new Map<
		string,
		{address: ShadowAddress; writes: number}
	>();
	let due = new Map<string, ShadowAddress>();
	let running: Promise<void> | undefined;
	let stopped = false;
	/** Where the sweep of every shadow goes on; undefined once done. */
	let sweep: ShadowAddress | undefined = {thingName: '', shadowName: ''};

	const timer = setInterval(() => {
		void pass();
	}, intervalMs);
	timer.unref();

	async function pass(): Promise<void> {
		running ??= runChunks().finally(() => {
			running = undefined;
		});
		return running;
	}

	function sweepSome(): void {
		if (!sweep) return;
		const next = store.listAddresses(sweep, chunkRows);
		for (const address of next) due.set(addressKey(address), address);
		sweep = next.length < chunkRows ? undefined : next.at(-1);
	}

	async function runChunks(): Promise<void> {
		try {
			sweepSome();
		} catch (error: unknown) {
			log.error('journal sweep failed; retrying in a second', {
				error: String(error),
			});
		}

		const shadows = [...due.values()];
		due = new Map();
		let deleted = chunkRows;
		while (!stopped && deleted >= chunkRows) {
			try {
				deleted = store.pruneJournal(retention, clock(), shadows, chunkRows);
			} catch (error: unknown) {
				log.error('journal prune failed; retrying in a second', {
					error: String(error),
				});
				for (const address of shadows) due.set(addressKey(address), address);
				return;
			}

			// A full chunk may have stopped part way: the loop goes on with the same shadows.
			await new Promise((resolve) => {
				setImmediate(resolve);
			});
		}
	}

	return {
		noteWrites(writes) {
			for (const {address} of writes) {
				const key = addressKey(address);
				const known = writesSince.get(key) ?? {address, writes: 0};
				known.writes += 1;
				if (known.writes >= slack) {
					writesSince.delete(key);
					due.set(key, address);
				} else if (known.writes === 1 && writesSince.size >= maxTracked) {
					// Too many shadows to count: check this one now rather than forget it.
					due.set(key, address);
				} else {
					writesSince.set(key, known);
				}
			}
		},
		async pruneNow() {
			while (sweep) sweepSome();
			for (const [key, {address}] of writesSince) due.set(key, address);
			writesSince.clear();
			await running;
			await pass();
		},
		stop() {
			stopped = true;
			clearInterval(timer);
		},
	};
}
