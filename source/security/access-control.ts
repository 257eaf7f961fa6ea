/*
Who may connect, and what each connection may do: the one place the broker
and the HTTP API ask. Without identities configured (no client CA, no users)
the service trusts loopback clients and refuses everyone else, as it always
has. With identities, every client proves who it is (a certificate signed by
the CA, valid today and not revoked, or a username and password) and every
action is checked against the policies attached to that principal.
*/
import type {TLSSocket} from 'node:tls';
import {
	certificateFacts,
	principalOfCertificate,
	type CertificateFacts,
} from './certificate-identity.js';
import {verifyPassword, type UserTable} from './passwords.js';
import {bindPolicy, type Access, type Policy} from './policy.js';
import type {PolicySet, PrincipalName} from './policy-set.js';
import type {RevocationList} from './revocation-list.js';
import {isLoopback} from './loopback.js';

export type Principal =
	| {readonly kind: 'local'}
	| (PrincipalName & {
			readonly certificate?: CertificateFacts;
			readonly policy: Policy;
	  });

export type Authentication =
	| {readonly ok: true; readonly principal: Principal}
	| {
			readonly ok: false;
			/** MQTT CONNACK return code: 4 bad username or password, 5 not authorized. */
			readonly code: 4 | 5;
			/** For the log; never contains a secret. */
			readonly reason: string;
	  };

export type ConnectionFacts = {
	readonly remoteAddress: string | undefined;
	/** The TLS socket, when the connection is TLS. */
	readonly tls?: TLSSocket;
	readonly username?: string;
	readonly password?: string;
};

export type AccessControl = {
	/** True when clients must present a certificate or a password. */
	readonly identitiesRequired: boolean;
	authenticate(connection: ConnectionFacts): Promise<Authentication>;
	/** What a principal may do over a connection with this client id (none for HTTP). */
	accessFor(principal: Principal, clientId?: string): Access;
	/** Called with the revocation list after it changed. */
	onRevocationChange(listener: () => void): void;
	isRevoked(principal: Principal): boolean;
	close(): void;
};

export type AccessControlOptions = {
	/** Set when clients may use certificates (the TLS listener has a client CA). */
	readonly certificates: boolean;
	readonly policies: PolicySet;
	readonly users?: UserTable;
	readonly revocations?: RevocationList;
};

const allowEverything: Access = {allows: () => true};

export function createAccessControl(
	options: AccessControlOptions,
): AccessControl {
	const {policies, users, revocations} = options;
	const identitiesRequired = options.certificates || users !== undefined;

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
			const name = principalOfCertificate(certificate);
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

		if (connection.username !== undefined && users) {
			if (!connection.tls && !isLoopback(connection.remoteAddress))
				return refuse(5, 'passwords are accepted only over TLS');
			const valid = await verifyPassword(
				users,
				connection.username,
				connection.password ?? '',
			);
			if (!valid)
				return refuse(4, `wrong password for user '${connection.username}'`);
			const name: PrincipalName = {kind: 'user', name: connection.username};
			return {ok: true, principal: {...name, policy: policies.policyFor(name)}};
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
		onRevocationChange(listener) {
			revocations?.onChange(listener);
		},
		isRevoked(principal) {
			return (
				principal.kind !== 'local' &&
				principal.certificate !== undefined &&
				(revocations?.isRevoked(principal.certificate) ?? false)
			);
		},
		close() {
			revocations?.close();
		},
	};
}

export function describePrincipal(principal: Principal): string {
	return principal.kind === 'local'
		? 'local'
		: `${principal.kind}:${principal.name}`;
}

function refuse(code: 4 | 5, reason: string): Authentication {
	return {ok: false, code, reason};
}
