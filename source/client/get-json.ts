/*
GET (or POST) a JSON document from the local service's HTTP API, over HTTPS with the
same client certificate or username and password as the MQTT connection when
the service requires identities. (fetch cannot present a client certificate
without undici's Agent, which Node does not expose.)
*/
import {request as httpRequest} from 'node:http';
import {request as httpsRequest} from 'node:https';
import type {HttpSigner} from './sign-http.js';

export type HttpCredentials = {
	readonly cert?: Buffer;
	readonly key?: Buffer;
	readonly ca?: Buffer;
	readonly username?: string;
	readonly password?: string;
	/** Signs each request with SigV4 (AWS credentials), instead of a password. */
	readonly sign?: HttpSigner;
};

/** A page of 100 things with 10 shadows of 8 KB each, and room to spare; a bigger answer is no page of ours. */
const maxAnswerBytes = 32 * 1024 * 1024;

export type JsonAnswer = {
	status: number;
	body: unknown;
	/** AWS's x-amzn-ErrorType, without what follows a colon. */
	errorType?: string;
};

export async function getJson(
	url: string,
	credentials: HttpCredentials = {},
): Promise<JsonAnswer> {
	return requestJson(url, credentials);
}

export async function postJson(
	url: string,
	document: unknown,
	credentials: HttpCredentials = {},
): Promise<JsonAnswer> {
	return requestJson(url, credentials, Buffer.from(JSON.stringify(document)));
}

async function requestJson(
	url: string,
	credentials: HttpCredentials,
	body?: Buffer,
): Promise<JsonAnswer> {
	const target = new URL(url);
	const secure = target.protocol === 'https:';
	const send = secure ? httpsRequest : httpRequest;
	let headers: Record<string, string> = {accept: 'application/json'};
	if (body) {
		headers['content-type'] = 'application/json';
		headers['content-length'] = String(body.length);
	}

	if (credentials.username !== undefined) {
		headers.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password ?? ''}`).toString('base64')}`;
	}

	if (credentials.sign)
		headers = await credentials.sign({
			method: body ? 'POST' : 'GET',
			url: target,
			headers,
			...(body ? {body} : {}),
		});

	return new Promise((resolve, reject) => {
		const request = send(
			target,
			{
				method: body ? 'POST' : 'GET',
				headers,
				...(secure
					? {
							...(credentials.cert ? {cert: credentials.cert} : {}),
							...(credentials.key ? {key: credentials.key} : {}),
							...(credentials.ca ? {ca: credentials.ca} : {}),
						}
					: {}),
			},
			(response) => {
				const chunks: Buffer[] = [];
				let received = 0;
				response.on('data', (chunk: Buffer) => {
					received += chunk.length;
					if (received > maxAnswerBytes) {
						response.destroy();
						reject(
							new Error(
								`the answer is larger than ${maxAnswerBytes / 1024 / 1024} MB`,
							),
						);
						return;
					}

					chunks.push(chunk);
				});
				response.on('error', reject);
				response.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let body: unknown;
					try {
						body = JSON.parse(text);
					} catch {
						body = {message: text.trim() || `HTTP ${response.statusCode}`};
					}

					const type = response.headers['x-amzn-errortype'];
					const errorType =
						typeof type === 'string' ? type.split(':')[0] : undefined;
					resolve({
						status: response.statusCode ?? 0,
						body,
						...(errorType ? {errorType} : {}),
					});
				});
			},
		);
		request.on('error', reject);
		request.end(body);
	});
}
