/*
The same worked examples with the shadow service attached to Debian's
Mosquitto instead of the embedded broker (serve --broker).
*/
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {issue, makeCa} from '../helpers/certificates.js';
import {startMosquitto} from '../helpers/mosquitto.js';
import {Probe} from '../helpers/probe.js';
import {runScenario, scenarios} from '../helpers/scenarios.js';
import {
	startTestService,
	temporaryDirectory,
	testClock,
} from '../helpers/service.js';

test('worked examples over MQTT, service attached to Mosquitto', async (t) => {
	const mosquitto = await startMosquitto(t);
	const clock = testClock();
	await startTestService(t, {clock, broker: {url: mosquitto.url}});
	const probe = await Probe.connect(t, {url: mosquitto.url});
	for (const [index, scenario] of scenarios.entries()) {
		await t.test(scenario.title, async () => {
			const thing = `lamp-${index}`;
			await runScenario(probe, clock, thing, scenario.steps(thing));
		});
	}
});

test('serve --broker mqtts:// with a client certificate, against Mosquitto requiring one', async (t) => {
	const dir = await temporaryDirectory(t);
	const ca = makeCa(dir, 'broker-ca');
	const server = issue(dir, ca, 'mosquitto', {server: true});
	const serviceCertificate = issue(dir, ca, 'shadow-service');
	const device = issue(dir, ca, 'lamp');
	const mosquitto = await startMosquitto(t, {
		tls: {
			caPath: ca.certPath,
			certPath: server.certPath,
			keyPath: server.keyPath,
		},
	});
	const clock = testClock();
	await startTestService(t, {
		clock,
		broker: {
			url: mosquitto.url,
			ca: ca.cert,
			cert: serviceCertificate.cert,
			key: serviceCertificate.key,
		},
	});
	const probe = await Probe.connect(t, {
		url: mosquitto.url,
		ca: ca.cert,
		cert: device.cert,
		key: device.key,
	});
	const first = scenarios[0];
	assert.ok(first);
	await runScenario(probe, clock, 'lamp', first.steps('lamp'));
});
