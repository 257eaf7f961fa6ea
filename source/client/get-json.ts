/*
GET a JSON document from the local service's HTTP API, over HTTPS with the
same client certificate or username and password as the MQTT connection when
the service requires identities. (fetch cannot present a client certificate
without undici's Agent, which Node does not expose.)
*/
import {request as httpRequest} from 'node:http';
import {request as httpsRequest} from 'node:https';

export type HttpCredentials = {
	readonly cert?: Buffer;
	readonly key?: Buffer;
	readonly ca?: Buffer;
	readonly username?: string;
	readonly password?: string;
};

export async function getJson(
	url: string,
	credentials: HttpCredentials = {},
): Promise<{status: number; body: unknown}> {
	const target = new URL(url);
	const secure = target.protocol === 'https:';
	const send = secure ? httpsRequest : httpRequest;
	const headers: Record<string, string> = {accept: 'application/json'};
	if (credentials.username !== undefined) {
		headers.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password ?? ''}`).toString('base64')}`;
	}

	return new Promise((resolve, reject) => {
		const request = send(
			target,
			{
				method: 'GET',
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
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('error', reject);
				response.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let body: unknown;
					try {
						body = JSON.parse(text);
					} catch {
						body = {message: text.trim() || `HTTP ${response.statusCode}`};
					}

					resolve({status: response.statusCode ?? 0, body});
				});
			},
		);
		request.on('error', reject);
		request.end();
	});
}
