/*
The `http` action (the https-rule-action page): a url and header values
with substitution templates; a confirmationUrl that the url begins with,
required when the url holds a template. AWS wants https:// only; http:// is
accepted here too, for local webhooks. `auth` (SigV4) is checked to be an
object and kept, not applied.
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
import {isStaticTemplate, type Template} from './substitution.js';

export type HttpHeader = {readonly key: string; readonly value: Template};

export type HttpAction = {
	readonly kind: 'http';
	/** The Action object as sent, for GetTopicRule. */
	readonly definition: JsonRecord;
	readonly url: Template;
	readonly confirmationUrl?: string;
	readonly headers: readonly HttpHeader[];
	readonly auth?: JsonRecord;
};

/** AWS's url limit is 2,000 characters; the header count is our bound. */
const maxUrlLength = 2000;
const maxHeaders = 100;

function httpUrl(text: string, path: string): Template {
	if (text.length > maxUrlLength)
		throw constraint(
			path,
			text,
			`Member must have length less than or equal to ${maxUrlLength}`,
		);
	const parsed = template(text, path);
	if (!isStaticTemplate(parsed)) return parsed;
	let protocol = '';
	try {
		protocol = new URL(skeleton(parsed)).protocol;
	} catch {
		throw invalid(`The url '${shown(text)}' is not a valid URL`);
	}

	if (protocol !== 'https:' && protocol !== 'http:')
		throw invalid(
			`The url '${shown(text)}' must use https:// (or http:// for a local endpoint)`,
		);
	return parsed;
}

function httpHeaders(value: unknown, path: string): HttpHeader[] {
	if (value === undefined) return [];
	return list(value, path, maxHeaders).map((item, index) => {
		const at = `${path}.${index + 1}`;
		const header = record(item, at);
		onlyKeys(header, at, ['key', 'value']);
		const key = requiredString(header.key, `${at}.key`);
		if (key === '')
			throw constraint(
				`${at}.key`,
				key,
				'Member must have length greater than or equal to 1',
			);
		return {
			key,
			value: template(
				requiredString(header.value, `${at}.value`),
				`${at}.value`,
			),
		};
	});
}

export function checkHttp(
	body: JsonRecord,
	path: string,
	definition: JsonRecord,
): HttpAction {
	onlyKeys(body, path, ['url', 'confirmationUrl', 'headers', 'auth']);
	const urlText = requiredString(body.url, `${path}.url`);
	const url = httpUrl(urlText, `${path}.url`);
	const confirmationUrl = optionalString(
		body.confirmationUrl,
		`${path}.confirmationUrl`,
	);
	if (confirmationUrl !== undefined && !urlText.startsWith(confirmationUrl))
		throw invalid('The url must begin with the confirmationUrl');
	if (confirmationUrl === undefined && !isStaticTemplate(url))
		throw invalid(
			'A url with a substitution template needs a confirmationUrl that it begins with',
		);
	return {
		kind: 'http',
		definition,
		url,
		headers: httpHeaders(body.headers, `${path}.headers`),
		...(confirmationUrl === undefined ? {} : {confirmationUrl}),
		...(body.auth === undefined
			? {}
			: {auth: record(body.auth, `${path}.auth`)}),
	};
}
