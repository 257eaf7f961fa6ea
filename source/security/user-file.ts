/*
The users file (`shadow-tui certs user`, or edited by hand), read again
whenever it changes, so that a password changed, a user removed or an
access key removed takes effect without a restart: the access control then
disconnects whoever signed in with what is no longer there.

A file that does not parse is most likely caught half-written (`certs
user` rewrites it in place), so the users last read stay for one more poll;
if it still does not parse then, nobody signs in with a password or an
access key until it is fixed: a broken edit must not keep a removed user
in. A deleted file means no users.

addAccessKey writes the file as a whole under a temporary name and renames
it into place, so the service never reads half of it; it stays owner-only
(the secrets of access keys are in it).
*/
import {
	chmodSync,
	existsSync,
	mkdirSync,
	readFileSync,
	renameSync,
	writeFileSync,
} from 'node:fs';
import {randomBytes} from 'node:crypto';
import {dirname} from 'node:path';
import {
	createAccessKey,
	isUserName,
	parseUsers,
	type AccessKeys,
	type LiveUsers,
	type UserHashes,
} from './passwords.js';
import {
	filePollMilliseconds,
	watchFileContent,
	type FileContent,
} from './watched-file.js';

export type UserFileOptions = {
	/** The users as already read and checked at startup. */
	readonly initial: UserHashes;
	readonly initialAccessKeys?: AccessKeys;
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
	let accessKeys: AccessKeys = options.initialAccessKeys ?? new Map();
	const listeners: (() => void)[] = [];
	let opened = false;
	let unreadableBefore = false;

	const replace = (next: UserHashes, nextKeys: AccessKeys = new Map()) => {
		users = next;
		accessKeys = nextKeys;
		if (opened) for (const listener of listeners) listener();
	};

	const onContent = (content: FileContent) => {
		if (content.kind === 'missing') {
			options.onProblem?.(
				`${path} is gone: no one signs in with a password or an access key`,
			);
			replace(new Map());
			return 'settled';
		}

		const parsed = parse(content);
		if (parsed.ok) {
			unreadableBefore = false;
			replace(parsed.users, parsed.accessKeys);
			return 'settled';
		}

		if (!unreadableBefore) {
			unreadableBefore = true;
			return 'retry';
		}

		unreadableBefore = false;
		options.onProblem?.(
			`${path}: ${parsed.error}; no one signs in with a password or an access key until it is fixed`,
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
		accessKeys: () => accessKeys,
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

/** Thrown for a user name or users file that a new key cannot be added to. */
export class UserFileError extends Error {
	override readonly name = 'UserFileError';
}

/**
Adds a new access key pair for a user to the users file (created when
missing) and returns it: the only time the secret is shown.
*/
export function addAccessKey(
	path: string,
	user: string,
): {accessKeyId: string; secretAccessKey: string} {
	if (!isUserName(user))
		throw new UserFileError(
			`'${user}' is not a user name (letters, digits, . _ - @ :)`,
		);
	const document = existsSync(path) ? readDocument(path) : {users: {}};
	const parsed = parseUsers(document);
	if (!parsed.ok) throw new UserFileError(`${path}: ${parsed.error}`);
	const key = createAccessKey();
	const accessKeys = {
		...(document.accessKeys as Record<string, unknown> | undefined),
		[key.accessKeyId]: {user, secretAccessKey: key.secretAccessKey},
	};
	writePrivately(
		path,
		`${JSON.stringify({...document, accessKeys}, null, 2)}\n`,
	);
	return key;
}

function readDocument(path: string): Record<string, unknown> {
	let document: unknown;
	try {
		document = JSON.parse(readFileSync(path, 'utf8'));
	} catch (error: unknown) {
		throw new UserFileError(`${path} is not JSON: ${String(error)}`);
	}

	if (typeof document !== 'object' || document === null)
		throw new UserFileError(`${path} does not hold a JSON object`);
	return document as Record<string, unknown>;
}

/** Written whole under another name, then renamed over the file: readers see the old file or the new one. */
function writePrivately(path: string, text: string): void {
	const folder = dirname(path);
	if (!existsSync(folder)) mkdirSync(folder, {recursive: true, mode: 0o700});
	const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
	writeFileSync(temporary, text, {mode: 0o600});
	chmodSync(temporary, 0o600);
	renameSync(temporary, path);
}

function parse(
	content: FileContent,
):
	| {ok: true; users: UserHashes; accessKeys: AccessKeys}
	| {ok: false; error: string} {
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
