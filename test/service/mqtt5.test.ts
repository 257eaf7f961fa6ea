/*
MQTT 5 clients. The embedded broker (aedes, MQTT 3.1.1) refuses them with an
MQTT 5 CONNACK, reason code 0x84 and a reason string naming the way out, and
logs it; every other CONNECT passes. With the service attached to Debian's
Mosquitto (serve --broker), MQTT 5 clients use shadows end to end: the AWS
SDK v2's native Mqtt5Client with both of its shadow clients, and MQTT.js
speaking MQTT 5 as the application.

aws-crt frees a native client's callbacks only when the JavaScript object is
garbage collected; until then they keep the process alive, even after
stop() and close(). So every native client lives inside one helper call
(`withMqtt5Client`) that stops and closes it, nothing else keeps a reference,
and the file ends with a forced collection. IotShadowClientv2's streams
(createShadowDeltaUpdatedStream and the like) are never freed at all, even
then, so delta and documents are read through IotShadowClient, and
IotShadowClientv2 is used for its request-response operations.
*/
import assert from 'node:assert/strict';
import {randomBytes} from 'node:crypto';
import {createConnection} from 'node:net';
import {after, test} from 'node:test';
import {setFlagsFromString} from 'node:v8';
import {runInNewContext} from 'node:vm';
import {iotshadow, mqtt, mqtt5} from 'aws-iot-device-sdk-v2';
import {
	connect,
	connectAsync,
	type IConnackPacket,
	type MqttClient,
} from 'mqtt';
import mqttPacket from 'mqtt-packet';
import {setNoDelay} from '../../source/client/connect-mqtt.js';
import type {LogFields, Logger} from '../../source/log/logger.js';
import {
	buildMqtt5Refusal,
	mqtt5ReasonString,
} from '../../source/service/mqtt5-refusal.js';
import {startMosquitto} from '../helpers/mosquitto.js';
import {Probe} from '../helpers/probe.js';
import {startTestService} from '../helpers/service.js';
import {until} from '../helpers/wait.js';

type Json = Record<string, unknown>;
type Line = {
	readonly level: string;
	readonly scope: string;
	readonly message: string;
	readonly fields: LogFields;
};

function capturingLogger(lines: Line[], scope = 'main'): Logger {
	const at =
		(level: string) =>
		(message: string, fields: LogFields = {}) => {
			lines.push({level, scope, message, fields});
		};
	return {
		error: at('error'),
		warn: at('warn'),
		info: at('info'),
		debug: at('debug'),
		child: (child) => capturingLogger(lines, child),
		close: () => Promise.resolve(),
	};
}

const randomId = (prefix: string) =>
	`${prefix}-${randomBytes(5).toString('hex')}`;

function portOf(url: string): number {
	return Number(new URL(url).port);
}

after(async () => {
	// See the top of the file: native clients let the process exit only once collected.
	setFlagsFromString('--expose-gc');
	const gc = runInNewContext('gc') as () => void;
	for (let round = 0; round < 3; round++) {
		gc();
		await new Promise((resolve) => setImmediate(resolve));
	}
});

type Outcome =
	| {readonly kind: 'success'; readonly event: mqtt5.ConnectionSuccessEvent}
	| {readonly kind: 'failure'; readonly event: mqtt5.ConnectionFailureEvent};

/**
 * A native MQTT 5 client over plain TCP: started, handed to `run` with the
 * outcome of its first connection attempt, then stopped and closed whatever
 * `run` does. It does not retry within the test.
 */
async function withMqtt5Client<T>(
	port: number,
	clientId: string,
	run: (client: mqtt5.Mqtt5Client, outcome: Outcome) => Promise<T>,
): Promise<T> {
	const client = new mqtt5.Mqtt5Client({
		hostName: '127.0.0.1',
		port,
		connectProperties: {clientId, keepAliveIntervalSeconds: 30},
		minReconnectDelayMs: 600_000,
		maxReconnectDelayMs: 600_000,
		connackTimeoutMs: 10_000,
	});
	client.on('error', () => undefined);
	try {
		const outcome = await new Promise<Outcome>((resolve) => {
			client.once(
				'connectionSuccess',
				(event: mqtt5.ConnectionSuccessEvent) => {
					resolve({kind: 'success', event});
				},
			);
			client.once(
				'connectionFailure',
				(event: mqtt5.ConnectionFailureEvent) => {
					resolve({kind: 'failure', event});
				},
			);
			client.start();
		});
		return await run(client, outcome);
	} finally {
		const stopped = new Promise((resolve) => client.once('stopped', resolve));
		client.stop();
		await stopped;
		client.close();
	}
}

/** MQTT.js speaking MQTT 5, refused: the CONNACK it decoded and the error it reported. */
async function refusedMqttJs5(
	url: string,
	options: {readonly clientId: string; readonly maximumPacketSize?: number},
): Promise<{connack: IConnackPacket; error: unknown}> {
	const client = connect(url, {
		protocolVersion: 5,
		clientId: options.clientId,
		reconnectPeriod: 0,
		connectTimeout: 10_000,
		...(options.maximumPacketSize === undefined
			? {}
			: {properties: {maximumPacketSize: options.maximumPacketSize}}),
	});
	try {
		return await new Promise((resolve, reject) => {
			let connack: IConnackPacket | undefined;
			let error: unknown;
			client.on('packetreceive', (packet) => {
				if (packet.cmd === 'connack') connack = packet;
			});
			client.on('error', (failure) => {
				error = failure;
			});
			client.on('connect', () => {
				reject(new Error('MQTT.js connected with MQTT 5'));
			});
			// The broker ends the connection after the CONNACK.
			client.on('close', () => {
				if (connack) resolve({connack, error});
				else reject(new Error(`closed without a CONNACK (${String(error)})`));
			});
		});
	} finally {
		client.end(true);
	}
}

function refusalLines(lines: readonly Line[]): Line[] {
	return lines.filter(
		(line) => line.level === 'warn' && /MQTT 5/.test(line.message),
	);
}

test('the embedded broker refuses MQTT.js speaking MQTT 5 with CONNACK 0x84 and the reason string', async (t) => {
	const lines: Line[] = [];
	const service = await startTestService(t, {log: capturingLogger(lines)});
	const clientId = randomId('mqttjs5');

	const {connack, error} = await refusedMqttJs5(service.mqttUrl, {clientId});
	assert.equal(connack.reasonCode, 0x84);
	assert.equal(connack.sessionPresent, false);
	assert.equal(connack.returnCode, undefined);
	assert.deepEqual(connack.properties, {reasonString: mqtt5ReasonString});
	assert.ok(error instanceof Error);
	assert.equal((error as Error & {code?: number}).code, 0x84);
	assert.match(error.message, /Unsupported Protocol Version/);

	const [line, ...others] = refusalLines(lines);
	assert.deepEqual(others, []);
	assert.ok(line, 'a warn line about the MQTT 5 client');
	assert.equal(line.scope, 'service');
	assert.match(line.message, /MQTT 3\.1\.1/);
	assert.match(line.message, /serve --broker/);
	assert.deepEqual(line.fields, {
		clientId,
		remoteAddress: '127.0.0.1',
		reasonCode: 0x84,
	});

	// MQTT 3.1.1 passes as before, on the same broker.
	const probe = await Probe.connect(t, {url: service.mqttUrl});
	assert.equal(probe.client.options.protocolVersion, 4);
	assert.ok(probe.client.connected);
	assert.equal(refusalLines(lines).length, 1);
});

test('the broker sends the refusal and ends the connection itself', async (t) => {
	const service = await startTestService(t);
	// allowHalfOpen: our side stays open, so only the broker can end the stream.
	const socket = createConnection({
		host: '127.0.0.1',
		port: portOf(service.mqttUrl),
		allowHalfOpen: true,
	});
	t.after(() => socket.destroy());
	socket.setNoDelay(true);
	const received: Buffer[] = [];
	socket.on('data', (chunk: Buffer) => received.push(chunk));
	const ended = new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => {
			reject(new Error('the broker did not end the connection'));
		}, 10_000);
		socket.once('end', () => {
			clearTimeout(timer);
			resolve();
		});
		socket.once('error', reject);
	});
	socket.write(
		mqttPacket.generate(
			{
				cmd: 'connect',
				protocolId: 'MQTT',
				protocolVersion: 5,
				clientId: randomId('raw5'),
				clean: true,
				keepalive: 30,
			},
			{protocolVersion: 5},
		),
	);
	await ended;
	assert.deepEqual(
		Buffer.concat(received),
		buildMqtt5Refusal(mqtt5ReasonString),
	);
});

test('a client whose maximum packet size leaves no room for the reason string gets 0x84 without it', async (t) => {
	const lines: Line[] = [];
	const service = await startTestService(t, {log: capturingLogger(lines)});
	const {connack} = await refusedMqttJs5(service.mqttUrl, {
		clientId: randomId('small'),
		maximumPacketSize: 16,
	});
	assert.equal(connack.reasonCode, 0x84);
	assert.equal(connack.properties?.reasonString, undefined);
	assert.equal(refusalLines(lines).length, 1);
});

test('MQTT 5 over WebSocket is refused the same way', async (t) => {
	const lines: Line[] = [];
	const service = await startTestService(t, {
		wsPort: 0,
		log: capturingLogger(lines),
	});
	assert.ok(service.wsUrl);
	const clientId = randomId('ws5');
	const {connack} = await refusedMqttJs5(service.wsUrl, {clientId});
	assert.equal(connack.reasonCode, 0x84);
	assert.equal(connack.properties?.reasonString, mqtt5ReasonString);
	const [line] = refusalLines(lines);
	assert.equal(line?.fields.clientId, clientId);
	assert.match(String(line?.fields.remoteAddress), /127\.0\.0\.1/);
});

test("the AWS SDK v2's Mqtt5Client is refused with reason code 132 and the reason string", async (t) => {
	const lines: Line[] = [];
	const service = await startTestService(t, {log: capturingLogger(lines)});
	const clientId = randomId('crt5');
	const outcome = await withMqtt5Client(
		portOf(service.mqttUrl),
		clientId,
		(_client, outcome) => Promise.resolve(outcome),
	);
	assert.equal(outcome.kind, 'failure');
	const {connack, error} = outcome.event;
	assert.equal(
		connack?.reasonCode,
		mqtt5.ConnectReasonCode.UnsupportedProtocolVersion,
	);
	assert.equal(connack.reasonCode, 132);
	assert.equal(connack.reasonString, mqtt5ReasonString);
	assert.equal(connack.sessionPresent, false);
	assert.equal(
		(error as {error_name?: string}).error_name,
		'AWS_ERROR_MQTT5_CONNACK_CONNECTION_REFUSED',
	);
	const [line, ...others] = refusalLines(lines);
	assert.deepEqual(others, []);
	assert.equal(line?.fields.clientId, clientId);
	assert.equal(line.fields.remoteAddress, '127.0.0.1');
});

/** Replies and events one IotShadowClient subscription received, in order. */
class Inbox {
	readonly items: {readonly kind: string; readonly body: Json}[] = [];

	handler(kind: string) {
		return (error?: iotshadow.IotShadowError, response?: unknown) => {
			this.items.push({
				kind,
				body: error ? {sdkError: error.message} : (response as Json),
			});
		};
	}

	async next(kind: string, clientToken?: string): Promise<Json> {
		const find = () =>
			this.items.find(
				(item) =>
					item.kind === kind &&
					(clientToken === undefined || item.body.clientToken === clientToken),
			);
		await until(
			() => find() !== undefined,
			`${kind}${clientToken ? ` with clientToken ${clientToken}` : ''}; received: ${this.items.map((item) => `${item.kind} ${JSON.stringify(item.body)}`).join('; ')}`,
		);
		const found = find()!;
		this.items.splice(this.items.indexOf(found), 1);
		return found.body;
	}

	count(kind: string): number {
		return this.items.filter((item) => item.kind === kind).length;
	}
}

async function connectMqttJs5(url: string): Promise<MqttClient> {
	const client = await connectAsync(url, {
		protocolVersion: 5,
		clientId: randomId('app5'),
		reconnectPeriod: 0,
		connectTimeout: 10_000,
	});
	setNoDelay(client);
	return client;
}

test('through Mosquitto, MQTT 5 clients use shadows end to end: Mqtt5Client with IotShadowClient and IotShadowClientv2, MQTT.js as the app', async (t) => {
	const mosquitto = await startMosquitto(t);
	await startTestService(t, {broker: {url: mosquitto.url}});
	const thingName = randomId('lamp');
	const qos = mqtt.QoS.AtLeastOnce;

	const app = new Probe(await connectMqttJs5(mosquitto.url));
	t.after(async () => app.client.endAsync(true));
	assert.equal(app.client.options.protocolVersion, 5);
	const base = `$aws/things/${thingName}/shadow`;
	await app.watch(`${base}/update/accepted`, `${base}/update/delta`);

	await withMqtt5Client(
		mosquitto.port,
		randomId('device5'),
		async (deviceClient, outcome) => {
			assert.equal(outcome.kind, 'success');
			assert.equal(outcome.event.connack.reasonCode, 0);
			const device = iotshadow.IotShadowClient.newFromMqtt5Client(deviceClient);
			const inbox = new Inbox();
			const classic = {thingName};
			await device.subscribeToUpdateShadowAccepted(
				classic,
				qos,
				inbox.handler('update/accepted'),
			);
			await device.subscribeToUpdateShadowRejected(
				classic,
				qos,
				inbox.handler('update/rejected'),
			);
			await device.subscribeToShadowDeltaUpdatedEvents(
				classic,
				qos,
				inbox.handler('delta'),
			);
			await device.subscribeToShadowUpdatedEvents(
				classic,
				qos,
				inbox.handler('documents'),
			);
			await device.subscribeToDeleteShadowAccepted(
				classic,
				qos,
				inbox.handler('delete/accepted'),
			);

			// The app (MQTT.js, MQTT 5) asks for red.
			const desiredToken = randomId('desired');
			await app.publish(
				`${base}/update`,
				JSON.stringify({
					state: {desired: {color: 'red'}},
					clientToken: desiredToken,
				}),
			);
			const appAccepted = await app.waitForToken(
				'/update/accepted',
				desiredToken,
			);
			assert.deepEqual((appAccepted.json as Json).state, {
				desired: {color: 'red'},
			});

			// The device (SDK v2, MQTT 5) sees the accepted update, the delta and the documents.
			const accepted = await inbox.next('update/accepted', desiredToken);
			assert.equal(accepted.version, 1);
			assert.deepEqual(accepted.state, {desired: {color: 'red'}});
			assert.equal(typeof (accepted.metadata as Json).desired, 'object');
			const delta = await inbox.next('delta', desiredToken);
			assert.equal(delta.version, 1);
			assert.deepEqual(delta.state, {color: 'red'});
			const created = await inbox.next('documents', desiredToken);
			assert.equal(created.previous ?? undefined, undefined);
			assert.deepEqual(
				{
					state: (created.current as Json).state,
					version: (created.current as Json).version,
				},
				{state: {desired: {color: 'red'}}, version: 1},
			);

			// It reports red through its shadow client.
			const reportToken = randomId('report');
			await device.publishUpdateShadow(
				{
					thingName,
					state: {reported: {color: 'red'}},
					clientToken: reportToken,
				},
				qos,
			);
			const reported = await inbox.next('update/accepted', reportToken);
			assert.equal(reported.version, 2);
			assert.deepEqual(reported.state, {reported: {color: 'red'}});
			const documents = await inbox.next('documents', reportToken);
			assert.equal((documents.previous as Json).version, 1);
			assert.deepEqual((documents.current as Json).state, {
				desired: {color: 'red'},
				reported: {color: 'red'},
			});
			assert.equal((documents.current as Json).version, 2);
			// Desired and reported agree: no second delta, to the device or the app.
			assert.equal(inbox.count('delta'), 0);
			assert.equal(inbox.count('update/rejected'), 0);

			// A second native client asks through IotShadowClientv2, request and response.
			await withMqtt5Client(
				mosquitto.port,
				randomId('requester5'),
				async (requesterClient, requesterOutcome) => {
					assert.equal(requesterOutcome.kind, 'success');
					const requests = iotshadow.IotShadowClientv2.newFromMqtt5(
						requesterClient,
						{
							maxRequestResponseSubscriptions: 4,
							maxStreamingSubscriptions: 1,
							operationTimeoutInSeconds: 10,
						},
					);
					try {
						const got = await requests.getShadow({thingName});
						assert.equal(got.version, 2);
						assert.deepEqual(got.state, {
							desired: {color: 'red'},
							reported: {color: 'red'},
						});
						assert.equal(typeof got.clientToken, 'string');

						const named = await requests.updateNamedShadow({
							thingName,
							shadowName: 'settings',
							state: {desired: {mode: 'eco'}},
						});
						assert.equal(named.version, 1);
						assert.deepEqual(named.state, {desired: {mode: 'eco'}});
						const namedGot = await requests.getNamedShadow({
							thingName,
							shadowName: 'settings',
						});
						assert.equal(namedGot.version, 1);
						assert.deepEqual(namedGot.state, {
							desired: {mode: 'eco'},
							delta: {mode: 'eco'},
						});

						const deleted = await requests.deleteShadow({thingName});
						assert.equal(deleted.version, 2);
						const deletedEvent = await inbox.next(
							'delete/accepted',
							deleted.clientToken,
						);
						assert.equal(deletedEvent.version, 2);

						await assert.rejects(requests.getShadow({thingName}), (error) => {
							assert.ok(error instanceof Error);
							const {modeledError} = error as {modeledError?: Json};
							assert.equal(modeledError?.code, 404);
							assert.equal(
								modeledError.message,
								`No shadow exists with name: '${thingName}'`,
							);
							return true;
						});
						// The named shadow outlives the classic one.
						const stillNamed = await requests.getNamedShadow({
							thingName,
							shadowName: 'settings',
						});
						assert.equal(stillNamed.version, 1);
					} finally {
						requests.close();
					}
				},
			);
		},
	);

	// The app saw exactly one delta: the one its own desired update caused.
	const deltas = app.received.filter((message) =>
		message.topic.endsWith('/update/delta'),
	);
	assert.equal(deltas.length, 1);
	assert.deepEqual((deltas[0]?.json as Json).state, {color: 'red'});
});
