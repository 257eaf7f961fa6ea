import assert from 'node:assert/strict';
import {test} from 'node:test';
import {setFlagsFromString} from 'node:v8';
import {runInNewContext} from 'node:vm';
import {
	bindPolicy,
	parsePolicy,
	resources,
} from '../../source/security/policy.js';
import {
	createVerdictCache,
	defaultVerdictCacheLimits,
} from '../../source/security/verdict-cache.js';

test('the cache is bounded by the characters of its keys, dropping the least recently used first', () => {
	const cache = createVerdictCache({maxChars: 100, maxKeyLength: 40});
	cache.set('a'.repeat(40), true);
	cache.set('b'.repeat(40), false);
	assert.equal(cache.get('a'.repeat(40)), true); // a is now the most recent
	cache.set('c'.repeat(40), true);
	assert.equal(cache.chars, 80);
	assert.equal(cache.get('b'.repeat(40)), undefined, 'b was the oldest');
	assert.equal(cache.get('a'.repeat(40)), true);
	assert.equal(cache.get('c'.repeat(40)), true);
	// Setting a key again does not count it twice.
	cache.set('c'.repeat(40), false);
	assert.equal(cache.chars, 80);
	assert.equal(cache.get('c'.repeat(40)), false);
});

test('a key longer than the limit is never stored', () => {
	const cache = createVerdictCache({maxChars: 1000, maxKeyLength: 40});
	cache.set('x'.repeat(41), true);
	assert.equal(cache.get('x'.repeat(41)), undefined);
	assert.equal(cache.size, 0);
	assert.equal(cache.chars, 0);
});

test('1,000 topics of 60 KB: the cache holds at most its bound, and every decision is still right', () => {
	const parsed = parsePolicy({
		Version: '2012-10-17',
		Statement: [
			{
				Effect: 'Allow',
				Action: 'iot:Publish',
				Resource: 'arn:aws:iot:*:*:topic/app/*',
			},
		],
	});
	assert.ok(parsed.ok);
	if (!parsed.ok) return;
	const cache = createVerdictCache();
	const access = bindPolicy(parsed.policy, {}, cache);
	for (let index = 0; index < 1000; index++) {
		const long = `${index}-${'x'.repeat(60 * 1024)}`;
		assert.equal(
			access.allows('iot:Publish', resources.topic(`app/${long}`)),
			true,
		);
		assert.equal(
			access.allows('iot:Publish', resources.topic(`other/${long}`)),
			false,
		);
		assert.equal(
			access.allows('iot:Publish', resources.topic(`app/short-${index}`)),
			true,
		);
	}

	assert.ok(
		cache.chars <= defaultVerdictCacheLimits.maxChars,
		`${cache.chars} characters held`,
	);
	assert.ok(cache.size > 0, 'short topics are still cached');
});

test('a connection that publishes to 1,000 topics of 60 KB does not keep them', () => {
	// What stays on the heap after a collection: the old cache kept ~60 MB here.
	setFlagsFromString('--expose-gc');
	const collect = runInNewContext('gc') as () => void;
	const parsed = parsePolicy({
		Version: '2012-10-17',
		Statement: {Effect: 'Allow', Action: 'iot:*', Resource: '*'},
	});
	assert.ok(parsed.ok);
	if (!parsed.ok) return;
	const access = bindPolicy(parsed.policy, {});
	collect();
	const before = process.memoryUsage().heapUsed;
	for (let index = 0; index < 1000; index++) {
		const topic = `${index}/${'x'.repeat(60 * 1024)}`;
		assert.equal(access.allows('iot:Publish', resources.topic(topic)), true);
	}

	collect();
	const kept = process.memoryUsage().heapUsed - before;
	assert.ok(kept < 20 * 1024 * 1024, `${Math.round(kept / 1024)} KiB kept`);
	assert.ok(access.allows('iot:Publish', resources.topic('still/works')));
});
