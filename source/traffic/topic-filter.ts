/*
MQTT topic filters (`+` one level, `#` the rest), matched the way a broker
does, and the filters the traffic inspector subscribes to for what it watches:
one shadow, every shadow of a thing, or the fleet, each with the lifecycle
events of the thing's client id (AWS's presence topics).
*/
import type {ShadowAddress} from '../shadow/topics.js';

export type TrafficScope =
	| {readonly kind: 'shadow'; readonly address: ShadowAddress}
	| {readonly kind: 'thing'; readonly thingName: string}
	| {readonly kind: 'fleet'};

/** True when `topic` is one a subscription to `filter` receives. */
export function topicMatches(filter: string, topic: string): boolean {
	// $-topics are never matched by a filter that starts with a wildcard (MQTT 3.1.1, 4.7.2).
	if (
		topic.startsWith('$') &&
		(filter.startsWith('+') || filter.startsWith('#'))
	)
		return false;
	const levels = filter.split('/');
	const parts = topic.split('/');
	for (const [index, level] of levels.entries()) {
		if (level === '#') return true;
		const part = parts[index];
		if (part === undefined) return false;
		if (level !== '+' && level !== part) return false;
	}

	return parts.length === levels.length;
}

export function scopeFilters(scope: TrafficScope): string[] {
	switch (scope.kind) {
		case 'shadow': {
			const {thingName, shadowName} = scope.address;
			return shadowName === ''
				? [
						`$aws/things/${thingName}/shadow/+`,
						`$aws/things/${thingName}/shadow/+/+`,
						...presenceFilters(thingName),
					]
				: [
						`$aws/things/${thingName}/shadow/name/${shadowName}/#`,
						...presenceFilters(thingName),
					];
		}

		case 'thing': {
			return [
				`$aws/things/${scope.thingName}/shadow/#`,
				...presenceFilters(scope.thingName),
			];
		}

		case 'fleet': {
			return ['$aws/things/+/shadow/#', '$aws/events/presence/#'];
		}
	}
}

function presenceFilters(thingName: string): string[] {
	return [`$aws/events/presence/+/${thingName}`];
}

/** How a scope is named on screen and in messages. */
export function describeScope(scope: TrafficScope): string {
	switch (scope.kind) {
		case 'shadow': {
			return scope.address.shadowName === ''
				? `${scope.address.thingName}'s classic shadow`
				: `${scope.address.thingName}'s shadow ${scope.address.shadowName}`;
		}

		case 'thing': {
			return `every shadow of ${scope.thingName}`;
		}

		case 'fleet': {
			return 'every thing';
		}
	}
}
