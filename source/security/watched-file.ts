/*
A small file the service reads again whenever it changes (the revocation
list, the users file), noticed within a poll interval of a quarter second,
so that an edit takes effect on open connections within a second. Polling
rather than fs.watch: it also sees a file that is created later, replaced
by a rename, or lives on a network file system. A change is anything in
the file's size, times or inode, so two edits within one mtime tick of a
coarse file system still count.
*/
import {readFileSync, statSync} from 'node:fs';

export const filePollMilliseconds = 250;

export type FileContent =
	| {readonly kind: 'text'; readonly text: string}
	| {readonly kind: 'missing'}
	| {readonly kind: 'unreadable'; readonly error: string};

/**
 * `settled`: this content is taken; `retry`: look again at the next poll even
 * if the file has not changed (it may have been read half-written).
 */
export type ContentVerdict = 'settled' | 'retry';

export type WatchedFile = {
	/** Looks at the file now; true when it had changed. */
	refresh(): boolean;
	close(): void;
};

export function watchFileContent(
	path: string,
	onContent: (content: FileContent) => ContentVerdict,
	pollMilliseconds = filePollMilliseconds,
): WatchedFile {
	let seen: string | undefined;

	const refresh = (): boolean => {
		const signature = signatureOf(path);
		if (signature === seen) return false;
		const verdict = onContent(read(path, signature));
		seen = verdict === 'settled' ? signature : undefined;
		return true;
	};

	refresh();
	const timer = setInterval(refresh, pollMilliseconds);
	timer.unref();
	return {
		refresh,
		close() {
			clearInterval(timer);
		},
	};
}

function signatureOf(path: string): string {
	try {
		const stat = statSync(path);
		return `${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
	} catch (error: unknown) {
		return `error:${(error as NodeJS.ErrnoException).code ?? String(error)}`;
	}
}

function read(path: string, signature: string): FileContent {
	if (signature === 'error:ENOENT') return {kind: 'missing'};
	try {
		return {kind: 'text', text: readFileSync(path, 'utf8')};
	} catch (error: unknown) {
		return (error as NodeJS.ErrnoException).code === 'ENOENT'
			? {kind: 'missing'}
			: {kind: 'unreadable', error: String(error)};
	}
}
