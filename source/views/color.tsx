/*
Colour is an addition, never the only carrier of meaning: every coloured
thing also has a text marker. With NO_COLOR (decided in cli.tsx) the views
pass no colour at all.
*/
import {createContext, useContext} from 'react';

export const ColorContext = createContext(true);

export function useColor(): (color: string) => string | undefined {
	const enabled = useContext(ColorContext);
	return (color) => (enabled ? color : undefined);
}
