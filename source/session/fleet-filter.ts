/*
What the fleet view's filter line is: a query in AWS IoT Fleet Indexing's
language (`shadow.reported.model:coffee-x AND shadow.desired.tempLimit>90`),
which the service answers, or a thing name narrowed locally as it is typed.
Thing names are [a-zA-Z0-9:_-] with no spaces, so a field (`:`), a
comparison, a group, a phrase or a standalone AND, OR or NOT marks a query;
`=` and `~` too, so a query in the old language (`reported.model = "x"`) is
sent and answered with the service's hint in the AWS form instead of
silently matching no name.
*/
import {namePattern} from '../fleet/name-pattern.js';

export function isQuery(text: string): boolean {
	return /[:<>()="~]/.test(text) || /(^|\s)(AND|OR|NOT)(\s|$)/.test(text);
}

/** The local name filter: `coffee` anywhere in the name, or a pattern with * and ?. */
export function nameFilter(text: string): (thingName: string) => boolean {
	const pattern = namePattern(
		text.includes('*') || text.includes('?') ? text : `*${text}*`,
	);
	return (thingName) => pattern.test(thingName);
}
