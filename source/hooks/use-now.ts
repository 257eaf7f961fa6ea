/*
A clock for ages on screen: the whole epoch second, renewed just after each
second turns, so a component that shows ages renders once a second at most
for them. One timer per component, set up once: renders caused by messages
(a flood of them included) neither restart it nor read the clock, and a
tick that finds the same second changes no state, so React renders nothing.
*/
import {useEffect, useLayoutEffect, useRef, useState} from 'react';

/** Epoch seconds, with the fraction (the next tick is timed by it). */
export function systemClock(): number {
	return Date.now() / 1000;
}

/** The current epoch second from `clock` (systemClock unless a test injects one). */
export function useNow(clock: () => number = systemClock): number {
	const [now, setNow] = useState(() => Math.floor(clock()));
	// The clock as a ref: an inline clock (a new function every render) must not restart the timer.
	const clockRef = useRef(clock);
	useLayoutEffect(() => {
		clockRef.current = clock;
	});
	useEffect(() => {
		let timer: NodeJS.Timeout | undefined;
		const schedule = (exact: number) => {
			// Just after the next whole second; never a busy loop, whatever the clock says.
			const wait = Math.max(
				50,
				Math.min(1000, Math.ceil((Math.floor(exact) + 1 - exact) * 1000)) + 5,
			);
			timer = setTimeout(tick, wait);
			// The screen's own timers keep the process alive, not this one.
			timer.unref();
		};

		function tick(): void {
			const exact = clockRef.current();
			setNow(Math.floor(exact));
			schedule(exact);
		}

		schedule(clockRef.current());
		return () => {
			clearTimeout(timer);
		};
	}, []);
	return now;
}
