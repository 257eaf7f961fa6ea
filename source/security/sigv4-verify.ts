/*
AWS Signature Version 4, checked the way AWS checks it, so that the AWS SDKs
and CLI can sign with an access key from the users file and be verified here
(passwords.ts). Two forms: the Authorization header (`AWS4-HMAC-SHA256
Credential=AKID/DATE/REGION/SERVICE/aws4_request, SignedHeaders=…,
Signature=…` with x-amz-date, the body hashed), and the presigned query
(X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-SignedHeaders,
X-Amz-Signature, X-Amz-Expires), which is how MQTT over WebSocket signs its
URL. AWS IoT's WebSocket clients append X-Amz-Security-Token after signing,
so a query signature is accepted with the token inside or outside what was
signed.

The canonical request is the one of the SigV4 spec for services other than
S3: the path as sent with each segment URI-encoded once more (the SDKs
double-encode), the query sorted by encoded name then value with RFC 3986
encoding, header values trimmed with runs of spaces collapsed, the hash of
the body. A request may be 15 minutes early or late (AWS's skew), a
presigned one valid up to its X-Amz-Expires (a week at most). Refusals carry
AWS's status, exception name and message.

Pure apart from hashing: the clock and the secrets are given. Everything
read from the request is bounded before it is looped over.
*/
import {createHash, createHmac, timingSafeEqual} from 'node:crypto';

export type SignedRequest = {
	readonly method: string;
	/** The path as sent, still percent-encoded. */
	readonly rawPath: string;
	/** What follows `?`, as sent ('' when none). */
	readonly rawQuery: string;
	/** Header names lower-cased, as Node gives them. */
	readonly headers: Readonly<Record<string, string | string[] | undefined>>;
	readonly body: Buffer;
};

export type SignatureForm = 'header' | 'query';

export type SigV4Refusal = {
	readonly ok: false;
	readonly status: 400 | 403;
	/** What AWS sends in x-amzn-ErrorType. */
	readonly errorType: string;
	readonly message: string;
};

export type SigV4Verdict =
	| {
			readonly ok: true;
			readonly form: SignatureForm;
			readonly accessKeyId: string;
			readonly service: string;
			readonly region: string;
	  }
	| SigV4Refusal;

/** iot-data (shadows, Publish), iot (the control plane), and MQTT over WebSocket. */
export const signingServices: readonly string[] = [
	'iotdata',
	'iot',
	'iotdevicegateway',
];

export const sigV4Messages = {
	mismatch:
		'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
	unknownKey: 'The security token included in the request is invalid.',
} as const;

const algorithm = 'AWS4-HMAC-SHA256';
const maxSkewMs = 15 * 60 * 1000;
const maxExpiresSeconds = 604_800;
/** Longer than any header or URL the HTTP server lets through (16 KB). */
const maxTextLength = 16 * 1024;
const maxQueryParameters = 256;
const maxSignedHeaders = 64;
const maxKeyIdLength = 128;

type Parameter = {readonly name: string; readonly value: string};

/** What the signature claims, read from the request before any secret is used. */
type Claim = {
	readonly form: SignatureForm;
	readonly accessKeyId: string;
	readonly scopeDate: string;
	readonly region: string;
	readonly service: string;
	readonly longDate: string;
	readonly time: number;
	readonly signedHeaders: readonly string[];
	readonly signature: string;
	readonly expiresSeconds: number | undefined;
	readonly query: readonly Parameter[];
};

/** The fields of an HTTP request that a signature covers. */
export function signedRequestOf(
	request: {
		readonly method?: string | undefined;
		readonly url?: string | undefined;
		readonly headers: Readonly<Record<string, string | string[] | undefined>>;
	},
	body: Buffer,
): SignedRequest {
	const url = request.url ?? '/';
	const question = url.indexOf('?');
	return {
		method: request.method ?? 'GET',
		rawPath: question === -1 ? url : url.slice(0, question),
		rawQuery: question === -1 ? '' : url.slice(question + 1),
		headers: request.headers,
		body,
	};
}

/** Whether the request is signed with SigV4 at all, and how. */
export function signatureOf(request: SignedRequest): SignatureForm | undefined {
	if (headerText(request, 'authorization')?.startsWith('AWS4-'))
		return 'header';
	// Linear: no alternation can backtrack over the query.
	return /(?:^|&)X-Amz-(?:Algorithm|Credential|Signature)=/.test(
		request.rawQuery.slice(0, maxTextLength),
	)
		? 'query'
		: undefined;
}

/** The access key a signed request names (for the sign-in throttle and the log), if it names one. */
export function signingKeyIdOf(request: SignedRequest): string | undefined {
	const form = signatureOf(request);
	let credential: string | undefined;
	if (form === 'header') {
		const fields = authorizationFields(headerText(request, 'authorization'));
		credential = 'ok' in fields ? undefined : fields.get('Credential');
	} else if (form === 'query') {
		const parsed = parseQuery(request.rawQuery);
		credential = Array.isArray(parsed)
			? parsed.find((parameter) => parameter.name === 'X-Amz-Credential')?.value
			: undefined;
	}

	const keyId = credential?.split('/', 1)[0];
	return keyId && keyId.length <= maxKeyIdLength ? keyId : undefined;
}

export function verifySigV4(
	request: SignedRequest,
	secretOf: (accessKeyId: string) => string | undefined,
	nowMs: number,
	services: readonly string[] = signingServices,
): SigV4Verdict {
	const claim = readClaim(request, services);
	if ('ok' in claim) return claim;
	const timing = checkTime(claim, nowMs);
	if (timing) return timing;
	const secret = secretOf(claim.accessKeyId);
	if (secret === undefined) return forbidden(sigV4Messages.unknownKey);

	const payloadHash = sha256Hex(request.body);
	const declaredHash = headerText(request, 'x-amz-content-sha256');
	if (declaredHash !== undefined && declaredHash !== payloadHash)
		return malformed(
			"The provided 'x-amz-content-sha256' header does not match what was computed.",
		);

	let canonicalPath: string;
	try {
		canonicalPath = canonicalPathOf(request.rawPath);
	} catch {
		return malformed('The request path is not a valid URI path.');
	}

	const key = signingKey(secret, claim);
	const signatureFor = (query: readonly Parameter[]) =>
		hmac(
			key,
			stringToSign(
				claim,
				canonicalRequest(request, claim, canonicalPath, query, payloadHash),
			),
		).toString('hex');
	const signed = claim.query.filter(
		(parameter) => parameter.name.toLowerCase() !== 'x-amz-signature',
	);
	const candidates = [signatureFor(signed)];
	// AWS IoT's WebSocket clients add the session token after signing the URL.
	if (
		claim.form === 'query' &&
		signed.some((parameter) => parameter.name === 'X-Amz-Security-Token')
	)
		candidates.push(
			signatureFor(
				signed.filter((parameter) => parameter.name !== 'X-Amz-Security-Token'),
			),
		);
	const given = Buffer.from(claim.signature);
	let matched = false;
	for (const candidate of candidates)
		// Every candidate is compared, in constant time.
		matched = timingSafeEqual(Buffer.from(candidate), given) || matched;
	if (!matched) return forbidden(sigV4Messages.mismatch);
	return {
		ok: true,
		form: claim.form,
		accessKeyId: claim.accessKeyId,
		service: claim.service,
		region: claim.region,
	};
}

function readClaim(
	request: SignedRequest,
	services: readonly string[],
): Claim | SigV4Refusal {
	const form = signatureOf(request);
	if (form === undefined)
		return malformed('The request carries no AWS Signature Version 4.');
	if (request.rawPath.length > maxTextLength)
		return malformed('The request path is too long to be signed.');
	const query = parseQuery(request.rawQuery);
	if (!Array.isArray(query)) return query;
	const fromQuery = (name: string) =>
		query.filter((parameter) => parameter.name === name);

	let credential: string | undefined;
	let signedHeadersText: string | undefined;
	let signature: string | undefined;
	let longDate: string | undefined;
	let expiresText: string | undefined;
	if (form === 'header') {
		if (fromQuery('X-Amz-Signature').length > 0)
			return malformed(
				'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
			);
		const fields = authorizationFields(headerText(request, 'authorization'));
		if ('ok' in fields) return fields;
		credential = fields.get('Credential');
		signedHeadersText = fields.get('SignedHeaders');
		signature = fields.get('Signature');
		const missing = ['Credential', 'Signature', 'SignedHeaders'].filter(
			(name) => fields.get(name) === undefined,
		);
		longDate = headerText(request, 'x-amz-date');
		if (missing.length > 0)
			return malformed(
				missing
					.map((name) => `Authorization header requires '${name}' parameter.`)
					.join(' '),
			);
		if (longDate === undefined)
			return malformed(
				"Authorization header requires existence of a 'X-Amz-Date' header.",
			);
	} else {
		const required = [
			'X-Amz-Algorithm',
			'X-Amz-Credential',
			'X-Amz-Signature',
			'X-Amz-Date',
			'X-Amz-SignedHeaders',
		];
		if (required.some((name) => fromQuery(name).length !== 1))
			return malformed(
				`AWS query-string parameters must include ${required.map((name) => `'${name}'`).join(', ')}. Re-examine the query-string parameters.`,
			);
		const only = (name: string) => fromQuery(name)[0]?.value;
		if (only('X-Amz-Algorithm') !== algorithm)
			return malformed(
				`X-Amz-Algorithm only supports '${algorithm}', not '${bounded(only('X-Amz-Algorithm') ?? '')}'`,
			);
		credential = only('X-Amz-Credential');
		signedHeadersText = only('X-Amz-SignedHeaders');
		signature = only('X-Amz-Signature');
		longDate = only('X-Amz-Date');
		const expires = fromQuery('X-Amz-Expires');
		if (expires.length > 1)
			return malformed('X-Amz-Expires is given more than once.');
		expiresText = expires[0]?.value;
	}

	const time = parseLongDate(longDate ?? '');
	if (time === undefined)
		return malformed(
			`Date must be in ISO-8601 'basic format'. Got '${bounded(longDate ?? '')}'. See http://en.wikipedia.org/wiki/ISO_8601`,
		);
	const scope = readScope(credential ?? '', longDate ?? '', services);
	if ('ok' in scope) return scope;
	const signedHeaders = (signedHeadersText ?? '').split(
		';',
		maxSignedHeaders + 1,
	);
	if (
		signedHeaders.length > maxSignedHeaders ||
		!signedHeaders.every((name) => /^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(name))
	)
		return malformed('SignedHeaders must be lower-case header names.');
	if (!signedHeaders.includes('host'))
		return malformed(
			`'Host' must be a 'SignedHeader' in the AWS ${form === 'header' ? 'Authorization' : 'query-string'}.`,
		);
	let expiresSeconds: number | undefined;
	if (expiresText !== undefined) {
		expiresSeconds = /^\d{1,7}$/.test(expiresText)
			? Number(expiresText)
			: Number.NaN;
		if (!(expiresSeconds >= 0 && expiresSeconds <= maxExpiresSeconds))
			return malformed(
				`X-Amz-Expires must be less than a week (in seconds) that is ${maxExpiresSeconds}`,
			);
	}

	return {
		form,
		...scope,
		longDate: longDate ?? '',
		time,
		signedHeaders,
		// A signature of another shape can only mismatch; it is compared as such.
		signature: /^[\da-f]{64}$/.test(signature ?? '')
			? (signature ?? '')
			: '0'.repeat(64),
		expiresSeconds,
		query,
	};
}

function readScope(
	credential: string,
	longDate: string,
	services: readonly string[],
):
	| {accessKeyId: string; scopeDate: string; region: string; service: string}
	| SigV4Refusal {
	const parts = credential.slice(0, maxTextLength).split('/', 6);
	const [accessKeyId = '', scopeDate = '', region = '', service = ''] = parts;
	if (parts.length !== 5 || accessKeyId === '')
		return malformed(
			`Credential should be scoped to a valid region, not '${bounded(credential)}'.`,
		);
	if (parts[4] !== 'aws4_request')
		return malformed(
			`Credential should be scoped with a valid terminator: 'aws4_request', not '${bounded(parts[4] ?? '')}'.`,
		);
	if (accessKeyId.length > maxKeyIdLength)
		return forbidden(sigV4Messages.unknownKey);
	if (scopeDate !== longDate.slice(0, 8))
		return forbidden(
			`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${bounded(scopeDate)}' != '${longDate.slice(0, 8)}', from '${longDate}'.`,
		);
	if (!/^[a-z\d-]{1,64}$/.test(region))
		return forbidden(
			`Credential should be scoped to a valid region, not '${bounded(region)}'.`,
		);
	if (!services.includes(service))
		return forbidden(
			`Credential should be scoped to correct service: '${services[0] ?? ''}'.`,
		);
	return {accessKeyId, scopeDate, region, service};
}

function checkTime(claim: Claim, nowMs: number): SigV4Refusal | undefined {
	if (claim.time > nowMs + maxSkewMs)
		return forbidden(
			`Signature not yet current: ${claim.longDate} is still later than ${longDateOf(nowMs + maxSkewMs)} (${longDateOf(nowMs)} + 15 min.)`,
		);
	const validMs =
		claim.expiresSeconds === undefined
			? maxSkewMs
			: claim.expiresSeconds * 1000;
	if (nowMs > claim.time + validMs)
		return forbidden(
			`Signature expired: ${claim.longDate} is now earlier than ${longDateOf(nowMs - validMs)} (${longDateOf(nowMs)} - ${claim.expiresSeconds === undefined ? '15 min.' : `${claim.expiresSeconds} sec.`})`,
		);
	return undefined;
}

function canonicalRequest(
	request: SignedRequest,
	claim: Claim,
	canonicalPath: string,
	query: readonly Parameter[],
	payloadHash: string,
): string {
	const headers = claim.signedHeaders.map(
		(name) =>
			`${name}:${(headerText(request, name) ?? '')
				.replaceAll(/[\r\n]/g, ' ')
				.replaceAll(/[ \t]+/g, ' ')
				.trim()}\n`,
	);
	return [
		request.method,
		canonicalPath,
		canonicalQuery(query),
		headers.join(''),
		claim.signedHeaders.join(';'),
		payloadHash,
	].join('\n');
}

function stringToSign(claim: Claim, canonical: string): string {
	return [
		algorithm,
		claim.longDate,
		scopeOf(claim),
		sha256Hex(Buffer.from(canonical, 'utf8')),
	].join('\n');
}

function signingKey(secret: string, claim: Claim): Buffer {
	let key: Buffer = Buffer.from(`AWS4${secret}`, 'utf8');
	for (const part of [
		claim.scopeDate,
		claim.region,
		claim.service,
		'aws4_request',
	])
		key = hmac(key, part);
	return key;
}

function scopeOf(claim: Claim): string {
	return `${claim.scopeDate}/${claim.region}/${claim.service}/aws4_request`;
}

/** The path as sent, `.` and `..` resolved, empty segments dropped, and every byte but unreserved ones encoded again. */
function canonicalPathOf(rawPath: string): string {
	const segments: string[] = [];
	for (const segment of rawPath.split('/')) {
		if (segment === '' || segment === '.') continue;
		if (segment === '..') segments.pop();
		else segments.push(segment);
	}

	const trailing = segments.length > 0 && rawPath.endsWith('/') ? '/' : '';
	const leading = rawPath.startsWith('/') ? '/' : '';
	return `${leading}${segments.map((segment) => uriEncode(segment)).join('/')}${trailing}`;
}

function canonicalQuery(query: readonly Parameter[]): string {
	return query
		.map((parameter) => [uriEncode(parameter.name), uriEncode(parameter.value)])
		.sort(([nameA = '', valueA = ''], [nameB = '', valueB = '']) =>
			nameA === nameB ? compare(valueA, valueB) : compare(nameA, nameB),
		)
		.map(([name, value]) => `${name}=${value}`)
		.join('&');
}

function compare(a: string, b: string): number {
	if (a === b) return 0;
	return a < b ? -1 : 1;
}

/** The query's parameters, decoded, or a refusal when it is malformed or too large. */
function parseQuery(rawQuery: string): Parameter[] | SigV4Refusal {
	if (rawQuery.length > maxTextLength)
		return malformed('The query string is too long to be signed.');
	const parameters: Parameter[] = [];
	for (const part of rawQuery.split('&', maxQueryParameters + 1)) {
		if (part === '') continue;
		if (parameters.length >= maxQueryParameters)
			return malformed('The query string has too many parameters.');
		const equals = part.indexOf('=');
		try {
			parameters.push({
				name: decodeURIComponent(equals === -1 ? part : part.slice(0, equals)),
				value: equals === -1 ? '' : decodeURIComponent(part.slice(equals + 1)),
			});
		} catch {
			return malformed('The query string is not validly percent-encoded.');
		}
	}

	return parameters;
}

/** `Credential=…, SignedHeaders=…, Signature=…` after the algorithm, or a refusal. */
function authorizationFields(
	authorization: string | undefined,
): Map<string, string> | SigV4Refusal {
	const text = (authorization ?? '').slice(0, maxTextLength + 1);
	if (text.length > maxTextLength)
		return malformed('The Authorization header is too long.');
	const space = text.indexOf(' ');
	const given = space === -1 ? text : text.slice(0, space);
	if (given !== algorithm)
		return malformed(`Unsupported AWS 'algorithm': '${bounded(given)}'`);
	const fields = new Map<string, string>();
	for (const part of text.slice(space + 1).split(',', 8)) {
		const field = part.trim();
		const equals = field.indexOf('=');
		if (equals === -1) continue;
		fields.set(field.slice(0, equals), field.slice(equals + 1));
	}

	return fields;
}

function headerText(request: SignedRequest, name: string): string | undefined {
	const value = request.headers[name];
	return Array.isArray(value) ? value.join(',') : value;
}

/** YYYYMMDD'T'HHMMSS'Z', as milliseconds, or undefined when it is not such a time. */
function parseLongDate(text: string): number | undefined {
	const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
	if (!match) return undefined;
	const [year, month, day, hours, minutes, seconds] = match
		.slice(1)
		.map(Number) as [number, number, number, number, number, number];
	const time = Date.UTC(year, month - 1, day, hours, minutes, seconds);
	return longDateOf(time) === text ? time : undefined;
}

function longDateOf(ms: number): string {
	return new Date(ms).toISOString().replaceAll(/[-:]|\.\d{3}/g, '');
}

/** RFC 3986: everything but unreserved characters percent-encoded, in upper-case hex. */
function uriEncode(text: string): string {
	return encodeURIComponent(text).replaceAll(
		/[!'()*]/g,
		(character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
	);
}

function sha256Hex(data: Buffer): string {
	return createHash('sha256').update(data).digest('hex');
}

function hmac(key: Buffer, text: string): Buffer {
	return createHmac('sha256', key).update(text, 'utf8').digest();
}

/** Client text quoted in a message: short, whatever was sent. */
function bounded(text: string): string {
	return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}

function malformed(message: string): SigV4Refusal {
	return {
		ok: false,
		status: 400,
		errorType: 'IncompleteSignatureException',
		message,
	};
}

function forbidden(message: string): SigV4Refusal {
	return {ok: false, status: 403, errorType: 'ForbiddenException', message};
}
