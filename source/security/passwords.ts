/*
Passwords and access keys for apps, consoles and the AWS SDKs that connect
as a user instead of with a certificate. The users file:
{"users": {"NAME": "scrypt$N$r$p$SALT$HASH"},
 "accessKeys": {"AKID": {"user": "NAME", "secretAccessKey": "…"}}}.
Only scrypt hashes of passwords are stored; a password is compared in
constant time, and an unknown user costs as much as a known one so timing
does not tell which names exist. An access key's secret is stored as it is,
because checking a SigV4 signature (sigv4-verify.ts) needs the HMAC key
itself, as on AWS; the file is owner-only for that reason. A key signs in
as its user, with that user's policy.
*/
import {randomBytes, scrypt, timingSafeEqual} from 'node:crypto';

const cost = {N: 16_384, r: 8, p: 1};
const keyLength = 32;

export async function hashPassword(password: string): Promise<string> {
	const salt = randomBytes(16);
	const hash = await derive(password, salt, cost);
	return [
		'scrypt',
		cost.N,
		cost.r,
		cost.p,
		salt.toString('base64'),
		hash.toString('base64'),
	].join('$');
}

/** User name -> stored scrypt hash. */
export type UserHashes = ReadonlyMap<string, string>;

/** An access key of the users file: whom it signs in as, and the secret signatures are made with. */
export type AccessKey = {
	readonly user: string;
	readonly secretAccessKey: string;
};

/** Access key id -> its key. */
export type AccessKeys = ReadonlyMap<string, AccessKey>;

/** Users that follow their file, read again whenever it changes (user-file.ts). */
export type LiveUsers = {
	current(): UserHashes;
	/** The access keys the file holds now (none when absent). */
	accessKeys?(): AccessKeys;
	/** Called after the users changed. */
	onChange(listener: () => void): void;
	close(): void;
};

/** What the access control asks about passwords: a fixed table, or one that follows its file. */
export type UserTable = UserHashes | LiveUsers;

/** A table that never changes, with access keys (tests, and callers without a file). */
export function fixedUsers(
	users: UserHashes,
	accessKeys: AccessKeys = new Map(),
): LiveUsers {
	return {
		current: () => users,
		accessKeys: () => accessKeys,
		onChange() {},
		close() {},
	};
}

export function parseUsers(
	document: unknown,
):
	| {ok: true; users: UserHashes; accessKeys: AccessKeys}
	| {ok: false; error: string} {
	const {users, accessKeys} = (document ?? {}) as {
		users?: unknown;
		accessKeys?: unknown;
	};
	if (!isRecord(users))
		return {
			ok: false,
			error: 'a users file holds {"users": {"NAME": "scrypt$..."}}',
		};
	const table = new Map<string, string>();
	for (const [name, hash] of Object.entries(users)) {
		if (typeof hash !== 'string' || parseHash(hash) === undefined)
			return {
				ok: false,
				error: `user '${name}': not an scrypt hash made by 'shadow-tui certs user'`,
			};
		table.set(name, hash);
	}

	const keys = parseAccessKeys(accessKeys);
	if (!keys.ok) return keys;
	return {ok: true, users: table, accessKeys: keys.accessKeys};
}

function parseAccessKeys(
	document: unknown,
): {ok: true; accessKeys: AccessKeys} | {ok: false; error: string} {
	const keys = new Map<string, AccessKey>();
	if (document === undefined) return {ok: true, accessKeys: keys};
	if (!isRecord(document))
		return {
			ok: false,
			error:
				'"accessKeys" holds {"AKID": {"user": "NAME", "secretAccessKey": "..."}}',
		};
	for (const [id, entry] of Object.entries(document)) {
		const {user, secretAccessKey} = (entry ?? {}) as Record<string, unknown>;
		if (!isAccessKeyId(id))
			return {
				ok: false,
				error: `access key '${id.slice(0, 32)}': an id is 16 to 128 letters and digits`,
			};
		if (
			typeof user !== 'string' ||
			!isUserName(user) ||
			typeof secretAccessKey !== 'string' ||
			secretAccessKey.length < 16 ||
			secretAccessKey.length > 128
		)
			return {
				ok: false,
				error: `access key '${id}': needs a "user" and a "secretAccessKey" of 16 to 128 characters, as 'shadow-tui certs user NAME --access-key' makes them`,
			};
		keys.set(id, {user, secretAccessKey});
	}

	return {ok: true, accessKeys: keys};
}

/** Letters, digits and . _ - @ :, as 'certs user' takes them. */
export function isUserName(name: string): boolean {
	return /^[\w.@:-]{1,128}$/.test(name);
}

export function isAccessKeyId(id: string): boolean {
	return /^[A-Za-z\d]{16,128}$/.test(id);
}

/**
A new key pair, shaped as AWS's: a 20-character id starting AKIA (tools that
look for AWS keys in files and logs then find these too) and a 40-character
secret.
*/
export function createAccessKey(): {
	accessKeyId: string;
	secretAccessKey: string;
} {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	const id = [...randomBytes(16)]
		.map((byte) => alphabet[byte % alphabet.length] ?? 'A')
		.join('');
	return {
		accessKeyId: `AKIA${id}`,
		secretAccessKey: randomBytes(30).toString('base64'),
	};
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const decoy = `scrypt$${cost.N}$${cost.r}$${cost.p}$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(keyLength).toString('base64')}`;

export async function verifyPassword(
	users: UserHashes,
	name: string,
	password: string,
): Promise<boolean> {
	const stored = users.get(name);
	const parsed = parseHash(stored ?? decoy);
	if (!parsed) return false;
	const actual = await derive(password, parsed.salt, parsed);
	return (
		stored !== undefined &&
		actual.length === parsed.hash.length &&
		timingSafeEqual(actual, parsed.hash)
	);
}

function parseHash(
	text: string,
): {N: number; r: number; p: number; salt: Buffer; hash: Buffer} | undefined {
	const [scheme, N, r, p, salt, hash] = text.split('$');
	if (scheme !== 'scrypt' || salt === undefined || hash === undefined)
		return undefined;
	const numbers = [N, r, p].map(Number);
	if (!numbers.every((value) => Number.isInteger(value) && value > 0))
		return undefined;
	return {
		N: numbers[0] ?? 0,
		r: numbers[1] ?? 0,
		p: numbers[2] ?? 0,
		salt: Buffer.from(salt, 'base64'),
		hash: Buffer.from(hash, 'base64'),
	};
}

async function derive(
	password: string,
	salt: Buffer,
	parameters: {N: number; r: number; p: number},
): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		scrypt(
			password,
			salt,
			keyLength,
			{...parameters, maxmem: 64 * 1024 * 1024},
			(error, key) => {
				if (error) reject(error);
				else resolve(key);
			},
		);
	});
}
