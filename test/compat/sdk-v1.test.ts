/*
The unmodified aws-iot-device-sdk v1 (mqtt.js 4 inside) against `serve
--tls-cert --tls-key --tls-ca`: its thingShadow class with random client ids
and certificates whose names match nothing. thingShadow knows classic shadows
only (register, get, update, delete, 'delta', 'foreignStateChange'), and adds
the last version it saw to every request; documents and named shadows go
through the same client's publish and subscribe, as a v1 user would do.
*/
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {
	connectV1,
	makePki,
	randomId,
	startSecureServe,
	type Json,
} from '../helpers/aws-sdks.js';

test('SDK v1 thingShadow: classic shadow, documents and named shadows over mutual TLS', async (t) => {
	const pki = await makePki(t);
	const service = await startSecureServe(t, pki);
	const connect = async (commonName: string) =>
		connectV1(t, {
			cert: pki.client(commonName),
			ca: pki.ca,
			port: service.mqttPort,
			clientId: randomId('v1'),
		});
	const thingName = randomId('thing');
	const app = await connect('v1-app');
	const device = await connect('v1-device');
	await app.register(thingName);
	await device.register(thingName);
	const documentsTopic = `$aws/things/${thingName}/shadow/update/documents`;
	await app.subscribe(documentsTopic);

	await t.test(
		'get, update, delta, foreign change, documents, delete',
		async () => {
			const missing = await app.request(() => app.shadow.get(thingName));
			assert.equal(missing.status, 'rejected');
			assert.equal(missing.body.code, 404);
			assert.equal(
				missing.body.message,
				`No shadow exists with name: '${thingName}'`,
			);

			const desired = await app.request(() =>
				app.shadow.update(thingName, {state: {desired: {lamp: 'on'}}}),
			);
			assert.equal(desired.status, 'accepted', JSON.stringify(desired.body));
			assert.deepEqual(desired.body.state, {desired: {lamp: 'on'}});
			assert.equal(desired.body.version, 1);
			const delta = await device.events.waitFor(
				(event) => event.type === 'delta' && event.thingName === thingName,
				'the delta on the device',
			);
			assert.ok(delta.type === 'delta');
			assert.deepEqual(delta.body.state, {lamp: 'on'});
			assert.equal(delta.body.version, 1);

			// The device knows version 1 from the delta and sends it: optimistic locking passes.
			const reported = await device.request(() =>
				device.shadow.update(thingName, {state: {reported: {lamp: 'on'}}}),
			);
			assert.equal(reported.status, 'accepted', JSON.stringify(reported.body));
			assert.equal(reported.body.version, 2);
			const foreign = await app.events.waitFor(
				(event) =>
					event.type === 'foreignStateChange' && event.body.version === 2,
				"the device's update on the app",
			);
			assert.ok(foreign.type === 'foreignStateChange');
			assert.equal(foreign.operation, 'update');
			assert.deepEqual(foreign.body.state, {reported: {lamp: 'on'}});
			const documents = await app.events.waitFor(
				(event) =>
					event.type === 'message' &&
					event.topic === documentsTopic &&
					(event.body.current as Json | undefined)?.version === 2,
				'update/documents for version 2',
			);
			assert.ok(documents.type === 'message');
			assert.deepEqual((documents.body.previous as Json).state, {
				desired: {lamp: 'on'},
			});
			assert.deepEqual((documents.body.current as Json).state, {
				desired: {lamp: 'on'},
				reported: {lamp: 'on'},
			});

			const got = await app.request(() => app.shadow.get(thingName));
			assert.equal(got.status, 'accepted', JSON.stringify(got.body));
			assert.deepEqual(got.body.state, {
				desired: {lamp: 'on'},
				reported: {lamp: 'on'},
			});
			assert.equal(got.body.version, 2);

			const deleted = await app.request(() => app.shadow.delete(thingName));
			assert.equal(deleted.status, 'accepted', JSON.stringify(deleted.body));
			assert.equal(deleted.body.version, 2);
			const gone = await device.request(() => device.shadow.get(thingName));
			assert.equal(gone.status, 'rejected');
			assert.equal(gone.body.code, 404);
		},
	);

	await t.test(
		'the version the SDK adds to updates: 409 when stale, accepted once fresh',
		async () => {
			const other = randomId('thing');
			await app.register(other);
			// Without persistent subscriptions the device hears update/accepted only for its own requests.
			await device.register(other, {persistentSubscribe: false});
			const first = await app.request(() =>
				app.shadow.update(other, {state: {reported: {speed: 1}}}),
			);
			assert.equal(first.body.version, 1);
			const seen = await device.request(() => device.shadow.get(other));
			assert.equal(seen.body.version, 1);
			const second = await app.request(() =>
				app.shadow.update(other, {state: {reported: {speed: 2}}}),
			);
			assert.equal(second.body.version, 2);

			const stale = await device.request(() =>
				device.shadow.update(other, {state: {reported: {speed: 3}}}),
			);
			assert.equal(stale.status, 'rejected', JSON.stringify(stale.body));
			assert.equal(stale.body.code, 409);
			assert.equal(stale.body.message, 'Version conflict');

			const fresh = await device.request(() => device.shadow.get(other));
			assert.equal(fresh.body.version, 2);
			const retried = await device.request(() =>
				device.shadow.update(other, {state: {reported: {speed: 3}}}),
			);
			assert.equal(retried.status, 'accepted', JSON.stringify(retried.body));
			assert.equal(retried.body.version, 3);
		},
	);

	await t.test('a named shadow through the same client', async () => {
		const base = `$aws/things/${thingName}/shadow/name/schedule`;
		await device.subscribe(`${base}/update/accepted`);
		await device.subscribe(`${base}/get/accepted`);
		await device.subscribe(`${base}/update/delta`);
		await device.publish(`${base}/update`, {
			state: {desired: {start: '07:00'}, reported: {start: '06:30'}},
			clientToken: 'named-update',
		});
		const accepted = await device.events.waitFor(
			(event) =>
				event.type === 'message' &&
				event.topic === `${base}/update/accepted` &&
				event.body.clientToken === 'named-update',
			'named update/accepted',
		);
		assert.ok(accepted.type === 'message');
		assert.equal(accepted.body.version, 1);
		const delta = await device.events.waitFor(
			(event) =>
				event.type === 'message' && event.topic === `${base}/update/delta`,
			'named update/delta',
		);
		assert.ok(delta.type === 'message');
		assert.deepEqual(delta.body.state, {start: '07:00'});

		await device.publish(`${base}/get`, {clientToken: 'named-get'});
		const got = await device.events.waitFor(
			(event) =>
				event.type === 'message' &&
				event.topic === `${base}/get/accepted` &&
				event.body.clientToken === 'named-get',
			'named get/accepted',
		);
		assert.ok(got.type === 'message');
		assert.deepEqual(got.body.state, {
			desired: {start: '07:00'},
			reported: {start: '06:30'},
			delta: {start: '07:00'},
		});
		// The classic shadow was deleted above; the named one lives on its own.
		const classic = await device.request(() => device.shadow.get(thingName));
		assert.equal(classic.status, 'rejected');
	});
});
