/*
The seed document "Device Shadows - MQTT topics" run as written against
`serve` with mutual TLS, through the AWS IoT Device SDK v2 for JavaScript:
thing `shadow_test`, a device whose certificate's CN is the thing and whose
client id is `shadow_test-device`, and an application with its own
certificate and client id `shadow_test_app`. Both subscribe as the samples do
(device: update accepted/rejected, get accepted/rejected, delta; app: update
accepted/rejected, documents, get accepted/rejected), and the ten steps of the
reference architecture are checked against its sequence diagram, then the
diagram's "Device to App Updates".
*/
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {
	connectV2,
	makePki,
	startSecureServe,
	V2Shadow,
	type Json,
} from '../helpers/aws-sdks.js';

const thingName = 'shadow_test';

test("the seed's device state replica flow: shadow_test-device and shadow_test_app", async (t) => {
	const pki = await makePki(t);
	const service = await startSecureServe(t, pki);

	// 1. The device connects and subscribes to its shadow's topics.
	const device = await V2Shadow.open(
		await connectV2(t, {
			cert: pki.client(thingName),
			ca: pki.ca,
			port: service.mqttPort,
			clientId: 'shadow_test-device',
		}),
		thingName,
		undefined,
		[
			'update/accepted',
			'update/rejected',
			'get/accepted',
			'get/rejected',
			'update/delta',
		],
	);
	// As the device sample does first: ask for the shadow; a new thing has none.
	const initial = await device.get('device-get');
	assert.equal(initial.kind, 'get/rejected', JSON.stringify(initial.body));
	assert.equal(initial.body.code, 404);

	// 2-3. It publishes its initial state, which the service stores.
	const start = {lights: 'on', doors: 'locked'};
	const stored = await device.update({reported: start}, 'device-initial');
	assert.equal(stored.kind, 'update/accepted', JSON.stringify(stored.body));
	assert.deepEqual(stored.body.state, {reported: start});
	assert.equal(stored.body.version, 1);

	// 4. The application connects with its own certificate and subscribes.
	const app = await V2Shadow.open(
		await connectV2(t, {
			cert: pki.client('shadow_console'),
			ca: pki.ca,
			port: service.mqttPort,
			clientId: 'shadow_test_app',
		}),
		thingName,
		undefined,
		[
			'update/accepted',
			'update/rejected',
			'update/documents',
			'get/accepted',
			'get/rejected',
		],
	);
	const known = await app.get('app-get');
	assert.equal(known.kind, 'get/accepted', JSON.stringify(known.body));
	assert.deepEqual(known.body.state, {reported: start});

	// 5-6. The application publishes the desired state.
	const desired = await app.update(
		{desired: {lights: 'off'}},
		'app-lights-off',
	);

	// 7. accepted, documents and delta.
	assert.equal(desired.kind, 'update/accepted', JSON.stringify(desired.body));
	assert.deepEqual(desired.body.state, {desired: {lights: 'off'}});
	assert.equal(desired.body.version, 2);
	const step7 = await app.waitFor(
		'update/documents',
		(body) => body.clientToken === 'app-lights-off',
	);
	assert.deepEqual((step7.previous as Json).state, {reported: start});
	assert.equal((step7.previous as Json).version, 1);
	assert.deepEqual((step7.current as Json).state, {
		desired: {lights: 'off'},
		reported: start,
	});
	assert.equal((step7.current as Json).version, 2);
	const delta = await device.waitFor('update/delta');
	assert.deepEqual(delta.state, {lights: 'off'});
	assert.equal(delta.version, 2);
	// The device is subscribed to update/accepted too and sees the app's update there.
	await device.waitFor(
		'update/accepted',
		(body) => body.clientToken === 'app-lights-off',
	);

	// 8-9. The device turns its lights off and reports its new state.
	const local = {...start, ...(delta.state as Json)};
	const reported = await device.update({reported: local}, 'device-lights-off');

	// 10. accepted and documents.
	assert.equal(reported.kind, 'update/accepted', JSON.stringify(reported.body));
	assert.deepEqual(reported.body.state, {
		reported: {lights: 'off', doors: 'locked'},
	});
	assert.equal(reported.body.version, 3);
	await app.waitFor(
		'update/accepted',
		(body) => body.clientToken === 'device-lights-off',
	);
	const step10 = await app.waitFor(
		'update/documents',
		(body) => body.clientToken === 'device-lights-off',
	);
	assert.deepEqual(step10.previous, step7.current);
	assert.deepEqual((step10.current as Json).state, {
		desired: {lights: 'off'},
		reported: {lights: 'off', doors: 'locked'},
	});
	assert.equal((step10.current as Json).version, 3);
	// Desired and reported agree: no second delta (it would precede this reply on the device's connection).
	const settled = await device.get('device-check');
	assert.deepEqual(settled.body.state, {
		desired: {lights: 'off'},
		reported: {lights: 'off', doors: 'locked'},
	});
	assert.equal(device.count('update/delta'), 1);

	// Device to App Updates: the device turns its lights on and asks for them on.
	const turnedOn = await device.update(
		{desired: {lights: 'on'}, reported: {lights: 'on'}},
		'device-lights-on',
	);
	assert.equal(turnedOn.kind, 'update/accepted', JSON.stringify(turnedOn.body));
	assert.deepEqual(turnedOn.body.state, {
		desired: {lights: 'on'},
		reported: {lights: 'on'},
	});
	const seen = await app.waitFor(
		'update/documents',
		(body) => body.clientToken === 'device-lights-on',
	);
	assert.deepEqual((seen.current as Json).state, {
		desired: {lights: 'on'},
		reported: {lights: 'on', doors: 'locked'},
	});
	assert.equal((seen.current as Json).version, 4);
});
