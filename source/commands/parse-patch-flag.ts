import {isJsonObject, type JsonObject} from '../shadow/json.js';
import {UsageError} from './command-error.js';

/** A JSON object (or null, which removes the section) given on the command line. */
export function parsePatchFlag(
	flag: string,
	text: string | undefined,
): JsonObject | null | undefined {
	if (text === undefined) return undefined;
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error: unknown) {
		throw new UsageError(
			`${flag} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
		);
	}

	if (value !== null && !isJsonObject(value))
		throw new UsageError(
			`${flag} must be a JSON object such as '{"lights":"off"}' or null`,
		);
	return value;
}
