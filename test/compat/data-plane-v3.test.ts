/*
The unmodified AWS SDK for JavaScript v3 (@aws-sdk/client-iot-data-plane)
against the HTTPS API of `serve --tls-cert --tls-key --tls-ca`, with a client
certificate on its https.Agent as AWS IoT's data plane takes it. Covers the
shadow operations (shadow-semantics.md §11) and iot-data Publish, whose shadow
updates must be processed like an MQTT publish; an MQTT client with another
certificate and a random client id watches the side effects.
*/
import assert from 'node:assert/strict';
import https from 'node:https';
import {test, type TestContext} from 'node:test';
import {
	DeleteThingShadowCommand,
	GetThingShadowCommand,
	IoTDataPlaneClient,
	ListNamedShadowsForThingCommand,
	PublishCommand,
	ResourceNotFoundException,
	UpdateThingShadowCommand,
} from '@aws-sdk/client-iot-data-plane';
import {NodeHttpHandler} from '@smithy/node-http-handler';
import {
	makePki,
	randomId,
	startSecureServe,
	type Json,
	type Pki,
	type SecureServe,
} from '../helpers/aws-sdks.js';
import type {Pem} from '../helpers/certificates.js';
import {Probe} from '../helpers/probe.js';

const encode = (value: unknown) =>
	new TextEncoder().encode(JSON.stringify(value));
const decode = (payload: Uint8Array | undefined) =>
	JSON.parse(new TextDecoder().decode(payload)) as Json;

function dataPlane(
	t: TestContext,
	pki: Pki,
	service: SecureServe,
	/** null: trust the server, but present no certificate. */
	pem: Pem | null = pki.client('backend-service'),
) {
	const sdk = new IoTDataPlaneClient({
		endpoint: service.httpUrl,
		region: 'us-east-1',
		credentials: {accessKeyId: 'x', secretAccessKey: 'y'},
		maxAttempts: 1,
		requestHandler: new NodeHttpHandler({
			httpsAgent: new https.Agent({
				...(pem ? {cert: pem.cert, key: pem.key} : {}),
				ca: pki.ca.cert,
			}),
		}),
	});
	t.after(() => sdk.destroy());
	return sdk;
}

async function watcher(t: TestContext, pki: Pki, service: SecureServe) {
	const pem = pki.client('watcher');
	return Probe.connect(t, {
		url: service.serve.mqttUrl,
		ca: pki.ca.cert,
		cert: pem.cert,
		key: pem.key,
		clientId: randomId('watcher'),
	});
}

test('SDK v3 data plane over https with a client certificate', async (t) => {
	const pki = await makePki(t);
	const service = await startSecureServe(t, pki);
	assert.match(service.httpUrl, /^https:\/\/127\.0\.0\.1:\d+$/);

	await t.test(
		'update, get, delete and list named shadows; delta and documents on MQTT',
		async (st) => {
			const sdk = dataPlane(st, pki, service);
			const probe = await watcher(st, pki, service);
			const thingName = randomId('thing');
			await probe.watch(`$aws/things/${thingName}/shadow/#`);

			const created = decode(
				(
					await sdk.send(
						new UpdateThingShadowCommand({
							thingName,
							payload: encode({
								state: {desired: {color: 'red'}},
								clientToken: 'rest-1',
							}),
						}),
					)
				).payload,
			);
			assert.deepEqual(created.state, {desired: {color: 'red'}});
			assert.equal(created.version, 1);
			assert.equal(created.clientToken, 'rest-1');
			const delta = await probe.waitForToken('/update/delta', 'rest-1');
			assert.equal(delta.topic, `$aws/things/${thingName}/shadow/update/delta`);
			assert.deepEqual((delta.json as Json).state, {color: 'red'});
			const documents = await probe.waitForToken('/update/documents', 'rest-1');
			assert.deepEqual(((documents.json as Json).current as Json).state, {
				desired: {color: 'red'},
			});

			await sdk.send(
				new UpdateThingShadowCommand({
					thingName,
					payload: encode({state: {reported: {color: 'red'}}}),
				}),
			);
			const got = decode(
				(await sdk.send(new GetThingShadowCommand({thingName}))).payload,
			);
			assert.deepEqual(got.state, {
				desired: {color: 'red'},
				reported: {color: 'red'},
			});
			assert.equal(got.version, 2);

			const named = decode(
				(
					await sdk.send(
						new UpdateThingShadowCommand({
							thingName,
							shadowName: 'network',
							payload: encode({state: {reported: {ssid: 'home'}}}),
						}),
					)
				).payload,
			);
			assert.equal(named.version, 1);
			const listed = await sdk.send(
				new ListNamedShadowsForThingCommand({thingName}),
			);
			assert.deepEqual(listed.results, ['network']);

			const deleted = decode(
				(await sdk.send(new DeleteThingShadowCommand({thingName}))).payload,
			);
			assert.equal(deleted.version, 2);
			await probe.waitFor(
				(m) =>
					m.topic === `$aws/things/${thingName}/shadow/delete/accepted` &&
					(m.json as Json).version === 2,
				'delete/accepted on MQTT',
			);
			const error = await sdk.send(new GetThingShadowCommand({thingName})).then(
				() => undefined,
				(error_: unknown) => error_,
			);
			assert.ok(
				error instanceof ResourceNotFoundException,
				`expected ResourceNotFoundException, got ${String(error)}`,
			);
			assert.equal(error.message, `No shadow exists with name: '${thingName}'`);
			// Deleting the classic shadow leaves the named one.
			const still = await sdk.send(
				new GetThingShadowCommand({thingName, shadowName: 'network'}),
			);
			assert.deepEqual(decode(still.payload).state, {
				reported: {ssid: 'home'},
			});
		},
	);

	await t.test(
		'Publish: a shadow update posted to /topics is processed like an MQTT publish',
		async (st) => {
			const sdk = dataPlane(st, pki, service);
			const probe = await watcher(st, pki, service);
			const thingName = randomId('thing');
			const telemetry = `devices/${thingName}/telemetry`;
			await probe.watch(
				`$aws/things/${thingName}/shadow/update/accepted`,
				`$aws/things/${thingName}/shadow/update/rejected`,
				`$aws/things/${thingName}/shadow/name/+/update/accepted`,
				telemetry,
			);

			await sdk.send(
				new PublishCommand({
					topic: `$aws/things/${thingName}/shadow/update`,
					qos: 1,
					payload: encode({
						state: {desired: {mode: 'eco'}},
						clientToken: 'http-publish-1',
					}),
				}),
			);
			const accepted = await probe.waitForToken(
				'/update/accepted',
				'http-publish-1',
			);
			assert.equal(
				accepted.topic,
				`$aws/things/${thingName}/shadow/update/accepted`,
			);
			assert.deepEqual((accepted.json as Json).state, {
				desired: {mode: 'eco'},
			});
			assert.equal((accepted.json as Json).version, 1);
			const got = decode(
				(await sdk.send(new GetThingShadowCommand({thingName}))).payload,
			);
			assert.deepEqual(got.state, {
				desired: {mode: 'eco'},
				delta: {mode: 'eco'},
			});

			await sdk.send(
				new PublishCommand({
					topic: `$aws/things/${thingName}/shadow/name/lights/update`,
					qos: 0,
					payload: encode({
						state: {reported: {on: true}},
						clientToken: 'http-publish-2',
					}),
				}),
			);
			const named = await probe.waitForToken(
				'/update/accepted',
				'http-publish-2',
			);
			assert.equal(
				named.topic,
				`$aws/things/${thingName}/shadow/name/lights/update/accepted`,
			);
			const lights = decode(
				(
					await sdk.send(
						new GetThingShadowCommand({thingName, shadowName: 'lights'}),
					)
				).payload,
			);
			assert.deepEqual(lights.state, {reported: {on: true}});

			await sdk.send(
				new PublishCommand({
					topic: `$aws/things/${thingName}/shadow/update`,
					qos: 1,
					payload: encode({state: 'off', clientToken: 'http-publish-3'}),
				}),
			);
			const rejected = await probe.waitForToken(
				'/update/rejected',
				'http-publish-3',
			);
			assert.equal((rejected.json as Json).code, 400);

			const reading = JSON.stringify({celsius: 21.5, at: thingName});
			await sdk.send(
				new PublishCommand({
					topic: telemetry,
					qos: 1,
					payload: new TextEncoder().encode(reading),
				}),
			);
			const message = await probe.waitFor(
				(m) => m.topic === telemetry,
				'the published telemetry',
			);
			assert.equal(message.text, reading);
		},
	);

	await t.test(
		'without a certificate from the CA, neither shadows nor Publish are served',
		async (st) => {
			const trusted = dataPlane(st, pki, service);
			const probe = await watcher(st, pki, service);
			const thingName = randomId('thing');
			const topic = `devices/${thingName}/commands`;
			await probe.watch(topic);
			for (const [label, pem] of [
				['no client certificate', null],
				['a certificate from another CA', pki.rogue('intruder')],
			] as const) {
				const stranger = dataPlane(st, pki, service, pem);
				await assert.rejects(
					stranger.send(
						new UpdateThingShadowCommand({
							thingName,
							payload: encode({state: {desired: {door: 'open'}}}),
						}),
					),
					`${label}: UpdateThingShadow must be refused`,
				);
				await assert.rejects(
					stranger.send(
						new PublishCommand({topic, qos: 1, payload: encode({label})}),
					),
					`${label}: Publish must be refused`,
				);
			}

			await assert.rejects(
				trusted.send(new GetThingShadowCommand({thingName})),
				ResourceNotFoundException,
			);
			await trusted.send(
				new PublishCommand({
					topic,
					qos: 1,
					payload: encode({label: 'trusted'}),
				}),
			);
			await probe.waitFor((m) => m.topic === topic, 'the trusted Publish');
			assert.deepEqual(
				probe.received.map((m) => m.json),
				[{label: 'trusted'}],
			);
		},
	);
});
