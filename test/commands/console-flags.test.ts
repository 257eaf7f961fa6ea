/*
The console's flags refused before anything opens: names AWS would refuse,
addresses that cannot be connected to. The pure check, then the built CLI
without a terminal (exit code 2, one line, before the terminal is asked for).
*/
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {UsageError} from '../../source/commands/command-error.js';
import {
	checkConsoleFlags,
	consoleFlagProblem,
} from '../../source/commands/console-flags.js';
import {runCli} from '../helpers/cli.js';

test('flags that cannot work are named, in one line each', () => {
	const cases: [Record<string, string>, string][] = [
		[
			{thing: 'bad name!'},
			'--thing "bad name!": ThingName must match pattern [a-zA-Z0-9:_-]+',
		],
		[
			{thing: 'x'.repeat(129)},
			`--thing "${'x'.repeat(60)}…": ThingName has a maximum length of 128`,
		],
		[
			{thing: 'lamp', shadow: '$schedule'},
			'--shadow "$schedule": ShadowName must match pattern [a-zA-Z0-9:_-]+',
		],
		[
			{thing: 'lamp', shadow: 's'.repeat(65)},
			`--shadow "${'s'.repeat(60)}…": ShadowName has a maximum length of 64`,
		],
		[
			{thing: 'lamp', broker: 'localhost:1883'},
			'--broker must be an mqtt://, mqtts://, ws:// or wss:// URL such as mqtt://127.0.0.1:1883, got "localhost:1883"',
		],
		[
			{thing: 'lamp', broker: 'mqtt://127.0.0.1:65536'},
			'--broker must be an mqtt://, mqtts://, ws:// or wss:// URL such as mqtt://127.0.0.1:1883, got "mqtt://127.0.0.1:65536"',
		],
		[
			{thing: 'lamp', broker: 'mqtt://a', endpoint: 'b'},
			'--broker and --endpoint are alternatives; give one',
		],
		[
			{thing: 'lamp', endpoint: 'https://abc-ats.iot.eu-west-1.amazonaws.com'},
			'--endpoint must be a host name such as abc123-ats.iot.us-east-1.amazonaws.com, got "https://abc-ats.iot.eu-west-1.amazonaws.com"',
		],
		[
			{thing: 'lamp', endpoint: 'abc-ats.iot.eu-west-1.amazonaws.com:1883'},
			'AWS IoT Core takes MQTT with certificates on port 8883 or 443',
		],
		[
			{thing: 'lamp', api: 'ftp://127.0.0.1:8080'},
			'--api must be an http:// or https:// URL such as http://127.0.0.1:8080, got "ftp://127.0.0.1:8080"',
		],
		[{thing: 'lamp', cert: 'lamp.crt'}, '--cert and --key go together'],
		[
			{thing: 'lamp', staleAfter: '90'},
			'--stale-after must be a duration such as 90s, 5m, 4h or 2d, got "90"',
		],
		[
			{thing: 'lamp', staleAfter: '0m'},
			'--stale-after must be longer than 0 s, got "0m"',
		],
	];
	for (const [flags, problem] of cases) {
		assert.equal(consoleFlagProblem(flags), problem, JSON.stringify(flags));
		assert.throws(
			() => {
				checkConsoleFlags(flags);
			},
			(error: unknown) =>
				error instanceof UsageError && error.message === problem,
		);
	}

	// A name with a line break in it is shown escaped: the message stays one line.
	assert.equal(
		consoleFlagProblem({thing: 'a\nb'}),
		'--thing "a\\nb": ThingName must match pattern [a-zA-Z0-9:_-]+',
	);
});

test('flags that can work pass', () => {
	for (const flags of [
		{},
		{thing: 'vehicle-1'},
		{thing: 'x'.repeat(128), shadow: 'schedule:v2_a-b'},
		{
			thing: 'lamp',
			broker: 'wss://lab-pc:8443/mqtt',
			api: 'https://lab-pc:8443',
		},
		{thing: 'lamp', endpoint: 'abc-ats.iot.eu-west-1.amazonaws.com:443'},
		// The profile holds the key.
		{thing: 'lamp', cert: 'lamp.crt', profile: 'prod'},
		{thing: 'lamp', role: 'device', history: 5},
		{thing: 'lamp', staleAfter: '90s'},
		{thing: 'lamp', staleAfter: '1h30m'},
	]) {
		assert.equal(consoleFlagProblem(flags), undefined, JSON.stringify(flags));
		checkConsoleFlags(flags);
	}
});

test('the built console refuses a bad name or address with one line and exit code 2, even without a terminal', async () => {
	for (const [args, problem] of [
		[['--thing', 'bad name!'], 'ThingName must match pattern'],
		[
			['console', '--thing', 'lamp', '--shadow', 'a/b'],
			'ShadowName must match pattern',
		],
		[['--thing', 'lamp', '--broker', 'mqtt:/127.0.0.1'], '--broker must be'],
		[['--thing', 'lamp', '--api', 'http//127.0.0.1:8080'], '--api must be'],
		[
			['--thing', 'lamp', '--endpoint', 'a b'],
			'--endpoint must be a host name',
		],
		[
			['--thing', 'lamp', '--stale-after', 'soon'],
			'--stale-after must be a duration such as 90s, 5m, 4h or 2d, got "soon"',
		],
	] as const) {
		const result = await runCli([...args]);
		assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
		assert.equal(result.stdout, '');
		assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
		assert.ok(
			result.stderr.startsWith('shadow-tui console: ') &&
				result.stderr.includes(problem),
			`${args.join(' ')}: ${result.stderr}`,
		);
	}
});
