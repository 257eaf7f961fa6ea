/*
§12: AWS's 20 requests per second per thing, on a real service with AWS's
default limits. A runaway device gets 429 on its rejected topic (or HTTP 429
ThrottlingException); another thing's requests keep being accepted.
*/
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {connectShadowClient} from '../../source/client/shadow-client.js';
import {defaultEngineOptions} from '../../source/shadow/limits.js';
import {Probe} from '../helpers/probe.js';
import {startTestService} from '../helpers/service.js';
import {until} from '../helpers/wait.js';

test('a device that floods gets 429 while another device keeps being served', async (t) => {
	const service = await startTestService(t, {engine: defaultEngineOptions});
	const runaway = await Probe.connect(t, {url: service.mqttUrl});
	await runaway.watch(
		'$aws/things/runaway/shadow/update/accepted',
		'$aws/things/runaway/shadow/update/rejected',
	);
	const neighbour = await connectShadowClient({
		connection: {url: service.mqttUrl},
	});
	t.after(async () => neighbour.close());

	const flood = 200;
	const sending = Promise.all(
		Array.from({length: flood}, async (_, index) =>
			runaway.publish(
				'$aws/things/runaway/shadow/update',
				JSON.stringify({
					state: {reported: {count: index}},
					clientToken: `flood-${index}`,
				}),
			),
		),
	);
	const versions: number[] = [];
	for (let index = 0; index < 5; index++) {
		const accepted = await neighbour.update(
			{thingName: 'neighbour', shadowName: ''},
			{state: {reported: {tick: index}}},
		);
		versions.push(accepted.version);
	}

	await sending;
	const replies = () =>
		runaway.received.filter((message) =>
			/update\/(accepted|rejected)$/.test(message.topic),
		);
	await until(() => replies().length === flood, 'a reply to every request');
	const rejected = replies().filter((message) =>
		message.topic.endsWith('/rejected'),
	);
	const accepted = replies().length - rejected.length;
	assert.deepEqual(versions, [1, 2, 3, 4, 5]);
	// A burst of 20, plus what refilled while the flood arrived (more on a slow machine).
	assert.ok(accepted >= 20, `accepted ${accepted}`);
	assert.ok(rejected.length > 0, 'some requests were throttled');
	const first = rejected[0]?.json as Record<string, unknown>;
	assert.equal(first.code, 429);
	assert.equal(first.message, 'Too Many Requests');
	assert.match(String(first.clientToken), /^flood-\d+$/);
	assert.equal(typeof first.timestamp, 'number');
});

test('the HTTP API answers a flood with 429 ThrottlingException', async (t) => {
	const service = await startTestService(t, {engine: defaultEngineOptions});
	const responses = await Promise.all(
		Array.from({length: 60}, async () =>
			fetch(`${service.httpUrl ?? ''}/things/pump/shadow`),
		),
	);
	const throttled = responses.filter((response) => response.status === 429);
	assert.ok(throttled.length > 0 && throttled.length < 60);
	assert.equal(
		throttled[0]?.headers.get('x-amzn-ErrorType'),
		'ThrottlingException',
	);
	assert.deepEqual(await throttled[0]?.json(), {message: 'Too Many Requests'});
	// The other answers are the thing's own: it has no shadow yet.
	assert.ok(
		responses
			.filter((response) => response.status !== 429)
			.every((response) => response.status === 404),
	);
});
