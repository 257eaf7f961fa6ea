/*
The fleet against the local service with 1,000 simulated devices, each on its
own MQTT connection: listing and queries checked against the stored
documents, a bulk update from the command line that every device applies and
reports, and failures shown and retried.
*/
import assert from 'node:assert/strict';
import {test, type TestContext} from 'node:test';
import {connectMqtt} from '../../source/client/connect-mqtt.js';
import {createFleetLister} from '../../source/client/fleet-lister.js';
import {
	connectShadowClient,
	createShadowClient,
	type ShadowClient,
} from '../../source/client/shadow-client.js';
import {
	createDevice,
	presenceWill,
	type Device,
} from '../../source/device-mode/device-runner.js';
import {coffeeMaker, pump} from '../../source/device-mode/simulators.js';
import {parseFleetQuery} from '../../source/fleet/aws-query.js';
import {matchesThing} from '../../source/fleet/aws-query-match.js';
import {createFleetSession} from '../../source/session/fleet-session.js';
import type {LocalService} from '../../source/service/local-service.js';
import {runCli} from '../helpers/cli.js';
import {startTestService} from '../helpers/service.js';
import {until} from '../helpers/wait.js';

const coffeeCount = 600;
const pumpCount = 400;

async function startFleet(
	t: TestContext,
	service: LocalService,
): Promise<Device[]> {
	const names = [
		...Array.from({length: coffeeCount}, (_, i) => `coffee-maker-${i + 1}`),
		...Array.from({length: pumpCount}, (_, i) => `pump-${i + 1}`),
	];
	const devices: {device: Device; client: ShadowClient}[] = [];
	t.after(async () => {
		await Promise.all(devices.map(async ({device}) => device.stop()));
		await Promise.all(devices.map(async ({client}) => client.close()));
	});
	for (let start = 0; start < names.length; start += 50) {
		await Promise.all(
			names.slice(start, start + 50).map(async (thingName) => {
				const address = {thingName, shadowName: ''};
				const mqtt = await connectMqtt({
					url: service.mqttUrl,
					clientId: thingName,
					will: presenceWill(address),
				});
				const client = createShadowClient(mqtt, {
					connection: {url: service.mqttUrl},
					timeoutMs: 30_000,
				});
				// Slow ticks: the pumps' readings are not what this test is about.
				const simulator = thingName.startsWith('pump')
					? {...pump, tickMs: 60_000}
					: coffeeMaker;
				const device = createDevice({
					client,
					address,
					simulator,
					apply: 'auto',
					presence: true,
					clock: () => Math.floor(Date.now() / 1000),
				});
				devices.push({device, client});
				await device.start();
			}),
		);
	}

	return devices.map(({device}) => device);
}

test('a fleet of 1,000 devices: queries, a bulk update every device applies, failures retried', async (t) => {
	const service = await startTestService(t);
	await startFleet(t, service);
	const api = service.httpUrl ?? '';
	const list = createFleetLister(api);
	const app = await connectShadowClient({
		connection: {url: service.mqttUrl},
		timeoutMs: 30_000,
	});
	t.after(async () => app.close());

	// Listing and name patterns.
	assert.equal((await list({})).length, coffeeCount + pumpCount);
	assert.equal((await list({match: 'coffee-maker-*'})).length, coffeeCount);
	assert.equal((await list({match: 'pump-1?'})).length, 10);

	// Half of the coffee makers get a lower limit, so a query has something to tell apart.
	const lower = Array.from({length: coffeeCount / 2}, (_, i) => ({
		thingName: `coffee-maker-${i + 1}`,
		shadowName: '',
	}));
	await Promise.all(
		lower.map(async (address) =>
			app.update(address, {state: {desired: {tempLimit: 85}}}),
		),
	);
	await until(
		async () =>
			(await list({query: 'shadow.reported.tempLimit:85'})).length ===
			coffeeCount / 2,
		'the devices to apply 85',
		60_000,
	);

	// Query results against the stored documents, read one by one through the HTTP API.
	const text =
		'shadow.reported.model:"coffee-x" AND shadow.reported.tempLimit>90 AND shadow.reported.connected:true';
	const parsed = parseFleetQuery(text);
	assert.ok(parsed.ok);
	const answered = new Set(
		(await list({query: text})).map((shadow) => shadow.thingName),
	);
	const expected = new Set<string>();
	for (const shadow of await list({})) {
		const response = await fetch(`${api}/things/${shadow.thingName}/shadow`);
		const document = (await response.json()) as {
			version: number;
			state: {
				desired?: Record<string, never>;
				reported?: Record<string, never>;
				delta?: Record<string, never>;
			};
		};
		if (
			matchesThing(parsed.query, {
				thingName: shadow.thingName,
				shadows: new Map([['', document.state]]),
			})
		)
			expected.add(shadow.thingName);
	}

	assert.equal(expected.size, coffeeCount / 2);
	assert.deepEqual([...answered].sort(), [...expected].sort());
	const malformed = await fetch(`${api}/indices/search`, {
		method: 'POST',
		body: JSON.stringify({queryString: 'shadow.reported.model:'}),
	});
	assert.equal(malformed.status, 400);
	assert.equal(
		malformed.headers.get('x-amzn-errortype'),
		'InvalidQueryException',
	);

	// A bulk update from the command line reaches every coffee maker, and each reports it.
	const bulk = await runCli(
		[
			'update',
			'--query',
			'shadow.reported.model:"coffee-x"',
			'--desired',
			'{"tempLimit":88}',
			'--json',
			'--broker',
			service.mqttUrl,
			'--api',
			api,
		],
		{timeoutMs: 120_000},
	);
	assert.equal(bulk.code, 0, bulk.stderr);
	const lines = bulk.stdout
		.trim()
		.split('\n')
		.map((line) => JSON.parse(line) as {thingName: string; ok: boolean});
	assert.equal(lines.length, coffeeCount);
	assert.ok(lines.every((line) => line.ok));
	assert.equal(
		new Set(lines.map((line) => line.thingName)).size,
		coffeeCount,
		'each thing once',
	);
	await until(
		async () =>
			(await list({query: 'shadow.reported.tempLimit:88'})).length ===
			coffeeCount,
		'every coffee maker to report 88',
		60_000,
	);

	// Three pumps whose documents are near the size limit refuse the patch; the fleet shows it, then retries.
	const full = ['pump-1', 'pump-2', 'pump-3'].map((thingName) => ({
		thingName,
		shadowName: '',
	}));
	for (const address of full) {
		// Fill each document to 8,185 bytes: the 16 bytes of the patch then break the 8 KB limit.
		const reported = (await app.get(address)).state.reported;
		const used =
			Buffer.byteLength(JSON.stringify(reported)) + '{"notes":""}'.length;
		await app.update(address, {
			state: {desired: {notes: 'x'.repeat(8185 - used)}},
		});
	}
	const fleet = createFleetSession({client: app, list});
	await fleet.load();
	fleet.setFilter('pump-*');
	fleet.selectShown();
	await fleet.bulkUpdate({alarmLimit: 70});
	let bulkState = fleet.getSnapshot().bulk;
	assert.ok(bulkState);
	assert.equal(bulkState.progress.total, pumpCount);
	const failed = bulkState.items.filter(
		(item) => item.outcome?.kind !== 'accepted',
	);
	assert.deepEqual(failed.map((item) => item.address.thingName).sort(), [
		'pump-1',
		'pump-2',
		'pump-3',
	]);
	assert.ok(
		failed.every(
			(item) => item.outcome?.kind === 'rejected' && item.outcome.code === 413,
		),
	);
	for (const address of full)
		await app.update(address, {state: {desired: {notes: null}}});
	await fleet.retry();
	bulkState = fleet.getSnapshot().bulk;
	assert.ok(bulkState);
	assert.equal(bulkState.progress.accepted, pumpCount);
	assert.deepEqual(
		bulkState.items
			.filter((item) => item.attempts !== 1)
			.map((item) => [item.address.thingName, item.attempts])
			.sort(),
		[
			['pump-1', 2],
			['pump-2', 2],
			['pump-3', 2],
		],
		'only the failed ones were sent again',
	);
	await until(
		async () =>
			(await list({match: 'pump-*', query: 'shadow.reported.alarmLimit:70'}))
				.length === pumpCount,
		'every pump to report 70',
		60_000,
	);
});
