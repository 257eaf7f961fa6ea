/*
shadow-tui demo: the local service, a few simulated devices from the seed's
use cases, and a live view of what they do, with nothing to configure. The
store lives in a temporary folder for the length of the demo. When a default
port is taken, a free one is used and shown. Ctrl-C stops everything.
*/
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {FlagValues} from '../command-line/parse-command-line.js';
import {connectMqtt} from '../client/connect-mqtt.js';
import {createFleetLister} from '../client/fleet-lister.js';
import {createNamedShadowLister} from '../client/named-shadows.js';
import {
	connectShadowClient,
	createShadowClient,
	type ShadowClient,
} from '../client/shadow-client.js';
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
	const {service, portsMoved} = await startService(
		join(dir, 'shadows.db'),
		log,
	);
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
			await runDemoConsole(demo, environment, log, logFile);
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

/** Without a terminal (piped, CI): what the devices do, one line each, until a signal. */
async function runLiveView(demo: Demo): Promise<NodeJS.Signals> {
	const {service} = demo;
	const broker =
		service.mqttUrl === 'mqtt://127.0.0.1:1883'
			? ''
			: ` --broker ${service.mqttUrl}`;
	console.log(
		[
			'shadow-tui demo: a local shadow service with simulated devices',
			`  MQTT      ${service.mqttUrl}${demo.portsMoved ? ' (the default port was taken)' : ''}`,
			`  HTTP API  ${service.httpUrl ?? ''}`,
			`  devices   ${demo.devices.map(({thingName}) => thingName).join(', ')}`,
			'Try, in another terminal:',
			`  shadow-tui --thing vehicle-1${broker}                  # the console`,
			`  shadow-tui update --thing vehicle-1 --desired '{"lights":"off"}'${broker}`,
			`  shadow-tui update --thing coffee-maker-1 --desired '{"power":"on","tempLimit":94}'${broker}`,
			`  shadow-tui update --thing pump-1 --desired '{"alarmLimit":62}'${broker}`,
			'Press Ctrl-C to stop.',
		].join('\n'),
	);
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
