/*
Named shadows of a thing through ListNamedShadowsForThing. AWS offers it over
HTTP only, so the console asks the local service's HTTP API; against AWS IoT
Core (signed requests) names are typed instead.
*/
export type NamedShadowLister = (thingName: string) => Promise<string[]>;

export function createNamedShadowLister(httpUrl: string): NamedShadowLister {
	return async (thingName) => {
		const names: string[] = [];
		let nextToken: string | undefined;
		do {
			const query = new URLSearchParams({
				pageSize: '100',
				...(nextToken ? {nextToken} : {}),
			});
			const response = await fetch(
				`${httpUrl}/api/things/shadow/ListNamedShadowsForThing/${encodeURIComponent(thingName)}?${query.toString()}`,
			);
			const body = (await response.json()) as {
				results?: string[];
				nextToken?: string;
				message?: string;
			};
			if (!response.ok)
				throw new Error(
					`${response.status} ${body.message ?? response.statusText}`,
				);
			names.push(...(body.results ?? []));
			nextToken = body.nextToken;
		} while (nextToken);
		return names;
	};
}
