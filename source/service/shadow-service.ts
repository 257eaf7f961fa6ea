/*
The shadow service: requests from MQTT and HTTP go through one queue, are
answered by the engine strictly in arrival order, and the records they change
are committed in one transaction per batch (group commit). Replies leave only
after that commit: nothing is acknowledged before it is durable.
*/
import type {Logger} from '../log/logger.js';
import {messages, reject, type Rejection} from '../shadow/errors.js';
import type {EngineOptions} from '../shadow/limits.js';
import {
	deleteShadow,
	getShadow,
	type DeleteOutcome,
	type GetOutcome,
} from '../shadow/read-shadow.js';
import {errorDocument} from '../shadow/replies.js';
import {parseTokenOnly, type Payload} from '../shadow/request.js';
import type {ShadowRecord} from '../shadow/shadow-record.js';
import {
	addressKey,
	formatShadowTopic,
	parseShadowTopic,
	type Operation,
	type ShadowAddress,
} from '../shadow/topics.js';
import {updateShadow, type UpdateOutcome} from '../shadow/update-shadow.js';
import {
	defaultRetention,
	type JournalEntry,
	type JournalQuery,
	type JournalRetention,
	type JournalWrite,
	type Writer,
} from '../store/journal.js';
import type {ShadowStore} from '../store/shadow-store.js';
import {startJournalPruner} from './journal-pruner.js';
import {createRateLimiter} from './rate-limiter.js';

const throttled = reject(429, messages.tooManyRequests);

export type Publish = (topic: string, payload: Buffer) => void;

export type Channel = Writer['channel'];

type OutcomeOf = {
	update: UpdateOutcome;
	get: GetOutcome;
	delete: DeleteOutcome;
};
type AnyOutcome = UpdateOutcome | GetOutcome | DeleteOutcome;

type Pending = {
	readonly address: ShadowAddress;
	readonly operation: Operation;
	readonly payload: Payload;
	readonly channel: Channel;
	readonly writer: Writer;
	/** MQTT only: the request topic, whose /rejected answers it. */
	readonly topic?: string;
	readonly resolve: (outcome: AnyOutcome) => void;
};

export type ShadowService = {
	/** Handles one MQTT message on a shadow request topic; replies go out through publish. */
	handleMessage(
		topic: string,
		payload: Buffer,
		publisher?: Omit<Writer, 'channel'>,
	): void;
	/** The HTTP API's entry: same queue, same engine; MQTT side effects as AWS does them (§8.7). */
	request<K extends Operation>(
		address: ShadowAddress,
		operation: K,
		payload: Payload,
		caller?: Omit<Writer, 'channel'>,
	): Promise<OutcomeOf[K]>;
	/** Undefined when the journal is off (retention of 0 versions). */
	readonly journal?: {
		read(query: JournalQuery): JournalEntry[];
		/** Prunes what is past retention now (tests). */
		pruneNow(): Promise<void>;
		readonly retention: JournalRetention;
	};
	listNamedShadows(thingName: string, after: string, limit: number): string[];
	readonly options: EngineOptions;
	/** Answers what is queued, then stops taking requests. */
	close(): Promise<void>;
};

export type ShadowServiceDependencies = {
	readonly store: ShadowStore;
	readonly publish: Publish;
	/** Epoch seconds. */
	readonly clock: () => number;
	readonly options: EngineOptions;
	readonly log: Logger;
	/** Milliseconds, monotonic, for the rate limit; default performance.now. */
	readonly monotonicClock?: () => number;
	/** The version journal's bounds; default defaultRetention. */
	readonly retention?: JournalRetention;
};

export function createShadowService(
	dependencies: ShadowServiceDependencies,
): ShadowService {
	const {store, publish, clock, options, log} = dependencies;
	const limiter = createRateLimiter(
		options.limits.requestsPerSecondPerThing,
		dependencies.monotonicClock ?? (() => performance.now()),
	);
	const retention = dependencies.retention ?? defaultRetention;
	const pruner =
		retention.versions > 0
			? startJournalPruner({store, retention, clock, log})
			: undefined;
	let queue: Pending[] = [];
	let scheduled = false;
	let closed = false;

	function enqueue(pending: Pending): void {
		queue.push(pending);
		if (!scheduled) {
			scheduled = true;
			// Everything that arrives before the next turn of the event loop shares one commit.
			setImmediate(flush);
		}
	}

	function flush(): void {
		scheduled = false;
		const batch = queue;
		queue = [];
		const changes = new Map<
			string,
			{address: ShadowAddress; record: ShadowRecord}
		>();
		const journal: JournalWrite[] = [];
		const outcomes = batch.map((pending) => {
			const outcome = runGuarded(pending, changes);
			if (outcome.ok && 'shadow' in outcome) {
				changes.set(addressKey(pending.address), {
					address: pending.address,
					record: outcome.shadow,
				});
				if (pruner) journal.push(journalWrite(pending, outcome));
			}

			return outcome;
		});

		let failed = false;
		if (changes.size > 0) {
			try {
				store.commitBatch(changes, journal);
				pruner?.noteWrites(journal);
			} catch (error: unknown) {
				failed = true;
				log.error('store commit failed; answering the batch with 500', {
					error: String(error),
					size: changes.size,
				});
			}
		}

		for (const [index, pending] of batch.entries()) {
			const outcome = outcomes[index] as AnyOutcome;
			const final =
				failed && outcome.ok && 'shadow' in outcome
					? internalFailure(pending, outcome)
					: outcome;
			try {
				reply(pending, final);
			} catch (error: unknown) {
				logFailure('reply', pending, error);
			}

			pending.resolve(final);
		}
	}

	function journalWrite(
		pending: Pending,
		outcome: Extract<AnyOutcome, {shadow: unknown}>,
	): JournalWrite {
		const {clientToken} = outcome.accepted;
		return {
			address: pending.address,
			record: outcome.shadow,
			writer: pending.writer,
			...(clientToken === undefined ? {} : {clientToken}),
		};
	}

	/** One request that throws is answered 500; the rest of its batch, and the process, go on. */
	function runGuarded(
		pending: Pending,
		changes: ReadonlyMap<
			string,
			{address: ShadowAddress; record: ShadowRecord}
		>,
	): AnyOutcome {
		try {
			const key = addressKey(pending.address);
			const record = changes.has(key)
				? changes.get(key)?.record
				: store.load(pending.address);
			return run(pending, record, changes);
		} catch (error: unknown) {
			logFailure('request', pending, error);
			return internalFailure(pending);
		}
	}

	function logFailure(stage: string, pending: Pending, error: unknown): void {
		log.error(`internal error in a ${stage}; answered 500`, {
			thingName: pending.address.thingName,
			shadowName: pending.address.shadowName,
			operation: pending.operation,
			channel: pending.channel,
			clientToken: readableToken(pending.payload),
			error: describeError(error),
		});
	}

	function readableToken(payload: Payload): string | undefined {
		try {
			const token = parseTokenOnly(payload, options.limits);
			return token.ok ? token.value.clientToken : undefined;
		} catch {
			return undefined;
		}
	}

	function run(
		pending: Pending,
		record: ShadowRecord | undefined,
		changes: ReadonlyMap<
			string,
			{address: ShadowAddress; record: ShadowRecord}
		>,
	): AnyOutcome {
		const {address, payload} = pending;
		const context = {
			address,
			now: clock(),
			options,
			namedShadowCount: namedShadowCount(address, record, changes),
		};
		switch (pending.operation) {
			case 'update': {
				return updateShadow(record, payload, context);
			}

			case 'get': {
				return getShadow(record, payload, context);
			}

			case 'delete': {
				return deleteShadow(record, payload, context);
			}
		}
	}

	/** Only worth a query when a limit is set and a named shadow is about to be created. */
	function namedShadowCount(
		address: ShadowAddress,
		record: ShadowRecord | undefined,
		changes: ReadonlyMap<
			string,
			{address: ShadowAddress; record: ShadowRecord}
		>,
	): number | undefined {
		if (
			!Number.isFinite(options.limits.namedShadowsPerThing) ||
			address.shadowName === '' ||
			record?.kind === 'live'
		) {
			return undefined;
		}

		let count = store.countLiveNamedShadows(address.thingName);
		for (const change of changes.values()) {
			if (
				change.address.thingName !== address.thingName ||
				change.address.shadowName === ''
			)
				continue;
			const before = store.load(change.address)?.kind === 'live';
			const after = change.record.kind === 'live';
			count += Number(after) - Number(before);
		}

		return count;
	}

	function internalFailure(pending: Pending, outcome?: AnyOutcome): AnyOutcome {
		const rejection = reject(500, messages.internalFailure);
		const clientToken =
			outcome?.ok && 'accepted' in outcome
				? outcome.accepted.clientToken
				: readableToken(pending.payload);
		return {
			ok: false,
			rejection,
			error: errorDocument(rejection, clock(), clientToken),
		};
	}

	function send(topic: string, document: unknown): void {
		publish(topic, Buffer.from(JSON.stringify(document)));
	}

	/** A refusal before the engine (bad name, rate limit): the body may be fine, so echo a readable token to correlate. */
	function rejectEarly(
		topic: string,
		payload: Buffer,
		rejection: Rejection,
	): void {
		const token = parseTokenOnly(payload, options.limits);
		send(
			`${topic}/rejected`,
			errorDocument(
				rejection,
				clock(),
				token.ok ? token.value.clientToken : undefined,
			),
		);
	}

	function reply(pending: Pending, outcome: AnyOutcome): void {
		const {address, operation, channel} = pending;
		if (!outcome.ok) {
			// REST errors are HTTP only (§8.7).
			if (channel === 'mqtt')
				send(
					`${pending.topic ?? formatShadowTopic(address, operation)}/rejected`,
					outcome.error,
				);
			return;
		}

		if ('documents' in outcome) {
			send(formatShadowTopic(address, 'update', 'accepted'), outcome.accepted);
			if (outcome.delta)
				send(formatShadowTopic(address, 'update', 'delta'), outcome.delta);
			send(
				formatShadowTopic(address, 'update', 'documents'),
				outcome.documents,
			);
			return;
		}

		// A REST get is answered over HTTP only; a REST delete is announced on MQTT too.
		if (channel === 'mqtt' || operation === 'delete') {
			send(formatShadowTopic(address, operation, 'accepted'), outcome.accepted);
		}
	}

	function receive(topic: string, payload: Buffer, writer: Writer): void {
		if (closed) return;
		const parsed = parseShadowTopic(topic, options.limits);
		if (parsed.kind === 'other' || parsed.topic.reply !== undefined) return;
		if (parsed.kind === 'bad-name') {
			log.info('request refused: invalid name', {
				topic,
				message: parsed.rejection.message,
			});
			rejectEarly(topic, payload, parsed.rejection);
			return;
		}

		const {thingName, shadowName, operation} = parsed.topic;
		if (!limiter.take(thingName)) {
			rejectEarly(topic, payload, throttled);
			return;
		}

		enqueue({
			address: {thingName, shadowName},
			operation,
			payload,
			channel: 'mqtt',
			writer,
			topic,
			resolve: () => undefined,
		});
	}

	return {
		options,
		...(pruner
			? {
					journal: {
						read: (query: JournalQuery) => store.readJournal(query),
						pruneNow: async () => pruner.pruneNow(),
						retention,
					},
				}
			: {}),
		handleMessage(topic, payload, publisher = {}) {
			try {
				receive(topic, payload, {...publisher, channel: 'mqtt'});
			} catch (error: unknown) {
				log.error('internal error on a shadow topic; answered 500', {
					topic,
					error: describeError(error),
				});
				rejectEarly(topic, payload, reject(500, messages.internalFailure));
			}
		},
		async request(address, operation, payload, caller = {}) {
			if (closed) throw new Error('the shadow service is closed');
			if (!limiter.take(address.thingName)) {
				return {
					ok: false,
					rejection: throttled,
					error: errorDocument(throttled, clock()),
				} as OutcomeOf[typeof operation];
			}

			return new Promise((resolve) => {
				enqueue({
					address,
					operation,
					payload,
					channel: 'http',
					writer: {...caller, channel: 'http'},
					resolve: resolve as (outcome: AnyOutcome) => void,
				});
			});
		},
		listNamedShadows(thingName, after, limit) {
			return store.listNamedShadows(thingName, after, limit);
		},
		async close() {
			closed = true;
			pruner?.stop();
			if (queue.length > 0) flush();
			await Promise.resolve();
		},
	};
}

/** The stack when there is one: an internal error is a bug to find. */
function describeError(error: unknown): string {
	return error instanceof Error
		? (error.stack ?? error.message)
		: String(error);
}
