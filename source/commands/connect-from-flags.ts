/*
Flags (and a profile) to a connected shadow client, for every command that
talks to a broker. Failures are one line: a usage error (exit 2) or a
connection failure (exit 1) that names the broker, never the key.

With AWS credentials (--aws-profile, --region, or --endpoint without a
certificate) MQTT over WebSocket is SigV4-signed, and the fleet's HTTP calls
go through the AWS SDK (controlPlaneFromFlags).
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
import {
	AwsCredentialsError,
	resolveAwsAccess,
	type AwsAccess,
	type SdkLogger,
} from '../client/aws-credentials.js';
import {
	createSdkControlPlane,
	type SdkControlPlane,
} from '../client/sdk-control-plane.js';
import {
	createSdkDataPlane,
	type SdkDataPlane,
	type SdkTls,
} from '../client/sdk-data-plane.js';
import {createWebSocketSigner} from '../client/signed-websocket.js';
import {createHttpSigner} from '../client/sign-http.js';
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
		awsProfile: text('awsProfile'),
		region: text('region'),
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

/**
Everything a connection needs, files read and AWS credentials resolved: what
cannot work fails here, before anything connects.
*/
async function clientOptionsFromFlags(
	flags: FlagValues,
	environment: Environment,
	log: Logger,
	options: ConnectOptions,
): Promise<{description: string; options: ShadowClientOptions}> {
	const connection = connectionFromFlags(flags, environment);
	const credentials = credentialsOf(connection, environment);
	const signUrl = await urlSignerFor(connection, environment, log);
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
				...(signUrl ? {signUrl} : {}),
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
	const {options} = await clientOptionsFromFlags(flags, environment, log, {
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
	const {description, options: clientOptions} = await clientOptionsFromFlags(
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

/**
The AWS credentials and region of a connection: the SDK's chain with the
profile and region it names, read from the command's environment. A profile
or region that cannot be found is a UsageError (one line, exit 2).
*/
export function awsAccessFor(
	connection: ResolvedConnection,
	environment: Environment,
	log?: Logger,
): AwsAccess {
	const host = new URL(connection.url).hostname;
	const resolution = resolveAwsAccess(
		{
			...connection.aws,
			...(isAwsIotCore(connection.url) ? {endpointHost: host} : {}),
		},
		environment.env,
		log ? sdkLogger(log) : undefined,
	);
	if (!resolution.ok) throw new UsageError(resolution.error);
	return resolution.access;
}

/** The presigning hook of a SigV4 connection, its first credentials resolved; undefined for others. */
async function urlSignerFor(
	connection: ResolvedConnection,
	environment: Environment,
	log: Logger,
): Promise<((url: string) => string) | undefined> {
	if (connection.sigv4 === undefined) return undefined;
	const access = awsAccessFor(connection, environment, log);
	const signer = createWebSocketSigner({
		credentials: access.credentials,
		region: access.region,
		onRefreshError(error) {
			log.warn('AWS credentials not refreshed', {
				error: error instanceof Error ? error.message : String(error),
			});
		},
	});
	try {
		await signer.ready();
	} catch (error: unknown) {
		if (error instanceof AwsCredentialsError)
			throw new CommandFailure(error.message);
		throw error;
	}

	return signer.sign;
}

/**
Whether the fleet's HTTP calls (SearchIndex, GetBucketsAggregation,
ListNamedShadowsForThing) go through the AWS SDK with SigV4: when AWS
credentials are named or MQTT is signed, and always against AWS IoT Core,
which takes nothing else.
*/
export function wantsSigv4Http(connection: ResolvedConnection): boolean {
	return connection.aws !== undefined || isAwsIotCore(connection.url);
}

/**
The SDK control plane for a resolved connection (the console builds it from
the connection it already has): against the local service at `api`, or AWS
IoT Core when the broker is AWS's; undefined when the connection does not
ask for SigV4, or when it is not AWS and no API is known (the caller's
plain-HTTP path says so in one line).
*/
export function controlPlaneFor(
	connection: ResolvedConnection,
	environment: Environment,
	api: string | undefined,
	log?: Logger,
): SdkControlPlane | undefined {
	if (!wantsSigv4Http(connection)) return undefined;
	const aws = isAwsIotCore(connection.url);
	if (api === undefined && !aws) return undefined;
	return createSdkControlPlane({
		access: awsAccessFor(connection, environment, log),
		tls: sdkTls(connection, environment),
		target:
			api === undefined
				? {kind: 'aws', dataEndpoint: new URL(connection.url).hostname}
				: {kind: 'service', api: api.replace(/\/+$/, '')},
	});
}

/** controlPlaneFor the flags' connection (close it when done); undefined: the plain-HTTP transport serves. */
export function controlPlaneFromFlags(
	flags: FlagValues,
	environment: Environment,
	api: string | undefined,
): SdkControlPlane | undefined {
	return controlPlaneFor(
		connectionFromFlags(flags, environment),
		environment,
		api,
	);
}

/**
GetThingShadow, UpdateThingShadow and DeleteThingShadow over SigV4 HTTP
(client/sdk-data-plane.ts) for the same connections as controlPlaneFor: the
local service's API, or AWS IoT Core's data endpoint (the broker's host).
*/
export function dataPlaneFor(
	connection: ResolvedConnection,
	environment: Environment,
	api: string | undefined,
	log?: Logger,
): SdkDataPlane | undefined {
	if (!wantsSigv4Http(connection)) return undefined;
	const aws = isAwsIotCore(connection.url);
	if (api === undefined && !aws) return undefined;
	const endpoint =
		api === undefined
			? `https://${new URL(connection.url).hostname}`
			: api.replace(/\/+$/, '');
	return createSdkDataPlane({
		access: awsAccessFor(connection, environment, log),
		tls: sdkTls(connection, environment),
		endpoint,
		describe: aws && api === undefined ? endpoint : `${endpoint} (SigV4)`,
	});
}

/** dataPlaneFor the flags' connection (close it when done); undefined: MQTT or plain HTTP serves. */
export function dataPlaneFromFlags(
	flags: FlagValues,
	environment: Environment,
	api: string | undefined,
): SdkDataPlane | undefined {
	return dataPlaneFor(
		connectionFromFlags(flags, environment),
		environment,
		api,
	);
}

/** The connection's CA and client certificate, for an https:// API. */
function sdkTls(
	connection: ResolvedConnection,
	environment: Environment,
): SdkTls {
	const files = credentialsOf(connection, environment);
	return {
		...(files.ca ? {ca: files.ca} : {}),
		...(files.cert ? {cert: files.cert} : {}),
		...(files.key ? {key: files.key} : {}),
	};
}

function sdkLogger(log: Logger): SdkLogger {
	const text = (content: unknown[]) => content.map(String).join(' ');
	return {
		debug(...content) {
			log.debug('aws sdk', {detail: text(content)});
		},
		info(...content) {
			log.debug('aws sdk', {detail: text(content)});
		},
		warn(...content) {
			log.warn('aws sdk', {detail: text(content)});
		},
		error(...content) {
			log.error('aws sdk', {detail: text(content)});
		},
	};
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
		// Resolved at the first request: a connection that never calls HTTP never needs the profile.
		...(wantsSigv4Http(connection)
			? {sign: createHttpSigner(() => awsAccessFor(connection, environment))}
			: {}),
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
