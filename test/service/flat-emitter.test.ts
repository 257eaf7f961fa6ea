import assert from 'node:assert/strict';
import {test} from 'node:test';
import mqemitter from 'mqemitter';
import {createFlatEmitter} from '../../source/service/flat-emitter.js';

/** Holds the first message in flight, queues `count` behind it, then lets it complete. */
async function drain(
	bus: ReturnType<typeof mqemitter>,
	count: number,
): Promise<number[]> {
	const seen: number[] = [];
	let release: (() => void) | undefined;
	bus.on('t', (message, done) => {
		seen.push(message.n as number);
		if (message.n === 0) release = done;
		else done();
	});
	await new Promise((resolve) => setImmediate(resolve));
	for (let n = 0; n <= count; n++) bus.emit({topic: 't', n});
	release?.();
	const deadline = Date.now() + 20_000;
	while (seen.length <= count && Date.now() < deadline)
		await new Promise((resolve) => setImmediate(resolve));
	return seen;
}

test("mqemitter's queue drains recursively: a long one overflows the stack", async () => {
	await assert.rejects(
		(async () => drain(mqemitter({concurrency: 1}), 100_000))(),
		RangeError,
	);
});

test('the flat emitter drains the same queue in order, without overflowing', async () => {
	const seen = await drain(createFlatEmitter(), 100_000);
	assert.equal(seen.length, 100_001);
	assert.ok(seen.every((n, index) => n === index));
});

test('messages arrive in the order they were emitted, also when one emitted deep in a chain waits a turn', async () => {
	const bus = createFlatEmitter();
	let emitted = 0;
	const delivered: number[] = [];
	const emit = () => {
		bus.emit({topic: 't', order: emitted++});
	};

	bus.on('t', (message, done) => {
		delivered.push(message.order as number);
		// Each of the first 500 emits the next from inside its delivery: a chain deeper than a stack allows nested.
		if ((message.order as number) < 500 && message.chain !== false) emit();
		done();
	});
	await new Promise((resolve) => setImmediate(resolve));
	emit();
	// Meanwhile, messages from outside the chain, as new packets would bring them.
	for (let turn = 0; turn < 20; turn++) {
		await new Promise((resolve) => setImmediate(resolve));
		bus.emit({topic: 't', order: emitted++, chain: false});
	}

	const deadline = Date.now() + 10_000;
	while (delivered.length < emitted && Date.now() < deadline)
		await new Promise((resolve) => setImmediate(resolve));
	assert.equal(delivered.length, emitted);
	assert.deepEqual(
		delivered,
		[...delivered].sort((a, b) => a - b),
	);
});
