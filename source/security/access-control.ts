/*
Who may connect, and what each connection may do: the one place the broker
and the HTTP API ask. Without identities configured (no client CA, no users)
the service trusts loopback clients and refuses everyone else, as it always
has. With identities, every client proves who it is (a certificate signed by
the CA, valid today and not revoked, a request signed with SigV4 by an
access key of the users file, or a username and password, tried in that
order) and every action is checked against the policies attached to that
principal. An access key signs in as its user. Without identities a
signature is not checked: loopback is trusted, as before.

A principal stays current only while what proved it still holds: its
certificate is not in the revocation list, its user's password is the one
it signed in with (not changed, the user not removed), and its access key is
still in the users file for the same user with the same secret. The broker asks
isCurrent() of its open sessions whenever the revocation list or the users
file changes, and the HTTP API on every request, so an edit takes effect on
open connections too. Password and signature tries go through the sign-in
throttle first (sign-in-throttle.ts); a signature is counted under its
access key id.
*/
import type {X509Certificate} from 'node:crypto';
import type {TLSSocket} from 'node:tls';
import {
	certificateFacts,
	principalOfCertificate,
	type CertificateFacts,
} from './certificate-identity.js';
import {
	verifyPassword,
	type AccessKey,
	type AccessKeys,
	type UserHashes,
	type UserTable,
} from './passwords.js';
import {bindPolicy, type Access, type Policy} from './policy.js';
import type {PolicySet, PrincipalName} from './policy-set.js';
import type {RevocationList} from './revocation-list.js';
import {isLoopback} from './loopback.js';
import {
	createSignInThrottle,
	type SignInThrottleSettings,
} from './sign-in-throttle.js';
import {
	signatureOf,
	signingKeyIdOf,
	signingServices,
	verifySigV4,
	type SignedRequest,
} from './sigv4-verify.js';

export type Principal =
	| {readonly kind: 'local'}
	| (PrincipalName & {
			readonly certificate?: CertificateFacts;
			/** Set for a user who signed a request with this access key (not a secret: AWS logs it too). */
			readonly accessKeyId?: string;
			readonly policy: Policy;
	  });

/** How AWS refuses a signature over HTTP: status, x-amzn-ErrorType and message. */
export type SignatureRefusal = {
	readonly status: 400 | 403;
	readonly errorType: string;
	readonly message: string;
};

export type Authentication =
	| {readonly ok: true; readonly principal: Principal}
	| {
			readonly ok: false;
			/** MQTT CONNACK return code: 4 bad username or password, 5 not authorized. */
			readonly code: 4 | 5;
			/** For the log; never contains a secret. */
			readonly reason: string;
			/** Set when refused for too many failed sign-ins: no password was checked. */
			readonly retryAfterSeconds?: number;
			/** Set when a SigV4 signature was refused: what to answer over HTTP. */
			readonly signature?: SignatureRefusal;
	  };

export type ConnectionFacts = {
	readonly remoteAddress: string | undefined;
	/** The TLS socket, when the connection is TLS. */
	readonly tls?: TLSSocket;
	readonly username?: string;
	readonly password?: string;
	/** The request, when it may carry a SigV4 signature (HTTP requests, WebSocket upgrades). */
	readonly signed?: SignedRequest;
	/** The services a signature may be scoped to here (default: iotdata, iot, iotdevicegateway). */
	readonly signedFor?: readonly string[];
};

export type AccessControl = {
	/** True when clients must present a certificate or a password. */
	readonly identitiesRequired: boolean;
	authenticate(connection: ConnectionFacts): Promise<Authentication>;
	/** What a principal may do over a connection with this client id (none for HTTP). */
	accessFor(principal: Principal, clientId?: string): Access;
	/** Called after the revocation list or the users changed: some principals may no longer be current. */
	onCredentialsChange(listener: () => void): void;
	/** False once the principal's certificate is revoked, its password changed, its user was removed or its access key was. */
	isCurrent(principal: Principal): boolean;
	close(): void;
};

export type AccessControlOptions = {
	/** Set when clients may use certificates (the TLS listener has a client CA). */
	readonly certificates: boolean;
	readonly policies: PolicySet;
	/**
	Set when any certificate from the CA is a client (serve --tls-ca alone): one
	that names no thing is still admitted, named by its subject CN or serial.
	*/
	readonly anyCertificate?: boolean;
	readonly users?: UserTable;
	readonly revocations?: RevocationList;
	/** Milliseconds, for the sign-in throttle. */
	readonly clock?: () => number;
	readonly signInThrottle?: SignInThrottleSettings;
};

const allowEverything: Access = {
	allows: () => true,
	explain: () => 'allowed: loopback clients are trusted without identities',
};

export function createAccessControl(
	options: AccessControlOptions,
): AccessControl {
	const {policies, users, revocations} = options;
	const identitiesRequired = options.certificates || users !== undefined;
	const currentUsers = (): UserHashes | undefined =>
		users === undefined || !('current' in users) ? users : users.current();
	const currentKeys = (): AccessKeys | undefined =>
		users !== undefined && 'current' in users
			? users.accessKeys?.()
			: undefined;
	const clock = options.clock ?? Date.now;
	const throttle = createSignInThrottle(clock, options.signInThrottle);
	// The hash each user principal signed in with: it is current while the file still holds it.
	const signedInWith = new WeakMap<Principal, string>();
	// Likewise the access key each signing principal used.
	const signedWithKey = new WeakMap<Principal, AccessKey>();

	function authenticateSignature(
		connection: ConnectionFacts,
		signed: SignedRequest,
	): Authentication {
		if (!connection.tls && !isLoopback(connection.remoteAddress))
			return refuse(5, 'signed requests are accepted only over TLS');
		const keyId = signingKeyIdOf(signed);
		const ticket = throttle.begin({
			address: connection.remoteAddress,
			user: `access key ${keyId ?? '(none)'}`,
		});
		if (!ticket.ok) {
			const seconds = Math.max(1, Math.ceil(ticket.retryAfterMs / 1000));
			return {
				ok: false,
				code: 5,
				reason: `${ticket.reason} (access key '${logName(keyId ?? '')}'); no signature checked, try again in ${seconds} s`,
				retryAfterSeconds: seconds,
			};
		}

		const keys = currentKeys();
		const verdict = verifySigV4(
			signed,
			(id) => keys?.get(id)?.secretAccessKey,
			clock(),
			connection.signedFor ?? signingServices,
		);
		ticket.finish(verdict.ok);
		if (!verdict.ok)
			return {
				ok: false,
				code: 5,
				reason: `signature refused (access key '${logName(keyId ?? '')}'): ${verdict.message}`,
				signature: {
					status: verdict.status,
					errorType: verdict.errorType,
					message: verdict.message,
				},
			};
		const key = keys?.get(verdict.accessKeyId);
		if (!key) throw new Error('a verified access key must be in the table');
		const name: PrincipalName = {kind: 'user', name: key.user};
		const principal: Principal = {
			...name,
			accessKeyId: verdict.accessKeyId,
			policy: policies.policyFor(name),
		};
		signedWithKey.set(principal, key);
		return {ok: true, principal};
	}

	async function authenticate(
		connection: ConnectionFacts,
	): Promise<Authentication> {
		if (!identitiesRequired) {
			return isLoopback(connection.remoteAddress)
				? {ok: true, principal: {kind: 'local'}}
				: refuse(5, 'only loopback clients are served without TLS identities');
		}

		const {tls} = connection;
		const certificate = options.certificates
			? tls?.getPeerX509Certificate()
			: undefined;
		if (certificate && tls) {
			if (!tls.authorized) {
				return refuse(
					5,
					`certificate refused: ${String(tls.authorizationError)}`,
				);
			}

			const facts = certificateFacts(certificate);
			// A connect must not slip through in the poll interval after an edit.
			revocations?.refresh();
			if (revocations?.isRevoked(facts))
				return refuse(5, `certificate ${facts.serial} is revoked`);
			const name =
				principalOfCertificate(certificate) ??
				(options.anyCertificate
					? certificateName(certificate, facts)
					: undefined);
			if (!name)
				return refuse(5, 'the certificate names no thing (subject CN or SAN)');
			return {
				ok: true,
				principal: {
					...name,
					certificate: facts,
					policy: policies.policyFor(name),
				},
			};
		}

		if (connection.signed && signatureOf(connection.signed))
			return authenticateSignature(connection, connection.signed);

		const table = currentUsers();
		if (connection.username !== undefined && table) {
			const {username} = connection;
			if (!connection.tls && !isLoopback(connection.remoteAddress))
				return refuse(5, 'passwords are accepted only over TLS');
			const ticket = throttle.begin({
				address: connection.remoteAddress,
				user: username,
			});
			if (!ticket.ok) {
				const seconds = Math.max(1, Math.ceil(ticket.retryAfterMs / 1000));
				return {
					ok: false,
					code: 5,
					reason: `${ticket.reason} (user '${logName(username)}'); no password checked, try again in ${seconds} s`,
					retryAfterSeconds: seconds,
				};
			}

			const stored = table.get(username);
			let valid = false;
			try {
				valid = await verifyPassword(
					table,
					username,
					connection.password ?? '',
				);
			} finally {
				ticket.finish(valid);
			}

			if (!valid || stored === undefined)
				return refuse(4, `wrong password for user '${logName(username)}'`);
			const name: PrincipalName = {kind: 'user', name: username};
			const principal: Principal = {...name, policy: policies.policyFor(name)};
			signedInWith.set(principal, stored);
			return {ok: true, principal};
		}

		return refuse(5, 'no client certificate and no username');
	}

	return {
		identitiesRequired,
		authenticate,
		accessFor(principal, clientId) {
			if (principal.kind === 'local') return allowEverything;
			return bindPolicy(principal.policy, {
				...(clientId === undefined ? {} : {'iot:ClientId': clientId}),
				...(principal.kind === 'thing'
					? {'iot:Connection.Thing.ThingName': principal.name}
					: {}),
			});
		},
		onCredentialsChange(listener) {
			revocations?.onChange(listener);
			if (users !== undefined && 'current' in users) users.onChange(listener);
		},
		isCurrent(principal) {
			if (principal.kind === 'local') return true;
			if (principal.certificate)
				return !(revocations?.isRevoked(principal.certificate) ?? false);
			const key = signedWithKey.get(principal);
			if (key) {
				const now = currentKeys()?.get(principal.accessKeyId ?? '');
				return (
					now?.user === key.user && now.secretAccessKey === key.secretAccessKey
				);
			}

			const stored = signedInWith.get(principal);
			return (
				stored !== undefined && currentUsers()?.get(principal.name) === stored
			);
		},
		close() {
			revocations?.close();
			if (users !== undefined && 'current' in users) users.close();
		},
	};
}

export function describePrincipal(principal: Principal): string {
	return principal.kind === 'local'
		? 'local'
		: `${principal.kind}:${principal.name}`;
}

function certificateName(
	certificate: X509Certificate,
	facts: CertificateFacts,
): PrincipalName {
	const commonName = /(?:^|\n)CN=([^\n]*)/.exec(certificate.subject)?.[1];
	return {
		kind: 'app',
		name: commonName ? logName(commonName) : `serial:${facts.serial}`,
	};
}

/** A user name as the log shows it: a guess may be long, or not a name at all. */
function logName(name: string): string {
	return name.length > 64 ? `${name.slice(0, 64)}…` : name;
}

function refuse(code: 4 | 5, reason: string): Authentication {
	return {ok: false, code, reason};
}
