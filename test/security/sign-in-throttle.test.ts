import assert from 'node:assert/strict';
import {test} from 'node:test';
import {
	addressKey,
	createSignInThrottle,
	defaultSignInThrottleSettings,
	type SignInAttempt,
	type SignInThrottle,
} from '../../source/security/sign-in-throttle.js';

function fakeClock(start = 1_000_000) {
	const clock = {now: start, read: () => clock.now};
	return clock;
}

/** One try, finished at once: true when it was let through. */
function attempt(
	throttle: SignInThrottle,
	who: SignInAttempt,
	succeeds: boolean,
): boolean {
	const ticket = throttle.begin(who);
	if (!ticket.ok) return false;
	ticket.finish(succeeds);
	return true;
}

const mallory = {address: '192.0.2.66', user: 'alice'};

test('after three failures for one user from one address, tries wait 1 s, then 2, 4, … up to 60 s', () => {
	const clock = fakeClock();
	const throttle = createSignInThrottle(clock.read);
	for (let index = 0; index < 3; index++)
		assert.ok(attempt(throttle, mallory, false), `free try ${index + 1}`);

	const delays: number[] = [];
	for (let index = 0; index < 9; index++) {
		const refused = throttle.begin(mallory);
		assert.equal(refused.ok, false);
		if (refused.ok) return;
		assert.match(refused.reason, /too many failed sign-ins/);
		delays.push(refused.retryAfterMs);
		// Just before the delay is over: still refused (and that costs no scrypt, and counts nothing).
		clock.now += refused.retryAfterMs - 1;
		assert.equal(throttle.begin(mallory).ok, false);
		clock.now += 1;
		assert.ok(attempt(throttle, mallory, false));
	}

	assert.deepEqual(
		delays,
		[1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000],
	);
});

test('the right password during the delay is refused too: a guess cannot be confirmed', () => {
	const clock = fakeClock();
	const throttle = createSignInThrottle(clock.read);
	for (let index = 0; index < 3; index++) attempt(throttle, mallory, false);
	assert.equal(throttle.begin(mallory).ok, false);
});

test('failures are forgiven one a minute', () => {
	const clock = fakeClock();
	const throttle = createSignInThrottle(clock.read);
	for (let index = 0; index < 3; index++) attempt(throttle, mallory, false);
	// The 1 s delay passed, and a minute more forgives one failure: one free try again.
	clock.now += 61_000;
	assert.ok(attempt(throttle, mallory, false));
	const refused = throttle.begin(mallory);
	assert.ok(!refused.ok && refused.retryAfterMs === 1000);
	// After three quiet minutes everything is forgiven.
	clock.now += 3 * 60_000;
	for (let index = 0; index < 3; index++)
		assert.ok(attempt(throttle, mallory, false));
});

test('a success clears its own count; a user who mistyped once is not held back', () => {
	const clock = fakeClock();
	const throttle = createSignInThrottle(clock.read);
	const alice = {address: '198.51.100.7', user: 'alice'};
	assert.ok(attempt(throttle, alice, false));
	assert.ok(attempt(throttle, alice, false));
	assert.ok(attempt(throttle, alice, true));
	for (let index = 0; index < 3; index++)
		assert.ok(attempt(throttle, alice, false));
});

test('tries in progress count: a burst of parallel guesses gets no further than a sequence', () => {
	const clock = fakeClock();
	const throttle = createSignInThrottle(clock.read);
	const tickets = Array.from({length: 50}, () => throttle.begin(mallory));
	const admitted = tickets.filter((ticket) => ticket.ok);
	assert.equal(admitted.length, 3);
	for (const ticket of admitted) if (ticket.ok) ticket.finish(false);
	assert.equal(throttle.begin(mallory).ok, false);
});

test('guessing alice from one address slows neither alice elsewhere nor another user at that address', () => {
	const clock = fakeClock();
	const throttle = createSignInThrottle(clock.read);
	for (let index = 0; index < 5; index++) attempt(throttle, mallory, false);
	assert.equal(throttle.begin(mallory).ok, false);
	assert.ok(
		attempt(throttle, {address: '198.51.100.7', user: 'alice'}, true),
		'alice from her own address',
	);
	assert.ok(
		attempt(throttle, {address: mallory.address, user: 'carol'}, true),
		'carol behind the same address',
	);
});

test('spraying many user names from one address is limited by the address', () => {
	const clock = fakeClock();
	const throttle = createSignInThrottle(clock.read);
	const allowance = defaultSignInThrottleSettings.addressAllowance;
	for (let index = 0; index < allowance; index++)
		assert.ok(
			attempt(
				throttle,
				{address: mallory.address, user: `user-${index}`},
				false,
			),
		);
	const refused = throttle.begin({address: mallory.address, user: 'someone'});
	assert.ok(!refused.ok);
	assert.match(refused.reason, /this address/);
	// Someone who signed in from there before is not locked out by the neighbour.
	const fresh = createSignInThrottle(clock.read);
	assert.ok(attempt(fresh, {address: mallory.address, user: 'carol'}, true));
	for (let index = 0; index < allowance + 5; index++)
		attempt(fresh, {address: mallory.address, user: `user-${index}`}, false);
	assert.equal(
		fresh.begin({address: mallory.address, user: 'nobody'}).ok,
		false,
	);
	assert.ok(attempt(fresh, {address: mallory.address, user: 'carol'}, true));
});

test('guessing one user from many addresses is limited by the user name, except where they signed in before', () => {
	const clock = fakeClock();
	const throttle = createSignInThrottle(clock.read);
	const home = {address: '198.51.100.7', user: 'alice'};
	assert.ok(attempt(throttle, home, true));
	const allowance = defaultSignInThrottleSettings.userAllowance;
	for (let index = 0; index < allowance; index++)
		assert.ok(
			attempt(throttle, {address: `203.0.113.${index}`, user: 'alice'}, false),
		);
	const refused = throttle.begin({address: '203.0.113.200', user: 'alice'});
	assert.ok(!refused.ok);
	assert.match(refused.reason, /this user/);
	assert.ok(attempt(throttle, home, true), 'alice where she signed in before');
	assert.ok(
		attempt(throttle, {address: '203.0.113.200', user: 'bob'}, true),
		'bob is not alice',
	);
});

test('the tables stay bounded, forgetting the least recently used', () => {
	const clock = fakeClock();
	const throttle = createSignInThrottle(clock.read, {
		...defaultSignInThrottleSettings,
		maxEntries: 100,
		addressAllowance: 1_000_000,
		userAllowance: 1_000_000,
	});
	for (let index = 0; index < 3; index++) attempt(throttle, mallory, false);
	assert.equal(throttle.begin(mallory).ok, false);
	// Far more names than the tables hold (each a long guess, stored as a digest).
	for (let index = 0; index < 10_000; index++)
		attempt(
			throttle,
			{address: mallory.address, user: `${'x'.repeat(1000)}${index}`},
			false,
		);
	// mallory's own entry was the oldest and is gone; memory did not grow with the guesses.
	assert.equal(throttle.begin(mallory).ok, true);
});

test('addresses are counted as IPv4, or by their IPv6 /64', () => {
	assert.equal(addressKey('192.0.2.1'), '192.0.2.1');
	assert.equal(addressKey('::ffff:192.0.2.1'), '192.0.2.1');
	assert.equal(
		addressKey('2001:db8:1:2:aaaa::1'),
		addressKey('2001:0db8:0001:0002:ffff:1:2:3'),
	);
	assert.notEqual(addressKey('2001:db8:1:2::1'), addressKey('2001:db8:1:3::1'));
	assert.equal(addressKey(undefined), 'unknown');
});
