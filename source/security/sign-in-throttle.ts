/*
How often a password may be tried. Each try costs 16 MiB and tens of
milliseconds of scrypt, so without a limit one client guesses dozens of
passwords a second and starves everyone else. Failures are counted three
ways: per address and user name together (someone guessing one account),
per address (one source spraying many names) and per user name (many
sources on one account). Once a count passes its allowance, the next try
from that source or for that name must wait 1 s after the last failure,
doubling with each further failure up to a cap; one failure is forgiven per
minute without failures. Refused tries are not counted and cost no scrypt.

What keeps the limit off honest users: a try in progress counts against the
allowance (so a burst of parallel guesses gets no further than a sequence),
a success clears its own pair's count, and an address where a user signed
in recently is exempt from that address's and that user's counts, so
neither a neighbour behind the same address nor an attacker elsewhere can
lock them out there. Every table is bounded and forgets the least recently
used entry first.

Pure: the clock is given; nothing here does I/O.
*/
import {createHash} from 'node:crypto';

export type SignInThrottleSettings = {
	/** Failures allowed before waiting, per address and user name together. */
	readonly pairAllowance: number;
	/** Failures allowed before waiting, per address over all user names. */
	readonly addressAllowance: number;
	/** Failures allowed before waiting, per user name over all addresses. */
	readonly userAllowance: number;
	readonly firstDelayMs: number;
	readonly maxDelayMs: number;
	/** One failure is forgiven per this long without failures. */
	readonly forgiveAfterMs: number;
	/** How long a successful sign-in exempts its address for its user. */
	readonly rememberSuccessMs: number;
	/** Entries per table (pairs, addresses, users, remembered successes). */
	readonly maxEntries: number;
};

export const defaultSignInThrottleSettings: SignInThrottleSettings = {
	pairAllowance: 3,
	addressAllowance: 20,
	userAllowance: 10,
	firstDelayMs: 1000,
	maxDelayMs: 60_000,
	forgiveAfterMs: 60_000,
	rememberSuccessMs: 24 * 60 * 60 * 1000,
	maxEntries: 10_000,
};

export type SignInAttempt = {
	readonly address: string | undefined;
	readonly user: string;
};

export type SignInTicket =
	| {
			readonly ok: true;
			/** Call exactly once, when the password has been checked. */
			finish(succeeded: boolean): void;
	  }
	| {
			readonly ok: false;
			/** About when a try may be taken again. */
			readonly retryAfterMs: number;
			readonly reason: string;
	  };

export type SignInThrottle = {
	/** Before checking a password: may it be checked now? */
	begin(attempt: SignInAttempt): SignInTicket;
};

type Count = {
	failures: number;
	lastFailure: number;
	blockedUntil: number;
	/** Tries begun and not yet finished. */
	pending: number;
};

type Scope = {
	readonly name: string;
	readonly allowance: number;
	readonly table: BoundedMap<Count>;
};

export function createSignInThrottle(
	clock: () => number,
	settings: SignInThrottleSettings = defaultSignInThrottleSettings,
): SignInThrottle {
	const pairs: Scope = {
		name: 'this user from this address',
		allowance: settings.pairAllowance,
		table: new BoundedMap(settings.maxEntries),
	};
	const addresses: Scope = {
		name: 'this address',
		allowance: settings.addressAllowance,
		table: new BoundedMap(settings.maxEntries),
	};
	const users: Scope = {
		name: 'this user',
		allowance: settings.userAllowance,
		table: new BoundedMap(settings.maxEntries),
	};
	const successes = new BoundedMap<number>(settings.maxEntries);

	/** The count with the failures forgiven since, or undefined when nothing is left of it. */
	const current = (scope: Scope, key: string, now: number) => {
		const count = scope.table.get(key);
		if (!count) return undefined;
		const forgiven = Math.floor(
			(now - count.lastFailure) / settings.forgiveAfterMs,
		);
		if (forgiven > 0) {
			count.failures = Math.max(0, count.failures - forgiven);
			count.lastFailure += forgiven * settings.forgiveAfterMs;
		}

		if (
			count.failures === 0 &&
			count.pending === 0 &&
			now >= count.blockedUntil
		)
			scope.table.delete(key);
		return count;
	};

	/** How long a try in this scope must wait; 0 when it may go now. */
	const wait = (scope: Scope, key: string, now: number): number => {
		const count = current(scope, key, now);
		if (!count) return 0;
		if (now < count.blockedUntil) return count.blockedUntil - now;
		// A try in progress may still fail: it uses up the allowance like one
		// that did. Past the allowance, one try at a time.
		const room = Math.max(1, scope.allowance - count.failures);
		return count.pending >= room ? settings.firstDelayMs : 0;
	};

	const delayAfter = (failures: number, allowance: number): number => {
		if (failures < allowance) return 0;
		const doublings = Math.min(failures - allowance, 30);
		return Math.min(
			settings.maxDelayMs,
			settings.firstDelayMs * 2 ** doublings,
		);
	};

	return {
		begin(attempt) {
			const now = clock();
			const address = addressKey(attempt.address);
			const user = userKey(attempt.user);
			const pair = `${address}\n${user}`;
			const rememberedAt = successes.get(pair);
			const remembered =
				rememberedAt !== undefined &&
				now - rememberedAt < settings.rememberSuccessMs;
			const scopes: [Scope, string][] = [
				[pairs, pair],
				...(remembered
					? []
					: ([
							[addresses, address],
							[users, user],
						] as [Scope, string][])),
			];
			for (const [scope, key] of scopes) {
				const waitMs = wait(scope, key, now);
				if (waitMs > 0)
					return {
						ok: false,
						retryAfterMs: waitMs,
						reason: `too many failed sign-ins for ${scope.name}`,
					};
			}

			const counts = scopes.map(([scope, key]) => {
				const count = current(scope, key, now) ?? {
					failures: 0,
					lastFailure: now,
					blockedUntil: 0,
					pending: 0,
				};
				count.pending++;
				scope.table.set(key, count);
				return [scope, count] as const;
			});
			let finished = false;
			return {
				ok: true,
				finish(succeeded) {
					if (finished) return;
					finished = true;
					const end = clock();
					for (const [scope, count] of counts) {
						count.pending = Math.max(0, count.pending - 1);
						if (succeeded) continue;
						count.failures++;
						count.lastFailure = end;
						count.blockedUntil = Math.max(
							count.blockedUntil,
							end + delayAfter(count.failures, scope.allowance),
						);
					}

					if (succeeded) {
						// Reset in place: a try still in progress for this pair holds the same count.
						const own = counts[0]?.[1];
						if (own) {
							own.failures = 0;
							own.blockedUntil = 0;
						}

						successes.set(pair, end);
					}
				},
			};
		},
	};
}

/*
The unit an address is counted in. IPv4 addresses count one by one (an
IPv4-mapped IPv6 address is its IPv4 address); an IPv6 address counts by
its /64, which is what one subscriber usually gets: counting single IPv6
addresses would give an attacker billions of fresh allowances.
*/
export function addressKey(address: string | undefined): string {
	if (address === undefined) return 'unknown';
	const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
	if (mapped) return mapped[1] ?? address;
	if (!address.includes(':')) return address;
	return `${expandIpv6(address).slice(0, 4).join(':')}::/64`;
}

function expandIpv6(address: string): string[] {
	const [head = '', tail] = address.split('%')[0]?.split('::') ?? [];
	const left = head === '' ? [] : head.split(':');
	const right = tail === undefined || tail === '' ? [] : tail.split(':');
	const missing = Math.max(0, 8 - left.length - right.length);
	return [...left, ...Array.from({length: missing}, () => '0'), ...right].map(
		(group) => group.toLowerCase().replace(/^0+(?=.)/, ''),
	);
}

/** Real user names are short; a longer one is a guess and is counted by its digest. */
function userKey(user: string): string {
	return user.length <= 128
		? user
		: `sha256:${createHash('sha256').update(user).digest('hex')}`;
}

/** A Map that forgets its least recently used entry beyond a size. */
class BoundedMap<T> {
	private readonly entries = new Map<string, T>();

	constructor(private readonly maxEntries: number) {}

	get(key: string): T | undefined {
		const value = this.entries.get(key);
		if (value !== undefined) {
			this.entries.delete(key);
			this.entries.set(key, value);
		}

		return value;
	}

	set(key: string, value: T): void {
		this.entries.delete(key);
		this.entries.set(key, value);
		for (const oldest of this.entries.keys()) {
			if (this.entries.size <= this.maxEntries) break;
			this.entries.delete(oldest);
		}
	}

	delete(key: string): void {
		this.entries.delete(key);
	}

	get size(): number {
		return this.entries.size;
	}
}
