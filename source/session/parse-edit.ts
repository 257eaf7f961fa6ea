/*
What the one-line editor accepts: a JSON patch such as {"light":"off"}, or
assignments such as light = "off"; color.r = 255; light = null, separated by
';' (a ';' inside a quoted or bracketed value stays in it). Errors say where:
a column for JSON, the assignment for the rest.

An edit of both sections at once, when asked for: assignments whose paths
start with the section, desired.lights = "on", reported.lights = "on"
(separated by ',' or ';'), or a JSON object with top-level desired and/or
reported keys. The command line takes the one-section syntax, and null for
"remove the whole section", through parsePatchArgument.

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

export type SectionsPatch = {
	readonly desired?: JsonObject;
	readonly reported?: JsonObject;
};

/** At least one of desired and reported is set. */
export type ParsedSectionsEdit =
	| {readonly ok: true; readonly patch: SectionsPatch}
	| {readonly ok: false; readonly error: string};

/** null: remove the whole section (`--desired null`). */
export type ParsedPatchArgument =
	| {readonly ok: true; readonly patch: JsonObject | null}
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

/**
A patch given as text outside the console (`update --desired 'lights = "off"'`): what
parseEdit takes, or null, which removes the whole section. The error is one line, without
the flag's name.
*/
export function parsePatchArgument(
	text: string,
	limits: ShadowLimits = awsLimits,
): ParsedPatchArgument {
	return text.trim() === 'null'
		? {ok: true, patch: null}
		: parseEdit(text, limits);
}

/** One edit of desired and reported together; see the top of this file for the syntax. */
export function parseSectionsEdit(
	text: string,
	limits: ShadowLimits = awsLimits,
): ParsedSectionsEdit {
	const trimmed = text.trim();
	if (trimmed === '')
		return {
			ok: false,
			error:
				'type desired.lights = "on", reported.lights = "on" or {"desired":{...},"reported":{...}}',
		};
	const tooLarge = checkPatchText(trimmed, limits);
	if (tooLarge) return {ok: false, error: describePatchProblem(tooLarge)};
	const parsed = trimmed.startsWith('{')
		? parseSectionsJson(trimmed)
		: parseSectionsAssignments(trimmed);
	if (!parsed.ok) return parsed;
	const problem = checkStatePatch(parsed.patch, limits);
	return problem
		? {
				ok: false,
				error: `${problem.section ? `${problem.section}: ` : ''}${describePatchProblem(problem)}`,
			}
		: parsed;
}

const sections = ['desired', 'reported'] as const;

function isSection(key: string): key is (typeof sections)[number] {
	return (sections as readonly string[]).includes(key);
}

function parseSectionsJson(trimmed: string): ParsedSectionsEdit {
	const parsed = parseJson(trimmed);
	if (!parsed.ok) return parsed;
	const {value} = parsed;
	if (!isJsonObject(value))
		return {ok: false, error: 'the edit must be a JSON object'};
	const patch: {desired?: JsonObject; reported?: JsonObject} = {};
	for (const key of Object.keys(value)) {
		const section = value[key];
		if (!isSection(key))
			return {
				ok: false,
				error: `'${key}' is not a section: the object holds desired and/or reported`,
			};
		if (!isJsonObject(section))
			return {ok: false, error: `${key} must be a JSON object`};
		patch[key] = section;
	}

	return hasSection(patch);
}

function parseSectionsAssignments(trimmed: string): ParsedSectionsEdit {
	const patch: {desired?: JsonObject; reported?: JsonObject} = {};
	const parsed = parseAssignments(trimmed, [',', ';'], (path, value, where) => {
		const [section, ...rest] = path;
		if (section === undefined || !isSection(section))
			return `${where}: '${path.join('.')}' names no section; start it with desired. or reported.`;
		const target = (patch[section] ??= {});
		if (rest.length > 0) {
			assign(target, rest, value);
			return undefined;
		}

		if (!isJsonObject(value))
			return `${where}: ${section} = needs a JSON object, such as ${section} = {"lights":"on"}`;
		for (const key of Object.keys(value))
			assign(target, [key], value[key] as JsonValue);
		return undefined;
	});
	return parsed ?? hasSection(patch);
}

function hasSection(patch: SectionsPatch): ParsedSectionsEdit {
	return patch.desired === undefined && patch.reported === undefined
		? {ok: false, error: 'name desired and/or reported'}
		: {ok: true, patch};
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
	const failed = parseAssignments(trimmed, [';'], (path, value) => {
		assign(patch, path, value);
		return undefined;
	});
	return failed ?? {ok: true, patch};
}

/**
Runs `each` on every `path = value`, in order; the first error, or undefined.
`each` gets the path's keys and returns an error text or undefined.
*/
function parseAssignments(
	text: string,
	separators: readonly string[],
	each: (path: string[], value: JsonValue, where: string) => string | undefined,
): {ok: false; error: string} | undefined {
	for (const [index, part] of splitAssignments(text, separators).entries()) {
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
		const valueText = part.slice(equals + 1).trim();
		const parsed = parseJson(valueText);
		if (!parsed.ok) {
			const hint = /^[A-Za-z_][\w-]*$/.test(valueText)
				? ' (strings need quotes: "off")'
				: '';
			return {ok: false, error: `${where}: ${parsed.error}${hint}`};
		}

		const error = each(path.split('.'), parsed.value, where);
		if (error !== undefined) return {ok: false, error};
	}

	return undefined;
}

/**
Splits at the separators, except inside a value's strings and brackets: in
`a = "x;y"; b = [1,2]` the value of a is "x;y". Before the '=' nothing is
quoted, so a key keeps whatever characters it had.
*/
function splitAssignments(
	text: string,
	separators: readonly string[],
): string[] {
	const parts: string[] = [];
	let start = 0;
	let inValue = false;
	let inString = false;
	let depth = 0;
	for (let index = 0; index < text.length; index++) {
		const char = text.charAt(index);
		if (inString) {
			if (char === '\\') index++;
			else if (char === '"') inString = false;
		} else if (separators.includes(char) && (!inValue || depth === 0)) {
			parts.push(text.slice(start, index));
			start = index + 1;
			inValue = false;
		} else if (!inValue) {
			if (char === '=') inValue = true;
		} else if (char === '"') inString = true;
		else if (char === '[' || char === '{') depth++;
		else if (char === ']' || char === '}') depth = Math.max(0, depth - 1);
	}

	parts.push(text.slice(start));
	return parts;
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
