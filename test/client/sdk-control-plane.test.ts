/*
The ControlPlane through the official AWS SDK clients. Against a real local
service (its loopback trust, static example keys): ListNamedShadowsForThing
and the data-plane helper's Get/Update/DeleteThingShadow, and SearchIndex at
POST /indices/search answered as the service answers a plain request.
Against a recording HTTP server: every call is SigV4-signed by the SDK with
the given key, region and service (iot, iotdata), AWS's errors keep their
names and statuses, DescribeEndpoint finds the data endpoint over HTTPS, and
an API nobody serves is a NetworkError.
*/
import assert from 'node:assert/strict';
import {
	createServer as createHttpServer,
	type IncomingMessage,
	type ServerResponse,
} from 'node:http';
import {createServer as createHttpsServer} from 'node:https';
import type {AddressInfo} from 'node:net';
import {test, type TestContext} from 'node:test';
import type {AwsAccess} from '../../source/client/aws-credentials.js';
import {ControlPlaneError} from '../../source/client/control-plane.js';
import {createSdkControlPlane} from '../../source/client/sdk-control-plane.js';
import {createSdkDataPlane} from '../../source/client/sdk-data-plane.js';
import {ShadowRejectedError} from '../../source/client/shadow-errors.js';
import {issue, makeCa} from '../helpers/certificates.js';
import {freePort} from '../helpers/mosquitto.js';
import {startTestService, temporaryDirectory} from '../helpers/service.js';

const access: AwsAccess = {
	profile: 'test',
	region: 'eu-west-1',
	credentials: async () =>
		Promise.resolve({
			accessKeyId: 'AKIDSHADOWTUI',
			secretAccessKey: 'not-a-real-secret',
		}),
	description: 'AWS profile test, eu-west-1',
};

async function failure(promise: Promise<unknown>): Promise<ControlPlaneError> {
	const error = await promise.then(
		() => undefined,
		(error_: unknown) => error_,
	);
	assert.ok(
		error instanceof ControlPlaneError,
		`expected a ControlPlaneError, got ${String(error)}`,
	);
	return error;
}

test('against the local service: named shadows, shadows by the data-plane helper, SearchIndex', async (t) => {
	const service = await startTestService(t);
	const api = service.httpUrl ?? '';
	const data = createSdkDataPlane({access, endpoint: api, describe: api});
	const control = createSdkControlPlane({
		access,
		target: {kind: 'service', api},
		maxAttempts: 1,
	});
	t.after(() => {
		data.close();
		control.close();
	});
	assert.equal(control.describe, `${api} (SigV4, AWS profile test, eu-west-1)`);

	const thingName = `sdk-lamp-${Date.now()}`;
	const created = await data.update(
		{thingName, shadowName: 'network'},
		{state: {reported: {ssid: 'home'}}},
	);
	assert.equal(created.version, 1);
	await data.update(
		{thingName, shadowName: ''},
		{state: {desired: {lights: 'on'}}},
	);
	const classic = await data.get({thingName, shadowName: ''});
	assert.deepEqual(classic.state.desired, {lights: 'on'});
	assert.deepEqual(await control.listNamedShadows(thingName), {
		results: ['network'],
	});

	const deleted = await data.delete({thingName, shadowName: 'network'});
	assert.equal(deleted.version, 1);
	const missing = await data.get({thingName, shadowName: 'network'}).then(
		() => undefined,
		(error: unknown) => error,
	);
	assert.ok(missing instanceof ShadowRejectedError, String(missing));
	assert.equal(missing.code, 404);

	// SearchIndex reaches POST /indices/search: its answer is the service's, whatever that is today.
	const queryString = `thingName:${thingName}`;
	const plain = await fetch(`${api}/indices/search`, {
		method: 'POST',
		headers: {'content-type': 'application/json'},
		body: JSON.stringify({indexName: 'AWS_Things', queryString}),
	});
	const body = (await plain.json()) as {things?: {thingName: string}[]};
	if (plain.status === 200) {
		const page = await control.searchIndex({queryString});
		assert.deepEqual(
			page.things.map((thing) => thing.thingName),
			(body.things ?? []).map((thing) => thing.thingName),
		);
		assert.deepEqual(
			page.things.map((thing) => thing.thingName),
			[thingName],
		);
	} else {
		const refused = await failure(control.searchIndex({queryString}));
		assert.equal(refused.status, plain.status);
		const errorType = plain.headers.get('x-amzn-errortype');
		if (errorType) assert.equal(refused.code, errorType.split(':')[0]);
	}
});

type Recorded = {
	readonly method: string;
	readonly path: string;
	readonly authorization: string;
};

type Handler = (
	request: IncomingMessage,
	response: ServerResponse,
	body: string,
) => void;

function json(
	response: ServerResponse,
	status: number,
	body: unknown,
	errorType?: string,
): void {
	response.writeHead(status, {
		'content-type': 'application/json',
		...(errorType ? {'x-amzn-errortype': errorType} : {}),
	});
	response.end(JSON.stringify(body));
}

/** What AWS IoT answers on these paths, in its shapes, and a refusal for a query with "bad". */
const awsLike: Handler = (request, response, body) => {
	const path = new URL(request.url ?? '/', 'http://x').pathname;
	if (path === '/indices/search') {
		const {queryString} = JSON.parse(body) as {queryString: string};
		if (queryString.includes('bad'))
			return json(
				response,
				400,
				{message: 'Syntax error at 1:4'},
				'InvalidQueryException',
			);
		if (queryString.includes('secret'))
			return json(
				response,
				403,
				{message: 'The caller is not authorized'},
				'ForbiddenException',
			);
		return json(response, 200, {
			things: [
				{
					thingName: 'lamp',
					thingId: 'id-1',
					shadow: '{"reported":{"on":true}}',
					connectivity: {connected: true, timestamp: 1_700_000_000_000},
				},
			],
			nextToken: 'page-2',
		});
	}

	if (path === '/indices/buckets')
		return json(response, 200, {
			totalCount: 3,
			buckets: [
				{keyValue: 'coffee-x', count: 2},
				{keyValue: 'coffee-y', count: 1},
			],
		});
	if (path.startsWith('/api/things/shadow/ListNamedShadowsForThing/'))
		return json(response, 200, {
			results: ['network', 'schedule'],
			timestamp: 1,
		});
	if (path === '/endpoint')
		return json(response, 200, {
			endpointAddress: `localhost:${(request.socket.address() as AddressInfo).port}`,
		});
	return json(
		response,
		404,
		{message: 'Not Found'},
		'ResourceNotFoundException',
	);
};

function record(handler: Handler, recorded: Recorded[]) {
	return (request: IncomingMessage, response: ServerResponse) => {
		let body = '';
		request.on('data', (chunk: Buffer) => (body += chunk.toString()));
		request.on('end', () => {
			recorded.push({
				method: request.method ?? '',
				path: new URL(request.url ?? '/', 'http://x').pathname,
				authorization: request.headers.authorization ?? '',
			});
			handler(request, response, body);
		});
	};
}

async function recordingServer(
	t: TestContext,
	recorded: Recorded[],
): Promise<string> {
	const server = createHttpServer(record(awsLike, recorded));
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	t.after(() => server.close());
	return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const signedBy = (service: 'iot' | 'iotdata') =>
	new RegExp(
		`^AWS4-HMAC-SHA256 Credential=AKIDSHADOWTUI/\\d{8}/eu-west-1/${service}/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$`,
	);

test('every call is SigV4-signed by the SDK, and answers keep AWS shapes and error names', async (t) => {
	const recorded: Recorded[] = [];
	const api = await recordingServer(t, recorded);
	const control = createSdkControlPlane({
		access,
		target: {kind: 'service', api},
		maxAttempts: 1,
	});
	t.after(() => control.close());

	assert.deepEqual(await control.searchIndex({queryString: 'thingName:l*'}), {
		things: [
			{
				thingName: 'lamp',
				thingId: 'id-1',
				shadow: '{"reported":{"on":true}}',
				connectivity: {connected: true, timestamp: 1_700_000_000_000},
			},
		],
		nextToken: 'page-2',
	});
	assert.deepEqual(
		await control.bucketsAggregation({
			queryString: '*',
			aggregationField: 'shadow.reported.model',
			maxBuckets: 5,
		}),
		{
			totalCount: 3,
			buckets: [
				{keyValue: 'coffee-x', count: 2},
				{keyValue: 'coffee-y', count: 1},
			],
		},
	);
	assert.deepEqual(await control.listNamedShadows('lamp'), {
		results: ['network', 'schedule'],
	});

	const invalid = await failure(control.searchIndex({queryString: 'bad:'}));
	assert.equal(invalid.code, 'InvalidQueryException');
	assert.equal(invalid.status, 400);
	assert.equal(invalid.message, 'InvalidQueryException: Syntax error at 1:4');
	const forbidden = await failure(
		control.searchIndex({queryString: 'secret:1'}),
	);
	assert.equal(forbidden.code, 'ForbiddenException');
	assert.equal(forbidden.status, 403);

	assert.deepEqual(
		recorded.map(({method, path}) => `${method} ${path}`),
		[
			'POST /indices/search',
			'POST /indices/buckets',
			'GET /api/things/shadow/ListNamedShadowsForThing/lamp',
			'POST /indices/search',
			'POST /indices/search',
		],
	);
	for (const {path, authorization} of recorded)
		assert.match(
			authorization,
			signedBy(path.startsWith('/indices/') ? 'iot' : 'iotdata'),
			path,
		);
});

test('AWS IoT Core: DescribeEndpoint (iot:Data-ATS) finds the data endpoint, over HTTPS', async (t) => {
	const dir = await temporaryDirectory(t);
	const ca = makeCa(dir, 'ca');
	const server = issue(dir, ca, 'server', {server: true});
	const recorded: Recorded[] = [];
	const https = createHttpsServer(
		{cert: server.cert, key: server.key},
		record(awsLike, recorded),
	);
	await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
	t.after(() => https.close());
	const {port} = https.address() as AddressInfo;
	const control = createSdkControlPlane({
		access,
		tls: {ca: ca.cert},
		target: {kind: 'aws', controlEndpoint: `https://127.0.0.1:${port}`},
		maxAttempts: 1,
	});
	t.after(() => control.close());
	assert.equal(control.describe, 'AWS IoT Core (eu-west-1)');
	assert.deepEqual(await control.listNamedShadows('lamp'), {
		results: ['network', 'schedule'],
	});
	await control.listNamedShadows('lamp');
	assert.deepEqual(
		recorded.map(({method, path}) => `${method} ${path}`),
		[
			'GET /endpoint',
			'GET /api/things/shadow/ListNamedShadowsForThing/lamp',
			'GET /api/things/shadow/ListNamedShadowsForThing/lamp',
		],
		'the endpoint is asked once',
	);
	assert.match(recorded[0]?.authorization ?? '', signedBy('iot'));
	assert.match(recorded[1]?.authorization ?? '', signedBy('iotdata'));
});

test('an API nobody serves is a NetworkError in one line', async (t) => {
	const port = await freePort();
	const api = `http://127.0.0.1:${port}`;
	const control = createSdkControlPlane({
		access,
		target: {kind: 'service', api},
		maxAttempts: 1,
	});
	t.after(() => control.close());
	const error = await failure(control.listNamedShadows('lamp'));
	assert.equal(error.code, 'NetworkError');
	assert.match(error.message, new RegExp(`^cannot reach ${api} \\(SigV4`));
	assert.match(error.message, /ECONNREFUSED/);
	assert.ok(!error.message.includes('\n'));
});
