/*
AWS credentials and region the AWS way, for SigV4 (HTTP through the official
SDK clients, and MQTT over a signed WebSocket URL): the AWS SDK for
JavaScript v3's standard chain (fromNodeProviderChain: environment keys,
shared config and credentials files, SSO, assume-role, credential_process,
web identity, container and instance metadata), and the region by the CLI's
rule: --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's `region`, the
region in an AWS IoT endpoint (….iot.REGION.amazonaws.com).

The SDK's providers read process.env themselves; a command passes its own
environment, so everything the chain takes from the environment is handed to
it explicitly: the profile (always named, which also skips the SDK's own
reading of AWS_ACCESS_KEY_ID, done here from the passed environment instead),
the file paths, the web identity settings. Only the container and instance
metadata providers still look at process.env.

Credentials are resolved when first needed and cached by the SDK, which
refreshes temporary ones before they expire. Failures are one line naming
what to set.
*/
import {readFileSync} from 'node:fs';
import {homedir} from 'node:os';
import {join} from 'node:path';
import {fromNodeProviderChain} from '@aws-sdk/credential-providers';

export type AwsCredentials = {
	readonly accessKeyId: string;
	readonly secretAccessKey: string;
	readonly sessionToken?: string;
	readonly expiration?: Date;
};

/** The SDK's shape: its clients pass identity properties (the caller's config) that assume-role uses. */
export type CredentialProvider = (
	identityProperties?: Record<string, unknown>,
) => Promise<AwsCredentials>;

/** What the user said: --aws-profile and --region (or a connection profile's awsProfile and region). */
export type AwsSettings = {
	readonly profile?: string;
	readonly region?: string;
};

export type AwsAccess = {
	/** The profile of the shared files: the one named, else AWS_PROFILE, else 'default'. */
	readonly profile: string;
	readonly region: string;
	/** Resolved lazily, cached and refreshed by the SDK; rejects with an AwsCredentialsError. */
	readonly credentials: CredentialProvider;
	/** For messages: where the credentials come from, never a key. */
	readonly description: string;
};

/** No credentials could be found or refreshed; the message is one line. */
export class AwsCredentialsError extends Error {
	override readonly name = 'AwsCredentialsError';
}

type Environment = NodeJS.ProcessEnv;

type Resolution =
	| {readonly ok: true; readonly access: AwsAccess}
	| {readonly ok: false; readonly error: string};

/** A sink for the SDK's own diagnostics, which would otherwise go to the console. */
export type SdkLogger = {
	debug(...content: unknown[]): void;
	info(...content: unknown[]): void;
	warn(...content: unknown[]): void;
	error(...content: unknown[]): void;
};

const quietLogger: SdkLogger = {
	debug() {},
	info() {},
	warn() {},
	error() {},
};

/** The credential chain and region for these settings, or the one line that says what to set. */
export function resolveAwsAccess(
	settings: AwsSettings & {
		/** An AWS IoT endpoint host, whose name carries a region. */
		readonly endpointHost?: string;
	},
	env: Environment,
	logger: SdkLogger = quietLogger,
): Resolution {
	const files = awsFilePaths(env);
	const named = nonEmpty(settings.profile) ?? nonEmpty(env.AWS_PROFILE);
	const profile = named ?? 'default';
	const texts = readAwsFiles(files);
	if (!texts.ok) return texts;
	const config = parseIni(texts.config ?? '');
	const credentialsFile = parseIni(texts.credentials ?? '');
	const fromConfig = config.get(configSection(profile));
	const fromCredentials = credentialsFile.get(profile);
	if (named !== undefined && !fromConfig && !fromCredentials)
		return {
			ok: false,
			error: `no AWS profile '${named}' in ${files.config} or ${files.credentials} (check --aws-profile and AWS_PROFILE; AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE name other files)`,
		};

	const region = pickRegion({
		flag: settings.region,
		env,
		profileRegion: fromConfig?.get('region') ?? fromCredentials?.get('region'),
		endpointHost: settings.endpointHost,
	});
	if (region === undefined)
		return {
			ok: false,
			error: `no AWS region: give --region R, set AWS_REGION, or add region = R to profile '${profile}' in ${files.config}`,
		};

	const fromEnvironment =
		named === undefined ? environmentCredentials(env) : undefined;
	const chain: CredentialProvider = fromEnvironment
		? async () => Promise.resolve(fromEnvironment)
		: fromNodeProviderChain({
				profile,
				filepath: files.credentials,
				configFilepath: files.config,
				clientConfig: {region},
				logger,
				...webIdentity(env),
			});
	return {
		ok: true,
		access: {
			profile,
			region,
			credentials: explained(chain, profile),
			description: fromEnvironment
				? `AWS credentials from AWS_ACCESS_KEY_ID, ${region}`
				: `AWS profile ${profile}, ${region}`,
		},
	};
}

/** The files the SDK would read: AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/…. */
export function awsFilePaths(env: Environment): {
	readonly config: string;
	readonly credentials: string;
} {
	const home = nonEmpty(env.HOME) ?? nonEmpty(env.USERPROFILE) ?? homedir();
	const expand = (path: string) =>
		path.startsWith('~/') ? join(home, path.slice(2)) : path;
	return {
		config: expand(
			nonEmpty(env.AWS_CONFIG_FILE) ?? join(home, '.aws', 'config'),
		),
		credentials: expand(
			nonEmpty(env.AWS_SHARED_CREDENTIALS_FILE) ??
				join(home, '.aws', 'credentials'),
		),
	};
}

/** The region precedence: flag, AWS_REGION, AWS_DEFAULT_REGION, the profile's, the endpoint's. */
export function pickRegion(sources: {
	readonly flag?: string | undefined;
	readonly env: Environment;
	readonly profileRegion?: string | undefined;
	readonly endpointHost?: string | undefined;
}): string | undefined {
	return (
		nonEmpty(sources.flag) ??
		nonEmpty(sources.env.AWS_REGION) ??
		nonEmpty(sources.env.AWS_DEFAULT_REGION) ??
		nonEmpty(sources.profileRegion) ??
		(sources.endpointHost === undefined
			? undefined
			: regionOfEndpoint(sources.endpointHost))
	);
}

/** The region in an AWS IoT host name: abc123-ats.iot.eu-west-1.amazonaws.com is eu-west-1. */
export function regionOfEndpoint(host: string): string | undefined {
	return /(?:^|\.)iot\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?(?::\d+)?$/i.exec(
		host,
	)?.[1];
}

/*
The shared files' INI dialect, as the SDK reads it: `[section]`, `key = value`,
comments from # or ; at the start of a line, and indented lines that belong
to a nested setting (s3 =\n  max_concurrent_requests = 10), skipped here.
*/
export function parseIni(
	text: string,
): ReadonlyMap<string, ReadonlyMap<string, string>> {
	const sections = new Map<string, Map<string, string>>();
	let current: Map<string, string> | undefined;
	for (const line of text.split(/\r?\n/)) {
		const trimmed = line.trim();
		if (trimmed === '' || /^[#;]/.test(trimmed)) continue;
		const header = /^\[([^\]]+)\]/.exec(trimmed);
		if (header) {
			const name = (header[1] ?? '').trim().replaceAll(/\s+/g, ' ');
			current = sections.get(name) ?? new Map<string, string>();
			sections.set(name, current);
			continue;
		}

		if (/^\s/.test(line) || current === undefined) continue;
		const equals = trimmed.indexOf('=');
		if (equals <= 0) continue;
		current.set(
			trimmed.slice(0, equals).trim().toLowerCase(),
			trimmed.slice(equals + 1).trim(),
		);
	}

	return sections;
}

/** In the config file every profile but the default is `[profile NAME]`. */
function configSection(profile: string): string {
	return profile === 'default' ? 'default' : `profile ${profile}`;
}

function readAwsFiles(files: {
	readonly config: string;
	readonly credentials: string;
}):
	| {readonly ok: true; readonly config?: string; readonly credentials?: string}
	| {readonly ok: false; readonly error: string} {
	const read = (path: string): string | undefined | Error => {
		try {
			return readFileSync(path, 'utf8');
		} catch (error: unknown) {
			const code = (error as NodeJS.ErrnoException).code;
			if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
			return new Error(`cannot read ${path}: ${code ?? String(error)}`);
		}
	};

	const config = read(files.config);
	if (config instanceof Error) return {ok: false, error: config.message};
	const credentials = read(files.credentials);
	if (credentials instanceof Error)
		return {ok: false, error: credentials.message};
	return {
		ok: true,
		...(config === undefined ? {} : {config}),
		...(credentials === undefined ? {} : {credentials}),
	};
}

/** AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY of the command's environment, as the SDK's fromEnv reads them. */
function environmentCredentials(env: Environment): AwsCredentials | undefined {
	const accessKeyId = nonEmpty(env.AWS_ACCESS_KEY_ID);
	const secretAccessKey = nonEmpty(env.AWS_SECRET_ACCESS_KEY);
	if (accessKeyId === undefined || secretAccessKey === undefined)
		return undefined;
	const sessionToken = nonEmpty(env.AWS_SESSION_TOKEN);
	const expiration = nonEmpty(env.AWS_CREDENTIAL_EXPIRATION);
	return {
		accessKeyId,
		secretAccessKey,
		...(sessionToken === undefined ? {} : {sessionToken}),
		...(expiration === undefined ? {} : {expiration: new Date(expiration)}),
	};
}

function webIdentity(env: Environment): {
	webIdentityTokenFile?: string;
	roleArn?: string;
	roleSessionName?: string;
} {
	const tokenFile = nonEmpty(env.AWS_WEB_IDENTITY_TOKEN_FILE);
	const roleArn = nonEmpty(env.AWS_ROLE_ARN);
	const sessionName = nonEmpty(env.AWS_ROLE_SESSION_NAME);
	return {
		...(tokenFile === undefined ? {} : {webIdentityTokenFile: tokenFile}),
		...(roleArn === undefined ? {} : {roleArn}),
		...(sessionName === undefined ? {} : {roleSessionName: sessionName}),
	};
}

/** The SDK's errors run over several lines and name its internals; one line names what to do. */
function explained(
	chain: CredentialProvider,
	profile: string,
): CredentialProvider {
	return async (identityProperties) => {
		try {
			return await chain(identityProperties);
		} catch (error: unknown) {
			const detail = oneLine(
				error instanceof Error ? error.message : String(error),
			);
			throw new AwsCredentialsError(
				`no AWS credentials for profile '${profile}' (${detail}): set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, run \`aws configure\` or \`aws sso login\`, or give --aws-profile NAME`,
			);
		}
	};
}

export function oneLine(text: string, max = 200): string {
	const flat = text.replaceAll(/\s+/g, ' ').trim();
	return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

function nonEmpty(value: string | undefined): string | undefined {
	return value === undefined || value.trim() === '' ? undefined : value.trim();
}
