/*
update --dry-run from the built CLI against the real local service: the
preview is printed and nothing is sent (the version does not move); an
oversize preview says which section to trim; a stale --version is refused
as the service would refuse it. With --match or --query every target is
previewed, and a refusal among them is listed with its reason.
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

test('update --match/--query --dry-run previews every shadow, lists the refused ones and sends nothing', async (t) => {
	const service = await startTestService(t);
	const client = await connectShadowClient({
		connection: {url: service.mqttUrl},
	});
	t.after(async () => client.close());
	const lamps = ['lamp-1', 'lamp-2', 'lamp-3'].map((thingName) => ({
		thingName,
		shadowName: '',
	}));
	for (const [index, lamp] of lamps.entries())
		await client.update(lamp, {
			state: {
				desired: {lights: 'on'},
				// lamp-3 is near the 8 KB limit: the patch below takes it over.
				reported: {
					lights: index === 0 ? 'on' : 'off',
					model: 'l',
					...(index === 2 ? {log: 'r'.repeat(7000)} : {}),
				},
			},
		});
	// An update more for lamp-2, so the versions differ.
	await client.update(lamps[1]!, {state: {reported: {model: 'm'}}});
	const versions = async () =>
		Promise.all(lamps.map(async (lamp) => (await client.get(lamp)).version));
	const before = await versions();
	assert.deepEqual(before, [1, 2, 1]);
	const connection = [
		'--broker',
		service.mqttUrl,
		'--api',
		service.httpUrl ?? '',
	];
	const patch = JSON.stringify({note: 'n'.repeat(1300)});

	const refused = await runCli([
		'update',
		'--match',
		'lamp-*',
		'--desired',
		patch,
		'--dry-run',
		...connection,
	]);
	assert.equal(refused.code, 1, refused.stderr);
	const lines = refused.stdout.trimEnd().split('\n');
	assert.equal(lines[0], 'dry run: nothing was sent');
	assert.ok(
		lines.includes(
			'3 shadows match --match "lamp-*": 2 would be updated, 1 would be refused',
		),
		refused.stdout,
	);
	assert.ok(
		lines.includes(
			'✗ lamp-3 (at v1): would be refused: 413 The payload exceeds the maximum size allowed',
		),
		refused.stdout,
	);
	assert.match(refused.stdout, /^ {2}trim reported by at least \d[\d,]* B/m);
	assert.match(refused.stdout, /^deltas \(all 2 that would be updated\):$/m);
	assert.match(
		refused.stdout,
		/^ {2}lamp-1 \(at v1, would be v2\): \{"note":"n+…$/m,
	);
	assert.match(
		refused.stdout,
		/^ {2}lamp-2 \(at v2, would be v3\): \{"lights":"on","note"/m,
	);
	assert.doesNotMatch(refused.stdout, /lamp-3 \(at v1, would be/);
	assert.deepEqual(await versions(), before, 'nothing was sent');

	// --json and --query: one object; nothing refused is exit 0.
	const json = await runCli([
		'update',
		'--query',
		'NOT shadow.reported.model:x',
		'--desired',
		'{"lights":"off"}',
		'--dry-run',
		'--json',
		...connection,
	]);
	assert.equal(json.code, 0, json.stderr);
	const record = JSON.parse(json.stdout) as {
		dryRun: boolean;
		total: number;
		wouldUpdate: number;
		wouldRefuse: number;
		refused: unknown[];
		sample: {thingName: string; from: number; to: number; delta: unknown}[];
	};
	assert.equal(record.dryRun, true);
	assert.equal(record.total, 3);
	assert.equal(record.wouldUpdate, 3);
	assert.equal(record.wouldRefuse, 0);
	assert.deepEqual(record.refused, []);
	assert.deepEqual(
		record.sample.map(({thingName, from, to, delta}) => [
			thingName,
			from,
			to,
			delta,
		]),
		[
			// lamp-1 reports the lights on: turning them off is a delta; the others are off.
			['lamp-1', 1, 2, {lights: 'off'}],
			['lamp-2', 2, 3, null],
			['lamp-3', 1, 2, null],
		],
	);

	const refusedJson = await runCli([
		'update',
		'--match',
		'lamp-*',
		'--desired',
		patch,
		'--dry-run',
		'--json',
		...connection,
	]);
	assert.equal(refusedJson.code, 1);
	const refusal = JSON.parse(refusedJson.stdout) as {
		refused: {thingName: string; rejection: {code: number; fix: string}}[];
	};
	assert.deepEqual(
		refusal.refused.map(({thingName, rejection}) => [
			thingName,
			rejection.code,
		]),
		[['lamp-3', 413]],
	);
	assert.deepEqual(await versions(), before, 'still nothing sent');

	const nothing = await runCli([
		'update',
		'--match',
		'fan-*',
		'--desired',
		'{"a":1}',
		'--dry-run',
		...connection,
	]);
	assert.equal(nothing.code, 1);
	assert.match(
		nothing.stderr,
		/^shadow-tui update: no shadow matches --match "fan-\*"$/m,
	);
	const locked = await runCli([
		'update',
		'--match',
		'lamp-*',
		'--desired',
		'{"a":1}',
		'--version',
		'1',
		'--dry-run',
		...connection,
	]);
	assert.equal(locked.code, 2);
	assert.match(locked.stderr, /--version names the version of one shadow/);
});
