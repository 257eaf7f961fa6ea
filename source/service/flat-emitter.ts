/*
aedes' message bus (mqemitter) without its stack overflow. With a
concurrency limit (aedes' default is 100 messages in flight), mqemitter
queues what is over it, and each message that completes starts the next
queued one from inside its own completion, on the same stack: a flood of
QoS 0 publishes (1,000 a second at one shadow) piles the queue up and ends
the whole process with "Maximum call stack size exceeded"
(mcollina/mqemitter#204, moscajs/aedes#193). Without a limit nothing is
queued there, so nothing is started from a completion, and messages go out
in the order they came in. What a slow subscriber has not read is bounded
per client by the broker's own limits (broker-limits.ts), not by this queue.
*/
import mqemitter from 'mqemitter';

export function createFlatEmitter(): ReturnType<typeof mqemitter> {
	return mqemitter({concurrency: 0});
}
