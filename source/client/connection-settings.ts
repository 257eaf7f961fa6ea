/*
Which broker to talk to and how: command-line flags over a named profile,
over the default (the local service on 127.0.0.1). Pure: files are named
here and read by the caller. The description never contains key material.

SigV4 (AWS credentials, not a certificate) is how MQTT goes when --endpoint
comes without --cert (AWS IoT Core takes signed WebSockets on 443), or when a
ws:// or wss:// broker comes with --aws-profile or --region; over mqtt:// and
mqtts:// those only sign the HTTP calls.
*/
import {isLoopback} from '../security/loopback.js';
import type {AwsSettings} from './aws-credentials.js';

export type ConnectionSettings = {
	readonly broker?: string;
	readonly endpoint?: string;
	readonly cert?: string;
	readonly key?: string;
	readonly ca?: string;
	readonly clientId?: string;
	/** Username for a service that takes passwords; the password comes from SHADOW_TUI_PASSWORD. */
	readonly username?: string;
	/** The service's HTTP API, when its broker does not say (an external broker). */
	readonly api?: string;
	/** The AWS profile of the shared config files, for SigV4. */
	readonly awsProfile?: string;
	/** The AWS region, for SigV4. */
	readonly region?: string;
};

export type Profiles = Readonly<Record<string, ConnectionSettings>>;

export type ResolvedConnection = {
	readonly url: string;
	readonly certPath?: string;
	readonly keyPath?: string;
	readonly caPath?: string;
	readonly clientId?: string;
	readonly username?: string;
	readonly alpnProtocols?: string[];
	/** The profile's HTTP API, when the profile also gave the broker. */
	readonly api?: string;
	/** AWS credentials and region for SigV4, when named or when MQTT is signed (HTTP calls use them too). */
	readonly aws?: AwsSettings;
	/** MQTT over WebSocket with a SigV4-presigned URL, with these settings (the same as `aws`). */
	readonly sigv4?: AwsSettings;
	/** Safe to show: the URL and the certificate file, never the key. */
	readonly description: string;
};

export const defaultBroker = 'mqtt://127.0.0.1:1883';

/** AWS IoT Core's ALPN protocol for certificate authentication on port 443. */
export const awsCertificateAlpn = 'x-amzn-mqtt-ca';

export type Resolution =
	| {readonly ok: true; readonly connection: ResolvedConnection}
	| {readonly ok: false; readonly error: string};

export function resolveConnection(
	flags: ConnectionSettings & {readonly profile?: string},
	profiles: Profiles,
): Resolution {
	let profile: ConnectionSettings = {};
	if (flags.profile !== undefined) {
		const found = Object.prototype.hasOwnProperty.call(profiles, flags.profile)
			? profiles[flags.profile]
			: undefined;
		if (!found) {
			const known = Object.keys(profiles);
			return {
				ok: false,
				error: `no profile '${flags.profile}'${known.length > 0 ? ` (profiles: ${known.join(', ')})` : ' (no profiles are saved)'}`,
			};
		}

		profile = found;
	}

	// A flag given on the command line replaces the profile's whole way of connecting.
	const fromFlags = flags.broker !== undefined || flags.endpoint !== undefined;
	const connectsBy = fromFlags
		? {broker: flags.broker, endpoint: flags.endpoint}
		: {broker: profile.broker, endpoint: profile.endpoint};
	// The profile's API is its broker's: with another broker it would be another service's.
	const api = fromFlags ? undefined : profile.api;
	const apiProblem = api === undefined ? undefined : checkApiUrl(api);
	if (apiProblem)
		return {
			ok: false,
			error: `profile '${flags.profile ?? ''}': ${apiProblem}`,
		};
	const cert = flags.cert ?? profile.cert;
	const key = flags.key ?? profile.key;
	const ca = flags.ca ?? profile.ca;
	const clientId = flags.clientId ?? profile.clientId;
	const username = flags.username ?? profile.username;
	const awsProfile = flags.awsProfile ?? profile.awsProfile;
	const region = flags.region ?? profile.region;
	const awsProblem = checkAwsProfile(awsProfile) ?? checkRegion(region);
	if (awsProblem) return {ok: false, error: awsProblem};
	const aws: AwsSettings | undefined =
		awsProfile === undefined && region === undefined
			? undefined
			: {
					...(awsProfile === undefined ? {} : {profile: awsProfile}),
					...(region === undefined ? {} : {region}),
				};
	let signed = false;
	if (connectsBy.broker !== undefined && connectsBy.endpoint !== undefined) {
		return {
			ok: false,
			error: '--broker and --endpoint are alternatives; give one',
		};
	}

	if ((cert === undefined) !== (key === undefined))
		return {ok: false, error: '--cert and --key go together'};

	let url: string;
	let alpnProtocols: string[] | undefined;
	if (connectsBy.endpoint !== undefined) {
		const endpoint = parseEndpoint(connectsBy.endpoint);
		if (!endpoint.ok) return endpoint;
		const {host, port} = endpoint;
		if (cert === undefined) {
			// No certificate: AWS credentials, on the WebSocket AWS IoT Core serves on 443.
			const problem = signedEndpointProblem(endpoint);
			if (problem) return {ok: false, error: problem};
			url = `wss://${host}:443/mqtt`;
			signed = true;
		} else {
			url = `mqtts://${host}:${port}`;
			if (port === '443') alpnProtocols = [awsCertificateAlpn];
		}
	} else {
		url = connectsBy.broker ?? defaultBroker;
		const problem = checkBrokerUrl(url);
		if (problem) return {ok: false, error: problem};
		// AWS IoT Core's WebSocket takes SigV4 (or a certificate): sign it unless one is given.
		signed =
			/^wss?:/.test(url) &&
			(aws !== undefined || (cert === undefined && isAwsHostUrl(url)));
		if (cert !== undefined && !/^(mqtts|wss):/.test(url))
			return {
				ok: false,
				error:
					'a client certificate needs a TLS broker URL (mqtts:// or wss://)',
			};
	}

	if (
		username !== undefined &&
		!/^(mqtts|wss):/.test(url) &&
		!isLoopbackUrl(url)
	)
		return {
			ok: false,
			error:
				'--username sends a password: use a TLS broker URL (mqtts:// or wss://) or one on this machine',
		};

	return {
		ok: true,
		connection: {
			url,
			...(username === undefined ? {} : {username}),
			...(cert === undefined ? {} : {certPath: cert}),
			...(key === undefined ? {} : {keyPath: key}),
			...(ca === undefined ? {} : {caPath: ca}),
			...(clientId === undefined ? {} : {clientId}),
			...(alpnProtocols ? {alpnProtocols} : {}),
			...(api === undefined ? {} : {api: api.replace(/\/+$/, '')}),
			...(aws === undefined && !signed ? {} : {aws: aws ?? {}}),
			...(signed ? {sigv4: aws ?? {}} : {}),
			description: `${url}${cert === undefined ? '' : ` (certificate ${cert})`}${username === undefined ? '' : ` (user ${username})`}${signed ? ` (SigV4${awsProfile === undefined ? '' : `, AWS profile ${awsProfile}`})` : ''}`,
		},
	};
}

/** A value as it may appear in a one-line message: quoted, escaped, and short. */
export function quoteValue(value: string, max = 60): string {
	const shown = value.length > max ? `${value.slice(0, max)}…` : value;
	return JSON.stringify(shown);
}

function parsedUrl(text: string): URL | undefined {
	try {
		return new URL(text);
	} catch {
		return undefined;
	}
}

/** Why --broker URL cannot be connected to, or undefined. */
export function checkBrokerUrl(text: string): string | undefined {
	const expected = `--broker must be an mqtt://, mqtts://, ws:// or wss:// URL such as ${defaultBroker}, got ${quoteValue(text)}`;
	if (!/^(mqtts?|wss?):\/\/[^/\s]+/.test(text)) return expected;
	const url = parsedUrl(text);
	if (!url || url.hostname === '') return expected;
	if (url.port === '0')
		return `--broker needs a port from 1 to 65535, got ${quoteValue(text)}`;
	return undefined;
}

/** Why --api URL cannot be the service's HTTP API, or undefined. */
export function checkApiUrl(text: string): string | undefined {
	const url = parsedUrl(text);
	if (
		!url ||
		!/^https?:$/.test(url.protocol) ||
		url.hostname === '' ||
		!/^https?:\/\/[^/\s]+/.test(text)
	)
		return `--api must be an http:// or https:// URL such as http://127.0.0.1:8080, got ${quoteValue(text)}`;
	if (url.search !== '' || url.hash !== '')
		return `--api takes the service's address without a query or fragment, got ${quoteValue(text)}`;
	if (url.port === '0')
		return `--api needs a port from 1 to 65535, got ${quoteValue(text)}`;
	return undefined;
}

/** Why an endpoint without a certificate cannot be used: SigV4 WebSockets are on 443 only. */
export function signedEndpointProblem(endpoint: {
	readonly host: string;
	readonly port: string;
	readonly portGiven: boolean;
}): string | undefined {
	if (!endpoint.portGiven || endpoint.port === '443') return undefined;
	return `--endpoint ${endpoint.host}:${endpoint.port} takes --cert and --key; without a certificate MQTT goes over a SigV4-signed WebSocket on port 443`;
}

/** Why --region R is no AWS region name (eu-west-1, us-gov-west-1, cn-north-1), or undefined. */
export function checkRegion(region: string | undefined): string | undefined {
	if (region === undefined || /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/.test(region))
		return undefined;
	return `--region must be an AWS region such as eu-west-1, got ${quoteValue(region)}`;
}

/** Why --aws-profile NAME cannot name a profile of the AWS config files, or undefined. */
export function checkAwsProfile(name: string | undefined): string | undefined {
	if (name === undefined || /^[^\s[\]]+$/.test(name)) return undefined;
	return `--aws-profile must name a profile of the AWS config files (no spaces or brackets), got ${quoteValue(name)}`;
}

/** --endpoint HOST[:PORT], on AWS IoT Core's ports: 8883 (the default with a certificate) or 443. */
export function parseEndpoint(text: string):
	| {
			readonly ok: true;
			readonly host: string;
			readonly port: string;
			readonly portGiven: boolean;
	  }
	| {readonly ok: false; readonly error: string} {
	const match = /^([a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?)(?::(\d+))?$/.exec(
		text,
	);
	if (!match)
		return {
			ok: false,
			error: `--endpoint must be a host name such as abc123-ats.iot.us-east-1.amazonaws.com, got ${quoteValue(text)}`,
		};
	const port = match[2] ?? '8883';
	if (port !== '8883' && port !== '443')
		return {
			ok: false,
			error: 'AWS IoT Core takes MQTT with certificates on port 8883 or 443',
		};
	return {
		ok: true,
		host: match[1] ?? '',
		port,
		portGiven: match[2] !== undefined,
	};
}

/** Reads the profiles of a config file's text; unknown keys are refused so that typos show. */
export function parseProfiles(
	text: string,
	source: string,
):
	| {readonly ok: true; readonly profiles: Profiles}
	| {readonly ok: false; readonly error: string} {
	let document: unknown;
	try {
		document = JSON.parse(text);
	} catch (error: unknown) {
		return {
			ok: false,
			error: `${source} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
		};
	}

	const profiles = (document as {profiles?: unknown} | null)?.profiles;
	if (
		typeof profiles !== 'object' ||
		profiles === null ||
		Array.isArray(profiles)
	) {
		return {
			ok: false,
			error: `${source} needs an object "profiles": {"NAME": {"endpoint": …, "cert": …, "key": …}}`,
		};
	}

	const allowed = new Set([
		'api',
		'broker',
		'endpoint',
		'cert',
		'key',
		'ca',
		'clientId',
		'username',
		'awsProfile',
		'region',
	]);
	for (const [name, profile] of Object.entries(
		profiles as Record<string, unknown>,
	)) {
		if (typeof profile !== 'object' || profile === null)
			return {
				ok: false,
				error: `${source}: profile '${name}' must be an object`,
			};
		for (const [field, value] of Object.entries(profile)) {
			if (!allowed.has(field))
				return {
					ok: false,
					error: `${source}: profile '${name}' has an unknown setting '${field}'`,
				};
			if (typeof value !== 'string')
				return {
					ok: false,
					error: `${source}: profile '${name}': '${field}' must be a string`,
				};
		}
	}

	return {ok: true, profiles: profiles as Profiles};
}

function isAwsHostUrl(url: string): boolean {
	return /\.amazonaws\.com(?:\.cn)?$/.test(new URL(url).hostname);
}

function isLoopbackUrl(url: string): boolean {
	return isLoopback(new URL(url).hostname);
}
