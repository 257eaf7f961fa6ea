/*
The console's one keyboard: every key of every input event, in order, to one
handler (keys.ts cuts Ink's events into keys). The handler is read from a ref
at each key, so keys that arrive before React re-renders reach the state the
previous key left. Bracketed paste is asked of the terminal while it runs.
*/
import {useStdin} from 'ink';
import {useEffect, useLayoutEffect, useRef} from 'react';
import {createKeyReader, type Key} from './keys.js';

export function useKeys(onKey: (key: Key) => void): void {
	const {
		internal_eventEmitter: events,
		setRawMode,
		isRawModeSupported,
	} = useStdin();
	const handler = useRef(onKey);
	// Each render's handler, in place before the next input event can arrive.
	useLayoutEffect(() => {
		handler.current = onKey;
	});
	useEffect(() => {
		if (isRawModeSupported) setRawMode(true);
		const reader = createKeyReader();
		const listener = (event: string) => {
			for (const key of reader.read(event)) handler.current(key);
		};

		events.on('input', listener);
		return () => {
			events.off('input', listener);
			if (isRawModeSupported) setRawMode(false);
		};
	}, [events, setRawMode, isRawModeSupported]);
}
