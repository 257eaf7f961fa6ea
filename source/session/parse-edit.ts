/*
What the one-line editor accepts: a JSON patch such as {"light":"off"}, or
assignments such as light = "off", color.r = 255, light = null, separated by
';'. Errors say where: a column for JSON, the assignment for the rest.
Nothing is sent unless the whole line parses and the patch can be a shadow
update (check-patch.ts: not too large, not too deep, no null in an array, no
number such as 1e400), so what the service would refuse is refused here,
where it can be shown beside the line.
*/
import {
	checkPatchText,
	checkStatePatch,
	describePatchProblem,
} from '../client/check-patch.js';
import {
	isJsonObject,
	setOwn,
	type JsonObject,
	type JsonValue,
} from '../shadow/json.js';
import {awsLimits, type ShadowLimits} from '../shadow/limits.js';
import {locateJsonError} from './locate-json-error.js';

export type ParsedEdit =
	| {readonly ok: true; readonly patch: JsonObject}
	| {readonly ok: false; readonly error: string};

const pathPattern = /^[^\s.=]+(\.[^\s.=]+)*$/;

export function parseEdit(
	text: string,
	limits: ShadowLimits = awsLimits,
): ParsedEdit {
	const trimmed = text.trim();
	if (trimmed === '')
		return {
			ok: false,
			error: 'type a JSON object such as {"lights":"off"} or lights = "off"',
		};
	const tooLarge = checkPatchText(trimmed, limits);
	if (tooLarge) return {ok: false, error: describePatchProblem(tooLarge)};
	const parsed = parsePatch(trimmed);
	if (!parsed.ok) return parsed;
	const problem = checkStatePatch({desired: parsed.patch}, limits);
	return problem ? {ok: false, error: describePatchProblem(problem)} : parsed;
}

function parsePatch(trimmed: string): ParsedEdit {
	if (trimmed.startsWith('{')) {
		const parsed = parseJson(trimmed);
		if (!parsed.ok) return parsed;
		if (!isJsonObject(parsed.value))
			return {ok: false, error: 'the patch must be a JSON object'};
		return {ok: true, patch: parsed.value};
	}

	const patch: JsonObject = {};
	for (const [index, part] of trimmed.split(';').entries()) {
		if (part.trim() === '') continue;
		const equals = part.indexOf('=');
		const where = `in assignment ${index + 1}`;
		if (equals < 0)
			return {
				ok: false,
				error: `${where}: expected path = value, such as lights = "off"`,
			};
		const path = part.slice(0, equals).trim();
		if (!pathPattern.test(path))
			return {
				ok: false,
				error: `${where}: '${path}' is not a key path such as lights or color.r`,
			};
		const parsed = parseJson(part.slice(equals + 1).trim());
		if (!parsed.ok) {
			const hint = /^[A-Za-z_][\w-]*$/.test(part.slice(equals + 1).trim())
				? ' (strings need quotes: "off")'
				: '';
			return {ok: false, error: `${where}: ${parsed.error}${hint}`};
		}

		assign(patch, path.split('.'), parsed.value);
	}

	return {ok: true, patch};
}

/** A loop, not recursion: a pasted path of 50,000 keys must not reach the stack. */
function assign(target: JsonObject, path: string[], value: JsonValue): void {
	let parent = target;
	for (const [index, key] of path.entries()) {
		if (index === path.length - 1) {
			setOwn(parent, key, value);
			return;
		}

		const existing = Object.prototype.hasOwnProperty.call(parent, key)
			? parent[key]
			: undefined;
		const child: JsonObject = isJsonObject(existing) ? existing : {};
		setOwn(parent, key, child);
		parent = child;
	}
}

function parseJson(
	text: string,
): {ok: true; value: JsonValue} | {ok: false; error: string} {
	try {
		return {ok: true, value: JSON.parse(text) as JsonValue};
	} catch {
		const index = locateJsonError(text);
		const found =
			index >= text.length
				? 'the text ends too early'
				: `unexpected ${JSON.stringify(text[index])}`;
		const line = text.slice(0, index).split('\n').length;
		const column = index - text.lastIndexOf('\n', index - 1);
		const where = text.includes('\n')
			? `line ${line} column ${column}`
			: `column ${index + 1}`;
		return {ok: false, error: `invalid JSON at ${where}: ${found}`};
	}
}
