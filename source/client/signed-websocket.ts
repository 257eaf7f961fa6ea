/*
MQTT over WebSocket signed with SigV4, as AWS IoT Core takes it: the upgrade
request's URL is presigned (query parameters X-Amz-Algorithm, -Credential,
-Date, -SignedHeaders=host, -Signature) for service `iotdevicegateway`, and
with temporary credentials X-Amz-Security-Token is appended AFTER signing,
not signed: AWS IoT's rule, followed by AWS's own device SDKs (v1's
prepareWebSocketUrl in aws-iot-device-sdk-js, and aws-crt's websocket
handshake with omit_session_token). The payload hash is that of the empty
body.

A signature carries its time and expires, and credentials rotate, so every
(re)connection is signed anew: mqtt.js calls transformWsUrl before each
WebSocket it opens. That hook is synchronous, so the signer keeps the newest
credentials at hand and refreshes them in the background after each use
(the SDK's provider caches them and renews temporary ones before expiry).
*/
import {createHash, createHmac} from 'node:crypto';
import type {AwsCredentials, CredentialProvider} from './aws-credentials.js';

export const iotDeviceGatewayService = 'iotdevicegateway';

export type PresignRequest = {
	/** ws:// or wss:// URL of the MQTT endpoint, such as wss://abc-ats.iot.eu-west-1.amazonaws.com/mqtt. */
	readonly url: string;
	readonly credentials: AwsCredentials;
	readonly region: string;
	/** Epoch milliseconds: the signature's time. */
	readonly now: number;
	readonly service?: string;
};

/** The presigned URL; pure. */
export function presignWebSocketUrl(request: PresignRequest): string {
	const url = new URL(request.url);
	const service = request.service ?? iotDeviceGatewayService;
	const amzDate = amzDateOf(request.now);
	const scope = `${amzDate.slice(0, 8)}/${request.region}/${service}/aws4_request`;
	// The URL's host as the WebSocket's Host header carries it: without a default port.
	const host = url.host.toLowerCase();
	const parameters: [string, string][] = [
		...[...url.searchParams].filter(([name]) => !name.startsWith('X-Amz-')),
		['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
		['X-Amz-Credential', `${request.credentials.accessKeyId}/${scope}`],
		['X-Amz-Date', amzDate],
		['X-Amz-SignedHeaders', 'host'],
	];
	const query = canonicalQuery(parameters);
	const path = canonicalPath(url.pathname);
	const canonicalRequest = [
		'GET',
		path,
		query,
		`host:${host}\n`,
		'host',
		sha256Hex(''),
	].join('\n');
	const stringToSign = [
		'AWS4-HMAC-SHA256',
		amzDate,
		scope,
		sha256Hex(canonicalRequest),
	].join('\n');
	const signature = createHmac(
		'sha256',
		signingKey(
			request.credentials.secretAccessKey,
			amzDate.slice(0, 8),
			request.region,
			service,
		),
	)
		.update(stringToSign, 'utf8')
		.digest('hex');
	const token = request.credentials.sessionToken;
	return `${url.protocol}//${url.host}${url.pathname}?${query}&X-Amz-Signature=${signature}${
		token === undefined ? '' : `&X-Amz-Security-Token=${uriEncode(token)}`
	}`;
}

export type WebSocketSigner = {
	/** Resolves the credentials the first signature needs; rejects with their one-line error. */
	readonly ready: () => Promise<void>;
	/**
	The URL presigned now with the newest credentials held (mqtt.js's
	transformWsUrl). Before ready() has resolved there are none: the URL goes
	unsigned (and is refused), and the next connection is signed.
	*/
	readonly sign: (url: string) => string;
};

export function createWebSocketSigner(options: {
	readonly credentials: CredentialProvider;
	readonly region: string;
	readonly now?: () => number;
	/** A background refresh failed; the credentials held are used until one succeeds. */
	readonly onRefreshError?: (error: unknown) => void;
}): WebSocketSigner {
	const now = options.now ?? Date.now;
	let held: AwsCredentials | undefined;
	let refreshing: Promise<void> | undefined;
	const refresh = async (): Promise<void> => {
		refreshing ??= options
			.credentials()
			.then((credentials) => {
				held = credentials;
			})
			.finally(() => {
				refreshing = undefined;
			});
		return refreshing;
	};

	return {
		ready: refresh,
		sign(url) {
			// mqtt.js calls this from a timer, where a throw would end the process: never throw.
			const signed =
				held === undefined
					? url
					: presignWebSocketUrl({
							url,
							credentials: held,
							region: options.region,
							now: now(),
						});
			// For the next connection; the SDK's cache makes this free until renewal is due.
			refresh().catch((error: unknown) => options.onRefreshError?.(error));
			return signed;
		},
	};
}

/** YYYYMMDDTHHMMSSZ, SigV4's time format. */
export function amzDateOf(epochMs: number): string {
	return new Date(epochMs).toISOString().replaceAll(/[-:]|\.\d{3}/g, '');
}

/** RFC 3986 percent-encoding, as SigV4 requires: only A-Z a-z 0-9 - _ . ~ stay. */
export function uriEncode(text: string): string {
	return encodeURIComponent(text).replaceAll(
		/[!'()*]/g,
		(character) =>
			`%${character.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
	);
}

/** Parameters encoded, then sorted by name and value (SigV4's canonical query string). */
function canonicalQuery(parameters: readonly [string, string][]): string {
	return parameters
		.map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
		.sort(([nameA, valueA], [nameB, valueB]) =>
			nameA === nameB ? compare(valueA, valueB) : compare(nameA, nameB),
		)
		.map(([name, value]) => `${name}=${value}`)
		.join('&');
}

/*
Each segment of the path as sent (already percent-encoded once) encoded again,
as SigV4 says for services other than S3 and as the SDK's signer does;
/mqtt stays /mqtt.
*/
function canonicalPath(pathname: string): string {
	return pathname === '' ? '/' : pathname.split('/').map(uriEncode).join('/');
}

function compare(a: string, b: string): number {
	if (a < b) return -1;
	return a > b ? 1 : 0;
}

function sha256Hex(text: string): string {
	return createHash('sha256').update(text, 'utf8').digest('hex');
}

function signingKey(
	secret: string,
	date: string,
	region: string,
	service: string,
): Buffer {
	let key: Buffer | string = `AWS4${secret}`;
	for (const part of [date, region, service, 'aws4_request'])
		key = createHmac('sha256', key).update(part, 'utf8').digest();
	return key as Buffer;
}
