/*
shadow-tui demo: the local service, a few simulated devices from the seed's
use cases, and a live view of what they do, with nothing to configure. The
store lives in a temporary folder for the length of the demo. When a default
port is taken, a free one is used and shown. Ctrl-C stops everything.

At a terminal, a banner (addresses, devices, what to try) stays on the
screen until Enter opens the console: the console draws on the alternate
screen, so a banner printed just before it would be gone before it was read.
*/
import {createInterface} from 'node:readline';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {FlagValues} from '../command-line/parse-command-line.js';
import {connectMqtt} from '../client/connect-mqtt.js';
import {createHistoryReader} from '../client/history-reader.js';
import {createFleetLister} from '../client/fleet-lister.js';
import {createNamedShadowLister} from '../client/named-shadows.js';
import {httpControlPlane} from '../client/http-control-plane.js';

/** The fleet view's counts per value, from the demo's own service. */
function aggregateOn(apiUrl: string) {
	const plane = httpControlPlane(apiUrl);
	return async ({field, query}: {field: string; query?: string}) =>
		plane.bucketsAggregation({
			queryString: query ?? 'thingName:*',
			aggregationField: field,
		});
}
import {
	connectShadowClient,
	createShadowClient,
	type ShadowClient,
} from '../client/shadow-client.js';
import {seedDemoHistory} from '../device-mode/demo-history.js';
import {
	createDevice,
	presenceWill,
	type Device,
} from '../device-mode/device-runner.js';
import {
	coffeeMaker,
	pump,
	vehicle,
	type Simulator,
} from '../device-mode/simulators.js';
import {createLogger, type Logger, type LogLevel} from '../log/logger.js';
import {
	startLocalService,
	type LocalService,
} from '../service/local-service.js';
import {CommandFailure} from './command-error.js';
import {describeDeviceEvent} from './device.js';
import type {Environment} from './run-command.js';

export const demoDevices: readonly {
	readonly thingName: string;
	readonly simulator: Simulator;
}[] = [
	{thingName: 'vehicle-1', simulator: vehicle},
	{thingName: 'coffee-maker-1', simulator: coffeeMaker},
	{thingName: 'coffee-maker-2', simulator: coffeeMaker},
	{thingName: 'pump-1', simulator: pump},
];

export type Demo = {
	readonly service: LocalService;
	readonly devices: readonly {
		readonly thingName: string;
		readonly device: Device;
		readonly client: ShadowClient;
	}[];
	readonly portsMoved: boolean;
	stop(): Promise<void>;
};

const clock = () => Math.floor(Date.now() / 1000);

async function startService(
	dataFile: string,
	log: Logger,
): Promise<{service: LocalService; portsMoved: boolean}> {
	const base = {host: '127.0.0.1', dataFile, log};
	try {
		return {
			service: await startLocalService({...base, port: 1883, httpPort: 8080}),
			portsMoved: false,
		};
	} catch (error: unknown) {
		if (!(error instanceof Error && error.message.includes('already in use')))
			throw error;
		return {
			service: await startLocalService({...base, port: 0, httpPort: 0}),
			portsMoved: true,
		};
	}
}

export async function startDemo(log: Logger): Promise<Demo> {
	const dir = await mkdtemp(join(tmpdir(), 'shadow-tui-demo-'));
	const dataFile = join(dir, 'shadows.db');
	// An hour of past versions (a shadow that exists already is kept), so history has something to show.
	seedDemoHistory(dataFile, clock());
	const {service, portsMoved} = await startService(dataFile, log);
	const devices: Demo['devices'][number][] = [];
	const stop = async () => {
		await Promise.all(devices.map(async ({device}) => device.stop()));
		await Promise.all(devices.map(async ({client}) => client.close()));
		await service.close();
		await rm(dir, {recursive: true, force: true});
	};

	try {
		for (const {thingName, simulator} of demoDevices) {
			const address = {thingName, shadowName: ''};
			const mqtt = await connectMqtt(
				{
					url: service.mqttUrl,
					clientId: thingName,
					will: presenceWill(address),
				},
				log,
			);
			const client = createShadowClient(mqtt, {
				connection: {url: service.mqttUrl},
				log,
			});
			const device = createDevice({
				client,
				address,
				simulator,
				apply: 'auto',
				presence: true,
				clock,
				log,
			});
			devices.push({thingName, device, client});
			await device.start();
		}
	} catch (error: unknown) {
		await stop();
		throw error;
	}

	return {service, devices, portsMoved, stop};
}

export async function runDemo(
	flags: FlagValues,
	environment: Environment,
): Promise<number> {
	const logFile = flags.logFile as string | undefined;
	const log = createLogger({
		...(logFile ? {file: logFile} : {}),
		level: (flags.logLevel as LogLevel | undefined) ?? 'info',
	});
	let demo: Demo;
	try {
		demo = await startDemo(log);
	} catch (error: unknown) {
		await log.close();
		throw new CommandFailure(
			error instanceof Error ? error.message : String(error),
		);
	}

	try {
		if (environment.stdinIsTty && environment.stdoutIsTty) {
			console.log(demoBanner(demo, 'console'));
			const answer = await waitForEnter();
			if (answer === 'enter')
				await runDemoConsole(demo, environment, log, logFile);
			else console.log(`shadow-tui demo: stopped (${answer})`);
			return 0;
		}

		const signal = await runLiveView(demo);
		console.log(`shadow-tui demo: stopped (${signal})`);
		return 0;
	} finally {
		await demo.stop();
		await log.close();
	}
}

/** The console in the application role on the vehicle, on a connection of its own. */
async function runDemoConsole(
	demo: Demo,
	environment: Environment,
	log: Logger,
	logFile: string | undefined,
): Promise<void> {
	const {service} = demo;
	const client = await connectShadowClient({
		connection: {url: service.mqttUrl, clientId: 'shadow-tui-console'},
		log,
	});
	try {
		const {runConsoleApp} = await import('./console.js');
		await runConsoleApp({
			client,
			address: {thingName: 'vehicle-1', shadowName: ''},
			role: 'app',
			apply: 'auto',
			historyLimit: 1000,
			...(service.httpUrl
				? {
						listNamedShadows: createNamedShadowLister(service.httpUrl),
						fleetLister: createFleetLister(service.httpUrl),
						aggregate: aggregateOn(service.httpUrl),
						journal: createHistoryReader(service.httpUrl),
					}
				: {}),
			environment,
			log,
			logFile,
		});
	} finally {
		await client.close();
	}
}

/**
What the demo runs and what to try. `console`: at a terminal, before the
console opens; `live`: without one, before the devices' lines.
*/
export function demoBanner(demo: Demo, mode: 'console' | 'live'): string {
	const {service} = demo;
	const broker =
		service.mqttUrl === 'mqtt://127.0.0.1:1883'
			? ''
			: ` --broker ${service.mqttUrl}`;
	const api =
		service.httpUrl === undefined || service.httpUrl === 'http://127.0.0.1:8080'
			? ''
			: ` --api ${service.httpUrl}`;
	const head = [
		'shadow-tui demo: a local shadow service with simulated devices',
		`  MQTT      ${service.mqttUrl}${demo.portsMoved ? ' (the default port was taken)' : ''}`,
		`  HTTP API  ${service.httpUrl ?? ''}`,
		`  devices   ${demo.devices.map(({thingName}) => thingName).join(', ')}`,
	];
	// Each command on a line of its own within 80 columns; the moved addresses once, below.
	const elsewhere = [
		`  shadow-tui update --thing coffee-maker-1 --desired 'tempLimit = 94'`,
		`  shadow-tui update --thing pump-1 --desired 'alarmLimit = 62'`,
		`  shadow-tui list --match 'coffee-maker-*'`,
		...(broker || api ? [`  (add${broker}${api})`] : []),
	];
	if (mode === 'console')
		return [
			...head,
			'In the console, which opens on vehicle-1:',
			'  e, lights = "off", Enter        a preview; Enter sends: the lights go off',
			'  h                               its history: who wrote each version, r restore',
			'  t                               open another device (pump-1, coffee-maker-1)',
			'  t pump-1, h, then t             an hour of the pump: its temperature trend',
			'  f                               the fleet table',
			'  ?                               every key; q quits and stops the demo',
			'In another terminal, while the demo runs:',
			...elsewhere,
			'Press Enter to open the console, Ctrl-C to stop.',
		].join('\n');
	return [
		...head,
		'Try, in another terminal:',
		`  shadow-tui --thing vehicle-1${broker}${api}                  # the console`,
		`  shadow-tui update --thing vehicle-1 --desired '{"lights":"off"}'${broker}`,
		...elsewhere,
		'Press Ctrl-C to stop.',
	].join('\n');
}

/** Enter opens the console; Ctrl-C, a SIGTERM or the end of input stop the demo. */
async function waitForEnter(): Promise<
	'enter' | NodeJS.Signals | 'end of input'
> {
	// Not a terminal interface: the terminal stays as it is (Ctrl-C a signal) for Ink to take over.
	const lines = createInterface({input: process.stdin, terminal: false});
	let stop: ((signal: NodeJS.Signals) => void) | undefined;
	try {
		return await new Promise((resolve) => {
			stop = resolve;
			lines.once('line', () => {
				resolve('enter');
			});
			lines.once('close', () => {
				resolve('end of input');
			});
			process.once('SIGINT', resolve);
			process.once('SIGTERM', resolve);
		});
	} finally {
		if (stop) {
			process.off('SIGINT', stop);
			process.off('SIGTERM', stop);
		}

		lines.close();
	}
}

/** Without a terminal (piped, CI): what the devices do, one line each, until a signal. */
async function runLiveView(demo: Demo): Promise<NodeJS.Signals> {
	console.log(demoBanner(demo, 'live'));
	for (const {thingName, device} of demo.devices) {
		device.onEvent((event) => {
			console.log(
				`${new Date().toISOString().slice(11, 19)} ${thingName}: ${describeDeviceEvent(event)}`,
			);
		});
	}

	return new Promise<NodeJS.Signals>((resolve) => {
		process.once('SIGINT', resolve);
		process.once('SIGTERM', resolve);
	});
}
