/*
The pure rules of presence across a restart: AWS's grace of 1.5 × keep-alive,
the lifecycle event's shape, and what an orphan that never reconnects leaves.
*/
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {
	awsGracePolicy,
	lifecycleEvent,
	maxRememberedWillBytes,
	orphanGraceMs,
	orphanMessages,
	orphanTimers,
	rememberedWill,
} from '../../source/service/presence-rules.js';
import type {PresenceRecord} from '../../source/store/presence-store.js';

const will = {
	topic: '$aws/things/lamp/shadow/update',
	payload: Buffer.from('{"state":{"reported":{"connected":false}}}'),
	qos: 1 as const,
	retain: false,
};

const orphan = (
	clientId: string,
	keepAliveSeconds: number,
	extra: Partial<PresenceRecord> = {},
): PresenceRecord => ({
	clientId,
	sessionIdentifier: `session-${clientId}`,
	principalIdentifier: 'anonymous',
	keepAliveSeconds,
	versionNumber: 3,
	connectedAt: 1000,
	...extra,
});

test('the grace is 1.5 × keep-alive, and a default for keep-alive 0', () => {
	const cases: [keepAlive: number, graceMs: number][] = [
		[2, 3000],
		[30, 45_000],
		[1200, 1_800_000],
		[0, 90_000],
		[-1, 90_000],
		[Number.NaN, 90_000],
	];
	for (const [keepAlive, graceMs] of cases)
		assert.equal(orphanGraceMs(keepAlive), graceMs, `keep-alive ${keepAlive}`);
	assert.equal(
		orphanGraceMs(0, {keepAliveFactor: 1.5, defaultKeepAliveSeconds: 1}),
		1500,
	);
	assert.equal(
		orphanGraceMs(4, {...awsGracePolicy, keepAliveFactor: 0.25}),
		1000,
	);
});

test('lifecycle events carry AWS fields in AWS order', () => {
	const fields = {
		clientId: 'lamp',
		timestamp: 1234,
		sessionIdentifier: 's-1',
		principalIdentifier: 'anonymous',
		versionNumber: 2,
	};
	const connected = lifecycleEvent(fields, {
		eventType: 'connected',
		ipAddress: '127.0.0.1',
	});
	assert.equal(connected.topic, '$aws/events/presence/connected/lamp');
	assert.equal(
		connected.payload.toString(),
		'{"clientId":"lamp","timestamp":1234,"eventType":"connected","sessionIdentifier":"s-1","principalIdentifier":"anonymous","ipAddress":"127.0.0.1","versionNumber":2}',
	);
	assert.equal(connected.qos, 1);
	assert.equal(connected.retain, false);

	const lost = lifecycleEvent(fields, {
		eventType: 'disconnected',
		clientInitiatedDisconnect: false,
	});
	assert.equal(lost.topic, '$aws/events/presence/disconnected/lamp');
	assert.deepEqual(JSON.parse(lost.payload.toString()), {
		...fields,
		eventType: 'disconnected',
		clientInitiatedDisconnect: false,
		disconnectReason: 'CONNECTION_LOST',
	});
	const clean = lifecycleEvent(fields, {
		eventType: 'disconnected',
		clientInitiatedDisconnect: true,
	});
	assert.equal(
		(JSON.parse(clean.payload.toString()) as {disconnectReason: string})
			.disconnectReason,
		'CLIENT_INITIATED_DISCONNECT',
	);
});

test('an orphan that does not come back: its will, then CONNECTION_LOST', () => {
	const messages = orphanMessages(orphan('lamp', 2, {will}), 5000);
	assert.equal(messages.length, 2);
	assert.deepEqual(messages[0], will);
	assert.equal(messages[1]?.topic, '$aws/events/presence/disconnected/lamp');
	assert.deepEqual(JSON.parse(messages[1]?.payload.toString() ?? ''), {
		clientId: 'lamp',
		timestamp: 5000,
		eventType: 'disconnected',
		sessionIdentifier: 'session-lamp',
		principalIdentifier: 'anonymous',
		clientInitiatedDisconnect: false,
		disconnectReason: 'CONNECTION_LOST',
		versionNumber: 3,
	});

	const withoutWill = orphanMessages(orphan('app', 30), 5000);
	assert.deepEqual(
		withoutWill.map((message) => message.topic),
		['$aws/events/presence/disconnected/app'],
	);
});

test('one timer per client id, soonest first', () => {
	const timers = orphanTimers([
		orphan('slow', 0),
		orphan('lamp', 10, {sessionIdentifier: 'old'}),
		orphan('fast', 2),
		orphan('lamp', 4, {sessionIdentifier: 'new'}),
	]);
	assert.deepEqual(
		timers.map(({orphan: o, delayMs}) => [o.clientId, delayMs]),
		[
			['fast', 3000],
			['lamp', 6000],
			['slow', 90_000],
		],
	);
	assert.equal(timers[1]?.orphan.sessionIdentifier, 'new');
	assert.deepEqual(orphanTimers([]), []);
});

test('only authorized wills of a bounded size are remembered', () => {
	assert.deepEqual(rememberedWill(will, true), {kind: 'will', will});
	assert.deepEqual(rememberedWill(undefined, true), {kind: 'none'});
	assert.deepEqual(rememberedWill(will, false), {kind: 'unauthorized'});
	const large = {
		...will,
		payload: Buffer.alloc(maxRememberedWillBytes + 1),
	};
	assert.deepEqual(rememberedWill(large, true), {kind: 'too-large'});
	const limit = {...will, payload: Buffer.alloc(maxRememberedWillBytes)};
	assert.equal(rememberedWill(limit, true).kind, 'will');
});
