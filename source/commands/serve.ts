/*
shadow-tui serve: the local shadow service until SIGINT or SIGTERM. Prints
where it listens and where it stores data; nothing else reaches the terminal
(diagnostics go to --log-file).
*/
import {join} from 'node:path';
import type {FlagValues} from '../command-line/parse-command-line.js';
import {dataDirectory} from '../config/paths.js';
import {createLogger, type LogLevel} from '../log/logger.js';
import {startLocalService} from '../service/local-service.js';
import {CommandFailure, UsageError} from './command-error.js';
import {readFileFlag} from './read-file-flag.js';
import type {Environment} from './run-command.js';

const loopback = new Set(['127.0.0.1', 'localhost', '::1']);

export async function runServe(
	flags: FlagValues,
	environment: Environment,
): Promise<number> {
	const text = (name: string) => flags[name] as string | undefined;
	const tlsCert = text('tlsCert');
	const tlsKey = text('tlsKey');
	const tlsCa = text('tlsCa');
	const broker = text('broker');
	if ((tlsCert === undefined) !== (tlsKey === undefined))
		throw new UsageError('--tls-cert and --tls-key go together');
	if (tlsCa !== undefined && tlsCert === undefined)
		throw new UsageError('--tls-ca needs --tls-cert and --tls-key');
	if (
		broker !== undefined &&
		(tlsCert !== undefined ||
			flags.wsPort !== undefined ||
			flags.port !== undefined)
	) {
		throw new UsageError(
			'--broker attaches to an existing broker; --port, --ws-port and --tls-* are for the embedded one',
		);
	}

	if (broker !== undefined && !/^(mqtts?|wss?):\/\//.test(broker)) {
		throw new UsageError(
			`--broker must be an mqtt://, mqtts://, ws:// or wss:// URL, got '${broker}'`,
		);
	}

	const host = text('host') ?? '127.0.0.1';
	const dataDir = text('data') ?? dataDirectory(environment.env);
	const dataFile = join(dataDir, 'shadows.db');
	const logFile = text('logFile');
	const log = createLogger({
		...(logFile ? {file: logFile} : {}),
		level: (text('logLevel') ?? 'info') as LogLevel,
	});
	const tls =
		tlsCert && tlsKey
			? {
					cert: readFileFlag('--tls-cert', tlsCert),
					key: readFileFlag('--tls-key', tlsKey),
					...(tlsCa ? {ca: readFileFlag('--tls-ca', tlsCa)} : {}),
				}
			: undefined;
	const cert = text('cert');
	const key = text('key');
	const ca = text('ca');
	const clientId = text('clientId');

	let service;
	try {
		service = await startLocalService({
			host,
			port: (flags.port as number | undefined) ?? (tls ? 8883 : 1883),
			httpPort: (flags.httpPort as number | undefined) ?? 8080,
			...(flags.wsPort === undefined ? {} : {wsPort: flags.wsPort as number}),
			...(tls ? {tls} : {}),
			...(broker
				? {
						broker: {
							url: broker,
							...(cert ? {cert: readFileFlag('--cert', cert)} : {}),
							...(key ? {key: readFileFlag('--key', key)} : {}),
							...(ca ? {ca: readFileFlag('--ca', ca)} : {}),
							...(clientId ? {clientId} : {}),
							reconnectPeriod: 1000,
						},
					}
				: {}),
			dataFile,
			log,
		});
	} catch (error: unknown) {
		await log.close();
		throw new CommandFailure(
			error instanceof Error ? error.message : String(error),
		);
	}

	const lines = [
		'shadow-tui serve: the local shadow service is running',
		`  MQTT       ${service.mqttUrl}${broker ? ' (external broker)' : ''}${tlsCa ? ' (client certificates required)' : ''}`,
		...(service.wsUrl ? [`  WebSocket  ${service.wsUrl}`] : []),
		...(service.httpUrl ? [`  HTTP API   ${service.httpUrl}`] : []),
		`  data       ${dataFile}`,
		...(logFile ? [`  log        ${logFile}`] : []),
		...(loopback.has(host)
			? []
			: [`  warning: listening on ${host}, reachable beyond this machine`]),
		'Press Ctrl-C to stop.',
	];
	console.log(lines.join('\n'));

	const signal = await new Promise<NodeJS.Signals>((resolve) => {
		process.once('SIGINT', resolve);
		process.once('SIGTERM', resolve);
	});
	const timer = setTimeout(() => {
		console.error('shadow-tui serve: shutdown took too long; exiting');
		process.exit(1);
	}, 5000);
	timer.unref();
	await service.close();
	await log.close();
	console.log(`shadow-tui serve: stopped (${signal})`);
	return 0;
}
