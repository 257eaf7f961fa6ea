/*
--desired and --reported as typed on a command line: a JSON object, null
(which removes the section), or the console's assignments, `lights = "off"`,
`color.r = 255; lights = null`. The console's own parser reads them, so what
works in the console works here, with the same messages.
*/
import type {JsonObject} from '../shadow/json.js';
import {parsePatchArgument} from '../session/parse-edit.js';
import {UsageError} from './command-error.js';

export function parsePatchFlag(
	flag: string,
	text: string | undefined,
): JsonObject | null | undefined {
	if (text === undefined) return undefined;
	const parsed = parsePatchArgument(text);
	if (!parsed.ok) throw new UsageError(`${flag}: ${parsed.error}`);
	return parsed.patch;
}
