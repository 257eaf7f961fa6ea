/*
The control plane over plain HTTP(S) to the local service: what the AWS SDK
would send, without SigV4, so that the loopback trust, a password or a client
certificate work as for the data plane. A page nested deeper than a thing
document can be is refused before anything walks it.
*/
import {deeperThan} from '../shadow/json-shape.js';
import {
	ControlPlaneError,
	type BucketsAnswer,
	type ControlPlane,
	type NamedShadowsPage,
	type SearchIndexPage,
} from './control-plane.js';
import {
	getJson,
	postJson,
	type HttpCredentials,
	type JsonAnswer,
} from './get-json.js';

/** A page, its things, a thing, its connectivity (the shadow is a string). */
const deepestPage = 6;

async function answer(
	url: string,
	describe: string,
	send: () => Promise<JsonAnswer>,
): Promise<Record<string, unknown>> {
	let response: JsonAnswer;
	try {
		response = await send();
	} catch (error: unknown) {
		throw new ControlPlaneError(
			`cannot reach the HTTP API at ${describe}: ${error instanceof Error ? error.message : String(error)}`,
			'NetworkError',
		);
	}

	if (deeperThan(response.body, deepestPage))
		throw new ControlPlaneError(
			`the HTTP API at ${describe} sent an answer nested deeper than ${new URL(url).pathname} answers can be`,
			'InvalidResponse',
			response.status,
		);
	const body =
		typeof response.body === 'object' &&
		response.body !== null &&
		!Array.isArray(response.body)
			? (response.body as Record<string, unknown>)
			: {};
	if (response.status !== 200) {
		const message =
			typeof body.message === 'string'
				? body.message
				: `HTTP ${response.status}`;
		throw new ControlPlaneError(
			message,
			response.errorType ?? `HTTP${response.status}`,
			response.status,
		);
	}

	return body;
}

const tokenOf = (body: Record<string, unknown>) =>
	typeof body.nextToken === 'string' ? {nextToken: body.nextToken} : {};

export function httpControlPlane(
	apiUrl: string,
	credentials: HttpCredentials = {},
): ControlPlane {
	const base = apiUrl.replace(/\/+$/, '');
	return {
		describe: base,
		async searchIndex(request): Promise<SearchIndexPage> {
			const url = `${base}/indices/search`;
			const body = await answer(url, base, async () =>
				postJson(url, {indexName: 'AWS_Things', ...request}, credentials),
			);
			const things = Array.isArray(body.things)
				? body.things.filter(
						(thing): thing is SearchIndexPage['things'][number] =>
							typeof (thing as {thingName?: unknown} | null)?.thingName ===
							'string',
					)
				: [];
			return {things, ...tokenOf(body)};
		},
		async bucketsAggregation(request): Promise<BucketsAnswer> {
			const url = `${base}/indices/buckets`;
			const body = await answer(url, base, async () =>
				postJson(
					url,
					{
						indexName: 'AWS_Things',
						queryString: request.queryString,
						aggregationField: request.aggregationField,
						bucketsAggregationType: {
							termsAggregation: {maxBuckets: request.maxBuckets ?? 10},
						},
					},
					credentials,
				),
			);
			const buckets = Array.isArray(body.buckets)
				? body.buckets.flatMap((bucket: unknown) => {
						const {keyValue, count} = (bucket ?? {}) as Record<string, unknown>;
						return typeof keyValue === 'string' && typeof count === 'number'
							? [{keyValue, count}]
							: [];
					})
				: [];
			return {
				totalCount: typeof body.totalCount === 'number' ? body.totalCount : 0,
				buckets,
			};
		},
		async listNamedShadows(thingName, nextToken): Promise<NamedShadowsPage> {
			const query = new URLSearchParams({
				pageSize: '100',
				...(nextToken ? {nextToken} : {}),
			});
			const url = `${base}/api/things/shadow/ListNamedShadowsForThing/${encodeURIComponent(thingName)}?${query.toString()}`;
			const body = await answer(url, base, async () =>
				getJson(url, credentials),
			);
			const results = Array.isArray(body.results)
				? body.results.filter(
						(name): name is string => typeof name === 'string',
					)
				: [];
			return {results, ...tokenOf(body)};
		},
	};
}
