/*
shadow-tui serve: the local shadow service until SIGINT or SIGTERM. Prints
where it listens and where it stores data; nothing else reaches the terminal
(diagnostics go to --log-file).
*/
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import type {FlagValues} from '../command-line/parse-command-line.js';
import {dataDirectory} from '../config/paths.js';
import {createLogger, type LogLevel} from '../log/logger.js';
import {
	defaultBrokerLimits,
	type BrokerLimits,
} from '../service/broker-limits.js';
import {startLocalService} from '../service/local-service.js';
import {isLoopback} from '../security/loopback.js';
import {
	parseUsers,
	type AccessKeys,
	type UserHashes,
} from '../security/passwords.js';
import {parsePolicySet, type PolicySet} from '../security/policy-set.js';
import {openUserFile} from '../security/user-file.js';
import {withLimits} from '../shadow/limits.js';
import {parseDuration} from '../session/stale-after.js';
import {defaultRetention, type JournalRetention} from '../store/journal.js';
import {checkTlsFiles} from './check-tls-files.js';
import {CommandFailure, UsageError} from './command-error.js';
import {readFileFlag} from './read-file-flag.js';
import type {Environment} from './run-command.js';

export async function runServe(
	flags: FlagValues,
	environment: Environment,
): Promise<number> {
	const text = (name: string) => flags[name] as string | undefined;
	const host = text('host') ?? '127.0.0.1';
	const certs = text('certs');
	const inCerts = (file: string) =>
		certs === undefined ? undefined : join(certs, file);
	if (certs !== undefined && !existsSync(join(certs, 'ca.crt')))
		throw new UsageError(
			`--certs ${certs} has no ca.crt: create it with shadow-tui certs init --dir ${certs}`,
		);
	const tlsCert = text('tlsCert') ?? inCerts('server.crt');
	const tlsKey = text('tlsKey') ?? inCerts('server.key');
	const tlsCa = text('tlsCa') ?? inCerts('ca.crt');
	const revoked = text('revoked') ?? inCerts('revoked.txt');
	const usersFile =
		text('users') ??
		(certs !== undefined && existsSync(join(certs, 'users.json'))
			? join(certs, 'users.json')
			: undefined);
	const policyFile = text('policy');
	const broker = text('broker');
	if ((tlsCert === undefined) !== (tlsKey === undefined))
		throw new UsageError('--tls-cert and --tls-key go together');
	if (tlsCa !== undefined && tlsCert === undefined)
		throw new UsageError('--tls-ca needs --tls-cert and --tls-key');
	if (
		broker !== undefined &&
		(tlsCert !== undefined ||
			flags.wsPort !== undefined ||
			flags.alpnPort !== undefined ||
			flags.port !== undefined)
	) {
		throw new UsageError(
			'--broker attaches to an existing broker; --port, --ws-port, --alpn-port and --tls-* are for the embedded one',
		);
	}

	if (flags.alpnPort !== undefined && tlsCert === undefined)
		throw new UsageError(
			'--alpn-port serves MQTT over TLS: add --tls-cert and --tls-key (or --certs DIR)',
		);

	if (broker !== undefined && (certs ?? policyFile ?? usersFile) !== undefined)
		throw new UsageError(
			'--certs, --policy and --users secure the embedded broker; an external broker enforces its own',
		);
	if (
		(policyFile !== undefined || revoked !== undefined) &&
		tlsCa === undefined &&
		usersFile === undefined
	)
		throw new UsageError(
			'--policy and --revoked apply to clients with certificates or passwords: add --certs DIR (or --tls-ca, --users)',
		);
	if (usersFile !== undefined && tlsCert === undefined && !isLoopback(host))
		throw new UsageError(
			'--users beyond this machine needs TLS (--certs or --tls-cert), or passwords would cross the network in clear',
		);

	if (broker !== undefined && !/^(mqtts?|wss?):\/\//.test(broker)) {
		throw new UsageError(
			`--broker must be an mqtt://, mqtts://, ws:// or wss:// URL, got '${broker}'`,
		);
	}

	checkDistinctPorts([
		[
			'--port',
			broker
				? undefined
				: ((flags.port as number | undefined) ?? (tlsCert ? 8883 : 1883)),
		],
		['--http-port', (flags.httpPort as number | undefined) ?? 8080],
		['--ws-port', flags.wsPort as number | undefined],
		['--alpn-port', flags.alpnPort as number | undefined],
	]);

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
	if (tls && tlsCert && tlsKey)
		checkTlsFiles({
			cert: {path: tlsCert, pem: tls.cert},
			key: {path: tlsKey, pem: tls.key},
			...(tls.ca && tlsCa ? {ca: {path: tlsCa, pem: tls.ca}} : {}),
		});
	const cert = text('cert');
	const key = text('key');
	const ca = text('ca');
	const clientId = text('clientId');

	const policies = policyFile ? loadPolicies(policyFile) : undefined;
	// The user's own CA and nothing more asks for mutual TLS, not for least privilege.
	const everyCertificate =
		text('tlsCa') !== undefined && certs === undefined && !policyFile;
	const security = {
		...(policies ? {policies: policies.set} : {}),
		...(everyCertificate ? {policies: 'every-certificate' as const} : {}),
		// Read again whenever it changes: a changed or removed password takes effect at once.
		...(usersFile
			? {
					users: openUserFile(usersFile, {
						...loadUsers(usersFile),
						onProblem(message) {
							log.warn('users file', {problem: message});
						},
					}),
				}
			: {}),
		...(revoked ? {revocationFile: revoked} : {}),
	};
	const rateLimit = (flags.rateLimit as number | undefined) ?? 20;
	const retention = retentionFrom(flags);
	const fleetIndex = (flags.fleetIndex as string | undefined) !== 'off';

	let service;
	try {
		service = await startLocalService({
			host,
			port: (flags.port as number | undefined) ?? (tls ? 8883 : 1883),
			httpPort: (flags.httpPort as number | undefined) ?? 8080,
			...(flags.wsPort === undefined ? {} : {wsPort: flags.wsPort as number}),
			...(flags.alpnPort === undefined
				? {}
				: {alpnPort: flags.alpnPort as number}),
			...(tls ? {tls} : {}),
			security,
			options: withLimits({
				requestsPerSecondPerThing:
					rateLimit === 0 ? Number.POSITIVE_INFINITY : rateLimit,
			}),
			brokerLimits: brokerLimitsFrom(flags),
			retention,
			fleetIndex,
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
		`  MQTT       ${service.mqttUrl}${broker ? ' (external broker: it decides who may connect)' : identities(tlsCa, usersFile)}`,
		...(service.httpUrl && !broker
			? [`  WebSocket  ${webSocketUrl(service.httpUrl)}`]
			: []),
		...(service.wsUrl ? [`  WebSocket  ${service.wsUrl} (--ws-port)`] : []),
		...(service.httpUrl
			? [
					`  HTTP API   ${service.httpUrl} (AWS IoT data plane: shadows and Publish)`,
				]
			: []),
		...(service.alpnUrl
			? [
					`  ALPN       ${service.alpnUrl} (as AWS IoT Core's 443: MQTT for ALPN x-amzn-mqtt-ca or an MQTT client without ALPN, HTTPS otherwise)`,
				]
			: []),
		`  data       ${dataFile}`,
		`  history    ${retentionLine(retention)}`,
		`  fleet      ${fleetIndex ? 'indexed (SearchIndex reads the term index)' : 'not indexed (--fleet-index off: SearchIndex reads things in order)'}`,
		...(logFile ? [`  log        ${logFile}`] : []),
		...(tlsCa || usersFile
			? [`  policy     ${policyLine(policyFile, everyCertificate)}`]
			: []),
		...(policies?.warnings ?? []).map((warning) => `  warning    ${warning}`),
		...(revoked ? [`  revoked    ${revoked}`] : []),
		`  rate limit ${rateLimit === 0 ? 'off' : `${rateLimit} requests/s per thing`}`,
		...(isLoopback(host) || broker !== undefined
			? []
			: [
					tlsCa || usersFile
						? `  note: listening on ${host}: clients elsewhere are served once they prove who they are`
						: `  note: listening on ${host}, but without identities (--certs) only clients on this machine are served`,
				]),
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

function identities(
	tlsCa: string | undefined,
	usersFile: string | undefined,
): string {
	const ways = [
		...(tlsCa ? ['client certificates'] : []),
		...(usersFile ? ['passwords'] : []),
	];
	return ways.length > 0
		? ` (${ways.join(' or ')} required)`
		: ' (loopback clients only)';
}

/** Two listeners on one port: said as the flags, not as "already in use". */
function checkDistinctPorts(
	ports: readonly (readonly [string, number | undefined])[],
): void {
	const seen = new Map<number, string>();
	for (const [flag, port] of ports) {
		if (port === undefined || port === 0) continue;
		const other = seen.get(port);
		if (other)
			throw new UsageError(
				`${other} and ${flag} are both ${port}: each listener needs its own port`,
			);
		seen.set(port, flag);
	}
}

/** MQTT over WebSocket on the HTTP API's port, at AWS IoT Core's path. */
function webSocketUrl(httpUrl: string): string {
	return `${httpUrl.replace(/^http/, 'ws')}/mqtt`;
}

function policyLine(
	policyFile: string | undefined,
	everyCertificate: boolean,
): string {
	if (policyFile) return policyFile;
	return everyCertificate
		? 'none: any certificate from --tls-ca may connect with any client id and use every shadow (restrict it with --policy FILE; shadow-tui certs policy prints one)'
		: 'default (devices: their own thing; apps and users: every thing)';
}

function loadPolicies(file: string): {
	set: PolicySet;
	warnings: readonly string[];
} {
	const parsed = parsePolicySet(readJsonFlag('--policy', file));
	if (!parsed.ok) throw new CommandFailure(`--policy ${file}: ${parsed.error}`);
	return parsed;
}

function loadUsers(file: string): {
	initial: UserHashes;
	initialAccessKeys: AccessKeys;
} {
	const parsed = parseUsers(readJsonFlag('--users', file));
	if (!parsed.ok) throw new CommandFailure(`--users ${file}: ${parsed.error}`);
	return {initial: parsed.users, initialAccessKeys: parsed.accessKeys};
}

function readJsonFlag(flag: string, file: string): unknown {
	try {
		return JSON.parse(readFileFlag(flag, file).toString('utf8'));
	} catch (error: unknown) {
		if (error instanceof CommandFailure) throw error;
		throw new CommandFailure(`${flag} ${file} is not JSON: ${String(error)}`);
	}
}

function retentionLine(retention: JournalRetention): string {
	if (retention.versions === 0) return 'off (--history-versions 0)';
	return `${retention.versions} versions per shadow, ${spelled(retention.maxAgeSeconds)} at most (shadow-tui history)`;
}

/** 5400 as `1 h 30 min`: the largest units, as a person writes a duration. */
function spelled(seconds: number): string {
	const parts: string[] = [];
	let left = seconds;
	for (const [unit, size] of [
		['d', 86_400],
		['h', 3600],
		['min', 60],
		['s', 1],
	] as const) {
		const count = Math.floor(left / size);
		if (count > 0) parts.push(`${count} ${unit}`);
		left -= count * size;
	}

	return parts.join(' ') || '0 s';
}

function retentionFrom(flags: FlagValues): JournalRetention {
	const versions =
		(flags.historyVersions as number | undefined) ?? defaultRetention.versions;
	const age = flags.historyAge as string | undefined;
	if (age !== undefined && versions === 0)
		throw new UsageError(
			'--history-age prunes the journal, which --history-versions 0 turns off: give one or the other',
		);
	if (age === undefined) return {...defaultRetention, versions};
	const parsed = parseDuration(age, '--history-age');
	if (!parsed.ok) throw new UsageError(parsed.error);
	return {versions, maxAgeSeconds: parsed.seconds};
}

function brokerLimitsFrom(flags: FlagValues): BrokerLimits {
	const number = (name: string, fallback: number) =>
		(flags[name] as number | undefined) ?? fallback;
	return {
		...defaultBrokerLimits,
		maxPayloadBytes:
			number('maxMessageKb', defaultBrokerLimits.maxPayloadBytes / 1024) * 1024,
		maxConnections: number(
			'maxConnections',
			defaultBrokerLimits.maxConnections,
		),
		maxSubscriptionsPerConnection: number(
			'maxSubscriptions',
			defaultBrokerLimits.maxSubscriptionsPerConnection,
		),
	};
}
