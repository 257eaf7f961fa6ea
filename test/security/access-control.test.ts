import assert from 'node:assert/strict';
import {test} from 'node:test';
import {createAccessControl} from '../../source/security/access-control.js';
import {isLoopback} from '../../source/security/loopback.js';
import {hashPassword} from '../../source/security/passwords.js';
import {defaultPolicies} from '../../source/security/policy-set.js';

test('without identities, clients on this machine are trusted and every other one is refused', async () => {
	const access = createAccessControl({
		certificates: false,
		policies: defaultPolicies(),
	});
	assert.equal(access.identitiesRequired, false);
	for (const address of ['127.0.0.1', '127.0.0.2', '::1', '::ffff:127.0.0.1']) {
		const result = await access.authenticate({remoteAddress: address});
		assert.deepEqual(result, {ok: true, principal: {kind: 'local'}}, address);
	}

	for (const address of [
		'192.0.2.10',
		'10.0.0.1',
		'::ffff:192.0.2.10',
		'fe80::1',
		undefined,
	]) {
		const result = await access.authenticate({remoteAddress: address});
		assert.equal(result.ok, false, String(address));
		if (!result.ok) assert.equal(result.code, 5);
	}

	assert.equal(isLoopback('128.0.0.1'), false);
	assert.ok(
		isLoopback('localhost') && isLoopback('[::1]'),
		'host names in URLs',
	);
});

test('with users, a password is taken over TLS or from this machine, never in clear from elsewhere', async () => {
	const users = new Map([['alice', await hashPassword('correct horse')]]);
	const access = createAccessControl({
		certificates: false,
		policies: defaultPolicies(),
		users,
	});
	const local = await access.authenticate({
		remoteAddress: '127.0.0.1',
		username: 'alice',
		password: 'correct horse',
	});
	assert.equal(local.ok && local.principal.kind, 'user');
	const remote = await access.authenticate({
		remoteAddress: '192.0.2.10',
		username: 'alice',
		password: 'correct horse',
	});
	assert.deepEqual(remote, {
		ok: false,
		code: 5,
		reason: 'passwords are accepted only over TLS',
	});
	const wrong = await access.authenticate({
		remoteAddress: '127.0.0.1',
		username: 'alice',
		password: 'nope',
	});
	assert.equal(!wrong.ok && wrong.code, 4);
	const nobody = await access.authenticate({
		remoteAddress: '127.0.0.1',
		username: 'mallory',
		password: 'correct horse',
	});
	assert.equal(!nobody.ok && nobody.code, 4);
	const anonymous = await access.authenticate({remoteAddress: '127.0.0.1'});
	assert.equal(!anonymous.ok && anonymous.code, 5);
});

test('a user principal stays current while its password is the one it signed in with; guessing is throttled', async () => {
	let table = new Map([['alice', await hashPassword('correct horse')]]);
	const listeners: (() => void)[] = [];
	const clock = {now: 0};
	const access = createAccessControl({
		certificates: false,
		policies: defaultPolicies(),
		users: {
			current: () => table,
			onChange(listener) {
				listeners.push(listener);
			},
			close() {},
		},
		clock: () => clock.now,
	});
	let told = 0;
	access.onCredentialsChange(() => told++);
	const signIn = async (password: string, remoteAddress = '127.0.0.1') =>
		access.authenticate({remoteAddress, username: 'alice', password});

	const first = await signIn('correct horse');
	assert.ok(first.ok);
	if (!first.ok) return;
	assert.equal(access.isCurrent(first.principal), true);
	table = new Map([['alice', await hashPassword('battery staple')]]);
	for (const listener of listeners) listener();
	assert.equal(told, 1);
	assert.equal(access.isCurrent(first.principal), false, 'password changed');
	const second = await signIn('battery staple');
	assert.ok(second.ok && access.isCurrent(second.principal));
	table = new Map();
	assert.ok(second.ok && !access.isCurrent(second.principal), 'user removed');
	assert.equal(access.isCurrent({kind: 'local'}), true);

	table = new Map([['alice', await hashPassword('correct horse')]]);
	for (let guess = 0; guess < 3; guess++) {
		const wrong = await signIn(`guess ${guess}`);
		assert.ok(
			!wrong.ok && wrong.code === 4 && wrong.retryAfterSeconds === undefined,
		);
	}

	const throttled = await signIn('correct horse');
	assert.deepEqual(throttled.ok ? undefined : throttled.code, 5);
	assert.ok(!throttled.ok && throttled.retryAfterSeconds === 1);
	assert.match(throttled.ok ? '' : throttled.reason, /no password checked/);
	assert.ok((await signIn('correct horse', '127.0.0.2')).ok, 'another address');
	clock.now += 1000;
	assert.ok((await signIn('correct horse')).ok, 'after the delay');
});
