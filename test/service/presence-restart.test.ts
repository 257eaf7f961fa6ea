/*
Presence survives a restart of the service (issue 12): the wills of clients
that were connected when the service died are published once their grace
(1.5 × keep-alive) runs out, unless they reconnect in time.
*/
import assert from 'node:assert/strict';
import {join} from 'node:path';
import {test, type TestContext} from 'node:test';
import type {MqttClient} from 'mqtt';
import {connectMqtt} from '../../source/client/connect-mqtt.js';
import {presenceWill} from '../../source/device-mode/device-runner.js';
import {silentLogger} from '../../source/log/logger.js';
import {startLocalService} from '../../source/service/local-service.js';
import {Probe} from '../helpers/probe.js';
import {exited, startServe} from '../helpers/serve-process.js';
import {startTestService, temporaryDirectory} from '../helpers/service.js';
import {until} from '../helpers/wait.js';

type Presence = {
	clientId: string;
	eventType: string;
	clientInitiatedDisconnect?: boolean;
	disconnectReason?: string;
};

async function device(
	t: TestContext,
	url: string,
	thing: string,
	options: {keepalive: number; reconnectPeriod: number; will?: boolean},
): Promise<MqttClient> {
	const client = await connectMqtt({
		url,
		clientId: thing,
		keepalive: options.keepalive,
		reconnectPeriod: options.reconnectPeriod,
		...(options.will === false
			? {}
			: {will: presenceWill({thingName: thing, shadowName: ''})}),
	});
	t.after(async () => client.endAsync(true));
	return client;
}

async function reportConnected(client: MqttClient, thing: string) {
	await client.publishAsync(
		`$aws/things/${thing}/shadow/update`,
		'{"state":{"reported":{"connected":true}}}',
		{qos: 1},
	);
}

async function reportedConnected(
	httpUrl: string,
	thing: string,
): Promise<unknown> {
	const response = await fetch(`${httpUrl}/things/${thing}/shadow`);
	if (!response.ok) return undefined;
	const document = (await response.json()) as {
		state?: {reported?: {connected?: unknown}};
	};
	return document.state?.reported?.connected;
}

const disconnectedOf = (clientId: string) =>
	`$aws/events/presence/disconnected/${clientId}`;

test('after SIGKILL and a restart, a device that never came back goes offline; one that reconnected stays online', async (t) => {
	const data = join(await temporaryDirectory(t), 'data');
	const first = await startServe(t, ['--data', data]);
	const ports = {
		mqtt: new URL(first.mqttUrl).port,
		http: new URL(first.httpUrl).port,
	};

	// Grace: lamp-back 3 s, lamp-gone 6 s. Had lamp-back not counted as back, its event would come first.
	const gone = await device(t, first.mqttUrl, 'lamp-gone', {
		keepalive: 4,
		reconnectPeriod: 0,
	});
	gone.on('error', () => undefined);
	const back = await device(t, first.mqttUrl, 'lamp-back', {
		keepalive: 2,
		reconnectPeriod: 100,
	});
	// The watcher reconnects too, and mqtt.js subscribes again on its own.
	const watcher = new Probe(
		await connectMqtt({url: first.mqttUrl, reconnectPeriod: 100}),
	);
	t.after(async () => watcher.client.endAsync(true));
	await watcher.watch('$aws/events/presence/+/+');

	await reportConnected(gone, 'lamp-gone');
	await reportConnected(back, 'lamp-back');
	for (const thing of ['lamp-gone', 'lamp-back']) {
		await until(
			async () => (await reportedConnected(first.httpUrl, thing)) === true,
			`${thing} reported connected`,
		);
	}

	first.child.kill('SIGKILL');
	await exited(first.child);
	// The device dies while the service is down: nothing is there to see it go.
	gone.stream.destroy();
	gone.end(true);
	const from = watcher.received.length;

	// The same ports: clients come back to the address they knew.
	const second = await startServe(t, ['--data', data], ports);
	await until(() => back.connected, 'lamp-back to reconnect', 30_000);

	const event = await watcher.waitFor(
		(m) => m.topic === disconnectedOf('lamp-gone'),
		'the disconnected event of lamp-gone',
		from,
		30_000,
	);
	const presence = event.json as Presence;
	assert.equal(presence.clientId, 'lamp-gone');
	assert.equal(presence.eventType, 'disconnected');
	assert.equal(presence.clientInitiatedDisconnect, false);
	assert.equal(presence.disconnectReason, 'CONNECTION_LOST');
	await until(
		async () =>
			(await reportedConnected(second.httpUrl, 'lamp-gone')) === false,
		'the will of lamp-gone to report connected: false',
		30_000,
	);

	assert.deepEqual(
		watcher.received
			.slice(from)
			.filter((m) => m.topic === disconnectedOf('lamp-back')),
		[],
		'lamp-back reconnected within its grace',
	);
	assert.equal(await reportedConnected(second.httpUrl, 'lamp-back'), true);
	assert.ok(back.connected);

	second.child.kill('SIGTERM');
	assert.deepEqual(await exited(second.child), {code: 0, signal: null});
});

test('a clean stop also leaves presence to the next run; a clean disconnect does not', async (t) => {
	const dataFile = join(await temporaryDirectory(t), 'shadows.db');
	// Closed by the test itself, as serve does on SIGTERM.
	const first = await startLocalService({
		host: '127.0.0.1',
		port: 0,
		dataFile,
		log: silentLogger,
	});
	// No will: only the lifecycle event tells that it is gone.
	const app = await device(t, first.mqttUrl, 'app-1', {
		keepalive: 2,
		reconnectPeriod: 0,
		will: false,
	});
	app.on('error', () => undefined);
	const leaving = await device(t, first.mqttUrl, 'lamp-leaving', {
		keepalive: 1,
		reconnectPeriod: 0,
	});
	await leaving.endAsync();
	await first.close();

	const second = await startTestService(t, {dataFile});
	const watcher = await Probe.connect(t, {url: second.mqttUrl});
	await watcher.watch('$aws/events/presence/+/+', '$aws/things/+/shadow/#');
	const event = await watcher.waitFor(
		(m) => m.topic === disconnectedOf('app-1'),
		'the disconnected event of app-1',
		0,
		30_000,
	);
	assert.equal((event.json as Presence).disconnectReason, 'CONNECTION_LOST');
	// lamp-leaving's grace (1.5 s) ended before app-1's (3 s): it left cleanly, so nothing is published for it.
	assert.deepEqual(
		watcher.received
			.filter((m) => m.topic.includes('lamp-leaving'))
			.map((m) => m.topic),
		[],
	);
});
