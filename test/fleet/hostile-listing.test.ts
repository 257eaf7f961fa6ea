/*
Listing the fleet with hostile patterns and queries, under the secure
setup, over real sockets. `*?*?*?*?*?*?*?*?*?*?!` used to become a
backtracking regular expression run against every name in the store
before the visibility check: seconds per 40-character name, during which
the whole service (MQTT included) stood still.
*/
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {connectShadowClient} from '../../source/client/shadow-client.js';
import {
	https,
	keepAliveAgent,
	startSecureService,
} from '../security/secure-service.js';

const pathological = '*?*?*?*?*?*?*?*?*?*?!';
const longNames = ['a'.repeat(38), 'b'.repeat(39), 'c'.repeat(40)];

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

	const list = async (agent: typeof opsHttp, parameters: string) => {
		const reply = await https(`${httpUrl}/api/shadows?${parameters}`, {
			agent,
		});
		return {
			...reply,
			names: (reply.body as {results?: {thingName: string}[]}).results?.map(
				(result) => result.thingName,
			),
		};
	};

	const match = `match=${encodeURIComponent(pathological)}`;
	const query = `query=${encodeURIComponent(`thing ~ "${pathological}"`)}`;
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
	const found = await list(
		opsHttp,
		`match=${encodeURIComponent('*?*?*?*?*?*?*?*?*?*?a')}`,
	);
	assert.deepEqual(found.names, [longNames[0]]);
	assert.deepEqual((await list(opsHttp, 'match=coffee-*')).names, ['coffee-1']);
	assert.deepEqual((await list(lampHttp, 'match=*')).names, ['lamp']);
	assert.deepEqual((await list(lampHttp, 'match=coffee-*')).names, []);
});

test('overlong patterns and queries, and deep nesting, are refused with a clear 400', async (t) => {
	const {ca, httpUrl, credentials} = await startSecureService(t);
	const lamp = await credentials('thing', 'lamp');
	const agent = keepAliveAgent(t, {ca, ...lamp});
	const refused = async (parameters: string) => {
		const reply = await https(`${httpUrl}/api/shadows?${parameters}`, {
			agent,
		});
		assert.equal(reply.status, 400, parameters.slice(0, 40));
		assert.equal(reply.errorType, 'InvalidRequestException');
		return (reply.body as {message: string}).message;
	};

	assert.equal(
		await refused(`match=${'*'.repeat(257)}`),
		'match: a name pattern has at most 256 characters (this one has 257)',
	);
	assert.match(
		await refused(
			`query=${encodeURIComponent(`thing ~ "${'?'.repeat(300)}"`)}`,
		),
		/^invalid query: a name pattern has at most 256 characters/,
	);
	assert.match(
		await refused(
			`query=${encodeURIComponent(`${'('.repeat(2000)}thing = "x"${')'.repeat(2000)}`)}`,
		),
		/^invalid query: more than 32 levels of parentheses and NOT at column 33$/,
	);
	assert.match(
		await refused(
			`query=${encodeURIComponent(`${'NOT '.repeat(1100)}thing = "x"`)}`,
		),
		/^invalid query: a query has at most 4096 characters/,
	);
	// The connection and the service are fine afterwards.
	const fine = await https(`${httpUrl}/api/shadows?match=*`, {agent});
	assert.equal(fine.status, 200);
});
