/*
Every worked example of shadow-semantics.md, over real MQTT through the
embedded broker, compared as whole documents.
*/
import {test} from 'node:test';
import {Probe} from '../helpers/probe.js';
import {runScenario, scenarios} from '../helpers/scenarios.js';
import {startTestService, testClock} from '../helpers/service.js';

test('worked examples over MQTT, embedded broker', async (t) => {
	const clock = testClock();
	const service = await startTestService(t, {clock});
	const probe = await Probe.connect(t, {url: service.mqttUrl});
	for (const [index, scenario] of scenarios.entries()) {
		await t.test(scenario.title, async () => {
			const thing = `lamp-${index}`;
			await runScenario(probe, clock, thing, scenario.steps(thing));
		});
	}
});
