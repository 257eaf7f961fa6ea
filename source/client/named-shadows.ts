/*
Named shadows of a thing through ListNamedShadowsForThing. AWS offers it over
HTTP only, so the console asks the local service's HTTP API; against AWS IoT
Core (signed requests) names are typed instead.
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
			const body = response.body as {
				results?: string[];
				nextToken?: string;
				message?: string;
			};
			if (response.status !== 200)
				throw new Error(`${response.status} ${body.message ?? ''}`.trim());
			names.push(...(body.results ?? []));
			nextToken = body.nextToken;
		} while (nextToken);
		return names;
	};
}
