/*
The users file (`shadow-tui certs user`, or edited by hand), read again
whenever it changes, so that a password changed or a user removed takes
effect without a restart: the access control then disconnects whoever
signed in with what is no longer there.

A file that does not parse is most likely caught half-written (`certs
user` rewrites it in place), so the users last read stay for one more poll;
if it still does not parse then, nobody signs in with a password until it
is fixed: a broken edit must not keep a removed user in. A deleted file
means no users.
*/
import {parseUsers, type LiveUsers, type UserHashes} from './passwords.js';
import {
	filePollMilliseconds,
	watchFileContent,
	type FileContent,
} from './watched-file.js';

export type UserFileOptions = {
	/** The users as already read and checked at startup. */
	readonly initial: UserHashes;
	/** A problem with the file, for the log (never holds a hash). */
	readonly onProblem?: (message: string) => void;
	readonly pollMilliseconds?: number;
};

export type UserFile = LiveUsers & {
	/** Looks at the file now, instead of at the next poll. */
	refresh(): void;
};

export function openUserFile(path: string, options: UserFileOptions): UserFile {
	let users = options.initial;
	const listeners: (() => void)[] = [];
	let opened = false;
	let unreadableBefore = false;

	const replace = (next: UserHashes) => {
		users = next;
		if (opened) for (const listener of listeners) listener();
	};

	const onContent = (content: FileContent) => {
		if (content.kind === 'missing') {
			options.onProblem?.(`${path} is gone: no one signs in with a password`);
			replace(new Map());
			return 'settled';
		}

		const parsed = parse(content);
		if (parsed.ok) {
			unreadableBefore = false;
			replace(parsed.users);
			return 'settled';
		}

		if (!unreadableBefore) {
			unreadableBefore = true;
			return 'retry';
		}

		unreadableBefore = false;
		options.onProblem?.(
			`${path}: ${parsed.error}; no one signs in with a password until it is fixed`,
		);
		replace(new Map());
		return 'settled';
	};

	const file = watchFileContent(
		path,
		onContent,
		options.pollMilliseconds ?? filePollMilliseconds,
	);
	opened = true;
	return {
		current: () => users,
		onChange(listener) {
			listeners.push(listener);
		},
		refresh() {
			file.refresh();
		},
		close() {
			file.close();
		},
	};
}

function parse(
	content: FileContent,
): {ok: true; users: UserHashes} | {ok: false; error: string} {
	if (content.kind !== 'text')
		return {
			ok: false,
			error: content.kind === 'unreadable' ? content.error : 'no file',
		};
	let document: unknown;
	try {
		document = JSON.parse(content.text);
	} catch {
		return {ok: false, error: 'not JSON'};
	}

	return parseUsers(document);
}
