/*
Fleet Indexing's SearchIndex with hostile queries, under the secure setup,
over real sockets. `*a*a*a*a*a*a*a*a*b` as a backtracking regular expression
takes seconds per long name, during which the whole service (MQTT included)
would stand still; wildcards here match in linear time, over only what the
caller may see.
*/
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {connectShadowClient} from '../../source/client/shadow-client.js';
import {
	https,
	keepAliveAgent,
	startSecureService,
} from '../security/secure-service.js';

const pathological = 'thingName:*a*a*a*a*a*a*a*a*b';
const longNames = ['a'.repeat(126), 'b'.repeat(127), 'c'.repeat(128)];

/** The promise, or a failure naming what did not finish within the (generous) bound. */
async function within<T>(promise: Promise<T>, what: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_resolve, reject) => {
		timer = setTimeout(() => {
			reject(new Error(`${what} was not answered within 5 s`));
		}, 5000);
	});
	try {
		return await Promise.race([promise, timeout]);
	} finally {
		clearTimeout(timer);
	}
}

test('a pathological pattern or query from the least-privileged device is answered at once, and MQTT keeps being served', async (t) => {
	const {ca, httpUrl, service, credentials} = await startSecureService(t);
	const ops = await credentials('app', 'ops');
	const lamp = await credentials('thing', 'lamp');
	const opsHttp = keepAliveAgent(t, {ca, ...ops});
	const lampHttp = keepAliveAgent(t, {ca, ...lamp});
	const write = async (agent: typeof opsHttp, thing: string) => {
		const reply = await https(`${httpUrl}/things/${thing}/shadow`, {
			agent,
			method: 'POST',
			body: JSON.stringify({state: {reported: {on: true}}}),
		});
		assert.equal(reply.status, 200, thing);
	};

	for (const name of [...longNames, 'coffee-1']) await write(opsHttp, name);
	await write(lampHttp, 'lamp');
	const app = await connectShadowClient({
		connection: {
			url: service.mqttUrl,
			ca,
			...ops,
			clientId: 'ops',
			reconnectPeriod: 0,
		},
	});
	t.after(async () => app.close());

	const list = async (agent: typeof opsHttp, queryString: string) => {
		const reply = await https(`${httpUrl}/indices/search`, {
			agent,
			method: 'POST',
			body: JSON.stringify({queryString}),
		});
		return {
			...reply,
			names: (reply.body as {things?: {thingName: string}[]}).things?.map(
				(thing) => thing.thingName,
			),
		};
	};

	const match = pathological;
	const query = `shadow.reported.on:true AND ${pathological}`;
	// The device's listing and another client's MQTT request, at the same time.
	const started = Date.now();
	const [byDevice, other] = await Promise.all([
		within(list(lampHttp, match), "the device's listing"),
		within(
			app.get({thingName: 'coffee-1', shadowName: ''}),
			'an MQTT get from another client',
		),
	]);
	assert.equal(byDevice.status, 200);
	assert.deepEqual(byDevice.names, []);
	assert.deepEqual(other.state.reported, {on: true});
	t.diagnostic(`both answered in ${Date.now() - started} ms`);

	// A caller that sees everything: the pattern runs over every name, in linear time.
	for (const [agent, parameters, who] of [
		[lampHttp, query, 'device, query'],
		[opsHttp, match, 'app, match'],
		[opsHttp, query, 'app, query'],
	] as const) {
		const reply = await within(list(agent, parameters), who);
		assert.equal(reply.status, 200, who);
		assert.deepEqual(reply.names, [], who);
	}

	// What legitimate patterns find is unchanged; the device still sees only itself.
	const found = await list(opsHttp, 'thingName:*a*a*a*a*a*a*a*a*a');
	assert.deepEqual(found.names, [longNames[0]]);
	assert.deepEqual((await list(opsHttp, 'thingName:coffee\\-*')).names, [
		'coffee-1',
	]);
	assert.deepEqual((await list(lampHttp, 'thingName:*')).names, ['lamp']);
	assert.deepEqual((await list(lampHttp, 'thingName:coffee*')).names, []);
});

test('overlong queries, too many terms and deep nesting are refused with InvalidQueryException', async (t) => {
	const {ca, httpUrl, credentials} = await startSecureService(t);
	const lamp = await credentials('thing', 'lamp');
	const agent = keepAliveAgent(t, {ca, ...lamp});
	const refused = async (queryString: string) => {
		const reply = await https(`${httpUrl}/indices/search`, {
			agent,
			method: 'POST',
			body: JSON.stringify({queryString}),
		});
		assert.equal(reply.status, 400, queryString.slice(0, 40));
		assert.equal(reply.errorType, 'InvalidQueryException');
		return (reply.body as {message: string}).message;
	};

	assert.match(await refused(`thingName:${'a'.repeat(5000)}`), /4096/);
	assert.match(
		await refused(
			Array.from({length: 13}, (_, index) => `thingName:t${index}`).join(
				' OR ',
			),
		),
		/12 terms/,
	);
	assert.match(
		await refused(`${'('.repeat(2000)}thingName:x${')'.repeat(2000)}`),
		/.+/,
	);
	assert.match(await refused(`${'NOT '.repeat(1000)}thingName:x`), /.+/);
	assert.match(
		await refused('thingName:*a AND shadow.reported.x:*b'),
		/leading wildcard/i,
	);
	// The connection and the service are fine afterwards.
	const fine = await https(`${httpUrl}/indices/search`, {
		agent,
		method: 'POST',
		body: JSON.stringify({queryString: 'thingName:*'}),
	});
	assert.equal(fine.status, 200);
});
