/*
Passwords for apps and consoles that connect with a username instead of a
certificate. Only scrypt hashes are stored (users file:
{"users": {"NAME": "scrypt$N$r$p$SALT$HASH"}}); a password is compared in
constant time, and an unknown user costs as much as a known one so timing
does not tell which names exist.
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

/** Users that follow their file, read again whenever it changes (user-file.ts). */
export type LiveUsers = {
	current(): UserHashes;
	/** Called after the users changed. */
	onChange(listener: () => void): void;
	close(): void;
};

/** What the access control asks about passwords: a fixed table, or one that follows its file. */
export type UserTable = UserHashes | LiveUsers;

export function parseUsers(
	document: unknown,
): {ok: true; users: UserHashes} | {ok: false; error: string} {
	const users = (document as {users?: unknown} | null)?.users;
	if (typeof users !== 'object' || users === null || Array.isArray(users))
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

	return {ok: true, users: table};
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
