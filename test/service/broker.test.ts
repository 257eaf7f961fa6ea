/*
The embedded broker's own behaviour: AWS lifecycle events, the WebSocket
listener, and the SDK-style username being accepted.
*/
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {connectMqtt} from '../../source/client/connect-mqtt.js';
import {Probe} from '../helpers/probe.js';
import {startTestService} from '../helpers/service.js';

type Presence = {
	clientId: string;
	timestamp: number;
	eventType: string;
	sessionIdentifier: string;
	principalIdentifier: string;
	versionNumber: number;
	ipAddress?: string;
	clientInitiatedDisconnect?: boolean;
	disconnectReason?: string;
};

test('lifecycle events: connected, clean disconnect, lost connection', async (t) => {
	const service = await startTestService(t);
	const app = await Probe.connect(t, {url: service.mqttUrl});
	await app.watch('$aws/events/presence/+/lamp-device');
	const event = async (type: string, from: number) =>
		(
			await app.waitFor(
				(m) => m.topic === `$aws/events/presence/${type}/lamp-device`,
				`${type} event`,
				from,
			)
		).json as Presence;

	let from = app.received.length;
	const device = await connectMqtt({
		url: service.mqttUrl,
		clientId: 'lamp-device',
		reconnectPeriod: 0,
		username: '?SDK=Python&Version=1.0.0',
	});
	const connected = await event('connected', from);
	assert.equal(connected.clientId, 'lamp-device');
	assert.equal(connected.eventType, 'connected');
	assert.equal(connected.versionNumber, 0);
	assert.equal(connected.ipAddress, '127.0.0.1');
	assert.ok(
		Math.abs(connected.timestamp - Date.now()) < 60_000,
		'timestamps are epoch milliseconds, as on AWS',
	);
	from = app.received.length;
	await device.endAsync();
	const clean = await event('disconnected', from);
	assert.equal(clean.clientInitiatedDisconnect, true);
	assert.equal(clean.disconnectReason, 'CLIENT_INITIATED_DISCONNECT');
	assert.equal(clean.sessionIdentifier, connected.sessionIdentifier);

	from = app.received.length;
	const again = await connectMqtt({
		url: service.mqttUrl,
		clientId: 'lamp-device',
		reconnectPeriod: 0,
	});
	assert.equal((await event('connected', from)).versionNumber, 1);
	from = app.received.length;
	again.stream.destroy();
	const lost = await event('disconnected', from);
	assert.equal(lost.clientInitiatedDisconnect, false);
	assert.equal(lost.disconnectReason, 'CONNECTION_LOST');
	again.end(true);
});

test('MQTT over WebSocket reaches the same shadow service', async (t) => {
	const service = await startTestService(t, {wsPort: 0});
	assert.match(service.wsUrl ?? '', /^ws:\/\/127\.0\.0\.1:\d+\/mqtt$/);
	const probe = await Probe.connect(t, {url: service.wsUrl ?? ''});
	await probe.watch('$aws/things/lamp/shadow/update/accepted');
	await probe.publish(
		'$aws/things/lamp/shadow/update',
		'{"state":{"desired":{"lights":"off"}},"clientToken":"ws"}',
	);
	const accepted = await probe.waitForToken('/update/accepted', 'ws');
	assert.equal((accepted.json as {version: number}).version, 1);
	const tcp = await Probe.connect(t, {url: service.mqttUrl});
	await tcp.watch('$aws/things/lamp/shadow/get/accepted');
	await tcp.publish('$aws/things/lamp/shadow/get', '{"clientToken":"tcp"}');
	const got = await tcp.waitForToken('/get/accepted', 'tcp');
	assert.deepEqual((got.json as {state: unknown}).state, {
		desired: {lights: 'off'},
		delta: {lights: 'off'},
	});
});
