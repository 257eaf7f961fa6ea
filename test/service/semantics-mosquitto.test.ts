/*
The same worked examples with the shadow service attached to Debian's
Mosquitto instead of the embedded broker (serve --broker).
*/
import {test} from 'node:test';
import {startMosquitto} from '../helpers/mosquitto.js';
import {Probe} from '../helpers/probe.js';
import {runScenario, scenarios} from '../helpers/scenarios.js';
import {startTestService, testClock} from '../helpers/service.js';

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
