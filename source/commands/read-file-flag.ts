import {readFileSync} from 'node:fs';
import {CommandFailure} from './command-error.js';

/** Reads the file a flag names, failing with one line that names the flag. */
export function readFileFlag(flag: string, path: string): Buffer {
	try {
		return readFileSync(path);
	} catch (error: unknown) {
		const reason = (error as NodeJS.ErrnoException).code ?? String(error);
		throw new CommandFailure(`cannot read ${flag} ${path}: ${reason}`);
	}
}
