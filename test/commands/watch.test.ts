/*
shadow-tui watch as a script runs it: the built binary with stdout piped,
against a real local service (and a bare broker with no shadow service).
Every line of --json parses and a scripted flow shows whole and in order,
answers paired with their requests, the 409 explained; plain output has one
line per message; --match and --query print only their things; diagnostics
stay on stderr; a signal or a closed stdout ends it with exit 0; bad flags
and a refused subscription are one line.
*/
import assert from 'node:assert/strict';
import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process';
import {createServer, type AddressInfo} from 'node:net';
import {join} from 'node:path';
import {test, type TestContext} from 'node:test';
import {Aedes} from 'aedes';
import {connectMqtt} from '../../source/client/connect-mqtt.js';
import {
	connectShadowClient,
	type ShadowClient,
} from '../../source/client/shadow-client.js';
import {ShadowRejectedError} from '../../source/client/shadow-errors.js';
import type {TrafficRecord} from '../../source/traffic/traffic-format.js';
import {cliPath, runCli} from '../helpers/cli.js';
import {exited, startServe} from '../helpers/serve-process.js';
import {startTestService, temporaryDirectory} from '../helpers/service.js';
import {until} from '../helpers/wait.js';

type Watcher = {
	readonly child: ChildProcessWithoutNullStreams;
	/** Complete lines of stdout so far. */
	lines(): string[];
	records(): TrafficRecord[];
	stderr(): string;
	waitForLines(count: number, what: string): Promise<void>;
	stop(signal: NodeJS.Signals): Promise<number | null>;
};

/** until(), with what was seen so far described when the time is up rather than when the wait starts. */
async function waitFor(
	condition: () => boolean,
	describe: () => string,
	timeoutMs = 10_000,
): Promise<void> {
	try {
		await until(condition, 'a condition', timeoutMs);
	} catch {
		throw new Error(`timed out waiting for ${describe()}`);
	}
}

/** An isolated config directory, so no profile of the machine's user applies. */
async function isolatedEnv(t: TestContext): Promise<NodeJS.ProcessEnv> {
	return {XDG_CONFIG_HOME: await temporaryDirectory(t)};
}

/** Starts `watch` and, unless told not to, waits for its subscription to be in place. */
async function startWatch(
	t: TestContext,
	args: string[],
	options: {env?: NodeJS.ProcessEnv; subscribed?: boolean} = {},
): Promise<Watcher> {
	const child = spawn(process.execPath, [cliPath, 'watch', ...args], {
		env: {...process.env, FORCE_COLOR: '0', ...options.env},
		stdio: 'pipe',
	});
	t.after(() => {
		if (child.exitCode === null && child.signalCode === null)
			child.kill('SIGKILL');
	});
	// stdin closing is no reason to stop: a script's watch often has none.
	child.stdin.end();
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const lines = () => {
		const complete = stdout.slice(0, stdout.lastIndexOf('\n') + 1);
		return complete === '' ? [] : complete.slice(0, -1).split('\n');
	};

	const watcher: Watcher = {
		child,
		lines,
		records: () => lines().map((line) => JSON.parse(line) as TrafficRecord),
		stderr: () => stderr,
		async waitForLines(count, what) {
			await waitFor(
				() => lines().length >= count || child.exitCode !== null,
				() =>
					`${what} (${count} lines); stdout:\n${stdout}\nstderr:\n${stderr}`,
			);
			assert.equal(child.exitCode, null, `watch exited: ${stderr}`);
		},
		async stop(signal) {
			child.kill(signal);
			return (await exited(child)).code;
		},
	};
	if (options.subscribed !== false)
		await waitFor(
			() => stderr.includes('watching ') || child.exitCode !== null,
			() => `watch to subscribe; stderr:\n${stderr}`,
		);
	return watcher;
}

test('watch --json: a scripted flow, every message in order, paired and explained; plain lines alike; SIGTERM and SIGINT exit 0', async (t) => {
	const service = await startTestService(t);
	const env = await isolatedEnv(t);
	const app = await connectShadowClient({connection: {url: service.mqttUrl}});
	t.after(async () => app.close());
	const connection = ['--broker', service.mqttUrl];
	const json = await startWatch(
		t,
		['--thing', 'lamp', '--json', ...connection],
		{env},
	);
	const plain = await startWatch(t, ['--thing', 'lamp', ...connection], {
		env,
	});
	const address = {thingName: 'lamp', shadowName: ''};
	let expected = 0;
	const step = async (
		what: string,
		messages: number,
		action: () => unknown,
	) => {
		await action();
		expected += messages;
		await json.waitForLines(expected, what);
		await plain.waitForLines(expected, what);
	};

	let device: ShadowClient | undefined;
	await step('the device connecting', 1, async () => {
		device = await connectShadowClient({
			connection: {url: service.mqttUrl, clientId: 'lamp'},
		});
	});
	t.after(async () => device?.close());
	await step('the app setting desired', 4, async () =>
		app.update(address, {state: {desired: {on: true}}}),
	);
	await step('the device reporting', 3, async () =>
		device?.update(address, {state: {reported: {on: true}}}),
	);
	await step('a get', 2, async () => app.get(address));
	await step('an update on an old version', 2, async () => {
		await assert.rejects(
			app.update(address, {state: {desired: {on: false}}, version: 1}),
			(error: unknown) =>
				error instanceof ShadowRejectedError && error.code === 409,
		);
	});
	await step('a delete', 2, async () => app.delete(address));
	await step('the device going away', 1, async () => device?.close());

	// Every line parses, and holds the whole flow in the order it happened.
	const records = json.records();
	assert.deepEqual(
		records.map((record) => record.short),
		[
			'presence connected',
			'update',
			'update/accepted',
			'delta',
			'documents',
			'update',
			'update/accepted',
			'documents',
			'get',
			'get/accepted',
			'update',
			'update/rejected',
			'delete',
			'delete/accepted',
			'presence disconnected',
		],
	);
	assert.deepEqual(
		records.map((record) => record.seq),
		records.map((_, index) => index + 1),
	);
	for (const record of records.slice(1, -1)) {
		assert.equal(record.thing, 'lamp');
		assert.equal(record.shadow, '');
	}

	assert.equal(records[0]?.topic, '$aws/events/presence/connected/lamp');
	assert.deepEqual(
		records.map((record) => record.version),
		[
			undefined,
			undefined,
			1,
			1,
			1,
			undefined,
			2,
			2,
			undefined,
			2,
			1,
			undefined,
			undefined,
			2,
			undefined,
		],
	);
	assert.deepEqual(records[1]?.payload, {
		state: {desired: {on: true}},
		clientToken: records[1]?.clientToken,
	});
	assert.deepEqual(records[3]?.payload, {
		...(records[3]?.payload as object),
		state: {on: true},
	});

	// Each answer names its request (the line before it, or the one before the delta) and its latency.
	for (const [answer, request] of [
		[2, 1],
		[6, 5],
		[9, 8],
		[11, 10],
		[13, 12],
	] as const) {
		const answered = records[answer];
		const asked = records[request];
		assert.equal(asked?.kind, 'request');
		assert.equal(asked.source, 'other');
		assert.equal(answered?.request?.seq, asked.seq, answered?.short);
		assert.equal(answered.request.short, asked.short);
		assert.ok(answered.request.latencyMs >= 0);
		assert.equal(answered.clientToken, asked.clientToken);
		assert.ok(asked.clientToken);
	}

	const conflict = records[11];
	assert.deepEqual(conflict?.rejection, {
		code: 409,
		message: 'Version conflict',
	});
	assert.match(conflict.explanation?.summary ?? '', /at v2, not v1/);
	assert.match(conflict.explanation?.fix ?? '', /get the shadow again/);

	// Plain: one line per message, the same messages, with what each one means.
	const lines = plain.lines();
	assert.equal(lines.length, records.length, lines.join('\n'));
	for (const [index, line] of lines.entries()) {
		assert.match(line, /^\d\d:\d\d:\d\d\.\d{3} {2}[→←·] {2}/);
		assert.ok(line.includes(records[index]?.short ?? ''), line);
		// A request's answer comes on a line of its own: no request line says it is waiting.
		assert.doesNotMatch(line, /waiting/);
	}

	assert.match(lines[0] ?? '', /presence connected {2}lamp/);
	assert.match(lines[2] ?? '', /update\/accepted {2}v1 .*\b\d+ ms\b/);
	assert.match(
		lines[11] ?? '',
		/update\/rejected .*✗ 409 Version conflict — the shadow is at v2, not v1/,
	);

	// Diagnostics on stderr only: the subscription, nothing else in a quiet run.
	for (const watcher of [json, plain])
		assert.equal(
			watcher.stderr(),
			`watching lamp's classic shadow on ${service.mqttUrl} (Ctrl-C stops)\n`,
		);

	assert.equal(await json.stop('SIGTERM'), 0);
	assert.equal(await plain.stop('SIGINT'), 0);
	assert.equal(json.lines().length, records.length);
});

test('watch --match and --query: only the selected things (and their presence); --shadow narrows to one shadow', async (t) => {
	const service = await startTestService(t);
	const env = await isolatedEnv(t);
	const app = await connectShadowClient({connection: {url: service.mqttUrl}});
	t.after(async () => app.close());
	const at = (thingName: string, shadowName = '') => ({thingName, shadowName});
	for (const [thingName, model] of [
		['brewer-1', 'coffee-x'],
		['brewer-2', 'coffee-x'],
		['brewer-3', 'tea'],
		['lamp', 'coffee-x'],
	] as const)
		await app.update(at(thingName), {state: {reported: {model}}});

	const connection = ['--broker', service.mqttUrl, '--api', service.httpUrl!];
	const matched = await startWatch(
		t,
		['--match', 'brewer-*', '--json', ...connection],
		{env},
	);
	const queried = await startWatch(
		t,
		[
			'--query',
			'shadow.reported.model:coffee\\-x',
			'--match',
			'brewer-*',
			'--json',
			...connection,
		],
		{env},
	);
	const schedules = await startWatch(
		t,
		['--match', 'brewer-*', '--shadow', 'schedule', ...connection],
		{env},
	);
	assert.match(
		queried.stderr(),
		/watching every shadow of the things selected by --match "brewer-\*" --query "shadow.reported.model:coffee\\\\-x"/,
	);

	const devices: ShadowClient[] = [];
	t.after(async () =>
		Promise.all(devices.map(async (device) => device.close())),
	);
	for (const clientId of ['lamp', 'brewer-1'])
		devices.push(
			await connectShadowClient({
				connection: {url: service.mqttUrl, clientId},
			}),
		);
	// brewer-1's presence first (lamp's is dropped), so that the order below is known.
	for (const watcher of [matched, queried, schedules])
		await watcher.waitForLines(1, "brewer-1's presence");
	await app.update(at('lamp'), {state: {desired: {on: true}}});
	await app.update(at('brewer-3'), {state: {desired: {tea: 'green'}}});
	await app.update(at('brewer-1'), {state: {desired: {cups: 2}}});
	await app.update(at('brewer-2', 'schedule'), {
		state: {desired: {brew: '07:00'}},
	});
	// The last message each watcher prints: nothing it drops can come after it.
	await app.get(at('brewer-2', 'schedule'));

	const lastIsTheGet = (records: TrafficRecord[]) =>
		records.at(-1)?.short === 'get/accepted';
	await waitFor(
		() => lastIsTheGet(matched.records()),
		() => `--match to print the get; stdout:\n${matched.lines().join('\n')}`,
	);
	await waitFor(
		() => lastIsTheGet(queried.records()),
		() => `--query to print the get; stdout:\n${queried.lines().join('\n')}`,
	);
	await waitFor(
		() => /get\/accepted/.test(schedules.lines().at(-1) ?? ''),
		() =>
			`--shadow schedule to print the get; stdout:\n${schedules.lines().join('\n')}`,
	);

	const shadowsOf = (records: TrafficRecord[]) => [
		...new Set(
			records.map((record) =>
				record.thing === undefined
					? record.topic
					: `${record.thing}/${record.shadow ?? ''}`,
			),
		),
	];
	assert.deepEqual(shadowsOf(matched.records()), [
		'$aws/events/presence/connected/brewer-1',
		'brewer-3/',
		'brewer-1/',
		'brewer-2/schedule',
	]);
	// brewer-3 is no coffee-x: the query left it out; brewer-2's named shadow is its thing's.
	assert.deepEqual(shadowsOf(queried.records()), [
		'$aws/events/presence/connected/brewer-1',
		'brewer-1/',
		'brewer-2/schedule',
	]);
	for (const watcher of [matched, queried]) {
		const shorts = watcher
			.records()
			.filter((record) => record.thing === 'brewer-1')
			.map((record) => record.short);
		assert.deepEqual(shorts, [
			'update',
			'update/accepted',
			'delta',
			'documents',
		]);
	}

	// Plain with many shadows: each line names its shadow; presence is the thing's.
	const lines = schedules.lines();
	assert.match(lines[0] ?? '', /presence connected {2}brewer-1/);
	assert.deepEqual(
		lines.slice(1).map((line) => line.split(/ {2}/).slice(2, 4)),
		[
			['update', 'brewer-2/schedule'],
			['update/accepted', 'brewer-2/schedule'],
			['delta', 'brewer-2/schedule'],
			['documents', 'brewer-2/schedule'],
			['get', 'brewer-2/schedule'],
			['get/accepted', 'brewer-2/schedule'],
		],
	);

	// A query that selects nothing says so and stops, as the other commands do.
	const none = await runCli(
		['watch', '--query', 'shadow.reported.model:toaster', ...connection],
		{env},
	);
	assert.equal(none.code, 1);
	assert.equal(none.stdout, '');
	assert.equal(
		none.stderr,
		'shadow-tui watch: no shadow matches --query "shadow.reported.model:toaster"\n',
	);

	for (const watcher of [matched, queried, schedules])
		assert.equal(await watcher.stop('SIGTERM'), 0);
});

test('watch waits for a broker that is not up yet, marks unanswered requests, keeps connection changes on stderr', async (t) => {
	const env = await isolatedEnv(t);
	// A free port, for a broker that starts after watch does.
	const probe = createServer();
	await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
	const {port} = probe.address() as AddressInfo;
	await new Promise((resolve) => probe.close(resolve));
	const url = `mqtt://127.0.0.1:${port}`;

	const args = ['--thing', 'lamp', '--broker', url, '--answer-timeout', '300'];
	const json = await startWatch(t, [...args, '--json'], {
		env,
		subscribed: false,
	});
	const plain = await startWatch(t, args, {env, subscribed: false});
	for (const watcher of [json, plain])
		await waitFor(
			() => watcher.stderr().includes(`connecting to ${url}`),
			() => `watch to say it is connecting; stderr:\n${watcher.stderr()}`,
		);

	// A bare broker: only MQTT, no shadow service to answer.
	const aedes = await Aedes.createBroker();
	const broker = createServer(aedes.handle);
	await new Promise<void>((resolve) =>
		broker.listen(port, '127.0.0.1', resolve),
	);
	t.after(async () => {
		await new Promise<void>((resolve) => {
			aedes.close(() => resolve());
		});
		await new Promise((resolve) => broker.close(resolve));
	});
	for (const watcher of [json, plain])
		await waitFor(
			() => watcher.stderr().includes('watching '),
			() =>
				`watch to subscribe once the broker is up; stderr:\n${watcher.stderr()}`,
		);

	const client = await connectMqtt({url});
	t.after(async () => client.endAsync());
	await client.publishAsync(
		'$aws/things/lamp/shadow/get',
		JSON.stringify({clientToken: 'nobody-answers'}),
		{qos: 1},
	);
	await json.waitForLines(2, 'the get and its unanswered mark');
	await plain.waitForLines(2, 'the get and its unanswered mark');
	const [request, unanswered] = json
		.lines()
		.map((line) => JSON.parse(line) as Record<string, unknown>);
	assert.equal(request?.short, 'get');
	assert.deepEqual(unanswered, {
		kind: 'unanswered',
		time: unanswered?.time,
		request: request.seq,
		topic: '$aws/things/lamp/shadow/get',
		thing: 'lamp',
		shadow: '',
		clientToken: 'nobody-answers',
		timeoutMs: 300,
	});
	assert.match(
		plain.lines()[1] ?? '',
		/⚠ no answer to get lamp token nobody-answers \(sent .*\) within 300 ms/,
	);

	// The broker goes away: watch says so on stderr, and stdout stays messages only.
	await new Promise<void>((resolve) => {
		aedes.close(() => resolve());
	});
	await new Promise((resolve) => broker.close(resolve));
	for (const watcher of [json, plain])
		await waitFor(
			() => /offline from|reconnecting to/.test(watcher.stderr()),
			() => `watch to report the lost connection; stderr:\n${watcher.stderr()}`,
		);
	assert.equal(json.lines().length, 2);
	assert.equal(plain.lines().length, 2);
	assert.equal(await json.stop('SIGTERM'), 0);
	assert.equal(await plain.stop('SIGINT'), 0);
});

test('watch | head -3: a closed stdout ends it quietly with exit 0', async (t) => {
	const service = await startTestService(t);
	const env = await isolatedEnv(t);
	const app = await connectShadowClient({connection: {url: service.mqttUrl}});
	t.after(async () => app.close());
	const watcher = await startWatch(
		t,
		['--thing', 'lamp', '--broker', service.mqttUrl],
		{env},
	);
	const address = {thingName: 'lamp', shadowName: ''};
	await app.update(address, {state: {desired: {on: true}}});
	await watcher.waitForLines(3, 'the first three lines');
	watcher.child.stdout.destroy();
	// More messages to write, into a pipe nobody reads.
	let version = 1;
	const stopped = exited(watcher.child);
	while (watcher.child.exitCode === null && version < 50) {
		await app.update(address, {state: {desired: {on: version % 2 === 0}}});
		version++;
		await Promise.race([
			stopped,
			new Promise((resolve) => setTimeout(resolve, 100)),
		]);
	}

	assert.deepEqual(await stopped, {code: 0, signal: null});
	assert.equal(
		watcher.stderr(),
		`watching lamp's classic shadow on ${service.mqttUrl} (Ctrl-C stops)\n`,
	);
});

test('watch: bad flag combinations exit 2 with one line, before anything connects', async (t) => {
	const env = await isolatedEnv(t);
	// Nothing listens here: a usage error must not wait for a broker.
	const connection = [
		'--broker',
		'mqtt://127.0.0.1:9',
		'--api',
		'http://127.0.0.1:9',
	];
	for (const [args, message] of [
		[[], /watch needs --thing NAME \(or --match PATTERN, --query Q\)/],
		[['--shadow', 'schedule'], /watch needs --thing NAME/],
		[['--thing', 'lamp', '--match', 'brewer-*'], /give one or the other/],
		[
			['--thing', 'lamp', '--query', 'shadow.reported.on:true'],
			/give one or the other/,
		],
		[['--thing', 'no spaces'], /--thing "no spaces": ThingName must match/],
		[['--thing', 'lamp', '--shadow', 'a/b'], /--shadow "a\/b": ShadowName/],
		[['--query', 'shadow.reported.on:'], /Syntax error in query string/],
		[['--thing', 'lamp', '--answer-timeout', '5'], /answer-timeout/],
		[['--thing', 'lamp', '--desired', '{}'], /desired/],
	] as const) {
		const result = await runCli(['watch', ...args, ...connection], {env});
		assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
		assert.equal(result.stdout, '');
		assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
		assert.match(result.stderr, message);
	}
});

test('watch: a subscription the policy refuses is one line naming the filter, exit 1', async (t) => {
	const home = await temporaryDirectory(t);
	const dir = join(home, 'certs');
	const env = {XDG_CONFIG_HOME: home};
	for (const args of [
		['certs', 'init', '--dir', dir],
		['certs', 'device', 'lamp', '--dir', dir],
		['certs', 'app', 'console', '--dir', dir],
	]) {
		const result = await runCli(args, {env});
		assert.equal(result.code, 0, result.stderr);
	}

	const serve = await startServe(t, [
		'--certs',
		dir,
		'--data',
		join(home, 'data'),
	]);
	const as = (kind: 'devices' | 'apps', name: string) => [
		'--broker',
		serve.mqttUrl,
		'--ca',
		join(dir, 'ca.crt'),
		'--cert',
		join(dir, kind, `${name}.crt`),
		'--key',
		join(dir, kind, `${name}.key`),
	];
	const asLamp = as('devices', 'lamp');
	// A device may watch its own shadow...
	const own = await startWatch(t, ['--thing', 'lamp', ...asLamp], {env});
	// ...though its policy grants no lifecycle events: said once, and the shadow is watched without them.
	assert.match(
		own.stderr(),
		/^\d\d:\d\d:\d\d\.\d{3} {2}not showing presence: the broker refused the subscription to \$aws\/events\/presence\/\+\/lamp \(the identity's policy does not allow iot:Subscribe on it\)\nwatching lamp's classic shadow/,
	);
	// An app writes (a second connection as lamp would take the watch's client id over).
	const written = await runCli(
		[
			'update',
			'--thing',
			'lamp',
			'--desired',
			'{"on":true}',
			...as('apps', 'console'),
		],
		{env},
	);
	assert.equal(written.code, 0, written.stderr);
	await own.waitForLines(4, "the app's update");
	assert.deepEqual(
		own.lines().map((line) => line.split(/ {2}/)[2]),
		['update', 'update/accepted', 'delta', 'documents'],
	);
	assert.equal(await own.stop('SIGTERM'), 0);
	// ...but not another thing's.
	const refused = await runCli(['watch', '--thing', 'fan', ...asLamp], {env});
	assert.equal(refused.code, 1, refused.stderr);
	assert.equal(refused.stdout, '');
	assert.equal(
		refused.stderr,
		"shadow-tui watch: the broker refused the subscription to $aws/things/fan/shadow/+: the identity's policy must allow iot:Subscribe on it (resource topicfilter/$aws/things/fan/shadow/+)\n",
	);
	serve.child.kill('SIGTERM');
	assert.equal((await exited(serve.child)).code, 0);
});
