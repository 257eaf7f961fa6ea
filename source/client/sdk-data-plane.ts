/*
AWS IoT's data plane (iot-data) through the official
@aws-sdk/client-iot-data-plane client, signed with SigV4 by the SDK:
GetThingShadow, UpdateThingShadow and DeleteThingShadow with the same
promises as the MQTT shadow client (shadow-client.ts), so a command can take
either. Also the client configuration both SDK clients share (region,
credentials, endpoint, TLS for the local service's HTTPS) and the reading of
SDK errors as AWS names them.

Against the local service the endpoint is its HTTP API (one port for the
data and control planes); against AWS IoT Core it is https://DATA-ENDPOINT,
given or found by DescribeEndpoint (sdk-control-plane.ts).
*/
import {Agent} from 'node:https';
import {
	DeleteThingShadowCommand,
	GetThingShadowCommand,
	IoTDataPlaneClient,
	UpdateThingShadowCommand,
} from '@aws-sdk/client-iot-data-plane';
import {NodeHttpHandler} from '@smithy/node-http-handler';
import type {
	DeleteAccepted,
	GetAccepted,
	UpdateAccepted,
} from '../shadow/replies.js';
import type {ShadowAddress} from '../shadow/topics.js';
import {
	AwsCredentialsError,
	oneLine,
	type AwsAccess,
} from './aws-credentials.js';
import type {ShadowClient} from './shadow-client.js';
import {ShadowOfflineError, ShadowRejectedError} from './shadow-errors.js';

/** TLS for an https:// API: the CA to trust, and a client certificate when the service asks for one. */
export type SdkTls = {
	readonly ca?: Buffer;
	readonly cert?: Buffer;
	readonly key?: Buffer;
};

export type SdkClientOptions = {
	readonly access: AwsAccess;
	readonly tls?: SdkTls;
	/** The SDK retries throttling and network errors; 3 attempts by default. */
	readonly maxAttempts?: number;
};

/** The configuration of either SDK client for an endpoint (undefined: the region's own AWS endpoint). */
export function sdkClientConfig(
	options: SdkClientOptions,
	endpoint: string | undefined,
) {
	const tls = options.tls;
	const hasTls =
		tls !== undefined &&
		(tls.ca !== undefined || tls.cert !== undefined || tls.key !== undefined);
	return {
		region: options.access.region,
		credentials: options.access.credentials,
		profile: options.access.profile,
		maxAttempts: options.maxAttempts ?? 3,
		...(endpoint === undefined ? {} : {endpoint}),
		...(hasTls
			? {
					requestHandler: new NodeHttpHandler({
						httpsAgent: new Agent({
							keepAlive: true,
							...(tls.ca ? {ca: tls.ca} : {}),
							...(tls.cert ? {cert: tls.cert} : {}),
							...(tls.key ? {key: tls.key} : {}),
						}),
					}),
				}
			: {}),
	};
}

/** How an SDK call failed, in AWS's names. */
export type SdkFailure =
	| {
			readonly kind: 'service';
			/** AWS's error name: ResourceNotFoundException, ForbiddenException, InvalidQueryException, … */
			readonly code: string;
			readonly status: number;
			readonly message: string;
	  }
	| {readonly kind: 'credentials'; readonly message: string}
	| {readonly kind: 'network'; readonly message: string};

export function sdkFailure(error: unknown): SdkFailure {
	if (error instanceof AwsCredentialsError)
		return {kind: 'credentials', message: error.message};
	const value = error as
		| {
				name?: unknown;
				message?: unknown;
				code?: unknown;
				$metadata?: {httpStatusCode?: unknown};
		  }
		| undefined;
	const status = value?.$metadata?.httpStatusCode;
	const message = oneLine(
		typeof value?.message === 'string' ? value.message : String(error),
	);
	if (typeof status === 'number')
		return {
			kind: 'service',
			code:
				typeof value?.name === 'string' && value.name !== 'Error'
					? value.name
					: `HTTP${status}`,
			status,
			message:
				message === '' || message === 'UnknownError'
					? `HTTP ${status}`
					: message,
		};
	const code = typeof value?.code === 'string' ? value.code : undefined;
	return {
		kind: 'network',
		message:
			code === undefined || message.includes(code)
				? message
				: `${code} ${message}`,
	};
}

/** The shadow requests a one-shot command makes, whichever transport serves them. */
export type ShadowRequests = Pick<ShadowClient, 'get' | 'update' | 'delete'>;

export type SdkDataPlane = ShadowRequests & {
	/** Where it goes, for messages. */
	readonly describe: string;
	/** The SDK client, created on first use (the endpoint may have to be found first). */
	client(): Promise<IoTDataPlaneClient>;
	close(): void;
};

export function createSdkDataPlane(
	options: SdkClientOptions & {
		/** https://HOST or the local service's API; or how to find it (DescribeEndpoint). */
		readonly endpoint: string | (() => Promise<string>);
		readonly describe: string;
	},
): SdkDataPlane {
	let created: Promise<IoTDataPlaneClient> | undefined;
	let made: IoTDataPlaneClient | undefined;
	const client = async (): Promise<IoTDataPlaneClient> => {
		created ??= (async () => {
			const endpoint =
				typeof options.endpoint === 'string'
					? options.endpoint
					: await options.endpoint();
			made = new IoTDataPlaneClient(sdkClientConfig(options, endpoint));
			return made;
		})();
		// A failed lookup is tried again on the next request.
		created.catch(() => {
			created = undefined;
		});
		return created;
	};

	const send = async (
		address: ShadowAddress,
		call: (sdk: IoTDataPlaneClient) => Promise<{payload?: Uint8Array}>,
	): Promise<unknown> => {
		let payload: Uint8Array | undefined;
		try {
			payload = (await call(await client())).payload;
		} catch (error: unknown) {
			throw shadowError(error, options.describe);
		}

		return replyDocument(payload, address);
	};

	const shadowName = (address: ShadowAddress) =>
		address.shadowName === '' ? {} : {shadowName: address.shadowName};

	return {
		describe: options.describe,
		client,
		async get(address) {
			return (await send(address, async (sdk) =>
				sdk.send(
					new GetThingShadowCommand({
						thingName: address.thingName,
						...shadowName(address),
					}),
				),
			)) as GetAccepted;
		},
		async update(address, request) {
			return (await send(address, async (sdk) =>
				sdk.send(
					new UpdateThingShadowCommand({
						thingName: address.thingName,
						...shadowName(address),
						payload: new TextEncoder().encode(JSON.stringify(request)),
					}),
				),
			)) as UpdateAccepted;
		},
		async delete(address) {
			return (await send(address, async (sdk) =>
				sdk.send(
					new DeleteThingShadowCommand({
						thingName: address.thingName,
						...shadowName(address),
					}),
				),
			)) as DeleteAccepted;
		},
		close() {
			made?.destroy();
		},
	};
}

/** A service's refusal keeps AWS's status and message; credentials keep their one line; the rest is "offline". */
function shadowError(error: unknown, describe: string): Error {
	const failure = sdkFailure(error);
	if (failure.kind === 'service')
		return new ShadowRejectedError(failure.status, failure.message);
	if (failure.kind === 'credentials')
		return new AwsCredentialsError(failure.message);
	return new ShadowOfflineError(`cannot reach ${describe}: ${failure.message}`);
}

function replyDocument(
	payload: Uint8Array | undefined,
	address: ShadowAddress,
): unknown {
	const text = new TextDecoder().decode(payload ?? new Uint8Array());
	try {
		return JSON.parse(text) as unknown;
	} catch {
		throw new ShadowRejectedError(
			500,
			`the data plane answered for ${address.thingName} with a body that is not JSON`,
		);
	}
}
