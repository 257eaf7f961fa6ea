/*
update --dry-run from the built CLI against the real local service: the
preview is printed and nothing is sent (the version does not move); an
oversize preview says which section to trim; a stale --version is refused
as the service would refuse it.
*/
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {connectShadowClient} from '../../source/client/shadow-client.js';
import {runCli} from '../helpers/cli.js';
import {startTestService} from '../helpers/service.js';

const lamp = {thingName: 'lamp', shadowName: ''};

test('update --dry-run previews and sends nothing; refusals say what to do', async (t) => {
	const service = await startTestService(t);
	const client = await connectShadowClient({
		connection: {url: service.mqttUrl},
	});
	t.after(async () => client.close());
	await client.update(lamp, {
		state: {
			desired: {lights: 'on'},
			reported: {lights: 'off', log: 'r'.repeat(3000)},
		},
	});
	const broker = ['--broker', service.mqttUrl];
	const dry = async (...args: string[]) =>
		runCli(['update', '--thing', 'lamp', ...args, '--dry-run', ...broker]);

	const preview = await dry('--desired', '{"color":"red"}');
	assert.equal(preview.code, 0, preview.stderr);
	assert.match(preview.stdout, /^dry run: nothing was sent$/m);
	assert.match(preview.stdout, /at v1, would be v2/);
	assert.match(preview.stdout, /desired: {2}\{"lights":"on","color":"red"\}/);
	assert.match(preview.stdout, /delta: {4}\{"lights":"on","color":"red"\}/);
	assert.match(
		preview.stdout,
		/size: {5}desired 29 B \+ reported 3,\d{3} B = 3,\d{3} B of 8,192 B/,
	);
	assert.equal((await client.get(lamp)).version, 1, 'nothing was sent');

	const oversize = await dry(
		'--desired',
		JSON.stringify({blob: 'd'.repeat(6000)}),
	);
	assert.equal(oversize.code, 1);
	assert.match(
		oversize.stdout,
		/✗ would be refused: 413 The payload exceeds the maximum size allowed/,
	);
	assert.match(oversize.stdout, /trim desired by at least \d[\d,]* B/);

	const stale = await dry('--desired', '{"a":1}', '--version', '7', '--json');
	assert.equal(stale.code, 1);
	const record = JSON.parse(stale.stdout) as {
		dryRun: boolean;
		from: number;
		rejection?: {code: number; fix: string};
	};
	assert.equal(record.dryRun, true);
	assert.equal(record.from, 1);
	assert.equal(record.rejection?.code, 409);
	assert.match(record.rejection?.fix ?? '', /at v1, not v7/);
	assert.equal((await client.get(lamp)).version, 1, 'still nothing sent');

	const fresh = await runCli([
		'update',
		'--thing',
		'new-lamp',
		'--desired',
		'{"on":true}',
		'--dry-run',
		...broker,
	]);
	assert.equal(fresh.code, 0, fresh.stderr);
	assert.match(
		fresh.stdout,
		/new-lamp \(classic shadow\): does not exist yet, would be v1/,
	);
});
