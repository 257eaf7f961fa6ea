/*
The one-shot commands over many things, from the built binary against
`shadow-tui serve`: get --match prints the documents as JSON Lines, a
selection that matches nothing says so and exits 1, list --thing lists one
thing's shadows, and --desired / --reported take the console's assignments.
*/
import assert from 'node:assert/strict';
import {join} from 'node:path';
import {test} from 'node:test';
import {connectShadowClient} from '../../source/client/shadow-client.js';
import {runCli} from '../helpers/cli.js';
import {startServe} from '../helpers/serve-process.js';
import {temporaryDirectory} from '../helpers/service.js';

test('many things: documents as JSON Lines, nothing matched is exit 1, list --thing, assignments', async (t) => {
	const dir = await temporaryDirectory(t);
	const serve = await startServe(t, ['--data', join(dir, 'data')]);
	const connection = ['--broker', serve.mqttUrl, '--api', serve.httpUrl];
	const cli = async (...args: string[]) => runCli([...args, ...connection]);
	const client = await connectShadowClient({connection: {url: serve.mqttUrl}});
	t.after(async () => client.close());
	for (const thingName of ['brewer-10', 'brewer-2', 'brewer-1', 'lamp'])
		await client.update(
			{thingName, shadowName: ''},
			{state: {reported: {model: 'coffee-x', name: thingName}}},
		);
	await client.update(
		{thingName: 'brewer-2', shadowName: 'schedule'},
		{state: {desired: {brew: '07:00'}}},
	);

	// get --match: one document per line, named, parseable as it comes.
	const got = await cli('get', '--match', 'brewer-*');
	assert.equal(got.code, 0, got.stderr);
	const documents = got.stdout
		.trim()
		.split('\n')
		.map(
			(line) =>
				JSON.parse(line) as {
					thingName: string;
					shadowName: string;
					version: number;
					state: {reported?: {name?: string}};
				},
		);
	assert.deepEqual(documents.map((document) => document.thingName).sort(), [
		'brewer-1',
		'brewer-10',
		'brewer-2',
	]);
	for (const document of documents) {
		assert.equal(document.shadowName, '');
		assert.equal(document.version, 1);
		assert.equal(document.state.reported?.name, document.thingName);
	}

	assert.equal(got.stderr.trim(), '3 of 3 done');

	// A selection that matches nothing: one line, exit 1, for each command.
	for (const [command, ...args] of [
		['get', '--match', 'ghost-*'],
		['update', '--match', 'ghost-*', '--desired', '{"a":1}'],
		['delete', '--query', 'shadow.reported.model:toaster'],
		['list', '--match', 'ghost-*'],
		['list', '--query', 'shadow.reported.model:toaster', '--json'],
	] as const) {
		const result = await cli(command, ...args);
		assert.equal(result.code, 1, `${command} ${args.join(' ')}`);
		assert.equal(result.stdout, '');
		assert.equal(
			result.stderr,
			`shadow-tui ${command}: no shadow matches ${args[0]} ${JSON.stringify(args[1])}\n`,
		);
	}

	// list --thing: that thing's shadows, classic and named, and nothing else.
	const one = await cli('list', '--thing', 'brewer-2');
	assert.equal(one.code, 0, one.stderr);
	const rows = one.stdout.trim().split('\n');
	assert.match(rows[0] ?? '', /^THING\s+SHADOW\s+VERSION/);
	assert.deepEqual(
		rows.slice(1).map((row) => row.split(/\s+/).slice(0, 2)),
		[
			['brewer-2', '(classic)'],
			['brewer-2', 'schedule'],
		],
	);
	const ghost = await cli('list', '--thing', 'ghost');
	assert.equal(ghost.code, 1);
	assert.equal(
		ghost.stderr,
		'shadow-tui list: no shadow matches --thing "ghost"\n',
	);
	for (const args of [
		['list', '--thing', 'brewer-2', '--match', 'brewer-*'],
		['list', '--thing', 'bad name'],
	]) {
		const refused = await cli(...args);
		assert.equal(refused.code, 2, args.join(' '));
		assert.equal(refused.stderr.trim().split('\n').length, 1);
	}

	// The console's assignments on the command line, for one thing and for many.
	const assigned = await cli(
		'update',
		'--thing',
		'lamp',
		'--desired',
		'lights = "off"; color.r = 255',
		'--reported',
		'name = null',
		'--json',
	);
	assert.equal(assigned.code, 0, assigned.stderr);
	const lamp = await client.get({thingName: 'lamp', shadowName: ''});
	assert.deepEqual(lamp.state.desired, {lights: 'off', color: {r: 255}});
	assert.deepEqual(lamp.state.reported, {model: 'coffee-x'});

	const bulk = await cli(
		'update',
		'--match',
		'brewer-*',
		'--desired',
		'tempLimit = 90',
	);
	assert.equal(bulk.code, 0, bulk.stderr);
	for (const thingName of ['brewer-1', 'brewer-2', 'brewer-10'])
		assert.deepEqual(
			(await client.get({thingName, shadowName: ''})).state.desired,
			{tempLimit: 90},
			thingName,
		);

	const unquoted = await cli(
		'update',
		'--thing',
		'lamp',
		'--desired',
		'lights = off',
	);
	assert.equal(unquoted.code, 2);
	assert.equal(
		unquoted.stderr,
		'shadow-tui update: --desired: in assignment 1: invalid JSON at column 1: unexpected "o" (strings need quotes: "off") (see `shadow-tui update --help`)\n',
	);
});
