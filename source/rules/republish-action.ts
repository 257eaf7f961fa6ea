/*
The `republish` action (the republish-rule-action page): a topic with
substitution templates, `$$` for a reserved topic's leading `$`, no
wildcards, no Jobs topics; qos 0 or 1 (default 0); an optional roleArn; MQTT 5
headers. A topic that starts with a single `$` is refused with a hint to
write `$$`, the spelling AWS requires. Headers are checked and kept, not
applied (the embedded broker speaks MQTT 3.1.1).
*/
import {
	constraint,
	invalid,
	list,
	onlyKeys,
	optionalString,
	record,
	requiredString,
	skeleton,
	template,
	type JsonRecord,
} from './payload-checks.js';
import {shown} from './sql-error.js';
import type {Template} from './substitution.js';

export type UserProperty = {readonly key: string; readonly value: string};

export type RepublishHeaders = {
	readonly contentType?: string;
	readonly correlationData?: string;
	readonly messageExpiry?: string;
	readonly payloadFormatIndicator?: string;
	readonly responseTopic?: string;
	readonly userProperties?: readonly UserProperty[];
};

export type RepublishAction = {
	readonly kind: 'republish';
	/** The Action object as sent, for GetTopicRule. */
	readonly definition: JsonRecord;
	readonly topic: Template;
	readonly qos: 0 | 1;
	readonly roleArn?: string;
	readonly headers?: RepublishHeaders;
};

const headerNames = [
	'contentType',
	'correlationData',
	'messageExpiry',
	'payloadFormatIndicator',
	'responseTopic',
] as const;

/** Our bound; AWS documents none for user properties. */
const maxUserProperties = 100;

function republishTopic(text: string, path: string): Template {
	if (text === '')
		throw constraint(
			path,
			text,
			'Member must have length greater than or equal to 1',
		);
	if (text.startsWith('$') && !text.startsWith('$$') && !text.startsWith('${'))
		throw invalid(
			`To republish to a reserved topic write $$ for its leading $ ('$$${shown(text.slice(1))}')`,
		);
	const parsed = template(text, path);
	const fixed = skeleton(parsed);
	if (fixed.includes('+') || fixed.includes('#'))
		throw invalid(
			`The republish topic '${shown(text)}' must be a topic name, without the wildcards + and #`,
		);
	if (fixed.startsWith('$aws/things/') && fixed.split('/')[3] === 'jobs')
		throw invalid('Republishing to reserved job topics is not supported');
	return parsed;
}

function userProperties(value: unknown, path: string): UserProperty[] {
	return list(value, path, maxUserProperties).map((item, index) => {
		const at = `${path}.${index + 1}`;
		const property = record(item, at);
		onlyKeys(property, at, ['key', 'value']);
		return {
			key: requiredString(property.key, `${at}.key`),
			value: requiredString(property.value, `${at}.value`),
		};
	});
}

function republishHeaders(value: unknown, path: string): RepublishHeaders {
	const headers = record(value, path);
	onlyKeys(headers, path, [...headerNames, 'userProperties']);
	const result: {-readonly [K in keyof RepublishHeaders]: RepublishHeaders[K]} =
		{};
	for (const name of headerNames) {
		const text = optionalString(headers[name], `${path}.${name}`);
		if (text !== undefined) result[name] = text;
	}

	if (headers.userProperties !== undefined)
		result.userProperties = userProperties(
			headers.userProperties,
			`${path}.userProperties`,
		);
	return result;
}

export function checkRepublish(
	body: JsonRecord,
	path: string,
	definition: JsonRecord,
): RepublishAction {
	onlyKeys(body, path, ['topic', 'qos', 'roleArn', 'headers']);
	const topic = republishTopic(
		requiredString(body.topic, `${path}.topic`),
		`${path}.topic`,
	);
	const qos = body.qos ?? 0;
	if (qos !== 0 && qos !== 1)
		throw constraint(`${path}.qos`, qos, 'Member must be 0 or 1');
	const roleArn = optionalString(body.roleArn, `${path}.roleArn`);
	return {
		kind: 'republish',
		definition,
		topic,
		qos,
		...(roleArn === undefined ? {} : {roleArn}),
		...(body.headers === undefined
			? {}
			: {headers: republishHeaders(body.headers, `${path}.headers`)}),
	};
}
