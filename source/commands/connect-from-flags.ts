/*
Flags (and a profile) to a connected shadow client, for every command that
talks to a broker. Failures are one line: a usage error (exit 2) or a
connection failure (exit 1) that names the broker, never the key.
*/
import type {FlagValues} from '../command-line/parse-command-line.js';
import {
	resolveConnection,
	type ResolvedConnection,
} from '../client/connection-settings.js';
import {generateClientId, type MqttConnection} from '../client/connect-mqtt.js';
import {
	connectShadowClient,
	openShadowClient,
	type ShadowClient,
	type ShadowClientOptions,
} from '../client/shadow-client.js';
import {X509Certificate} from 'node:crypto';
import type {HttpCredentials} from '../client/get-json.js';
import {configDirectory} from '../config/paths.js';
import {
	principalOfCertificate,
	principalUriPrefix,
} from '../security/certificate-identity.js';
import {loadProfiles} from '../config/profiles.js';
import {discoverApi, isAwsIotCore} from '../client/discover-api.js';
import type {Logger} from '../log/logger.js';
import {CommandFailure, UsageError} from './command-error.js';
import {readFileFlag} from './read-file-flag.js';
import type {Environment} from './run-command.js';

export function connectionFromFlags(
	flags: FlagValues,
	environment: Environment,
): ResolvedConnection {
	const text = (name: string) => flags[name] as string | undefined;
	const loaded = loadProfiles(configDirectory(environment.env));
	if (!loaded.ok) throw new CommandFailure(loaded.error);
	const settings = {
		broker: text('broker'),
		endpoint: text('endpoint'),
		cert: text('cert'),
		key: text('key'),
		ca: text('ca'),
		clientId: text('clientId'),
		username: text('username'),
		profile: text('profile'),
	};
	const defined = Object.fromEntries(
		Object.entries(settings).filter(([, value]) => value !== undefined),
	);
	const resolution = resolveConnection(defined, loaded.profiles);
	if (!resolution.ok) throw new UsageError(resolution.error);
	return resolution.connection;
}

type ConnectOptions = {
	clientIdPrefix?: string;
	clientId?: string;
	timeoutMs?: number;
	will?: MqttConnection['will'];
};

/** Everything a connection needs, files read: what cannot work fails here, before anything connects. */
function clientOptionsFromFlags(
	flags: FlagValues,
	environment: Environment,
	log: Logger,
	options: ConnectOptions,
): {description: string; options: ShadowClientOptions} {
	const connection = connectionFromFlags(flags, environment);
	const credentials = credentialsOf(connection, environment);
	return {
		description: connection.description,
		options: {
			connection: {
				url: connection.url,
				clientId:
					options.clientId ??
					connection.clientId ??
					thingOfCertificate(credentials.cert) ??
					generateClientId(options.clientIdPrefix),
				...(options.will ? {will: options.will} : {}),
				...credentials,
				...(connection.alpnProtocols
					? {alpnProtocols: connection.alpnProtocols}
					: {}),
				connectTimeout: options.timeoutMs ?? 10_000,
			},
			log,
			...(options.timeoutMs === undefined
				? {}
				: {timeoutMs: options.timeoutMs}),
		},
	};
}

/**
The HTTP API the broker's service announces (client/discover-api.ts), on a
connection of its own with the command's identity; undefined when the
broker says nothing. AWS IoT Core announces nothing, so it is not asked.
*/
export async function discoverApiFromFlags(
	flags: FlagValues,
	environment: Environment,
	log: Logger,
): Promise<string | undefined> {
	const connection = connectionFromFlags(flags, environment);
	if (isAwsIotCore(connection.url)) return undefined;
	// A client id of its own: taking the command's (a device's thing name) would end its other sessions.
	const {options} = clientOptionsFromFlags(flags, environment, log, {
		clientId: generateClientId('shadow-tui-discover'),
		timeoutMs: 5000,
	});
	return discoverApi(options.connection);
}

function connectFailure(description: string, error: unknown): Error {
	if (error instanceof CommandFailure || error instanceof UsageError)
		return error;
	return new CommandFailure(
		`cannot connect to ${description}: ${error instanceof Error ? error.message : String(error)}`,
	);
}

/** A connected client, or a CommandFailure naming the broker: for commands that do one thing and stop. */
export async function connectFromFlags(
	flags: FlagValues,
	environment: Environment,
	log: Logger,
	options: ConnectOptions = {},
): Promise<ShadowClient> {
	return clientFromFlags(flags, environment, log, options, connectShadowClient);
}

/**
A client for the console, which waits for the service rather than exiting:
when nothing answers yet (the service is still starting, the network is not
up) it resolves with the client in status `connecting`, retrying every
second. What retrying cannot fix fails before anything is drawn, with one
line: bad flags or URLs (UsageError, exit 2), a certificate file that cannot
be read, a TLS error such as an unknown CA, a refused CONNACK ("Not
authorized"), a host name that does not resolve (CommandFailure, exit 1).
*/
export async function openClientFromFlags(
	flags: FlagValues,
	environment: Environment,
	log: Logger,
	options: ConnectOptions & {firstAttemptMs?: number} = {},
): Promise<ShadowClient> {
	const {firstAttemptMs} = options;
	return clientFromFlags(flags, environment, log, options, async (client) =>
		openShadowClient({
			...client,
			...(firstAttemptMs === undefined ? {} : {firstAttemptMs}),
		}),
	);
}

/** The client the flags describe, made by `connect`; a failure names the broker. */
async function clientFromFlags(
	flags: FlagValues,
	environment: Environment,
	log: Logger,
	options: ConnectOptions,
	connect: (
		client: Parameters<typeof connectShadowClient>[0],
	) => Promise<ShadowClient>,
): Promise<ShadowClient> {
	const {description, options: clientOptions} = clientOptionsFromFlags(
		flags,
		environment,
		log,
		options,
	);
	try {
		return await connect(clientOptions);
	} catch (error: unknown) {
		throw connectFailure(description, error);
	}
}

/** The password never comes from a flag: flags show in `ps` and shell history. */
function passwordFrom(environment: Environment): string {
	const password = environment.env.SHADOW_TUI_PASSWORD;
	if (password === undefined || password === '')
		throw new UsageError(
			'--username needs the password in the SHADOW_TUI_PASSWORD environment variable',
		);
	return password;
}

/** The same identity for the service's HTTP API as for MQTT. */
export function httpCredentialsFromFlags(
	flags: FlagValues,
	environment: Environment,
): HttpCredentials {
	return credentialsOf(connectionFromFlags(flags, environment), environment);
}

/** The files and password a connection names, read once, for MQTT and HTTP alike. */
function credentialsOf(
	connection: ResolvedConnection,
	environment: Environment,
): HttpCredentials {
	return {
		...(connection.certPath
			? {cert: readFileFlag('--cert', connection.certPath)}
			: {}),
		...(connection.keyPath
			? {key: readFileFlag('--key', connection.keyPath)}
			: {}),
		...(connection.caPath ? {ca: readFileFlag('--ca', connection.caPath)} : {}),
		...(connection.username === undefined
			? {}
			: {
					username: connection.username,
					password: passwordFrom(environment),
				}),
	};
}

/*
A device certificate from `shadow-tui certs` names its thing; under the
default policy (and AWS's usual one) the client id must be that name, so it
is the default rather than a flag everyone has to remember.
*/
function thingOfCertificate(pem: Buffer | undefined): string | undefined {
	if (pem === undefined) return undefined;
	try {
		const certificate = new X509Certificate(pem);
		const principal = principalOfCertificate(certificate);
		return principal?.kind === 'thing' &&
			(certificate.subjectAltName ?? '').includes(principalUriPrefix)
			? principal.name
			: undefined;
	} catch {
		// Not a certificate we can read: the connection will say so.
		return undefined;
	}
}
