/*
Structural fuzz over real sockets, MQTT and HTTP: hostile shapes (depth,
width, key length, size, numbers JSON cannot hold) each get AWS's exact
rejection, with the clientToken when one can be read, and afterwards another
client's normal update is accepted. The broker's message limit is raised here
so that the shadow service's own guards are what answers; the broker's limit
has its own tests in broker-limits.test.ts.
*/
import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {defaultBrokerLimits} from '../../source/service/broker-limits.js';
import {Probe} from '../helpers/probe.js';
import {startTestService} from '../helpers/service.js';

type Expected = {code: number; message: string; token: boolean};

const tooDeep = {
	code: 400,
	message: 'JSON contains too many levels of nesting; maximum is 6',
};
const tooLarge = {
	code: 413,
	message: 'The payload exceeds the maximum size allowed',
};
const invalidJson = {code: 400, message: 'Invalid JSON'};

const objects = (depth: number, leaf = '1') =>
	`${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;
const arrays = (depth: number, leaf = '1') =>
	`${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`;
const manyKeys = (count: number) =>
	`{${Array.from({length: count}, (_, i) => `"${i.toString(36)}":0`).join(',')}}`;

/** A request with its token first, so that it can be read whatever follows. */
const update = (token: string, desired: string) =>
	`{"clientToken":"${token}","state":{"desired":${desired}}}`;

const cases: [string, string, Expected][] = [
	[
		'objects 20,000 deep',
		update('deep-objects', objects(20_000)),
		{...tooDeep, token: true},
	],
	[
		'arrays 20,000 deep',
		update('deep-arrays', `{"a":${arrays(20_000)}}`),
		{...tooDeep, token: true},
	],
	[
		'objects and arrays mixed, 10,000 deep',
		update('deep-mixed', `{"a":${'[{"b":'.repeat(5000)}1${'}]'.repeat(5000)}}`),
		{...tooDeep, token: true},
	],
	[
		// Check 11 (null in an array) comes before check 12 (depth).
		'a null at the bottom of 20,000 arrays',
		update('deep-null', `{"a":${arrays(20_000, 'null')}}`),
		{...invalidJson, token: true},
	],
	[
		'20,000 keys in one object',
		update('wide', manyKeys(20_000)),
		{...tooLarge, token: false},
	],
	[
		'a 100 KB key',
		update('long-key', `{"${'k'.repeat(100 * 1024)}":1}`),
		{...tooLarge, token: true},
	],
	[
		'a 100,000-element array',
		update(
			'long-array',
			`{"a":[${Array.from({length: 100_000}, () => '1').join(',')}]}`,
		),
		{...tooLarge, token: false},
	],
	[
		'a 1 MB string',
		update('long-string', `{"a":"${'x'.repeat(1024 * 1024)}"}`),
		{...tooLarge, token: false},
	],
	['1e400', update('overflow', '{"a":1e400}'), {...invalidJson, token: true}],
	[
		'-1e400 in an array',
		update('overflow-array', '{"a":[-1e400]}'),
		{...invalidJson, token: true},
	],
	[
		'a 20,000-deep clientToken',
		`{"clientToken":${objects(20_000)},"state":{}}`,
		{code: 400, message: 'Invalid clientToken', token: false},
	],
	[
		'a 20,000-deep version',
		`{"clientToken":"deep-version","version":${arrays(20_000)},"state":{}}`,
		{code: 400, message: 'Invalid version', token: true},
	],
];

async function startFuzzService(t: Parameters<typeof startTestService>[0]) {
	return startTestService(t, {
		brokerLimits: {...defaultBrokerLimits, maxPayloadBytes: 2 * 1024 * 1024},
	});
}

test('hostile shapes over MQTT get AWS rejections; another client is served after each', async (t) => {
	const service = await startFuzzService(t);
	const attacker = await Probe.connect(t, {url: service.mqttUrl});
	await attacker.watch('$aws/things/victim/shadow/update/rejected');
	const neighbour = await Probe.connect(t, {url: service.mqttUrl});
	await neighbour.watch('$aws/things/neighbour/shadow/update/accepted');
	for (const [name, payload, expected] of cases) {
		const from = attacker.received.length;
		await attacker.publish('$aws/things/victim/shadow/update', payload);
		const answer = await attacker.waitFor(
			(m) => m.topic.endsWith('/rejected'),
			name,
			from,
		);
		const json = answer.json as {
			code: number;
			message: string;
			clientToken?: string;
		};
		assert.equal(json.code, expected.code, name);
		assert.equal(json.message, expected.message, name);
		assert.equal(
			json.clientToken !== undefined,
			expected.token,
			`${name}: token echo`,
		);

		const token = `after-${from}`;
		await neighbour.publish(
			'$aws/things/neighbour/shadow/update',
			`{"state":{"reported":{"n":${from}}},"clientToken":"${token}"}`,
		);
		await neighbour.waitForToken('/update/accepted', token);
	}
});

test('hostile shapes over HTTP get AWS status, error type and message; the next request is served', async (t) => {
	const service = await startFuzzService(t);
	const httpUrl = service.httpUrl ?? '';
	for (const [name, payload, expected] of cases) {
		const response = await fetch(`${httpUrl}/things/victim/shadow`, {
			method: 'POST',
			body: payload,
		});
		assert.equal(response.status, expected.code, name);
		const body = (await response.json()) as {message: string};
		assert.equal(body.message, expected.message, name);
		assert.ok(response.headers.get('x-amzn-ErrorType'), name);
		const next = await fetch(`${httpUrl}/things/neighbour/shadow`, {
			method: 'POST',
			body: '{"state":{"reported":{"ok":true}}}',
		});
		assert.equal(next.status, 200, `after ${name}`);
	}
});

test('get and delete bodies of any shape are read for their token only', async (t) => {
	const service = await startFuzzService(t);
	const probe = await Probe.connect(t, {url: service.mqttUrl});
	await probe.watch('$aws/things/victim/shadow/get/rejected');
	const bodies: [string, number][] = [
		[objects(20_000), 404],
		[arrays(20_000), 404],
		[`{"clientToken":${arrays(20_000)}}`, 404],
		// Over the request limit: refused before it is read, as an update is.
		[manyKeys(20_000), 413],
	];
	for (const [body, code] of bodies) {
		const from = probe.received.length;
		await probe.publish('$aws/things/victim/shadow/get', body);
		const answer = await probe.waitFor(
			(m) => m.topic.endsWith('/rejected'),
			'get',
			from,
		);
		assert.equal((answer.json as {code: number}).code, code);
	}
});

test('random structures never stop the service (bounded fast-check run)', async (t) => {
	const service = await startFuzzService(t);
	const probe = await Probe.connect(t, {url: service.mqttUrl});
	await probe.watch('$aws/things/fuzz/shadow/update/+');
	// Depth, width and key length drawn together, deeper than any shadow may be.
	const shape = fc.letrec((tie) => ({
		value: fc.oneof(
			{depthSize: 'large', withCrossShrink: true},
			fc.oneof(
				fc.integer(),
				fc.constant(null),
				fc.string({maxLength: 300}),
				fc.double(),
			),
			fc.array(tie('value'), {maxLength: 5}),
			fc.dictionary(fc.string({maxLength: 40}), tie('value'), {maxKeys: 5}),
		),
	}));
	let token = 0;
	await fc.assert(
		fc.asyncProperty(shape.value, fc.nat(3000), async (value, extraDepth) => {
			const clientToken = `fuzz-${token++}`;
			const desired = `{"x":${arrays(extraDepth, JSON.stringify(value) ?? 'null')}}`;
			const from = probe.received.length;
			await probe.publish(
				'$aws/things/fuzz/shadow/update',
				update(clientToken, desired),
			);
			const answer = await probe.waitFor(
				(m) =>
					(m.json as {clientToken?: string} | undefined)?.clientToken ===
					clientToken,
				clientToken,
				from,
			);
			assert.ok(/\/update\/(accepted|rejected)$/.test(answer.topic));
		}),
		{numRuns: 60},
	);
});
