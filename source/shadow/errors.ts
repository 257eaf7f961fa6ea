/*
AWS's rejection codes and texts (§3.2, §3.3, §9, §11 of shadow-semantics.md).
Rejections are values, never exceptions: the service publishes them on
/rejected, the HTTP API turns them into status, x-amzn-ErrorType and body.
*/

export type RejectionCode =
	400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 429 | 500 | 503;

export type Rejection = {
	readonly code: RejectionCode;
	readonly message: string;
};

export const messages = {
	badEncoding: 'Unsupported documented encoding; supported encoding is UTF-8',
	payloadTooLarge: 'The payload exceeds the maximum size allowed',
	invalidJson: 'Invalid JSON',
	invalidClientToken: 'Invalid clientToken',
	invalidVersion: 'Invalid version',
	missingState: 'Missing required node: state',
	stateNotObject: 'State node must be an object',
	desiredNotObject: 'Desired node must be an object',
	reportedNotObject: 'Reported node must be an object',
	versionConflict: 'Version conflict',
	tooManyRequests: 'Too Many Requests',
	internalFailure: 'Internal service failure',
	unauthorized: 'Unauthorized',
	forbidden: 'Forbidden',
	thingNameMissing: 'ThingName is missing',
	shadowNameMissing: 'ShadowName is missing',
} as const;

export function reject(code: RejectionCode, message: string): Rejection {
	return {code, message};
}

export function invalidStateNode(key: string): Rejection {
	return reject(400, `State contains an invalid node: '${key}'`);
}

export function tooDeep(maxDepth: number): Rejection {
	return reject(
		400,
		`JSON contains too many levels of nesting; maximum is ${maxDepth}`,
	);
}

export function noSuchShadow(name: string): Rejection {
	return reject(404, `No shadow exists with name: '${name}'`);
}

export function tooManyNamedShadows(limit: number): Rejection {
	return reject(
		400,
		`The thing has reached the maximum of ${limit} named shadows`,
	);
}

/** The exception names AWS's SDKs read from x-amzn-ErrorType (§11). */
export const exceptionNames: Readonly<Record<RejectionCode, string>> = {
	400: 'InvalidRequestException',
	401: 'UnauthorizedException',
	403: 'ForbiddenException',
	404: 'ResourceNotFoundException',
	405: 'MethodNotAllowedException',
	409: 'ConflictException',
	413: 'RequestEntityTooLargeException',
	415: 'UnsupportedDocumentEncodingException',
	429: 'ThrottlingException',
	500: 'InternalFailureException',
	503: 'ServiceUnavailableException',
};
