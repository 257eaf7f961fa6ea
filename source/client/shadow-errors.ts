/*
How a shadow request can fail, as values the console and scripts can show:
AWS's rejection (code and message), no reply in time, or no connection.
*/

export class ShadowRejectedError extends Error {
	override readonly name = 'ShadowRejectedError';
	constructor(
		readonly code: number,
		readonly reason: string,
		readonly clientToken?: string,
	) {
		super(`${code} ${reason}`);
	}
}

export class ShadowTimeoutError extends Error {
	override readonly name = 'ShadowTimeoutError';
}

/** Not connected when asked, or the connection dropped before the reply. */
export class ShadowOfflineError extends Error {
	override readonly name = 'ShadowOfflineError';
}
