/*
Checks of CreateTopicRule's JSON members, with AWS's validation wording
("1 validation error detected: Value … at '…' failed to satisfy constraint:
…"). They throw PayloadRefusal; checkTopicRulePayload turns it into a value.
Values are shown through a bounded serializer, since a client's JSON can be
nested deeper than JSON.stringify can recurse.
*/
import {previewJson} from './bounded-json.js';
import {shown} from './sql-error.js';
import {parseTemplate, type Template} from './substitution.js';

export type RefusalCode = 'SqlParseException' | 'InvalidRequestException';

export type JsonRecord = Readonly<Record<string, unknown>>;

export class PayloadRefusal extends Error {
	constructor(
		readonly code: RefusalCode,
		message: string,
	) {
		super(message);
	}
}

export function invalid(message: string): PayloadRefusal {
	return new PayloadRefusal('InvalidRequestException', message);
}

function shownValue(value: unknown): string {
	if (value === undefined) return 'null';
	if (typeof value === 'string') return `'${shown(value)}'`;
	return shown(previewJson(value, 40));
}

/** AWS's wording for a member that fails a constraint. */
export function constraint(
	path: string,
	value: unknown,
	rule: string,
): PayloadRefusal {
	return invalid(
		`1 validation error detected: Value ${shownValue(value)} at '${path}' failed to satisfy constraint: ${rule}`,
	);
}

export function isRecord(value: unknown): value is JsonRecord {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object, with null members dropped: AWS's JSON protocol reads a null member as one not sent. */
export function record(value: unknown, path: string): JsonRecord {
	if (isRecord(value))
		return Object.fromEntries(
			Object.entries(value).filter(([, member]) => member !== null),
		);
	throw constraint(
		path,
		value,
		value === undefined
			? 'Member must not be null'
			: 'Member must be an object',
	);
}

/** Unknown members are refused, so a typo (`topc`) is not silently dropped. */
export function onlyKeys(
	value: JsonRecord,
	path: string,
	allowed: readonly string[],
): void {
	for (const key of Object.keys(value)) {
		if (!allowed.includes(key))
			throw invalid(
				`Unknown field '${shown(key)}' in ${path} (allowed: ${allowed.join(', ')})`,
			);
	}
}

export function optionalString(
	value: unknown,
	path: string,
): string | undefined {
	if (value === undefined) return undefined;
	if (typeof value !== 'string')
		throw constraint(path, value, 'Member must be a string');
	return value;
}

export function requiredString(value: unknown, path: string): string {
	const text = optionalString(value, path);
	if (text === undefined)
		throw constraint(path, value, 'Member must not be null');
	return text;
}

export function list(
	value: unknown,
	path: string,
	maxLength: number,
): readonly unknown[] {
	if (!Array.isArray(value))
		throw constraint(path, value, 'Member must be a list');
	if (value.length > maxLength)
		throw constraint(
			path,
			`${value.length} items`,
			`Member must have length less than or equal to ${maxLength}`,
		);
	return value;
}

export function template(text: string, path: string): Template {
	const parsed = parseTemplate(text);
	if (!parsed.ok)
		throw invalid(
			`Invalid substitution template at '${path}': ${parsed.message}`,
		);
	return parsed.template;
}

/** The template's fixed text, with a NUL where each `${…}` goes. */
export function skeleton(parsed: Template): string {
	return parsed.parts
		.map((part) => (part.kind === 'text' ? part.text : '\u0000'))
		.join('');
}
