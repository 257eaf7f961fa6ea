/*
aedes' message bus (mqemitter) without its stack overflow. When more messages
are in flight than its concurrency, mqemitter queues them, and each one that
completes starts the next from inside its own completion, on the same stack:
a flood of QoS 0 publishes (1,000 a second at one shadow) piles the queue up
and ends the whole process with "Maximum call stack size exceeded"
(mcollina/mqemitter#204, moscajs/aedes#193). Here a message started that deep
in one synchronous chain is started on the next turn instead, with its slot
held meanwhile, so messages published during the wait queue behind it and
the order is kept.
*/
import mqemitter from 'mqemitter';

type Bus = ReturnType<typeof mqemitter> & {
	_do(message: unknown, callback: unknown): unknown;
};

/** Nested starts on one stack before the next start waits a turn. */
const maxNesting = 64;

export function createFlatEmitter(
	concurrency = 100,
): ReturnType<typeof mqemitter> {
	const bus = mqemitter({concurrency}) as Bus;
	const start = bus._do.bind(bus);
	let nesting = 0;
	bus._do = (message, callback) => {
		if (nesting >= maxNesting) {
			bus.current++;
			setImmediate(() => {
				bus.current--;
				start(message, callback);
			});
			return bus;
		}

		nesting++;
		try {
			return start(message, callback);
		} finally {
			nesting--;
		}
	};

	return bus;
}
