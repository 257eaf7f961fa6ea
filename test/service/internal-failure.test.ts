/*
A request that fails inside the service is answered 500
InternalFailureException (AWS's shape, with its clientToken), logged with its
thing and token, and the next request is served. The failure is injected in
front of a real SQLite store, since no input reaches such a path on purpose.
*/
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {test} from 'node:test';
import {createLogger} from '../../source/log/logger.js';
import {createAccessControl} from '../../source/security/access-control.js';
import {defaultPolicies} from '../../source/security/policy-set.js';
import {startHttpApi} from '../../source/service/http-api.js';
import {createShadowService} from '../../source/service/shadow-service.js';
import {withLimits} from '../../source/shadow/limits.js';
import {openShadowStore} from '../../source/store/shadow-store.js';
import {temporaryDirectory} from '../helpers/service.js';
import {until} from '../helpers/wait.js';

test('a request that throws inside the service gets 500 over MQTT and HTTP; the next is served', async (t) => {
	const dir = await temporaryDirectory(t);
	const logFile = join(dir, 'service.log');
	const log = createLogger({file: logFile, level: 'info'});
	const store = openShadowStore(join(dir, 'shadows.db'));
	t.after(() => store.close());
	const failing = {
		...store,
		load(address: Parameters<typeof store.load>[0]) {
			if (address.thingName === 'boom') throw new Error('disk on fire');
			return store.load(address);
		},
	};
	const published: {topic: string; json: Record<string, unknown>}[] = [];
	const service = createShadowService({
		store: failing,
		publish(topic, payload) {
			published.push({
				topic,
				json: JSON.parse(payload.toString()) as Record<string, unknown>,
			});
		},
		clock: () => 7,
		options: withLimits({requestsPerSecondPerThing: Number.POSITIVE_INFINITY}),
		log,
	});
	const access = createAccessControl({
		certificates: false,
		policies: defaultPolicies(),
	});
	const http = await startHttpApi({
		service,
		host: '127.0.0.1',
		port: 0,
		clock: () => 7,
		access,
		publish: async (topic, payload) => {
			service.handleMessage(topic, payload);
			return Promise.resolve();
		},
		log,
	});
	t.after(async () => {
		await http.close();
		await service.close();
		access.close();
	});

	service.handleMessage(
		'$aws/things/boom/shadow/update',
		Buffer.from('{"state":{"desired":{"a":1}},"clientToken":"t-boom"}'),
	);
	service.handleMessage(
		'$aws/things/fine/shadow/update',
		Buffer.from('{"state":{"desired":{"a":1}},"clientToken":"t-fine"}'),
	);
	await until(
		() =>
			published.some((m) => m.topic.endsWith('fine/shadow/update/accepted')),
		'the next request accepted',
	);
	assert.deepEqual(
		published.find((m) => m.topic === '$aws/things/boom/shadow/update/rejected')
			?.json,
		{
			code: 500,
			message: 'Internal service failure',
			timestamp: 7,
			clientToken: 't-boom',
		},
	);

	const response = await fetch(`${http.url}/things/boom/shadow`, {
		method: 'POST',
		body: '{"state":{"desired":{"a":1}}}',
	});
	assert.equal(response.status, 500);
	assert.equal(
		response.headers.get('x-amzn-ErrorType'),
		'InternalFailureException',
	);
	assert.deepEqual(await response.json(), {
		message: 'Internal service failure',
	});
	const next = await fetch(`${http.url}/things/fine/shadow`);
	assert.equal(next.status, 200);

	await log.close();
	const lines = readFileSync(logFile, 'utf8')
		.trim()
		.split('\n')
		.map((line) => JSON.parse(line) as Record<string, unknown>);
	const failure = lines.find((line) => line.clientToken === 't-boom');
	assert.equal(failure?.level, 'error');
	assert.equal(failure?.thingName, 'boom');
	assert.match(String(failure?.error), /disk on fire/);
});
