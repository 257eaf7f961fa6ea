/*
shadow-tui device: headless simulated (or file-backed) devices, one MQTT
connection each with the thing name as client id, as AWS IoT policies
expect. One line per event on stdout; Ctrl-C reports connected: false and
stops them all.
*/
import {readFileSync} from 'node:fs';
import {createInterface} from 'node:readline';
import type {FlagValues} from '../command-line/parse-command-line.js';
import type {ShadowClient} from '../client/shadow-client.js';
import {
	createDevice,
	presenceWill,
	type ApplyPolicy,
	type Device,
	type DeviceEvent,
} from '../device-mode/device-runner.js';
import {genericDevice, simulators} from '../device-mode/simulators.js';
import {createLogger, type LogLevel} from '../log/logger.js';
import {isJsonObject, type JsonObject} from '../shadow/json.js';
import {checkThingName} from '../shadow/names.js';
import {awsLimits} from '../shadow/limits.js';
import {CommandFailure, UsageError} from './command-error.js';
import {connectFromFlags} from './connect-from-flags.js';
import type {Environment} from './run-command.js';

export function describeDeviceEvent(event: DeviceEvent): string {
	const json = (value: unknown) => JSON.stringify(value);
	switch (event.kind) {
		case 'synced': {
			return event.created
				? 'created its shadow'
				: `in sync with shadow version ${event.version ?? '?'}`;
		}

		case 'applied': {
			return `delta v${event.version} ${json(event.delta)} -> reported ${isEmptyObject(event.reported) ? 'nothing new' : json(event.reported)}`;
		}

		case 'pending': {
			return `delta v${event.version} ${json(event.delta)} waits for confirmation`;
		}

		case 'declined': {
			return `declined delta v${event.version}; reported current values ${json(event.reported)}`;
		}

		case 'ignored': {
			return `ignored delta v${event.version} (${event.reason})`;
		}

		case 'reported': {
			return `reported ${json(event.reported)}`;
		}

		case 'error': {
			return `error: ${event.message}`;
		}
	}
}

function isEmptyObject(value: JsonObject): boolean {
	return Object.keys(value).length === 0;
}

function readInitialState(path: string): JsonObject {
	let value: unknown;
	try {
		value = JSON.parse(readFileSync(path, 'utf8'));
	} catch (error: unknown) {
		const reason =
			(error as NodeJS.ErrnoException).code ??
			(error instanceof Error ? error.message : String(error));
		throw new CommandFailure(`cannot read --state ${path}: ${reason}`);
	}

	if (!isJsonObject(value))
		throw new CommandFailure(
			`--state ${path} must hold a JSON object (the reported state)`,
		);
	return value;
}

export async function runDevice(
	flags: FlagValues,
	environment: Environment,
): Promise<number> {
	const thing = flags.thing as string | undefined;
	if (thing === undefined) throw new UsageError('device needs --thing NAME');
	const count = (flags.count as number | undefined) ?? 1;
	const names =
		count === 1
			? [thing]
			: Array.from({length: count}, (_, index) => `${thing}-${index + 1}`);
	const badName = names
		.map((name) => checkThingName(name, awsLimits))
		.find(Boolean);
	if (badName) throw new UsageError(badName.message);
	const kind = flags.sim as string | undefined;
	const simulator =
		kind === undefined ? genericDevice : (simulators[kind] ?? genericDevice);
	const statePath = flags.state as string | undefined;
	const initialState =
		statePath === undefined ? undefined : readInitialState(statePath);
	const apply = ((flags.apply as string | undefined) ?? 'auto') as ApplyPolicy;
	if (apply === 'confirm' && !environment.stdinIsTty)
		throw new UsageError(
			'--apply confirm asks on the terminal; run it in one, or use the console in the device role',
		);
	if (flags.clientId !== undefined && count > 1)
		throw new UsageError(
			'--client-id names one device; with --count each device uses its thing name',
		);
	const presence = flags.presence !== false;
	const shadowName = (flags.shadow as string | undefined) ?? '';
	const logFile = flags.logFile as string | undefined;
	const log = createLogger({
		...(logFile ? {file: logFile} : {}),
		level: (flags.logLevel as LogLevel | undefined) ?? 'info',
	});

	const running: {name: string; device: Device; client: ShadowClient}[] = [];
	const stopAll = async () => {
		await Promise.all(running.map(async ({device}) => device.stop()));
		await Promise.all(running.map(async ({client}) => client.close()));
		await log.close();
	};

	try {
		for (const name of names) {
			const address = {thingName: name, shadowName};
			const client = await connectFromFlags(flags, environment, log, {
				clientId: (flags.clientId as string | undefined) ?? name,
				...(presence ? {will: presenceWill(address)} : {}),
			});
			const device = createDevice({
				client,
				address,
				simulator,
				...(initialState ? {initialState} : {}),
				apply,
				presence,
				clock: () => Math.floor(Date.now() / 1000),
				log,
			});
			device.onEvent((event) => {
				console.log(`${name}: ${describeDeviceEvent(event)}`);
				if (event.kind === 'pending') void confirm(name, device);
			});
			client.onStatus((status) => {
				console.log(`${name}: ${status}`);
			});
			running.push({name, device, client});
			console.log(
				`${name}: ${simulator.kind} device connected to ${client.url} as ${client.clientId}`,
			);
			await device.start();
		}
	} catch (error: unknown) {
		await stopAll();
		throw error;
	}

	console.log(
		`${names.length} device${names.length === 1 ? '' : 's'} running. Press Ctrl-C to stop.`,
	);
	const signal = await new Promise<NodeJS.Signals>((resolve) => {
		process.once('SIGINT', resolve);
		process.once('SIGTERM', resolve);
	});
	await stopAll();
	console.log(`stopped (${signal})`);
	return 0;
}

let asking: Promise<void> = Promise.resolve();

/** One question at a time on the terminal, even with many devices. */
async function confirm(name: string, device: Device): Promise<void> {
	asking = asking.then(async () => {
		const waiting = device.getSnapshot().pending;
		if (!waiting) return;
		const readline = createInterface({
			input: process.stdin,
			output: process.stdout,
		});
		const answer = await new Promise<string>((resolve) => {
			readline.question(
				`${name}: apply delta v${waiting.version} ${JSON.stringify(waiting.delta)}? [y/n] `,
				resolve,
			);
		});
		readline.close();
		await (/^y/i.test(answer.trim()) ? device.accept() : device.decline());
	});
	await asking;
}
