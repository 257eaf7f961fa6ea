/*
AWS IoT Fleet Indexing's control-plane routes, as @aws-sdk/client-iot calls
them, on the HTTP API's port (one endpoint for the data and control planes):
  POST /indices/search      SearchIndex
  POST /indices/buckets     GetBucketsAggregation
  POST /indices/statistics  GetStatistics
With AWS's request fields, response shapes (a thing's shadow is a JSON
string) and errors (InvalidQueryException, InvalidRequestException,
InvalidAggregationException, ResourceNotFoundException).

Who sees what: a caller allowed the action on index/AWS_Things sees the whole
fleet, as on AWS; any other caller sees only the things whose shadows it may
read (iot:GetThingShadow), so a device whose policy names its own thing finds
its own thing and nothing else.
*/
import {parseFleetQuery, type FieldRef} from '../fleet/aws-query.js';
import {computeDelta} from '../shadow/compute-delta.js';
import {resources, type Access, type PolicyAction} from '../security/policy.js';
import {valuesAt, type FoundThing, type Search} from './fleet-search.js';

export const indexRoutes: Readonly<
	Record<string, 'search' | 'buckets' | 'statistics'>
> = {
	'/indices/search': 'search',
	'/indices/buckets': 'buckets',
	'/indices/statistics': 'statistics',
};

export type IndexReply = {
	readonly status: number;
	readonly body: unknown;
	readonly errorType?: string;
};

const thingsIndex = 'AWS_Things';
const groupsIndex = 'AWS_ThingGroups';
const queryVersion = '2017-09-30';
/** AWS's ceiling today; older pages said 500, so up to 500 is taken and served in pages of 100. */
const pageMax = 100;
const pageAsked = 500;
const bucketsMax = 10_000;
/** Aggregations read every matching thing; more at once are refused with AWS's throttling. */
const concurrentAggregations = 2;

const actionOf = {
	search: 'iot:SearchIndex',
	buckets: 'iot:GetBucketsAggregation',
	statistics: 'iot:GetStatistics',
} as const satisfies Record<string, PolicyAction>;

function fail(status: number, errorType: string, message: string): IndexReply {
	return {status, errorType, body: {message}};
}

const invalid = (message: string) =>
	fail(400, 'InvalidRequestException', message);

type Common = {
	readonly indexName: string;
	readonly queryString: string;
	readonly fields: Record<string, unknown>;
};

function commonFields(body: Buffer): Common | IndexReply {
	let fields: unknown;
	try {
		fields = JSON.parse(body.toString('utf8'));
	} catch {
		return invalid('The request body is not valid JSON');
	}

	if (typeof fields !== 'object' || fields === null || Array.isArray(fields))
		return invalid('The request body must be a JSON object');
	const record = fields as Record<string, unknown>;
	const indexName = record.indexName ?? thingsIndex;
	if (
		typeof indexName !== 'string' ||
		!/^[a-zA-Z0-9:_-]{1,128}$/.test(indexName)
	)
		return invalid('indexName must be 1 to 128 characters of [a-zA-Z0-9:_-]');
	const {queryString} = record;
	if (typeof queryString !== 'string' || queryString.length === 0)
		return invalid('queryString is required');
	if (record.queryVersion !== undefined && record.queryVersion !== queryVersion)
		return invalid(`queryVersion must be ${queryVersion}`);
	return {indexName, queryString, fields: record};
}

function encodeToken(after: string): string {
	return Buffer.from(JSON.stringify({after}), 'utf8').toString('base64url');
}

function decodeToken(token: unknown): string | IndexReply {
	if (typeof token !== 'string' || token.length > 1024)
		return invalid('Invalid nextToken');
	try {
		const {after} = JSON.parse(
			Buffer.from(token, 'base64url').toString('utf8'),
		) as {after?: unknown};
		if (typeof after === 'string' && after !== '') return after;
	} catch {
		// Falls through to the refusal.
	}

	return invalid('Invalid nextToken');
}

/** A found thing as AWS's ThingDocument: the shadows as one JSON string. */
export function thingDocument(thing: FoundThing): unknown {
	const shadowDocument = (shadow: FoundThing['shadows'][number]['shadow']) => {
		const {desired, reported} = shadow.state;
		return {
			...shadow.state,
			metadata: shadow.metadata,
			hasDelta:
				computeDelta(desired, reported, shadow.metadata.desired) !== undefined,
			version: shadow.version,
		};
	};

	const named: Record<string, unknown> = {};
	let classic: Record<string, unknown> = {};
	for (const {shadowName, shadow} of thing.shadows) {
		if (shadowName === '') classic = shadowDocument(shadow);
		else named[shadowName] = shadowDocument(shadow);
	}

	return {
		thingName: thing.thingName,
		shadow: JSON.stringify({
			...classic,
			...(Object.keys(named).length > 0 ? {name: named} : {}),
		}),
		connectivity: thing.connectivity,
	};
}

export type IndexRouteContext = {
	readonly search: Search;
	readonly granted: Access;
};

export function createIndexRoute(): (
	route: 'search' | 'buckets' | 'statistics',
	body: Buffer,
	context: IndexRouteContext,
) => Promise<IndexReply> {
	let aggregating = 0;

	return async (route, body, {search, granted}) => {
		const common = commonFields(body);
		if ('status' in common) return common;
		const {indexName, queryString, fields} = common;
		const everything = granted.allows(
			actionOf[route],
			resources.index(indexName),
		);
		const visible = everything
			? () => true
			: (thingName: string) =>
					granted.allows('iot:GetThingShadow', resources.thing(thingName));
		if (indexName === groupsIndex && route === 'search')
			return {
				status: 200,
				body: {things: [], thingGroups: [], nextToken: null},
			};
		if (indexName !== thingsIndex)
			return fail(
				404,
				'ResourceNotFoundException',
				`Index ${indexName} does not exist`,
			);
		const parsed = parseFleetQuery(queryString);
		if (!parsed.ok) return fail(400, 'InvalidQueryException', parsed.message);
		if (route === 'search') {
			const asked = fields.maxResults ?? pageMax;
			if (
				typeof asked !== 'number' ||
				!Number.isInteger(asked) ||
				asked < 1 ||
				asked > pageAsked
			)
				return invalid(`maxResults must be between 1 and ${pageMax}`);
			const after =
				fields.nextToken === undefined || fields.nextToken === null
					? ''
					: decodeToken(fields.nextToken);
			if (typeof after !== 'string') return after;
			const page = search.page(
				parsed.query,
				visible,
				after,
				Math.min(asked, pageMax),
			);
			return {
				status: 200,
				body: {
					things: page.things.map((thing) => thingDocument(thing)),
					thingGroups: [],
					nextToken: page.after === undefined ? null : encodeToken(page.after),
				},
			};
		}

		const field = aggregationField(fields.aggregationField, route);
		if ('status' in field) return field;
		if (aggregating >= concurrentAggregations)
			return fail(429, 'ThrottlingException', 'Rate exceeded');
		aggregating++;
		try {
			if (route === 'buckets') {
				const maxBuckets = bucketsAsked(fields.bucketsAggregationType);
				if (typeof maxBuckets !== 'number') return maxBuckets;
				return {
					status: 200,
					body: await buckets(search, parsed.query, visible, field, maxBuckets),
				};
			}

			return {
				status: 200,
				body: {
					statistics: await statistics(search, parsed.query, visible, field),
				},
			};
		} finally {
			aggregating--;
		}
	};
}

type AggregationField = {readonly field: FieldRef | undefined};

function aggregationField(
	given: unknown,
	route: 'buckets' | 'statistics',
): AggregationField | IndexReply {
	// GetStatistics defaults to registry.version: here, one per matching thing.
	if (given === undefined && route === 'statistics') return {field: undefined};
	if (typeof given !== 'string' || given.length === 0)
		return invalid('aggregationField is required');
	const parsed = parseFleetQuery(`${given}:*`);
	if (!parsed.ok || parsed.query.kind !== 'clause')
		return fail(
			400,
			'InvalidAggregationException',
			`${given.length > 100 ? `${given.slice(0, 100)}…` : given} is not a field this index holds (thingName, shadow.…, shadow.name.N.…, connectivity.…)`,
		);
	return {field: parsed.query.field};
}

function bucketsAsked(type: unknown): number | IndexReply {
	const terms = (
		type as {termsAggregation?: {maxBuckets?: unknown}} | undefined
	)?.termsAggregation;
	const asked = terms?.maxBuckets ?? 10;
	if (
		typeof asked !== 'number' ||
		!Number.isInteger(asked) ||
		asked < 1 ||
		asked > bucketsMax
	)
		return invalid(`maxBuckets must be between 1 and ${bucketsMax}`);
	return asked;
}

async function buckets(
	search: Search,
	query: Parameters<Search['each']>[0],
	visible: (thingName: string) => boolean,
	{field}: AggregationField,
	maxBuckets: number,
) {
	const counts = new Map<string, number>();
	let totalCount = 0;
	await search.each(query, visible, (_thing, indexed) => {
		totalCount++;
		if (!field) return;
		for (const value of new Set(valuesAt(field, indexed).map(String)))
			counts.set(value, (counts.get(value) ?? 0) + 1);
	});
	const sorted = [...counts]
		.sort(([a, countA], [b, countB]) => countB - countA || (a < b ? -1 : 1))
		.slice(0, maxBuckets)
		.map(([keyValue, count]) => ({keyValue, count}));
	return {totalCount, buckets: sorted};
}

async function statistics(
	search: Search,
	query: Parameters<Search['each']>[0],
	visible: (thingName: string) => boolean,
	{field}: AggregationField,
) {
	let count = 0;
	const numbers: number[] = [];
	const seen = {text: false};
	await search.each(query, visible, (_thing, indexed) => {
		if (!field) {
			count++;
			return;
		}

		for (const value of valuesAt(field, indexed)) {
			count++;
			if (typeof value === 'number') numbers.push(value);
			else if (typeof value === 'boolean') numbers.push(value ? 1 : 0);
			else seen.text = true;
		}
	});
	// A string field has a count and nothing else, as on AWS.
	if (!field || seen.text || numbers.length === 0) return {count};
	let sum = 0;
	let sumOfSquares = 0;
	let minimum = Number.POSITIVE_INFINITY;
	let maximum = Number.NEGATIVE_INFINITY;
	for (const value of numbers) {
		sum += value;
		sumOfSquares += value * value;
		minimum = Math.min(minimum, value);
		maximum = Math.max(maximum, value);
	}

	const average = sum / numbers.length;
	const variance = Math.max(
		0,
		sumOfSquares / numbers.length - average * average,
	);
	return {
		count,
		average,
		sum,
		minimum,
		maximum,
		sumOfSquares,
		variance,
		stdDeviation: Math.sqrt(variance),
	};
}
