import assert from 'node:assert/strict';
import {test} from 'node:test';
import {createRateLimiter} from '../../source/service/rate-limiter.js';

test('a thing may burst up to its rate, then goes at the rate; other things are not affected', () => {
	let now = 0;
	const limiter = createRateLimiter(20, () => now);
	const burst = Array.from({length: 25}, () => limiter.take('lamp'));
	assert.equal(burst.filter(Boolean).length, 20);
	assert.equal(limiter.take('fan'), true);
	now += 100; // 0.1 s refills two requests
	assert.deepEqual(
		[limiter.take('lamp'), limiter.take('lamp'), limiter.take('lamp')],
		[true, true, false],
	);
	now += 60_000;
	assert.equal(
		Array.from({length: 20}, () => limiter.take('lamp')).every(Boolean),
		true,
	);
});

test('a limit of 0 or infinity turns the limit off', () => {
	for (const rate of [0, Number.POSITIVE_INFINITY]) {
		const limiter = createRateLimiter(rate, () => 0);
		assert.ok(
			Array.from({length: 1000}, () => limiter.take('lamp')).every(Boolean),
		);
	}
});
