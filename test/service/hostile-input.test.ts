/*
Hostile input over real MQTT: each gets the right rejection (or a refused
connection), and a bounded fuzz run leaves the service answering.
*/
import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {connectMqtt} from '../../source/client/connect-mqtt.js';
import {Probe} from '../helpers/probe.js';
import {startTestService, testClock} from '../helpers/service.js';

test('malformed requests get AWS rejections', async (t) => {
	const clock = testClock(5);
	const service = await startTestService(t, {clock});
	const probe = await Probe.connect(t, {url: service.mqttUrl});
	await probe.watch('$aws/things/+/shadow/#', '$aws/things/+/shadow/name/+/#');
	const cases: [string, string | Buffer, {code: number; message: string}][] = [
		[
			'$aws/things/lamp/shadow/update',
			'not json',
			{code: 400, message: 'Invalid JSON'},
		],
		[
			'$aws/things/lamp/shadow/update',
			'{"state":{"desired":[]}}',
			{code: 400, message: 'Desired node must be an object'},
		],
		[
			'$aws/things/lamp/shadow/update',
			`{"state":{"desired":${'{"a":'.repeat(7)}1${'}'.repeat(7)}}}`,
			{
				code: 400,
				message: 'JSON contains too many levels of nesting; maximum is 6',
			},
		],
		[
			'$aws/things/lamp/shadow/update',
			JSON.stringify({state: {desired: {a: 'x'.repeat(131_072)}}}),
			{code: 413, message: 'The payload exceeds the maximum size allowed'},
		],
		[
			'$aws/things/lamp/shadow/update',
			Buffer.from([0x7b, 0xc3, 0x28, 0x7d]),
			{
				code: 415,
				message: 'Unsupported documented encoding; supported encoding is UTF-8',
			},
		],
		[
			'$aws/things/my.lamp/shadow/update',
			'{"state":{}}',
			{code: 400, message: 'ThingName must match pattern [a-zA-Z0-9:_-]+'},
		],
		[
			'$aws/things/lamp/shadow/name/a$b/get',
			'',
			{code: 400, message: 'ShadowName must match pattern [a-zA-Z0-9:_-]+'},
		],
		[
			`$aws/things/lamp/shadow/name/${'s'.repeat(65)}/delete`,
			'',
			{code: 400, message: 'ShadowName has a maximum length of 64'},
		],
	];
	for (const [topic, payload, expected] of cases) {
		const from = probe.received.length;
		await probe.publish(topic, payload);
		const answer = await probe.waitFor(
			(m) => m.topic === `${topic}/rejected`,
			`rejection on ${topic}`,
			from,
		);
		assert.deepEqual(answer.json, {...expected, timestamp: 5}, topic);
	}
});

test('wildcards in a published topic name refuse the connection; the service keeps serving', async (t) => {
	const service = await startTestService(t);
	for (const topic of [
		'$aws/things/+/shadow/update',
		'$aws/things/lamp/shadow/name/#/update',
	]) {
		const client = await connectMqtt({
			url: service.mqttUrl,
			reconnectPeriod: 0,
		});
		const closed = new Promise<void>((resolve) =>
			client.once('close', () => resolve()),
		);
		client.publish(topic, '{"state":{}}', {qos: 1});
		await closed;
		client.end(true);
	}

	const probe = await Probe.connect(t, {url: service.mqttUrl});
	await probe.watch('$aws/things/lamp/shadow/get/+');
	await probe.publish('$aws/things/lamp/shadow/get', '{"clientToken":"alive"}');
	await probe.waitForToken('/get/rejected', 'alive');
});

test('client publishes to reply and event topics are dropped, and the client stays connected', async (t) => {
	const service = await startTestService(t);
	const listener = await Probe.connect(t, {url: service.mqttUrl});
	await listener.watch('$aws/things/lamp/shadow/#', '$aws/events/#');
	await assert.rejects(
		listener.watch('$shadow-tui/#'),
		/subscription refused|Subscribe error/,
	);
	const forger = await Probe.connect(t, {url: service.mqttUrl});
	for (const topic of [
		'$aws/things/lamp/shadow/update/accepted',
		'$aws/things/lamp/shadow/update/delta',
		'$aws/events/presence/connected/lamp',
	]) {
		await forger.publish(topic, '{"state":{"forged":true},"version":99}');
	}

	await forger.publish(
		'$aws/things/lamp/shadow/update',
		'{"state":{"reported":{"real":true}},"clientToken":"real"}',
	);
	await listener.waitForToken('/update/accepted', 'real');
	assert.equal(forger.client.connected, true);
	assert.deepEqual(
		listener.received
			.filter((m) => m.text.includes('forged'))
			.map((m) => m.topic),
		[],
	);
});

test('a bounded fuzz run: every request is answered once and the service keeps answering', async (t) => {
	const service = await startTestService(t);
	const probe = await Probe.connect(t, {url: service.mqttUrl});
	await probe.watch(
		'$aws/things/fuzz/shadow/update/accepted',
		'$aws/things/fuzz/shadow/update/rejected',
	);
	const payloads = fc.sample(
		fc.oneof(
			fc.uint8Array({maxLength: 200}),
			fc.string({maxLength: 200}),
			fc.json({maxDepth: 8}),
			fc
				.record({
					state: fc.jsonValue({maxDepth: 8}),
					version: fc.oneof(fc.integer(), fc.string()),
					clientToken: fc.oneof(fc.string(), fc.integer()),
				})
				.map((value) => JSON.stringify(value)),
			fc
				.record({
					state: fc.record({
						desired: fc.jsonValue({maxDepth: 8}),
						reported: fc.jsonValue({maxDepth: 8}),
					}),
				})
				.map((value) => JSON.stringify(value)),
		),
		{numRuns: 3000, seed: 20261127},
	);
	for (const payload of payloads) {
		probe.client.publish(
			'$aws/things/fuzz/shadow/update',
			typeof payload === 'string' ? payload : Buffer.from(payload),
			{qos: 0},
		);
	}

	await probe.waitFor(
		() => probe.received.length >= payloads.length,
		`${payloads.length} answers`,
		0,
		60_000,
	);
	assert.equal(probe.received.length, payloads.length);
	const codes = new Set(
		probe.received
			.filter((m) => m.topic.endsWith('/rejected'))
			.map((m) => (m.json as {code: number}).code),
	);
	for (const code of codes)
		assert.ok([400, 409, 413, 415].includes(code), `unexpected code ${code}`);

	const after = await Probe.connect(t, {url: service.mqttUrl});
	await after.watch('$aws/things/fuzz/shadow/update/accepted');
	await after.publish(
		'$aws/things/fuzz/shadow/update',
		'{"state":{"reported":{"ok":true}},"clientToken":"after-fuzz"}',
	);
	await after.waitForToken('/update/accepted', 'after-fuzz');
});

test('a rejection for an invalid name echoes the clientToken of the body', async (t) => {
	const service = await startTestService(t, {clock: testClock(9)});
	const probe = await Probe.connect(t, {url: service.mqttUrl});
	await probe.watch('$aws/things/my.lamp/shadow/update/rejected');
	await probe.publish(
		'$aws/things/my.lamp/shadow/update',
		'{"state":{},"clientToken":"n1"}',
	);
	const answer = await probe.waitForToken('/update/rejected', 'n1');
	assert.deepEqual(answer.json, {
		code: 400,
		message: 'ThingName must match pattern [a-zA-Z0-9:_-]+',
		timestamp: 9,
		clientToken: 'n1',
	});
});
