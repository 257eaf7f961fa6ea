import {useEffect, useSyncExternalStore} from 'react';
import type {
	TrafficSession,
	TrafficSnapshot,
} from '../session/traffic-session.js';

const noSubscription = () => () => undefined;
const none = () => undefined;

/** The inspector's state while it is on screen; the session is told whether it is. */
export function useTraffic(
	traffic: TrafficSession | undefined,
	visible: boolean,
): TrafficSnapshot | undefined {
	useEffect(() => {
		traffic?.setVisible(visible);
	}, [traffic, visible]);
	return useSyncExternalStore(
		traffic && visible ? traffic.subscribe : noSubscription,
		traffic ? traffic.getSnapshot : none,
	);
}
