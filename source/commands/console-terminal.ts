/*
The terminal while the console runs: the alternate screen (quitting gives the
screen back as it was) with bracketed paste, handed to $EDITOR and taken back
whole, and restored exactly on every way out: q, Ctrl-C, SIGTERM, SIGHUP or
an error nobody caught.
*/
const alternateScreen = '\u001B[?1049h';
const mainScreen = '\u001B[?1049l';
const bracketedPasteOn = '\u001B[?2004h';
const bracketedPasteOff = '\u001B[?2004l';
const showCursor = '\u001B[?25h';
const hideCursor = '\u001B[?25l';
const clearScreen = '\u001B[2J\u001B[H';

export type ConsoleTerminal = {
	/** Before the editor: the main screen, the cursor, no bracketed paste. */
	suspend(): void;
	/** After the editor: the console's screen again, cleared for a whole redraw. */
	resume(): void;
	/** Gives the terminal back as it was; safe to call more than once. */
	restore(): void;
};

export function takeTerminal(
	stdout: NodeJS.WriteStream,
	options: {
		/** Called after resume, to redraw every line (Ink's clear()). */
		readonly onResume?: () => void;
		/** Called on SIGTERM or SIGHUP, before the process exits. */
		readonly onSignal?: (signal: NodeJS.Signals) => void;
	} = {},
): ConsoleTerminal {
	let restored = false;
	const write = (text: string) => {
		if (stdout.writable) stdout.write(text);
	};

	const restore = () => {
		if (restored) return;
		restored = true;
		if (process.stdin.isTTY) process.stdin.setRawMode(false);
		write(bracketedPasteOff + showCursor + mainScreen);
		process.off('exit', restore);
		process.off('SIGTERM', onSignal);
		process.off('SIGHUP', onSignal);
		process.off('uncaughtException', onCrash);
	};

	const onSignal = (signal: NodeJS.Signals) => {
		options.onSignal?.(signal);
		restore();
		process.exit(signal === 'SIGTERM' ? 143 : 129);
	};

	const onCrash = (error: Error) => {
		restore();
		process.stderr.write(`shadow-tui: ${error.message}\n`);
		process.exit(1);
	};

	write(alternateScreen + bracketedPasteOn);
	process.once('exit', restore);
	process.once('SIGTERM', onSignal);
	process.once('SIGHUP', onSignal);
	process.once('uncaughtException', onCrash);
	return {
		suspend() {
			write(bracketedPasteOff + showCursor + mainScreen);
		},
		resume() {
			write(alternateScreen + clearScreen + hideCursor + bracketedPasteOn);
			options.onResume?.();
		},
		restore,
	};
}
