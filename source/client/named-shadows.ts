/*
Named shadows of a thing through ListNamedShadowsForThing, every page
followed, on the local service or AWS IoT Core alike (control-plane.ts).
Whatever a page holds besides names is ignored; a thing has at most a few
thousand named shadows, so a list that keeps going is cut there.
*/
import type {ControlPlane} from './control-plane.js';
import type {HttpCredentials} from './get-json.js';
import {httpControlPlane} from './http-control-plane.js';

export type NamedShadowLister = (thingName: string) => Promise<string[]>;

const maxPages = 100;

export function namedShadowListerOf(plane: ControlPlane): NamedShadowLister {
	return async (thingName) => {
		const names: string[] = [];
		let nextToken: string | undefined;
		let pages = 0;
		do {
			const page = await plane.listNamedShadows(thingName, nextToken);
			// One at a time: spreading a huge array overflows the stack.
			for (const name of page.results) names.push(name);
			nextToken = page.nextToken;
			pages++;
		} while (nextToken && pages < maxPages);
		return names;
	};
}

/** On the local service's HTTP API, without SigV4. */
export function createNamedShadowLister(
	httpUrl: string,
	credentials: HttpCredentials = {},
): NamedShadowLister {
	return namedShadowListerOf(httpControlPlane(httpUrl, credentials));
}
