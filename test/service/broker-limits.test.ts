/*
The embedded broker's bounds over real sockets: a client declaring a huge
packet is cut off from the fixed header while the service's memory stays flat
and others are served; connections, subscriptions and unread output are
bounded; retained and $SYS publishes are refused as the readme says.
*/
import assert from 'node:assert/strict';
import {connect, type Socket} from 'node:net';
import {test} from 'node:test';
import type {MqttClient} from 'mqtt';
import {connectMqtt} from '../../source/client/connect-mqtt.js';
import {defaultBrokerLimits} from '../../source/service/broker-limits.js';
import {Probe} from '../helpers/probe.js';
import {startTestService, temporaryDirectory} from '../helpers/service.js';
import {startLocalService} from '../../source/service/local-service.js';
import {silentLogger} from '../../source/log/logger.js';
import {join} from 'node:path';
import {until} from '../helpers/wait.js';
import {remainingLength} from '../helpers/mqtt-bytes.js';

function connectPacket(clientId: string): Buffer {
	const id = Buffer.from(clientId);
	const body = Buffer.concat([
		Buffer.from([0, 4, ...Buffer.from('MQTT'), 4, 2, 0, 60]),
		Buffer.from([id.length >> 8, id.length & 0xff]),
		id,
	]);
	return Buffer.concat([Buffer.from([0x10, body.length]), body]);
}

async function rawClient(url: string, clientId: string): Promise<Socket> {
	const {hostname, port} = new URL(url);
	const socket = connect({host: hostname, port: Number(port)});
	await new Promise<void>((resolve, reject) => {
		socket.once('error', reject);
		socket.once('connect', () => {
			socket.write(connectPacket(clientId));
		});
		socket.once('data', (data) => {
			// CONNACK 0x20 0x02 0x00 0x00: accepted.
			assert.equal(data[0], 0x20);
			assert.equal(data[3], 0);
			resolve();
		});
	});
	return socket;
}

/** The server closes the socket soon, or the test fails (it would otherwise wait for the body). */
async function closed(socket: Socket): Promise<void> {
	if (socket.destroyed) return;
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => {
			reject(new Error('the broker kept the connection open'));
		}, 10_000);
		socket.once('close', () => {
			clearTimeout(timer);
			resolve();
		});
	});
}

async function updateAccepted(url: string, thing: string): Promise<void> {
	const probe = await connectProbe(url);
	await probe.watch(`$aws/things/${thing}/shadow/update/accepted`);
	await probe.publish(
		`$aws/things/${thing}/shadow/update`,
		'{"state":{"reported":{"ok":true}},"clientToken":"after"}',
	);
	await probe.waitForToken('/update/accepted', 'after');
	await probe.client.endAsync(true);
}

/** mqtt.js rejects a SUBACK with any refusal in it; the packet still says which. */
async function grantedQos(
	client: MqttClient,
	topics: string[],
): Promise<number[]> {
	try {
		const grants = await client.subscribeAsync(topics, {qos: 1});
		return grants.map((grant) => grant.qos);
	} catch (error: unknown) {
		const granted = (error as {packet?: {granted?: number[]}}).packet?.granted;
		if (!granted) throw error;
		return granted;
	}
}

async function connectProbe(url: string): Promise<Probe> {
	return new Probe(await connectMqtt({url, reconnectPeriod: 0}));
}

test('a PUBLISH declaring 256 MB is cut off from its header; memory stays flat and others are served', async (t) => {
	const service = await startTestService(t);
	const before = process.memoryUsage().rss;
	for (let round = 0; round < 5; round++) {
		const socket = await rawClient(service.mqttUrl, `greedy-${round}`);
		const topic = Buffer.from('$aws/things/x/shadow/update');
		socket.write(
			Buffer.concat([
				Buffer.from([0x32, ...remainingLength(268_435_455)]),
				Buffer.from([topic.length >> 8, topic.length & 0xff]),
				topic,
			]),
		);
		// Keep sending body bytes: none of it may be held.
		for (let i = 0; i < 32 && !socket.destroyed; i++)
			socket.write(Buffer.alloc(64 * 1024, 0x61));
		await closed(socket);
	}

	const grown = process.memoryUsage().rss - before;
	assert.ok(
		grown < 64 * 1024 * 1024,
		`rss grew by ${Math.round(grown / 1024 / 1024)} MB`,
	);
	await updateAccepted(service.mqttUrl, 'neighbour');
});

test('a 200 KB publish, or 130 KB on a topic other than a shadow request, closes that connection only; 128 KB passes', async (t) => {
	const service = await startTestService(t);
	const watcher = await Probe.connect(t, {url: service.mqttUrl});
	await watcher.watch('big/topic');
	const sender = await connectMqtt({url: service.mqttUrl, reconnectPeriod: 0});
	t.after(async () => sender.endAsync(true));
	await sender.publishAsync('big/topic', Buffer.alloc(128 * 1024, 0x61), {
		qos: 1,
	});
	await watcher.waitFor((m) => m.text.length === 128 * 1024, '128 KB message');

	for (const [topic, size] of [
		['$aws/things/x/shadow/update', 200 * 1024],
		['big/topic', 130 * 1024],
	] as const) {
		const client = await connectMqtt({
			url: service.mqttUrl,
			reconnectPeriod: 0,
		});
		const gone = new Promise<void>((resolve) => client.once('close', resolve));
		client.publish(topic, Buffer.alloc(size, 0x61), {qos: 0});
		await gone;
		client.end(true);
	}

	await updateAccepted(service.mqttUrl, 'neighbour');
});

test('a shadow request a little over 128 KB gets 413 on its /rejected topic without being parsed', async (t) => {
	const service = await startTestService(t);
	const probe = await Probe.connect(t, {url: service.mqttUrl});
	await probe.watch('$aws/things/big/shadow/update/rejected');
	await probe.publish(
		'$aws/things/big/shadow/update',
		Buffer.alloc(130 * 1024, 0x7b),
	);
	const answer = await probe.waitFor(
		(m) => m.topic.endsWith('/rejected'),
		'413',
	);
	assert.deepEqual(
		[
			(answer.json as {code: number}).code,
			(answer.json as {message: string}).message,
		],
		[413, 'The payload exceeds the maximum size allowed'],
	);
	assert.equal(probe.client.connected, true);
});

test('with a larger broker limit, a 200 KB shadow request gets 413 without being parsed', async (t) => {
	const service = await startTestService(t, {
		brokerLimits: {...defaultBrokerLimits, maxPayloadBytes: 512 * 1024},
	});
	const probe = await Probe.connect(t, {url: service.mqttUrl});
	await probe.watch('$aws/things/big/shadow/update/rejected');
	// Not JSON at all: a 413 proves the size was checked before parsing.
	await probe.publish(
		'$aws/things/big/shadow/update',
		Buffer.alloc(200 * 1024, 0x7b),
	);
	const answer = await probe.waitFor(
		(m) => m.topic.endsWith('/rejected'),
		'413',
	);
	assert.equal((answer.json as {code: number}).code, 413);
	assert.equal(
		(answer.json as {message: string}).message,
		'The payload exceeds the maximum size allowed',
	);
});

test('connections past the limit are refused; the others keep working', async (t) => {
	const service = await startTestService(t, {
		brokerLimits: {...defaultBrokerLimits, maxConnections: 2},
	});
	const first = await connectProbe(service.mqttUrl);
	const second = await connectProbe(service.mqttUrl);
	t.after(async () => {
		await first.client.endAsync(true);
		await second.client.endAsync(true);
	});
	await assert.rejects(
		connectMqtt({
			url: service.mqttUrl,
			reconnectPeriod: 0,
			connectTimeout: 3000,
		}),
	);
	await first.watch('$aws/things/a/shadow/update/accepted');
	await first.publish(
		'$aws/things/a/shadow/update',
		'{"state":{"reported":{"n":1}},"clientToken":"one"}',
	);
	await first.waitForToken('/update/accepted', 'one');
});

test('subscriptions past the limit per connection get SUBACK 128; an unsubscribe makes room', async (t) => {
	const service = await startTestService(t, {
		brokerLimits: {...defaultBrokerLimits, maxSubscriptionsPerConnection: 3},
	});
	const client = await connectMqtt({url: service.mqttUrl, reconnectPeriod: 0});
	t.after(async () => client.endAsync(true));
	assert.deepEqual(
		await grantedQos(client, ['a', 'b', 'c', 'd']),
		[1, 1, 1, 128],
	);
	// The same filter again is no new subscription.
	assert.deepEqual(await grantedQos(client, ['a']), [1]);
	await client.unsubscribeAsync('b');
	assert.deepEqual(await grantedQos(client, ['d']), [1]);
});

test('a client that stops reading is sent nothing more; memory stays bounded', async (t) => {
	const service = await startTestService(t, {
		brokerLimits: {...defaultBrokerLimits, maxQueuedBytesPerClient: 256 * 1024},
	});
	const reader = await rawClient(service.mqttUrl, 'stalled');
	t.after(() => reader.destroy());
	const topic = Buffer.from('flood');
	const subscribe = Buffer.concat([
		Buffer.from([0, 1, topic.length >> 8, topic.length & 0xff]),
		topic,
		Buffer.from([0]),
	]);
	reader.write(
		Buffer.concat([Buffer.from([0x82, subscribe.length]), subscribe]),
	);
	await new Promise((resolve) => reader.once('data', resolve)); // SUBACK
	reader.pause();
	const sender = await connectMqtt({url: service.mqttUrl, reconnectPeriod: 0});
	t.after(async () => sender.endAsync(true));
	const message = Buffer.alloc(64 * 1024, 0x61);
	for (let i = 0; i < 800; i++)
		await sender.publishAsync('flood', message, {qos: 0});
	// 800 x 64 KB = 50 MB were sent; what waits for the reader stays near the
	// bound (checked as each message is forwarded, so those already on their way
	// in the same turn still land): without it, nearly all 50 MB would wait.
	const unread = (
		service.broker?.aedes as unknown as {
			clients: Record<string, {conn: {writableLength: number}}>;
		}
	).clients.stalled?.conn.writableLength;
	assert.ok(unread !== undefined, 'the stalled client is still connected');
	assert.ok(
		unread < 8 * 1024 * 1024,
		`${Math.round(unread / 1024)} KB wait unread`,
	);
	await updateAccepted(service.mqttUrl, 'neighbour');
});

test('a retained publish on $aws/ is refused: not applied, not retained; the client stays connected', async (t) => {
	const service = await startTestService(t);
	const device = await Probe.connect(t, {
		url: service.mqttUrl,
		clientId: 'lamp',
	});
	await device.watch('$aws/things/lamp/shadow/update/#');
	await device.client.publishAsync(
		'$aws/things/lamp/shadow/update/delta',
		'{"state":{"power":"on"},"version":99}',
		{qos: 1, retain: true},
	);
	await device.client.publishAsync(
		'$aws/things/lamp/shadow/update',
		'{"state":{"reported":{"power":"forged"}},"clientToken":"retained"}',
		{qos: 1, retain: true},
	);
	await device.client.publishAsync('$SYS/anything', 'x', {qos: 1});
	assert.equal(device.client.connected, true);

	const late = await Probe.connect(t, {url: service.mqttUrl});
	await late.watch('$aws/things/lamp/shadow/#');
	await device.publish(
		'$aws/things/lamp/shadow/update',
		'{"state":{"reported":{"power":"off"}},"clientToken":"plain"}',
	);
	await device.waitForToken('/update/accepted', 'plain');
	const accepted = device.received.filter((m) =>
		m.topic.endsWith('/update/accepted'),
	);
	assert.deepEqual(
		accepted.map((m) => (m.json as {clientToken?: string}).clientToken),
		['plain'],
	);
	await until(
		() => late.received.length > 0,
		'the late subscriber sees the update',
	);
	assert.ok(
		late.received.every(
			(m) => !m.text.includes('forged') && !m.text.includes('99'),
		),
		'no retained message reached the late subscriber',
	);
});

test('a packet left half-sent is cut off after the packet timeout; whole packets are not', async (t) => {
	const service = await startTestService(t, {
		brokerLimits: {...defaultBrokerLimits, packetTimeoutMs: 300},
	});
	const steady = await connectProbe(service.mqttUrl);
	t.after(async () => steady.client.endAsync(true));
	const stalled = await rawClient(service.mqttUrl, 'half-sent');
	const topic = Buffer.from('a/b');
	// A PUBLISH declaring 100 bytes of which 10 are sent, then nothing.
	stalled.write(
		Buffer.concat([
			Buffer.from([0x30, 100, topic.length >> 8, topic.length & 0xff]),
			topic,
			Buffer.alloc(5, 0x61),
		]),
	);
	// Whole packets, spread over more than the timeout, keep the other client connected.
	for (let i = 0; i < 6; i++) {
		await steady.client.publishAsync('a/b', 'x', {qos: 1});
		await new Promise((resolve) => setTimeout(resolve, 100));
	}

	await closed(stalled);
	assert.equal(steady.client.connected, true);
});

test('closing the service does not wait for a socket that never sent CONNECT', async (t) => {
	const dir = await temporaryDirectory(t);
	const service = await startLocalService({
		host: '127.0.0.1',
		port: 0,
		dataFile: join(dir, 'shadows.db'),
		log: silentLogger,
	});
	const idle = connect(Number(new URL(service.mqttUrl).port), '127.0.0.1');
	await new Promise((resolve) => idle.once('connect', resolve));
	const started = Date.now();
	await service.close();
	await closed(idle);
	// aedes' own connect timeout is 30 s: well before it, the socket is gone.
	assert.ok(Date.now() - started < 10_000);
});
