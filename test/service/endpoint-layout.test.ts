/*
AWS IoT Core's endpoint layout: MQTT over WebSocket at /mqtt on the HTTP
API's port (one MQTT packet per WebSocket message, any Host header), the
iot-data Publish API, and a TLS port where ALPN x-amzn-mqtt-ca selects MQTT
and everything else is HTTPS.
*/
import assert from 'node:assert/strict';
import {request as httpRequest} from 'node:http';
import {request as httpsRequest} from 'node:https';
import {test} from 'node:test';
import {WebSocket} from 'ws';
import {connectMqtt} from '../../source/client/connect-mqtt.js';
import {chooseProtocol} from '../../source/service/alpn-listener.js';
import {getJson} from '../../source/client/get-json.js';
import {issue, makeCa, type Pem} from '../helpers/certificates.js';
import {remainingLength} from '../helpers/mqtt-bytes.js';
import {Probe} from '../helpers/probe.js';
import {startTestService, temporaryDirectory} from '../helpers/service.js';
import {until} from '../helpers/wait.js';

const awsHost = 'a1b2c3d4e5f6g7-ats.iot.us-east-1.amazonaws.com';

function packet(type: number, body: number[]): Buffer {
	return Buffer.from([type, ...remainingLength(body.length), ...body]);
}

function utf8(text: string): number[] {
	const bytes = [...Buffer.from(text)];
	return [bytes.length >> 8, bytes.length & 0xff, ...bytes];
}

const connect = (clientId: string) =>
	packet(0x10, [...utf8('MQTT'), 4, 0x02, 0, 60, ...utf8(clientId)]);
const subscribe = (filter: string) => packet(0x82, [0, 1, ...utf8(filter), 0]);
const publishQos0 = (topic: string, payload: string) =>
	packet(0x30, [...utf8(topic), ...Buffer.from(payload)]);

/** The whole size of the packet a message starts with, from its fixed header. */
function declaredSize(message: Buffer): number {
	let length = 0;
	let multiplier = 1;
	let index = 1;
	for (;;) {
		const byte = message[index++] ?? 0;
		length += (byte & 0x7f) * multiplier;
		multiplier *= 128;
		if ((byte & 0x80) === 0) return index + length;
	}
}

test('MQTT over WebSocket at /mqtt on the HTTP port: any Host, one packet per message', async (t) => {
	const service = await startTestService(t);
	const url = `${(service.httpUrl ?? '').replace('http', 'ws')}/mqtt`;
	const socket = new WebSocket(url, 'mqtt', {headers: {host: awsHost}});
	t.after(() => {
		socket.terminate();
	});
	const messages: Buffer[] = [];
	socket.on('message', (data: Buffer) => messages.push(data));
	await new Promise((resolve, reject) => {
		socket.once('open', resolve);
		socket.once('error', reject);
	});
	assert.equal(socket.protocol, 'mqtt');
	socket.send(connect('raw-ws'));
	await until(() => messages.length >= 1, 'CONNACK');
	assert.deepEqual([...(messages[0] ?? [])], [0x20, 2, 0, 0]);

	socket.send(subscribe('$aws/things/lamp/shadow/update/accepted'));
	await until(() => messages.length >= 2, 'SUBACK');
	assert.deepEqual([...(messages[1] ?? [])], [0x90, 3, 0, 1, 0]);

	socket.send(
		publishQos0(
			'$aws/things/lamp/shadow/update',
			JSON.stringify({state: {reported: {on: true}}, clientToken: 'ws-raw'}),
		),
	);
	await until(() => messages.length >= 3, 'the accepted reply');
	const accepted = messages[2] ?? Buffer.alloc(0);
	// A PUBLISH, whole, in one message: its header declares exactly the message's size.
	assert.equal((accepted[0] ?? 0) >> 4, 3);
	assert.equal(declaredSize(accepted), accepted.length);
	assert.match(accepted.toString(), /"clientToken":"ws-raw"/);

	// Any other path is the HTTP API's, which does not upgrade.
	const other = new WebSocket(`${url.replace(/\/mqtt$/, '')}/things`, 'mqtt');
	other.on('error', () => undefined);
	const status = await new Promise<number>((resolve) => {
		other.once('unexpected-response', (_request, response) => {
			resolve(response.statusCode ?? 0);
		});
		other.once('open', () => {
			resolve(101);
		});
	});
	assert.equal(status, 404);
});

test('a WebSocket message larger than the largest packet closes that connection; the broker goes on', async (t) => {
	const service = await startTestService(t);
	const url = `${(service.httpUrl ?? '').replace('http', 'ws')}/mqtt`;
	const hostile = new WebSocket(url, 'mqtt');
	t.after(() => {
		hostile.terminate();
	});
	await new Promise((resolve, reject) => {
		hostile.once('open', resolve);
		hostile.once('error', reject);
	});
	const closed = new Promise<number>((resolve) => {
		hostile.once('close', (code) => {
			resolve(code);
		});
	});
	hostile.on('error', () => undefined);
	// 1 MB of garbage in one message, never a valid packet.
	hostile.send(Buffer.alloc(1024 * 1024, 0xff));
	assert.equal(await closed, 1009);

	const probe = await Probe.connect(t, {url});
	await probe.watch('$aws/things/lamp/shadow/update/accepted');
	await probe.publish(
		'$aws/things/lamp/shadow/update',
		JSON.stringify({state: {reported: {on: true}}, clientToken: 'after'}),
	);
	await probe.waitForToken('/update/accepted', 'after');
});

async function post(
	url: string,
	body: string,
	tls: {ca?: Buffer; cert?: Buffer; key?: Buffer} = {},
): Promise<{status: number; errorType: string | undefined; body: unknown}> {
	const target = new URL(url);
	const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
	return new Promise((resolve, reject) => {
		const request = send(
			target,
			{method: 'POST', ...tls, headers: {'content-type': 'application/json'}},
			(response) => {
				let text = '';
				response.on('data', (chunk: Buffer) => (text += chunk.toString()));
				response.on('end', () => {
					resolve({
						status: response.statusCode ?? 0,
						errorType: response.headers['x-amzn-errortype'] as
							string | undefined,
						body: JSON.parse(text) as unknown,
					});
				});
			},
		);
		request.once('error', reject);
		request.end(body);
	});
}

test('the iot-data Publish API: qos 0 or 1, processed as any publish, refused as MQTT would be', async (t) => {
	const service = await startTestService(t);
	const probe = await Probe.connect(t, {url: service.mqttUrl});
	await probe.watch('$aws/things/+/shadow/update/accepted', 'sensors/#');
	const topics = (topic: string, query = '') =>
		`${service.httpUrl ?? ''}/topics/${encodeURIComponent(topic)}${query}`;

	const published = await post(
		topics('$aws/things/lamp/shadow/update', '?qos=1'),
		JSON.stringify({state: {desired: {on: true}}, clientToken: 'over-http'}),
	);
	assert.equal(published.status, 200);
	assert.equal((published.body as {message: string}).message, 'OK');
	await probe.waitForToken('/update/accepted', 'over-http');
	const read = await getJson(`${service.httpUrl ?? ''}/things/lamp/shadow`);
	assert.deepEqual((read.body as {state: unknown}).state, {
		desired: {on: true},
		delta: {on: true},
	});

	// Any topic, qos 0 when absent; the body is the payload, byte for byte.
	assert.equal(
		(await post(topics('sensors/pump-7/temperature'), '64.1')).status,
		200,
	);
	const reading = await probe.waitFor(
		(message) => message.topic === 'sensors/pump-7/temperature',
		'the reading',
	);
	assert.equal(reading.text, '64.1');

	const refusals = [
		[topics('$aws/things/lamp/shadow/update/accepted'), 403],
		[topics('$aws/things/lamp/shadow/update', '?retain=true'), 400],
		[topics('sensors/+/temperature'), 400],
		[topics('sensors/x', '?qos=2'), 400],
	] as const;
	for (const [url, status] of refusals) {
		const answer = await post(url, '{}');
		assert.equal(answer.status, status, url);
		assert.equal(
			answer.errorType,
			status === 403 ? 'ForbiddenException' : 'InvalidRequestException',
		);
	}

	const tooLarge = await post(
		topics('sensors/big'),
		'x'.repeat(128 * 1024 + 1),
	);
	assert.equal(tooLarge.status, 413);
});

function tlsService(dir: string): {ca: Pem; server: Pem; lamp: Pem} {
	const ca = makeCa(dir, 'ca');
	return {
		ca,
		server: issue(dir, ca, 'server', {server: true}),
		lamp: issue(dir, ca, 'lamp'),
	};
}

test('wss:// at /mqtt and the Publish API apply mutual TLS and policies as MQTT does', async (t) => {
	const dir = await temporaryDirectory(t);
	const {ca, server, lamp} = tlsService(dir);
	const service = await startTestService(t, {
		tls: {cert: server.cert, key: server.key, ca: ca.cert},
	});
	const wss = `${(service.httpUrl ?? '').replace('https', 'wss')}/mqtt`;
	assert.match(wss, /^wss:/);
	const tls = {ca: ca.cert, cert: lamp.cert, key: lamp.key};
	const probe = await Probe.connect(t, {
		url: wss,
		...tls,
		clientId: 'lamp',
	});
	await probe.watch('$aws/things/lamp/shadow/update/accepted');

	// The default policy: lamp publishes to its own shadow, not to fan's.
	const topics = (topic: string) =>
		`${service.httpUrl ?? ''}/topics/${encodeURIComponent(topic)}?qos=1`;
	const own = await post(
		topics('$aws/things/lamp/shadow/update'),
		JSON.stringify({state: {reported: {on: true}}, clientToken: 'wss-1'}),
		tls,
	);
	assert.equal(own.status, 200);
	await probe.waitForToken('/update/accepted', 'wss-1');
	const other = await post(
		topics('$aws/things/fan/shadow/update'),
		JSON.stringify({state: {reported: {on: true}}}),
		tls,
	);
	assert.equal(other.status, 403);

	// Without a certificate: refused, over WebSocket as over MQTT.
	await assert.rejects(
		connectMqtt({url: wss, ca: ca.cert, clientId: 'lamp', reconnectPeriod: 0}),
		/Not authorized/,
	);
});

test("the ALPN port agrees on ours in our order, else on the client's first", () => {
	assert.equal(
		chooseProtocol({protocols: ['http/1.1', 'x-amzn-mqtt-ca']}),
		'x-amzn-mqtt-ca',
	);
	assert.equal(chooseProtocol({protocols: ['h2', 'http/1.1']}), 'http/1.1');
	assert.equal(chooseProtocol({protocols: ['h2']}), 'h2');
});

test('the ALPN port: x-amzn-mqtt-ca is MQTT, anything else HTTPS, on one port', async (t) => {
	const dir = await temporaryDirectory(t);
	const {ca, server, lamp} = tlsService(dir);
	const service = await startTestService(t, {
		tls: {cert: server.cert, key: server.key, ca: ca.cert},
		alpnPort: 0,
	});
	const alpnUrl = service.alpnUrl ?? '';
	assert.match(alpnUrl, /^mqtts:\/\/127\.0\.0\.1:\d+$/);
	const tls = {ca: ca.cert, cert: lamp.cert, key: lamp.key};
	const probe = await Probe.connect(t, {
		url: alpnUrl,
		...tls,
		clientId: 'lamp',
		alpnProtocols: ['x-amzn-mqtt-ca'],
	});
	assert.equal(
		(probe.client.stream as {alpnProtocol?: string}).alpnProtocol,
		'x-amzn-mqtt-ca',
	);
	await probe.watch('$aws/things/lamp/shadow/update/accepted');
	await probe.publish(
		'$aws/things/lamp/shadow/update',
		JSON.stringify({state: {reported: {on: true}}, clientToken: 'alpn-1'}),
	);
	await probe.waitForToken('/update/accepted', 'alpn-1');

	// A client that offers no ALPN (mqtt.js as the console uses it, Node's https below) is served by its first byte.
	await probe.client.endAsync();
	// A client that offers only protocols of its own is not refused: its first bytes decide.
	const own = await Probe.connect(t, {
		url: alpnUrl,
		...tls,
		clientId: 'lamp',
		alpnProtocols: ['mqttv3.1'],
	});
	assert.equal(
		(own.client.stream as {alpnProtocol?: string}).alpnProtocol,
		'mqttv3.1',
	);
	await own.watch('$aws/things/lamp/shadow/update/accepted');
	await own.client.endAsync();
	const plain = await Probe.connect(t, {
		url: alpnUrl,
		...tls,
		clientId: 'lamp',
	});
	assert.equal(
		(plain.client.stream as {alpnProtocol?: string | false}).alpnProtocol,
		false,
	);
	await plain.watch('$aws/things/lamp/shadow/update/accepted');

	const https = alpnUrl.replace('mqtts', 'https');
	const read = await getJson(`${https}/things/lamp/shadow`, tls);
	assert.equal(read.status, 200);
	assert.deepEqual((read.body as {state: unknown}).state, {
		reported: {on: true},
	});
	const anonymous = await getJson(`${https}/things/lamp/shadow`, {
		ca: ca.cert,
	});
	assert.equal(anonymous.status, 401);
});
