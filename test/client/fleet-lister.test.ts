/*
Listings from an HTTP API that does not behave: a SearchIndex page nested 20,000 levels
deep is refused with one message, and a page of 200,000 results or of
non-names is read without spreading it onto the stack.
*/
import assert from 'node:assert/strict';
import {createServer} from 'node:http';
import type {AddressInfo} from 'node:net';
import {test, type TestContext} from 'node:test';
import {
	createFleetLister,
	FleetListError,
} from '../../source/client/fleet-lister.js';
import {createNamedShadowLister} from '../../source/client/named-shadows.js';

async function serving(t: TestContext, body: string): Promise<string> {
	const server = createServer((_request, response) => {
		response.writeHead(200, {'content-type': 'application/json'});
		response.end(body);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	t.after(
		async () => new Promise<void>((resolve) => server.close(() => resolve())),
	);
	return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test('a listing nested deeper than shadows can be is refused', async (t) => {
	const deep = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
	const url = await serving(
		t,
		`{"things":[{"thingName":"x","connectivity":{"connected":${deep}}}]}`,
	);
	await assert.rejects(
		createFleetLister(url)({withState: true}),
		(error: unknown) =>
			error instanceof FleetListError &&
			error.message ===
				`the HTTP API at ${url} sent an answer nested deeper than /indices/search answers can be`,
	);
});

test('huge pages are read item by item; what is not a name is skipped', async (t) => {
	const things = Array.from({length: 200_000}, (_, index) => ({
		thingName: `t${index}`,
		shadow: '{"reported":{"a":1},"version":1}',
	}));
	const fleet = await serving(t, JSON.stringify({things}));
	assert.equal((await createFleetLister(fleet)({})).length, 200_000);

	const names = await serving(
		t,
		JSON.stringify({
			results: [...Array.from({length: 200_000}, (_, i) => `s${i}`), 7, {}],
			nextToken: {not: 'a token'},
		}),
	);
	const listed = await createNamedShadowLister(names)('lamp');
	assert.equal(listed.length, 200_000);
	assert.equal(listed.at(-1), 's199999');
});
