/*
Mutual TLS as on AWS IoT Core: with --tls-ca, a device must present a
certificate signed by that CA; without one, or with one from another CA, it
never reaches MQTT.
*/
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {connectMqtt} from '../../source/client/connect-mqtt.js';
import {issue, makeCa} from '../helpers/certificates.js';
import {Probe} from '../helpers/probe.js';
import {startTestService, temporaryDirectory} from '../helpers/service.js';

test('mutual TLS: a device with a certificate from the CA is served; others are refused', async (t) => {
	const dir = await temporaryDirectory(t);
	const ca = makeCa(dir, 'local-ca');
	const server = issue(dir, ca, 'server', {server: true});
	const device = issue(dir, ca, 'lamp');
	const rogueCa = makeCa(dir, 'rogue-ca');
	const rogue = issue(dir, rogueCa, 'intruder');
	const service = await startTestService(t, {
		tls: {cert: server.cert, key: server.key, ca: ca.cert},
	});
	assert.match(service.mqttUrl, /^mqtts:\/\/127\.0\.0\.1:\d+$/);

	const probe = await Probe.connect(t, {
		url: service.mqttUrl,
		ca: ca.cert,
		cert: device.cert,
		key: device.key,
		// The default policy: a device connects with its thing's name as client id.
		clientId: 'lamp',
		username: '?SDK=JavaScript&Version=1.0',
	});
	await probe.watch('$aws/things/lamp/shadow/update/accepted');
	await probe.publish(
		'$aws/things/lamp/shadow/update',
		JSON.stringify({state: {reported: {on: true}}, clientToken: 'tls'}),
	);
	const accepted = await probe.waitForToken('/update/accepted', 'tls');
	assert.equal((accepted.json as {version: number}).version, 1);

	for (const [label, connection] of [
		['no client certificate', {url: service.mqttUrl, ca: ca.cert}],
		[
			'a certificate from another CA',
			{url: service.mqttUrl, ca: ca.cert, cert: rogue.cert, key: rogue.key},
		],
	] as const) {
		await assert.rejects(
			connectMqtt({...connection, reconnectPeriod: 0, connectTimeout: 5000}),
			`${label} must be refused`,
		);
	}
});
