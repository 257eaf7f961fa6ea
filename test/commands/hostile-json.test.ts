/*
`shadow-tui update` given JSON no shadow can hold: one line in AWS's words,
exit code 2, no stack trace, nothing sent. The built CLI runs as a child
process where the text fits in one argument (Linux caps an argument at
128 KB); the larger texts, which other systems pass as arguments, go through
the same command line parser and dispatcher in this process.
*/
import assert from 'node:assert/strict';
import {test, type TestContext} from 'node:test';
import {parseCommandLine} from '../../source/command-line/parse-command-line.js';
import {
	connectShadowClient,
	type ShadowClient,
} from '../../source/client/shadow-client.js';
import {runCommand} from '../../source/commands/run-command.js';
import {runCli} from '../helpers/cli.js';
import {startTestService} from '../helpers/service.js';

const lamp = {thingName: 'lamp', shadowName: ''};

type Case = {
	readonly name: string;
	readonly flag: '--desired' | '--reported';
	readonly text: string;
	readonly error: string;
};

const nestedObjects = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
const nestedArrays = `{"a":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;

/** Small enough for one argument. */
const argumentCases: Case[] = [
	{
		name: '20,000 levels of objects',
		flag: '--desired',
		text: nestedObjects,
		error:
			'--desired: JSON contains too many levels of nesting; maximum is 6: this has 20000',
	},
	{
		name: '20,000 levels of arrays',
		flag: '--reported',
		text: nestedArrays,
		error:
			'--reported: JSON contains too many levels of nesting; maximum is 6: this has 20001',
	},
	{
		name: 'a 100 KB key',
		flag: '--desired',
		text: `{"${'k'.repeat(100_000)}":1}`,
		error:
			'--desired: The payload exceeds the maximum size allowed: the values alone are 100006 bytes, at most 8192 in a shadow',
	},
	{
		name: '1e400',
		flag: '--desired',
		text: '{"brightness":1e400}',
		error: '--desired: Invalid JSON: a number JSON cannot hold, such as 1e400',
	},
	{
		name: 'null in an array',
		flag: '--reported',
		text: '{"colors":["RED",null]}',
		error:
			'--reported: Invalid JSON: null inside an array (remove the element instead)',
	},
];

const manyKeys = JSON.stringify(
	Object.fromEntries(
		Array.from({length: 20_000}, (_, index) => [`key${index}`, index]),
	),
);
const longArray = JSON.stringify({a: Array.from({length: 100_000}, () => 1)});
const longString = JSON.stringify({notes: 'x'.repeat(1_000_000)});

/** Larger than one argument may be on Linux. */
const largeCases: Case[] = [
	{
		name: '20,000 keys in one object',
		flag: '--desired',
		text: manyKeys,
		error: `--desired: The payload exceeds the maximum size allowed: ${manyKeys.length} bytes, at most 131072 in a request`,
	},
	{
		name: 'a 100,000-element array',
		flag: '--reported',
		text: longArray,
		error: `--reported: The payload exceeds the maximum size allowed: ${longArray.length} bytes, at most 131072 in a request`,
	},
	{
		name: 'a 1 MB string',
		flag: '--desired',
		text: longString,
		error: `--desired: The payload exceeds the maximum size allowed: ${longString.length} bytes, at most 131072 in a request`,
	},
];

function usageLine(error: string): string {
	return `shadow-tui update: ${error} (see \`shadow-tui update --help\`)`;
}

async function shadowAtVersionOne(
	t: TestContext,
): Promise<{url: string; client: ShadowClient}> {
	const service = await startTestService(t);
	const client = await connectShadowClient({
		connection: {url: service.mqttUrl},
	});
	t.after(async () => client.close());
	await client.update(lamp, {state: {desired: {lights: 'on'}}});
	return {url: service.mqttUrl, client};
}

test('the built CLI refuses each with one line and exit code 2, and sends nothing', async (t) => {
	const {url, client} = await shadowAtVersionOne(t);
	for (const {name, flag, text, error} of argumentCases) {
		const result = await runCli([
			'update',
			'--thing',
			'lamp',
			'--broker',
			url,
			flag,
			text,
		]);
		assert.equal(result.code, 2, `${name}: ${result.stderr.slice(0, 300)}`);
		assert.equal(result.stderr, `${usageLine(error)}\n`, name);
		assert.doesNotMatch(result.stderr, /^\s+at /m, `${name}: a stack trace`);
		assert.equal(result.stdout, '', name);
	}

	const both = await runCli([
		'update',
		'--thing',
		'lamp',
		'--broker',
		url,
		'--desired',
		JSON.stringify({a: 'x'.repeat(5000)}),
		'--reported',
		JSON.stringify({b: 'y'.repeat(5000)}),
		'--json',
	]);
	assert.equal(both.code, 2);
	assert.equal(
		both.stderr,
		`${usageLine('--desired and --reported: The payload exceeds the maximum size allowed: the values alone are 10016 bytes, at most 8192 in a shadow')}\n`,
	);
	assert.equal((await client.get(lamp)).version, 1, 'nothing was sent');

	const fine = await runCli([
		'update',
		'--thing',
		'lamp',
		'--broker',
		url,
		'--desired',
		`{"${'k'.repeat(100_000)}":null,"lights":"off"}`,
		'--json',
	]);
	assert.equal(
		fine.code,
		0,
		`a large removal is not refused here: ${fine.stderr}`,
	);
	assert.equal((await client.get(lamp)).version, 2);
});

test('texts too large for one argument are refused the same way', async (t) => {
	const {url, client} = await shadowAtVersionOne(t);
	const printed: string[] = [];
	t.mock.method(console, 'error', (...words: unknown[]) => {
		printed.push(words.map(String).join(' '));
	});
	t.mock.method(console, 'log', (...words: unknown[]) => {
		printed.push(`stdout: ${words.map(String).join(' ')}`);
	});
	for (const {name, flag, text, error} of [...largeCases, ...argumentCases]) {
		printed.length = 0;
		const commandLine = parseCommandLine(
			['update', '--thing', 'lamp', '--broker', url, flag, text],
			import.meta,
		);
		assert.equal(commandLine.kind, 'run', name);
		if (commandLine.kind !== 'run') continue;
		const code = await runCommand(commandLine.command, commandLine.flags, {
			env: {},
			stdinIsTty: false,
			stdoutIsTty: false,
		});
		assert.equal(code, 2, name);
		assert.deepEqual(printed, [usageLine(error)], name);
	}

	t.mock.restoreAll();
	assert.equal((await client.get(lamp)).version, 1, 'nothing was sent');
});
