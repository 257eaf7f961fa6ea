/*
Which principal a client certificate names. Certificates made by
`shadow-tui certs` carry it in a SAN URI (urn:shadow-tui:thing:NAME or
urn:shadow-tui:app:NAME); any other certificate names a thing by its subject
CN, which is how most device certificates outside AWS are made.
*/
import type {X509Certificate} from 'node:crypto';
import {checkThingName} from '../shadow/names.js';
import {awsLimits} from '../shadow/limits.js';
import type {PrincipalName} from './policy-set.js';

export const principalUriPrefix = 'urn:shadow-tui:';

export type CertificateFacts = {
	/** Upper-case hex, no separators: how `certs revoke` and the revocation list name it. */
	readonly serial: string;
	/** SHA-256 fingerprint, lower-case hex, no separators. */
	readonly fingerprint: string;
};

export function certificateFacts(
	certificate: X509Certificate,
): CertificateFacts {
	return {
		serial: normalizeSerial(certificate.serialNumber),
		fingerprint: certificate.fingerprint256.replaceAll(':', '').toLowerCase(),
	};
}

export function normalizeSerial(serial: string): string {
	return serial
		.replaceAll(':', '')
		.toUpperCase()
		.replace(/^0+(?=.)/, '');
}

export function principalOfCertificate(
	certificate: Pick<X509Certificate, 'subject' | 'subjectAltName'>,
): PrincipalName | undefined {
	for (const entry of (certificate.subjectAltName ?? '').split(/,\s*/)) {
		const match = /^URI:urn:shadow-tui:(thing|app):(.+)$/.exec(entry);
		if (match) return {kind: match[1] as 'thing' | 'app', name: match[2] ?? ''};
	}

	const commonName = /(?:^|\n)CN=([^\n]*)/.exec(certificate.subject)?.[1];
	if (commonName !== undefined && !checkThingName(commonName, awsLimits))
		return {kind: 'thing', name: commonName};
	return undefined;
}
