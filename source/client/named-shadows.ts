/*
Named shadows of a thing through ListNamedShadowsForThing. AWS offers it over
HTTP only, so the console asks the local service's HTTP API; against AWS IoT
Core (signed requests) names are typed instead. Whatever the page holds
besides names is ignored.
*/
import {getJson, type HttpCredentials} from './get-json.js';

export type NamedShadowLister = (thingName: string) => Promise<string[]>;

export function createNamedShadowLister(
	httpUrl: string,
	credentials: HttpCredentials = {},
): NamedShadowLister {
	return async (thingName) => {
		const names: string[] = [];
		let nextToken: string | undefined;
		do {
			const query = new URLSearchParams({
				pageSize: '100',
				...(nextToken ? {nextToken} : {}),
			});
			const response = await getJson(
				`${httpUrl}/api/things/shadow/ListNamedShadowsForThing/${encodeURIComponent(thingName)}?${query.toString()}`,
				credentials,
			);
			const body = (response.body ?? {}) as {
				results?: unknown;
				nextToken?: unknown;
				message?: unknown;
			};
			if (response.status !== 200)
				throw new Error(
					`${response.status} ${typeof body.message === 'string' ? body.message : ''}`.trim(),
				);
			// Only names, one at a time: spreading a huge array overflows the stack.
			if (Array.isArray(body.results))
				for (const name of body.results)
					if (typeof name === 'string') names.push(name);
			nextToken =
				typeof body.nextToken === 'string' ? body.nextToken : undefined;
		} while (nextToken);
		return names;
	};
}
