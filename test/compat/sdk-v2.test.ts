/*
The unmodified aws-iot-device-sdk-v2 (aws-crt's native MQTT 3.1.1 client and
its IotShadowClient) against `serve --tls-cert --tls-key --tls-ca` with only
the user's CA: any certificate from that CA connects with any client id and
uses every shadow. Three ways in, as on AWS IoT Core: mutual TLS on the MQTT
port (the SDK offers ALPN x-amzn-mqtt-ca there too), the ALPN port where
x-amzn-mqtt-ca selects MQTT beside HTTPS, and MQTT over WebSocket at /mqtt on
the HTTP API's port (the SDK adds a SigV4 query; the certificate is what
counts). Each way runs the same device/app exchange of shadow-semantics.md
§8-§9: get 404, reported, desired -> delta and documents, delta applied,
get, delete, get 404.
*/
import assert from 'node:assert/strict';
import https from 'node:https';
import {test, type TestContext} from 'node:test';
import {
	GetThingShadowCommand,
	IoTDataPlaneClient,
} from '@aws-sdk/client-iot-data-plane';
import {NodeHttpHandler} from '@smithy/node-http-handler';
import {
	connectV2,
	makePki,
	randomId,
	startSecureServe,
	V2Shadow,
	type Json,
	type Pki,
	type V2Options,
} from '../helpers/aws-sdks.js';

type Way = Omit<V2Options, 'cert' | 'ca' | 'clientId'>;

/** A device and an app, each with its own certificate and a random client id, on one shadow. */
async function pair(
	t: TestContext,
	pki: Pki,
	ways: {readonly device: Way; readonly app: Way},
	shadowName?: string,
) {
	const thingName = randomId('thing');
	const connect = async (commonName: string, way: Way) =>
		V2Shadow.open(
			await connectV2(t, {
				...way,
				cert: pki.client(commonName),
				ca: pki.ca,
				clientId: randomId('v2'),
			}),
			thingName,
			shadowName,
		);
	return {
		thingName,
		device: await connect(thingName, ways.device),
		app: await connect('console-app', ways.app),
	};
}

const token = () => randomId('token');

async function exercise(device: V2Shadow, app: V2Shadow): Promise<void> {
	const name = app.shadowName ?? app.thingName;
	const missing = await app.get(token());
	assert.equal(missing.kind, 'get/rejected', JSON.stringify(missing.body));
	assert.equal(missing.body.code, 404);
	assert.equal(missing.body.message, `No shadow exists with name: '${name}'`);

	const reportedToken = token();
	const reported = await device.update(
		{reported: {temperature: 20, mode: 'auto'}},
		reportedToken,
	);
	assert.equal(reported.kind, 'update/accepted', JSON.stringify(reported.body));
	assert.deepEqual(reported.body.state, {
		reported: {temperature: 20, mode: 'auto'},
	});
	assert.equal(reported.body.version, 1);

	const desiredToken = token();
	const desired = await app.update({desired: {mode: 'eco'}}, desiredToken);
	assert.equal(desired.kind, 'update/accepted', JSON.stringify(desired.body));
	assert.deepEqual(desired.body.state, {desired: {mode: 'eco'}});
	assert.equal(desired.body.version, 2);

	const delta = await device.waitFor(
		'update/delta',
		(body) => body.version === 2,
	);
	assert.deepEqual(delta.state, {mode: 'eco'});
	assert.equal(delta.clientToken, desiredToken);
	const documents = await app.waitFor(
		'update/documents',
		(body) => body.clientToken === desiredToken,
	);
	const previous = documents.previous as Json;
	const current = documents.current as Json;
	assert.deepEqual(previous.state, {
		reported: {temperature: 20, mode: 'auto'},
	});
	assert.equal(previous.version, 1);
	assert.deepEqual(current.state, {
		desired: {mode: 'eco'},
		reported: {temperature: 20, mode: 'auto'},
	});
	assert.equal(current.version, 2);

	const applied = await device.update({reported: {mode: 'eco'}}, token());
	assert.equal(applied.kind, 'update/accepted', JSON.stringify(applied.body));
	assert.equal(applied.body.version, 3);
	// On the device's own connection, a delta for version 3 would come before this reply.
	const got = await device.get(token());
	assert.equal(got.kind, 'get/accepted', JSON.stringify(got.body));
	assert.deepEqual(got.body.state, {
		desired: {mode: 'eco'},
		reported: {temperature: 20, mode: 'eco'},
	});
	assert.equal(got.body.version, 3);
	assert.equal(
		device.count('update/delta'),
		1,
		'desired == reported: no delta',
	);

	const deleted = await app.delete(token());
	assert.equal(deleted.kind, 'delete/accepted', JSON.stringify(deleted.body));
	assert.equal(deleted.body.version, 3);
	const gone = await device.get(token());
	assert.equal(gone.kind, 'get/rejected', JSON.stringify(gone.body));
	assert.equal(gone.body.code, 404);
}

test('SDK v2 over mutual TLS on the MQTT port and over WebSocket on the HTTP port', async (t) => {
	const pki = await makePki(t);
	const service = await startSecureServe(t, pki);

	await t.test(
		'mTLS on the MQTT port: classic shadow, endpoints localhost and 127.0.0.1',
		async (st) => {
			const {device, app} = await pair(st, pki, {
				device: {port: service.mqttPort, endpoint: 'localhost'},
				app: {port: service.mqttPort, endpoint: '127.0.0.1'},
			});
			await exercise(device, app);
		},
	);

	await t.test(
		'WebSocket at /mqtt on the HTTP API port: named shadow',
		async (st) => {
			const {device, app} = await pair(
				st,
				pki,
				{
					device: {
						port: service.httpPort,
						endpoint: 'localhost',
						websocket: true,
					},
					app: {port: service.httpPort, endpoint: '127.0.0.1', websocket: true},
				},
				'settings',
			);
			await exercise(device, app);
			assert.equal(
				service.wsUrl,
				`wss://127.0.0.1:${service.httpPort}/mqtt`,
				`the banner announces the WebSocket path:\n${service.serve.output()}`,
			);
		},
	);

	await t.test(
		'a certificate from another CA, or none, is refused on both',
		async (st) => {
			const attempts: [string, V2Options][] = [
				[
					'MQTT port, certificate from another CA',
					{
						cert: pki.rogue('intruder'),
						ca: pki.ca,
						port: service.mqttPort,
						clientId: randomId('rogue'),
					},
				],
				[
					'WebSocket, certificate from another CA',
					{
						cert: pki.rogue('intruder-ws'),
						ca: pki.ca,
						port: service.httpPort,
						clientId: randomId('rogue'),
						websocket: true,
					},
				],
				[
					'WebSocket, no client certificate',
					{
						cert: undefined,
						ca: pki.ca,
						port: service.httpPort,
						clientId: randomId('anonymous'),
						websocket: true,
					},
				],
			];
			for (const [label, options] of attempts)
				await assert.rejects(
					connectV2(st, options),
					`${label} must be refused`,
				);
			// The refusals did not disturb the service: a trusted client still gets in.
			const {app} = await pair(st, pki, {
				device: {port: service.mqttPort},
				app: {port: service.httpPort, websocket: true},
			});
			const missing = await app.get(token());
			assert.equal(missing.body.code, 404);
		},
	);
});

test('SDK v2 on the ALPN port: x-amzn-mqtt-ca is MQTT, other ALPN is the HTTPS API', async (t) => {
	const pki = await makePki(t);
	const service = await startSecureServe(t, pki, ['--alpn-port', '0']);
	const alpnPort = service.alpnPort;
	assert.ok(
		alpnPort !== undefined && alpnPort !== service.mqttPort,
		`the banner has an ALPN line with its own port:\n${service.serve.output()}`,
	);

	const {thingName, device, app} = await pair(
		t,
		pki,
		{device: {port: alpnPort, endpoint: 'localhost'}, app: {port: alpnPort}},
		'firmware',
	);
	await exercise(device, app);
	const written = await app.update({desired: {channel: 'beta'}}, token());
	assert.equal(written.kind, 'update/accepted', JSON.stringify(written.body));

	const app2 = pki.client('console-app');
	const sdk = new IoTDataPlaneClient({
		endpoint: `https://127.0.0.1:${alpnPort}`,
		region: 'us-east-1',
		credentials: {accessKeyId: 'x', secretAccessKey: 'y'},
		maxAttempts: 1,
		requestHandler: new NodeHttpHandler({
			httpsAgent: new https.Agent({
				cert: app2.cert,
				key: app2.key,
				ca: pki.ca.cert,
				ALPNProtocols: ['http/1.1'],
			}),
		}),
	});
	t.after(() => sdk.destroy());
	const result = await sdk.send(
		new GetThingShadowCommand({thingName, shadowName: 'firmware'}),
	);
	const document = JSON.parse(new TextDecoder().decode(result.payload)) as Json;
	assert.deepEqual(document.state, {
		desired: {channel: 'beta'},
		delta: {channel: 'beta'},
	});
	assert.equal(document.version, written.body.version);
});
