import {useSyncExternalStore} from 'react';
import type {FleetSession, FleetSnapshot} from '../session/fleet-session.js';
import {defaultSort, visibleColumns} from '../session/fleet-sort.js';

const empty: FleetSnapshot = {
	shadows: [],
	shown: [],
	filter: '',
	selected: new Set(),
	loading: false,
	error: undefined,
	bulk: undefined,
	sort: defaultSort,
	columns: visibleColumns({named: false}),
	scope: 'every',
	cursor: 0,
	aggregation: undefined,
};
const noSubscription = () => () => undefined;
const emptySnapshot = () => empty;

/** The fleet view's state; an empty fleet when the console has no fleet session. */
export function useFleet(fleet: FleetSession | undefined): FleetSnapshot {
	return useSyncExternalStore(
		fleet?.subscribe ?? noSubscription,
		fleet?.getSnapshot ?? emptySnapshot,
	);
}
