import {useSyncExternalStore} from 'react';
import type {
	ConsoleSession,
	ConsoleSnapshot,
} from '../session/console-session.js';

export function useConsole(session: ConsoleSession): ConsoleSnapshot {
	return useSyncExternalStore(session.subscribe, session.getSnapshot);
}
