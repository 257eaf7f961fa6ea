/*
SigV4 for the local service's own routes (the version journal), which no AWS
SDK client calls: signed as iot-data is, with the same credentials as the SDK
clients, so a service that checks access keys (serve --users) takes them.
*/
import {Hash} from '@smithy/hash-node';
import {SignatureV4} from '@smithy/signature-v4';
import type {AwsAccess} from './aws-credentials.js';

export type HttpSigningRequest = {
	readonly method: string;
	readonly url: URL;
	readonly headers: Readonly<Record<string, string>>;
	readonly body?: Buffer;
};

/** The headers to send: the request's, with host, x-amz-date and authorization added. */
export type HttpSigner = (
	request: HttpSigningRequest,
) => Promise<Record<string, string>>;

export function createHttpSigner(
	access: () => AwsAccess,
	service = 'iotdata',
): HttpSigner {
	let signer: SignatureV4 | undefined;
	return async (request) => {
		const resolved = access();
		signer ??= new SignatureV4({
			service,
			region: resolved.region,
			credentials: resolved.credentials,
			sha256: Hash.bind(null, 'sha256'),
		});
		const {url} = request;
		const query: Record<string, string | string[]> = {};
		for (const [name, value] of url.searchParams) {
			const held = query[name];
			query[name] =
				held === undefined
					? value
					: [...(Array.isArray(held) ? held : [held]), value];
		}

		const signed = await signer.sign({
			method: request.method,
			protocol: url.protocol,
			hostname: url.hostname,
			...(url.port === '' ? {} : {port: Number(url.port)}),
			path: url.pathname,
			query,
			headers: {...request.headers, host: url.host},
			...(request.body ? {body: request.body} : {}),
		});
		return signed.headers;
	};
}
