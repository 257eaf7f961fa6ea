/*
The version journal over the real service: every accepted version with its
writer, read back through the HTTP route, paged and filtered; deletes;
retention while updates go on; policies.
*/
import assert from 'node:assert/strict';
import {join} from 'node:path';
import {test} from 'node:test';
import {connectMqtt} from '../../source/client/connect-mqtt.js';
import {
	createHistoryReader,
	NoJournal,
} from '../../source/client/history-reader.js';
import {hashPassword} from '../../source/security/passwords.js';
import {parsePolicySet} from '../../source/security/policy-set.js';
import {
	startTestService,
	temporaryDirectory,
	testClock,
} from '../helpers/service.js';

const pump = {thingName: 'pump-1', shadowName: ''};

async function update(
	client: Awaited<ReturnType<typeof connectMqtt>>,
	thing: string,
	state: unknown,
	clientToken: string,
): Promise<void> {
	const accepted = `$aws/things/${thing}/shadow/update/accepted`;
	await new Promise<void>((resolve) => {
		const onMessage = (topic: string, payload: Buffer) => {
			if (
				topic === accepted &&
				(JSON.parse(payload.toString()) as {clientToken?: string})
					.clientToken === clientToken
			) {
				client.off('message', onMessage);
				resolve();
			}
		};

		client.on('message', onMessage);
		client.publish(
			`$aws/things/${thing}/shadow/update`,
			JSON.stringify({state, clientToken}),
		);
	});
}

test('50 updates by two clients are all in the journal, with their writers, newest first', async (t) => {
	const service = await startTestService(t);
	const clients = await Promise.all(
		['pump-1-device', 'pump-app'].map(async (clientId) => {
			const client = await connectMqtt({url: service.mqttUrl, clientId});
			t.after(async () => client.endAsync(true));
			await client.subscribeAsync('$aws/things/pump-1/shadow/update/accepted');
			return client;
		}),
	);
	for (let index = 1; index <= 50; index++) {
		const device = index % 2 === 1;
		const client = clients[device ? 0 : 1];
		assert.ok(client);
		await update(
			client,
			'pump-1',
			device ? {reported: {temperature: index}} : {desired: {speed: index}},
			`token-${index}`,
		);
	}

	const reader = createHistoryReader(service.httpUrl ?? '');
	const versions = await reader.versions({address: pump}, 1000);
	assert.equal(versions.length, 50);
	assert.deepEqual(
		versions.map((version) => version.version),
		Array.from({length: 50}, (_, index) => 50 - index),
	);
	for (const version of versions) {
		const device = version.version % 2 === 1;
		assert.equal(version.writer.channel, 'mqtt');
		assert.equal(
			version.writer.clientId,
			device ? 'pump-1-device' : 'pump-app',
		);
		assert.equal(version.writer.principal, 'local');
		assert.equal(version.clientToken, `token-${version.version}`);
	}

	// Version 10 holds what the shadow was then: desired from 10, reported from 9.
	const [ten] = (await reader.page({address: pump, version: 10})).versions;
	assert.deepEqual(ten?.state, {
		desired: {speed: 10},
		reported: {temperature: 9},
		delta: {speed: 10},
	});

	// Pages of 7, oldest first, cover the same 50 in order without repeats.
	const seen: number[] = [];
	let nextToken: string | undefined;
	do {
		const page = await reader.page({
			address: pump,
			order: 'asc',
			pageSize: 7,
			...(nextToken ? {nextToken} : {}),
		});
		assert.ok(page.versions.length <= 7);
		seen.push(...page.versions.map((version) => version.version));
		nextToken = page.nextToken;
	} while (nextToken);
	assert.deepEqual(
		seen,
		Array.from({length: 50}, (_, index) => index + 1),
	);
});

test('HTTP writes and deletes are journaled; a deleted shadow keeps its history', async (t) => {
	const clock = testClock(1000);
	const service = await startTestService(t, {clock});
	const url = `${service.httpUrl ?? ''}/things/pump-1/shadow`;
	const post = async (body: unknown) =>
		fetch(url, {method: 'POST', body: JSON.stringify(body)});
	assert.equal((await post({state: {desired: {on: true}}})).status, 200);
	clock.now = 1010;
	assert.equal((await fetch(url, {method: 'DELETE'})).status, 200);
	clock.now = 1020;
	assert.equal((await post({state: {desired: {on: false}}})).status, 200);

	const reader = createHistoryReader(service.httpUrl ?? '');
	const versions = await reader.versions({address: pump}, 10);
	assert.deepEqual(
		versions.map((version) => [
			version.kind,
			version.version,
			version.timestamp,
			version.writer.channel,
		]),
		[
			['document', 3, 1020, 'http'],
			['deleted', 1, 1010, 'http'],
			['document', 1, 1000, 'http'],
		],
	);
	const since = await reader.versions({address: pump, since: 1005}, 10);
	assert.equal(since.length, 2);

	const bad = await fetch(
		`${service.httpUrl ?? ''}/api/history/things/pump-1/shadow?pageSize=5000`,
	);
	assert.equal(bad.status, 400);
	assert.match(
		((await bad.json()) as {message: string}).message,
		/pageSize must be between 1 and 1000/,
	);
	const token = await fetch(
		`${service.httpUrl ?? ''}/api/history/things/pump-1/shadow?nextToken=x`,
	);
	assert.equal(token.status, 400);
});

test('retention keeps each shadow to its bound while updates go on, and expires old entries', async (t) => {
	const clock = testClock(10_000);
	const service = await startTestService(t, {
		clock,
		retention: {versions: 20, maxAgeSeconds: 3600},
	});
	const client = await connectMqtt({url: service.mqttUrl});
	t.after(async () => client.endAsync(true));
	await client.subscribeAsync('$aws/things/+/shadow/update/accepted');
	const journal = service.service.journal;
	assert.ok(journal);
	for (let index = 1; index <= 120; index++) {
		await update(client, 'pump-1', {reported: {n: index}}, `n-${index}`);
		// Prunes run between updates, as the timer runs them.
		if (index % 25 === 0) await journal.pruneNow();
	}

	await update(client, 'pump-2', {reported: {n: 1}}, 'other');
	await journal.pruneNow();
	const reader = createHistoryReader(service.httpUrl ?? '');
	const kept = await reader.versions({address: pump}, 1000);
	assert.deepEqual(
		kept.map((version) => version.version),
		Array.from({length: 20}, (_, index) => 120 - index),
	);

	// An hour later pump-1's entries are expired, pump-2's fresh one stays.
	clock.now = 10_000 + 3601;
	await update(client, 'pump-2', {reported: {n: 2}}, 'fresh');
	await journal.pruneNow();
	assert.equal((await reader.versions({address: pump}, 1000)).length, 0);
	assert.deepEqual(
		(await reader.versions({address: {...pump, thingName: 'pump-2'}}, 10)).map(
			(version) => version.version,
		),
		[2],
	);
});

test('a service without a journal says so; the route applies policies', async (t) => {
	const off = await startTestService(t, {
		retention: {versions: 0, maxAgeSeconds: Infinity},
	});
	await assert.rejects(
		createHistoryReader(off.httpUrl ?? '').page({address: pump}),
		(error: unknown) =>
			error instanceof NoJournal &&
			/keeps no version journal/.test(error.message),
	);

	const policies = parsePolicySet({
		Version: '2012-10-17',
		Statement: [
			{
				Effect: 'Allow',
				Action: ['iot:GetThingShadow', 'iot:UpdateThingShadow'],
				Resource: 'arn:aws:iot:*:*:thing/pump-1',
			},
		],
	});
	assert.ok(policies.ok);
	const secured = await startTestService(t, {
		security: {
			users: new Map([['operator', await hashPassword('secret')]]),
			policies: policies.set,
		},
	});
	const credentials = {username: 'operator', password: 'secret'};
	const reader = createHistoryReader(secured.httpUrl ?? '', credentials);
	const authorization = `Basic ${Buffer.from('operator:secret').toString('base64')}`;
	const posted = await fetch(`${secured.httpUrl ?? ''}/things/pump-1/shadow`, {
		method: 'POST',
		headers: {authorization},
		body: JSON.stringify({state: {desired: {on: true}}}),
	});
	assert.equal(posted.status, 200);
	const [entry] = (await reader.page({address: pump})).versions;
	assert.equal(entry?.writer.principal, 'user:operator');
	await assert.rejects(
		reader.page({address: {...pump, thingName: 'pump-2'}}),
		/403/,
	);
});

test('a bound lowered across a restart applies to shadows nobody writes', async (t) => {
	const dataFile = join(await temporaryDirectory(t), 'shadows.db');
	const first = await startTestService(t, {dataFile});
	const client = await connectMqtt({url: first.mqttUrl});
	await client.subscribeAsync('$aws/things/+/shadow/update/accepted');
	for (let index = 1; index <= 30; index++)
		await update(client, 'pump-1', {reported: {n: index}}, `n-${index}`);
	await client.endAsync(true);
	await first.close();

	const second = await startTestService(t, {
		dataFile,
		retention: {versions: 10, maxAgeSeconds: Infinity},
	});
	await second.service.journal?.pruneNow();
	const kept = await createHistoryReader(second.httpUrl ?? '').versions(
		{address: pump},
		1000,
	);
	assert.deepEqual(
		kept.map((version) => version.version),
		Array.from({length: 10}, (_, index) => 30 - index),
	);
});
