/*
The HTTP API through the unmodified AWS SDK for JavaScript v3, pointed at the
local service with `endpoint`, plus the MQTT side effects AWS documents.
*/
import assert from 'node:assert/strict';
import {test, type TestContext} from 'node:test';
import {
	ConflictException,
	DeleteThingShadowCommand,
	GetThingShadowCommand,
	InvalidRequestException,
	IoTDataPlaneClient,
	ListNamedShadowsForThingCommand,
	RequestEntityTooLargeException,
	ResourceNotFoundException,
	UpdateThingShadowCommand,
} from '@aws-sdk/client-iot-data-plane';
import {Probe} from '../helpers/probe.js';
import {startTestService, testClock} from '../helpers/service.js';

const encode = (value: unknown) =>
	new TextEncoder().encode(
		typeof value === 'string' ? value : JSON.stringify(value),
	);
const decode = (payload: Uint8Array | undefined) =>
	JSON.parse(new TextDecoder().decode(payload)) as unknown;

async function setup(t: TestContext) {
	const clock = testClock(10);
	const service = await startTestService(t, {clock});
	const sdk = new IoTDataPlaneClient({
		endpoint: service.httpUrl,
		region: 'us-east-1',
		credentials: {accessKeyId: 'local', secretAccessKey: 'local'},
		maxAttempts: 1,
	});
	t.after(() => sdk.destroy());
	const probe = await Probe.connect(t, {url: service.mqttUrl});
	return {clock, service, sdk, probe};
}

async function rejects(
	promise: Promise<unknown>,
	type: new (...args: never[]) => Error,
	message: string,
	status: number,
) {
	const error = await promise.then(
		() => undefined,
		(error_: unknown) => error_,
	);
	assert.ok(
		error instanceof type,
		`expected ${type.name}, got ${String(error)}`,
	);
	assert.equal(error.message, message);
	assert.equal(
		(error as unknown as {$metadata: {httpStatusCode: number}}).$metadata
			.httpStatusCode,
		status,
	);
}

test('E41: a REST update answers like update/accepted and is announced on MQTT', async (t) => {
	const {clock, sdk, probe} = await setup(t);
	await probe.watch('$aws/things/lamp/shadow/#');
	for (let i = 0; i < 3; i++)
		await sdk.send(
			new UpdateThingShadowCommand({
				thingName: 'lamp',
				payload: encode({state: {}}),
			}),
		);
	clock.now = 80;
	const from = probe.received.length;
	const result = await sdk.send(
		new UpdateThingShadowCommand({
			thingName: 'lamp',
			payload: encode({
				state: {desired: {ColorRGB: [255, 255, 0]}},
				clientToken: '21b',
			}),
		}),
	);
	const expected = JSON.parse(
		'{"state":{"desired":{"ColorRGB":[255,255,0]}},"metadata":{"desired":{"ColorRGB":[{"timestamp":80},{"timestamp":80},{"timestamp":80}]}},"version":4,"timestamp":80,"clientToken":"21b"}',
	) as unknown;
	assert.deepEqual(decode(result.payload), expected);
	const delta = await probe.waitForToken('/update/delta', '21b', from);
	assert.deepEqual(
		delta.json,
		JSON.parse(
			'{"state":{"ColorRGB":[255,255,0]},"metadata":{"ColorRGB":[{"timestamp":80},{"timestamp":80},{"timestamp":80}]},"version":4,"timestamp":80,"clientToken":"21b"}',
		),
	);
	const documents = await probe.waitForToken('/update/documents', '21b', from);
	assert.equal(
		(documents.json as {current: {version: number}}).current.version,
		4,
	);
	const accepted = await probe.waitForToken('/update/accepted', '21b', from);
	assert.deepEqual(accepted.json, expected);
});

test('REST errors are HTTP only, with AWS exception names', async (t) => {
	const {clock, sdk, probe} = await setup(t);
	await probe.watch('$aws/things/lamp/shadow/#');
	await rejects(
		sdk.send(
			new UpdateThingShadowCommand({
				thingName: 'lamp',
				payload: encode('{"state":'),
			}),
		),
		InvalidRequestException,
		'Invalid JSON',
		400,
	);
	await rejects(
		sdk.send(new GetThingShadowCommand({thingName: 'lamp'})),
		ResourceNotFoundException,
		"No shadow exists with name: 'lamp'",
		404,
	);
	await rejects(
		sdk.send(new GetThingShadowCommand({thingName: 'lamp', shadowName: 'cfg'})),
		ResourceNotFoundException,
		"No shadow exists with name: 'cfg'",
		404,
	);
	await rejects(
		sdk.send(new DeleteThingShadowCommand({thingName: 'lamp'})),
		ResourceNotFoundException,
		"No shadow exists with name: 'lamp'",
		404,
	);
	await rejects(
		sdk.send(new GetThingShadowCommand({thingName: 'my.lamp'})),
		InvalidRequestException,
		'ThingName must match pattern [a-zA-Z0-9:_-]+',
		400,
	);

	for (let i = 0; i < 10; i++)
		await sdk.send(
			new UpdateThingShadowCommand({
				thingName: 'lamp',
				payload: encode({state: {desired: {n: i}}}),
			}),
		);
	clock.now = 1000;
	// E23 over REST.
	await rejects(
		sdk.send(
			new UpdateThingShadowCommand({
				thingName: 'lamp',
				payload: encode({
					state: {desired: {colors: ['BLUE']}},
					version: 9,
					clientToken: '426bfd96',
				}),
			}),
		),
		ConflictException,
		'Version conflict',
		409,
	);
	await rejects(
		sdk.send(
			new UpdateThingShadowCommand({
				thingName: 'lamp',
				payload: encode({state: {desired: {big: 'x'.repeat(9000)}}}),
			}),
		),
		RequestEntityTooLargeException,
		'The payload exceeds the maximum size allowed',
		413,
	);
	// The sentinel proves that no rejection of the requests above went out on MQTT before it.
	await probe.publish(
		'$aws/things/lamp/shadow/get',
		JSON.stringify({clientToken: 'sentinel'}),
	);
	await probe.waitForToken('/get/accepted', 'sentinel');
	assert.deepEqual(
		probe.received
			.filter((m) => m.topic.endsWith('/rejected'))
			.map((m) => m.topic),
		[],
	);
});

test('the raw HTTP answers carry x-amzn-ErrorType and AWS-shaped bodies', async (t) => {
	const {service} = await setup(t);
	const url = service.httpUrl ?? '';
	const conflict = await fetch(`${url}/things/lamp/shadow`, {
		method: 'POST',
		body: JSON.stringify({state: {}, version: 3}),
	});
	assert.equal(conflict.status, 409);
	assert.equal(conflict.headers.get('x-amzn-ErrorType'), 'ConflictException');
	assert.deepEqual(await conflict.json(), {message: 'Version conflict'});
	const put = await fetch(`${url}/things/lamp/shadow`, {method: 'PUT'});
	assert.equal(put.status, 405);
	assert.equal(
		put.headers.get('x-amzn-ErrorType'),
		'MethodNotAllowedException',
	);
	const unknown = await fetch(`${url}/nowhere`);
	assert.equal(unknown.status, 404);
	const big = await fetch(`${url}/things/lamp/shadow`, {
		method: 'POST',
		body: 'x'.repeat(131_073),
	});
	assert.equal(big.status, 413);
	assert.equal(
		big.headers.get('x-amzn-ErrorType'),
		'RequestEntityTooLargeException',
	);
	const encoding = await fetch(`${url}/things/lamp/shadow`, {
		method: 'POST',
		body: new Uint8Array([0x7b, 0xff, 0x7d]),
	});
	assert.equal(encoding.status, 415);
	assert.equal(
		encoding.headers.get('x-amzn-ErrorType'),
		'UnsupportedDocumentEncodingException',
	);
});

test('REST get has the delta and no clientToken; REST delete is announced on MQTT (E37)', async (t) => {
	const {clock, sdk, probe} = await setup(t);
	await probe.watch('$aws/things/lamp/shadow/#');
	clock.now = 10;
	await sdk.send(
		new UpdateThingShadowCommand({
			thingName: 'lamp',
			payload: encode({
				state: {desired: {color: 'RED'}, reported: {color: 'GREEN'}},
				clientToken: 'u',
			}),
		}),
	);
	for (let i = 0; i < 4; i++)
		await sdk.send(
			new UpdateThingShadowCommand({
				thingName: 'lamp',
				payload: encode({state: {}}),
			}),
		);
	clock.now = 30;
	const got = await sdk.send(new GetThingShadowCommand({thingName: 'lamp'}));
	assert.deepEqual(
		decode(got.payload),
		JSON.parse(
			'{"state":{"desired":{"color":"RED"},"reported":{"color":"GREEN"},"delta":{"color":"RED"}},"metadata":{"desired":{"color":{"timestamp":10}},"reported":{"color":{"timestamp":10}}},"version":5,"timestamp":30}',
		),
	);
	clock.now = 50;
	const from = probe.received.length;
	const deleted = await sdk.send(
		new DeleteThingShadowCommand({thingName: 'lamp'}),
	);
	assert.deepEqual(decode(deleted.payload), {version: 5, timestamp: 50});
	const announced = await probe.waitFor(
		(m) => m.topic === '$aws/things/lamp/shadow/delete/accepted',
		'delete/accepted',
		from,
	);
	assert.deepEqual(announced.json, {version: 5, timestamp: 50});
	assert.equal(
		probe.received.some((m) => m.topic.endsWith('/get/accepted')),
		false,
		'a REST get is not published',
	);
	const recreated = await sdk.send(
		new UpdateThingShadowCommand({
			thingName: 'lamp',
			payload: encode({state: {reported: {on: true}}}),
		}),
	);
	assert.equal((decode(recreated.payload) as {version: number}).version, 7);
});

test('E40: ListNamedShadowsForThing lists live named shadows only, in pages', async (t) => {
	const {sdk} = await setup(t);
	await sdk.send(
		new UpdateThingShadowCommand({
			thingName: 'lamp',
			payload: encode({state: {desired: {name: 'default'}}}),
		}),
	);
	await sdk.send(
		new UpdateThingShadowCommand({
			thingName: 'lamp',
			shadowName: 'cfg',
			payload: encode({state: {reported: {name: 'cfg'}}}),
		}),
	);
	const first = await sdk.send(
		new ListNamedShadowsForThingCommand({thingName: 'lamp'}),
	);
	assert.deepEqual(first.results, ['cfg']);
	assert.equal(first.nextToken, undefined);
	assert.equal(typeof first.timestamp, 'number');
	await sdk.send(
		new DeleteThingShadowCommand({thingName: 'lamp', shadowName: 'cfg'}),
	);
	assert.deepEqual(
		(await sdk.send(new ListNamedShadowsForThingCommand({thingName: 'lamp'})))
			.results,
		[],
	);
	assert.equal(
		(await sdk.send(new GetThingShadowCommand({thingName: 'lamp'}))).$metadata
			.httpStatusCode,
		200,
	);
	assert.deepEqual(
		(await sdk.send(new ListNamedShadowsForThingCommand({thingName: 'ghost'})))
			.results,
		[],
	);

	const names = ['e', 'a', 'd', 'b', 'c'];
	for (const shadowName of names) {
		await sdk.send(
			new UpdateThingShadowCommand({
				thingName: 'pump',
				shadowName,
				payload: encode({state: {reported: {n: 1}}}),
			}),
		);
	}

	const pages: string[][] = [];
	let nextToken: string | undefined;
	do {
		const page = await sdk.send(
			new ListNamedShadowsForThingCommand({
				thingName: 'pump',
				pageSize: 2,
				...(nextToken ? {nextToken} : {}),
			}),
		);
		pages.push(page.results ?? []);
		nextToken = page.nextToken;
	} while (nextToken);
	assert.deepEqual(pages, [['a', 'b'], ['c', 'd'], ['e']]);
	await rejects(
		sdk.send(
			new ListNamedShadowsForThingCommand({thingName: 'pump', pageSize: 101}),
		),
		InvalidRequestException,
		'pageSize must be between 1 and 100',
		400,
	);
});
