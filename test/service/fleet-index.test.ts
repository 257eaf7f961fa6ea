/*
Fleet Indexing against `serve`'s engine with AWS's own client
(@aws-sdk/client-iot): SearchIndex for each form of the query subset, paging
over 1,000 shadows, named shadows, connectivity, InvalidQueryException,
GetBucketsAggregation and GetStatistics; the same answers with the index off
(every shadow read) as on, and an index turned off then on again is rebuilt.
*/
import assert from 'node:assert/strict';
import {join} from 'node:path';
import {test, type TestContext} from 'node:test';
import {
	GetBucketsAggregationCommand,
	GetStatisticsCommand,
	IoTClient,
	SearchIndexCommand,
} from '@aws-sdk/client-iot';
import {connectMqtt} from '../../source/client/connect-mqtt.js';
import {startTestService, temporaryDirectory} from '../helpers/service.js';
import {until} from '../helpers/wait.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

function iotClient(t: TestContext, endpoint: string): IoTClient {
	const client = new IoTClient({
		endpoint,
		region: 'us-east-1',
		credentials: {accessKeyId: 'local', secretAccessKey: 'local'},
		maxAttempts: 1,
	});
	t.after(() => {
		client.destroy();
	});
	return client;
}

async function put(
	api: string,
	thing: string,
	state: unknown,
	shadow?: string,
): Promise<void> {
	const response = await fetch(
		`${api}/things/${thing}/shadow${shadow ? `?name=${shadow}` : ''}`,
		{method: 'POST', body: JSON.stringify({state})},
	);
	assert.equal(response.status, 200, await response.text());
}

async function seed(api: string): Promise<void> {
	for (let index = 1; index <= 30; index++)
		await put(api, `coffee-${index}`, {
			reported: {
				model: index % 3 === 0 ? 'coffee-y' : 'Coffee-X',
				temp: 80 + index,
				tags: ['a', `b${index}`],
				nested: {level: index % 2 === 0 ? 'even' : 'odd'},
			},
			desired: {temp: 90},
		});
	await put(api, 'coffee-1', {reported: {fw: '1.2'}}, 'cfg');
	await put(api, 'lamp', {reported: {on: true}});
}

async function names(iot: IoTClient, queryString: string): Promise<string[]> {
	const found: string[] = [];
	let nextToken: string | undefined;
	do {
		const page = await iot.send(
			new SearchIndexCommand({queryString, maxResults: 100, nextToken}),
		);
		for (const thing of page.things ?? []) found.push(thing.thingName ?? '');
		nextToken = page.nextToken ?? undefined;
	} while (nextToken);
	return found;
}

const forms: readonly [string, (index: number) => boolean, string[]?][] = [
	['shadow.reported.model:coffee\\-x', (i) => i % 3 !== 0],
	['shadow.reported.model:"coffee-y"', (i) => i % 3 === 0],
	['thingName:coffee\\-1*', (i) => String(i).startsWith('1')],
	['thingName:*\\-2?', (i) => i >= 20 && i <= 29],
	['thingName:coffee\\-?', (i) => i < 10],
	['shadow.reported.temp>105', (i) => 80 + i > 105],
	['shadow.reported.temp<83', (i) => 80 + i < 83],
	['shadow.reported.temp:[85 TO 87]', (i) => i >= 5 && i <= 7],
	['shadow.reported.temp:{85 TO 87]', (i) => i >= 6 && i <= 7],
	['shadow.reported.tags:b7', (i) => i === 7],
	['shadow.reported.model:cof*', () => true],
	['shadow.reported.nested.level:even', (i) => i % 2 === 0],
	['shadow.reported.nested:*', () => true],
	['shadow.desired.temp:90 AND NOT shadow.reported.temp:90', (i) => i !== 10],
	['shadow.delta.temp:90', (i) => i !== 10],
	['shadow.hasDelta:false', (i) => i === 10, ['lamp']],
	[
		'shadow.reported.tags:b7 OR shadow.reported.tags:b8',
		(i) => i === 7 || i === 8,
	],
	[
		'-shadow.reported.model:coffee\\-x shadow.reported.temp>100',
		(i) => i % 3 === 0 && i > 20,
	],
	[
		'(shadow.reported.temp<82 OR shadow.reported.temp>109) AND thingName:coffee*',
		(i) => i === 1 || i === 30,
	],
	['shadow.name.cfg.reported.fw:1.2', (i) => i === 1],
	['shadow.name.cfg.reported.fw:*', (i) => i === 1],
	['coffee\\-y', (i) => i % 3 === 0],
	['thingName:(coffee\\-1 OR coffee\\-2)', (i) => i === 1 || i === 2],
	['shadow.reported.on:true', () => false, ['lamp']],
];

function expected(form: (typeof forms)[number]): string[] {
	const [, select, extra = []] = form;
	const things = Array.from({length: 30}, (_, index) => index + 1)
		.filter((index) => select(index))
		.map((index) => `coffee-${index}`);
	return [...things, ...extra].sort();
}

for (const fleetIndex of [true, false])
	test(`SearchIndex answers each form of the subset (index ${fleetIndex ? 'on' : 'off'})`, async (t) => {
		const service = await startTestService(t, {fleetIndex});
		const api = service.httpUrl ?? '';
		await seed(api);
		const iot = iotClient(t, api);
		for (const form of forms)
			assert.deepEqual(
				(await names(iot, form[0])).sort(),
				expected(form),
				form[0],
			);
	});

test('a page is a ThingDocument: the shadow as a JSON string with named shadows, and connectivity', async (t) => {
	const service = await startTestService(t);
	const api = service.httpUrl ?? '';
	await seed(api);
	const iot = iotClient(t, api);
	const device = await connectMqtt({url: service.mqttUrl, clientId: 'lamp'});
	t.after(async () => device.endAsync(true));
	await until(
		async () =>
			(await names(iot, 'connectivity.connected:true')).join() === 'lamp',
		'lamp to be connected in the index',
	);
	const page = await iot.send(
		new SearchIndexCommand({queryString: 'thingName:coffee\\-1'}),
	);
	assert.equal(page.things?.length, 1);
	const shadow = JSON.parse(page.things?.[0]?.shadow ?? '{}') as {
		reported: {model: string};
		hasDelta: boolean;
		version: number;
		name: {cfg: {reported: {fw: string}; version: number}};
	};
	assert.equal(shadow.reported.model, 'Coffee-X');
	assert.equal(shadow.hasDelta, true);
	assert.equal(shadow.version, 1);
	assert.deepEqual(shadow.name.cfg.reported, {fw: '1.2'});
	assert.equal(page.things?.[0]?.connectivity?.connected, false);
	const [lamp] =
		(await iot.send(new SearchIndexCommand({queryString: 'thingName:lamp'})))
			.things ?? [];
	assert.equal(lamp?.connectivity?.connected, true);
	assert.equal(typeof lamp?.connectivity?.timestamp, 'number');
	await device.endAsync(true);
	await until(
		async () =>
			(await names(iot, 'connectivity.connected:false')).includes('lamp'),
		'lamp to be disconnected in the index',
	);
});

test('an unsupported form is InvalidQueryException; a bad request InvalidRequestException', async (t) => {
	const service = await startTestService(t);
	const iot = iotClient(t, service.httpUrl ?? '');
	for (const queryString of [
		'reported.model = "x"',
		'attributes.model:x',
		'shadow.reported.x:/re.*/',
		'thingName:a~',
		Array.from({length: 13}, (_, i) => `thingName:t${i}`).join(' OR '),
		'thingName:*a AND thingName:*b',
	])
		await assert.rejects(
			iot.send(new SearchIndexCommand({queryString})),
			(error: Error) => error.name === 'InvalidQueryException',
			queryString,
		);
	await assert.rejects(
		iot.send(
			new SearchIndexCommand({queryString: 'thingName:*', nextToken: 'bogus'}),
		),
		(error: Error) => error.name === 'InvalidRequestException',
	);
	await assert.rejects(
		iot.send(
			new SearchIndexCommand({queryString: 'thingName:*', indexName: 'nope'}),
		),
		(error: Error) => error.name === 'ResourceNotFoundException',
	);
});

test('paging over 1,000 shadows gives each thing once, in order', async (t) => {
	const service = await startTestService(t);
	const api = service.httpUrl ?? '';
	const things = Array.from(
		{length: 1000},
		(_, index) => `t-${String(index).padStart(4, '0')}`,
	);
	for (let start = 0; start < things.length; start += 50)
		await Promise.all(
			things
				.slice(start, start + 50)
				.map(async (thing, index) =>
					put(api, thing, {reported: {n: start + index}}),
				),
		);
	const iot = iotClient(t, api);
	assert.deepEqual(await names(iot, 'thingName:*'), things);
	assert.deepEqual(
		await names(iot, 'shadow.reported.n>989'),
		things.slice(990),
	);
});

test('GetBucketsAggregation and GetStatistics count over what the query finds', async (t) => {
	const service = await startTestService(t);
	const api = service.httpUrl ?? '';
	await seed(api);
	const iot = iotClient(t, api);
	const buckets = await iot.send(
		new GetBucketsAggregationCommand({
			queryString: 'thingName:coffee*',
			aggregationField: 'shadow.reported.model',
			bucketsAggregationType: {termsAggregation: {maxBuckets: 5}},
		}),
	);
	assert.equal(buckets.totalCount, 30);
	assert.deepEqual(buckets.buckets, [
		{keyValue: 'Coffee-X', count: 20},
		{keyValue: 'coffee-y', count: 10},
	]);
	const statistics = await iot.send(
		new GetStatisticsCommand({
			queryString: 'shadow.reported.model:coffee\\-y',
			aggregationField: 'shadow.reported.temp',
		}),
	);
	assert.equal(statistics.statistics?.count, 10);
	assert.equal(statistics.statistics?.minimum, 83);
	assert.equal(statistics.statistics?.maximum, 110);
	await assert.rejects(
		iot.send(
			new GetBucketsAggregationCommand({
				queryString: 'thingName:*',
				aggregationField: 'registry.version',
				bucketsAggregationType: {termsAggregation: {}},
			}),
		),
		(error: Error) => error.name === 'InvalidAggregationException',
	);
});

test('an index turned off then on again is rebuilt from the shadows', async (t) => {
	const dataFile = join(await temporaryDirectory(t), 'shadows.db');
	const first = await startTestService(t, {dataFile});
	await put(first.httpUrl ?? '', 'a', {reported: {color: 'red'}});
	await first.close();
	const off = await startTestService(t, {dataFile, fleetIndex: false});
	await put(off.httpUrl ?? '', 'a', {reported: {color: 'blue'}});
	await put(off.httpUrl ?? '', 'b', {reported: {color: 'red'}});
	await off.close();
	const on = await startTestService(t, {dataFile});
	const iot = iotClient(t, on.httpUrl ?? '');
	assert.deepEqual(await names(iot, 'shadow.reported.color:red'), ['b']);
	assert.deepEqual(await names(iot, 'shadow.reported.color:blue'), ['a']);
});
