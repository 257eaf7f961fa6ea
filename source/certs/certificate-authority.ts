/*
A local certificate authority for the secure setup: a CA, a server
certificate for the service, and client certificates that name a thing (a
device) or an app in a SAN URI the service reads (urn:shadow-tui:thing:NAME).
Keys are ECDSA P-256, as AWS IoT Core accepts; private keys and the users
file are written owner-only (0600) in an owner-only folder (0700).

Layout of the folder:
  ca.crt ca.key server.crt server.key   the CA and the service's certificate
  devices/NAME.crt|key  apps/NAME.crt|key
  issued.json   what was issued (serial, principal, expiry), for revoke and list
  revoked.txt   the revocation list the service reads (serials, # comments)
  users.json    scrypt hashes of app passwords
*/
import 'reflect-metadata';
import {
	randomBytes,
	webcrypto,
	X509Certificate as NodeX509Certificate,
} from 'node:crypto';
import {
	chmodSync,
	existsSync,
	mkdirSync,
	readFileSync,
	writeFileSync,
} from 'node:fs';
import {isIP} from 'node:net';
import {join} from 'node:path';
import * as x509 from '@peculiar/x509';
import {
	normalizeSerial,
	principalUriPrefix,
} from '../security/certificate-identity.js';
import {hashPassword} from '../security/passwords.js';
import {parseRevocations} from '../security/revocation-list.js';
import {checkThingName} from '../shadow/names.js';
import {awsLimits} from '../shadow/limits.js';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto);

const algorithm = {name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256'};
const dayMs = 24 * 60 * 60 * 1000;

export type IssuedEntry = {
	readonly serial: string;
	/** thing:NAME, app:NAME or server. */
	readonly principal: string;
	readonly certificate: string;
	readonly notAfter: string;
};

export class CertificateAuthorityError extends Error {
	override readonly name = 'CertificateAuthorityError';
}

export const caFiles = (dir: string) => ({
	caCert: join(dir, 'ca.crt'),
	caKey: join(dir, 'ca.key'),
	serverCert: join(dir, 'server.crt'),
	serverKey: join(dir, 'server.key'),
	revoked: join(dir, 'revoked.txt'),
	users: join(dir, 'users.json'),
	issued: join(dir, 'issued.json'),
});

/** Creates the CA and the service's certificate for the given host names and addresses. */
export async function createCertificateAuthority(
	dir: string,
	options: {readonly hosts: readonly string[]; readonly days: number},
): Promise<{caCert: string; serverCert: string}> {
	const files = caFiles(dir);
	if (existsSync(files.caKey))
		throw new CertificateAuthorityError(
			`${dir} already has a CA (ca.key); issue certificates with it, or choose another --dir`,
		);
	privateFolder(dir);
	const keys = await generateKeys();
	const now = Date.now();
	const ca = await x509.X509CertificateGenerator.createSelfSigned({
		serialNumber: newSerial(),
		name: `CN=shadow-tui local CA ${new Date(now).toISOString().slice(0, 10)}`,
		notBefore: new Date(now - 60_000),
		notAfter: new Date(now + options.days * dayMs),
		signingAlgorithm: algorithm,
		keys,
		extensions: [
			new x509.BasicConstraintsExtension(true, 0, true),
			new x509.KeyUsagesExtension(
				x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
				true,
			),
			await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
		],
	});
	writePrivate(files.caKey, await privateKeyPem(keys.privateKey));
	writeFileSync(files.caCert, ca.toString('pem') + '\n');
	if (!existsSync(files.revoked))
		writeFileSync(
			files.revoked,
			'# Revoked certificates: one serial number per line; # starts a comment.\n# shadow-tui serve reads this file again whenever it changes.\n',
		);
	const server = await issue(dir, {
		principal: 'server',
		subject: `CN=${options.hosts[0] ?? 'localhost'}`,
		names: options.hosts.map((host) =>
			isIP(host) ? {type: 'ip', value: host} : {type: 'dns', value: host},
		),
		usage: x509.ExtendedKeyUsage.serverAuth,
		certFile: files.serverCert,
		keyFile: files.serverKey,
		notBefore: new Date(now - 60_000),
		notAfter: new Date(now + options.days * dayMs),
	});
	return {caCert: files.caCert, serverCert: server.certificate};
}

export type ClientKind = 'thing' | 'app';

/** Issues a client certificate for a thing (a device) or an app. */
export async function issueClientCertificate(
	dir: string,
	options: {
		readonly kind: ClientKind;
		readonly name: string;
		readonly days?: number;
		/** Tests make expired certificates with these. */
		readonly notBefore?: Date;
		readonly notAfter?: Date;
	},
): Promise<{certificate: string; key: string; serial: string}> {
	const {kind, name} = options;
	const problem = checkThingName(name, awsLimits);
	if (problem)
		throw new CertificateAuthorityError(
			`'${name}' cannot name a ${kind === 'thing' ? 'thing' : 'app'}: ${problem.message}`,
		);
	const folder = join(dir, kind === 'thing' ? 'devices' : 'apps');
	const now = Date.now();
	refuseToReplaceValid(dir, join(folder, `${name}.crt`), now);
	return issue(dir, {
		principal: `${kind}:${name}`,
		subject: `CN=${name}`,
		names: [{type: 'url', value: `${principalUriPrefix}${kind}:${name}`}],
		usage: x509.ExtendedKeyUsage.clientAuth,
		certFile: join(folder, `${name}.crt`),
		keyFile: join(folder, `${name}.key`),
		notBefore: options.notBefore ?? new Date(now - 60_000),
		notAfter: options.notAfter ?? new Date(now + (options.days ?? 365) * dayMs),
	});
}

/** Adds serials to the revocation list; `which` is thing:NAME, app:NAME, a bare name or a serial. */
export function revokeCertificate(
	dir: string,
	which: string,
	now = new Date(),
): IssuedEntry[] {
	const issued = readIssued(dir);
	const serial = normalizeSerial(which);
	const matches = issued.filter(
		(entry) =>
			entry.principal === which ||
			entry.principal.replace(/^(thing|app):/, '') === which ||
			entry.serial === serial,
	);
	if (matches.length === 0)
		throw new CertificateAuthorityError(
			`no certificate issued here matches '${which}' (see shadow-tui certs list)`,
		);
	const files = caFiles(dir);
	const text = existsSync(files.revoked)
		? readFileSync(files.revoked, 'utf8')
		: '';
	const lines = matches.map(
		(entry) =>
			`${entry.serial} # ${entry.principal} revoked ${now.toISOString()}`,
	);
	writeFileSync(
		files.revoked,
		`${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${lines.join('\n')}\n`,
	);
	return matches;
}

/** A key in use is not overwritten: only a revoked or expired certificate may be replaced. */
function refuseToReplaceValid(
	dir: string,
	certFile: string,
	now: number,
): void {
	if (!existsSync(certFile)) return;
	const current = new NodeX509Certificate(readFileSync(certFile));
	const serial = normalizeSerial(current.serialNumber);
	if (!revokedSerials(dir).has(serial) && Date.parse(current.validTo) > now)
		throw new CertificateAuthorityError(
			`${certFile} is still valid (serial ${serial}); revoke it first to issue a new one`,
		);
}

/** The serials (and fingerprints) in the folder's revocation list. */
export function revokedSerials(dir: string): Set<string> {
	const file = caFiles(dir).revoked;
	return existsSync(file)
		? parseRevocations(readFileSync(file, 'utf8'))
		: new Set<string>();
}

export function readIssued(dir: string): IssuedEntry[] {
	const file = caFiles(dir).issued;
	if (!existsSync(file)) return [];
	return JSON.parse(readFileSync(file, 'utf8')) as IssuedEntry[];
}

/** Stores a user's password as an scrypt hash in users.json (owner-only). */
export async function addUser(
	dir: string,
	name: string,
	password: string,
): Promise<string> {
	if (!/^[\w.@:-]{1,128}$/.test(name))
		throw new CertificateAuthorityError(
			`'${name}' is not a user name (letters, digits, . _ - @ :)`,
		);
	if (password.length < 8)
		throw new CertificateAuthorityError(
			'the password must have at least 8 characters',
		);
	privateFolder(dir);
	const file = caFiles(dir).users;
	const document = existsSync(file)
		? (JSON.parse(readFileSync(file, 'utf8')) as {
				users?: Record<string, string>;
			})
		: {};
	const users = {...document.users, [name]: await hashPassword(password)};
	// The rest of the file (its access keys) stays as it was.
	writePrivate(file, JSON.stringify({...document, users}, null, 2) + '\n');
	return file;
}

async function issue(
	dir: string,
	spec: {
		principal: string;
		subject: string;
		names: x509.JsonGeneralNames;
		usage: string;
		certFile: string;
		keyFile: string;
		notBefore: Date;
		notAfter: Date;
	},
): Promise<{certificate: string; key: string; serial: string}> {
	const files = caFiles(dir);
	if (!existsSync(files.caKey))
		throw new CertificateAuthorityError(
			`${dir} has no CA yet: run shadow-tui certs init first`,
		);
	const caCert = new x509.X509Certificate(readFileSync(files.caCert, 'utf8'));
	const caKey = await webcrypto.subtle.importKey(
		'pkcs8',
		pemBody(readFileSync(files.caKey, 'utf8')),
		algorithm,
		false,
		['sign'],
	);
	const keys = await generateKeys();
	const serial = newSerial();
	const certificate = await x509.X509CertificateGenerator.create({
		serialNumber: serial,
		subject: spec.subject,
		issuer: caCert.subject,
		notBefore: spec.notBefore,
		notAfter: spec.notAfter,
		signingAlgorithm: algorithm,
		publicKey: keys.publicKey,
		signingKey: caKey,
		extensions: [
			new x509.BasicConstraintsExtension(false, undefined, true),
			new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
			new x509.ExtendedKeyUsageExtension([spec.usage]),
			new x509.SubjectAlternativeNameExtension(spec.names),
			await x509.AuthorityKeyIdentifierExtension.create(caCert),
		],
	});
	privateFolder(join(spec.certFile, '..'));
	writePrivate(spec.keyFile, await privateKeyPem(keys.privateKey));
	writeFileSync(spec.certFile, certificate.toString('pem') + '\n');
	const entry: IssuedEntry = {
		serial: normalizeSerial(serial),
		principal: spec.principal,
		certificate: spec.certFile,
		notAfter: spec.notAfter.toISOString(),
	};
	writeFileSync(
		files.issued,
		JSON.stringify([...readIssued(dir), entry], null, 2) + '\n',
	);
	return {certificate: spec.certFile, key: spec.keyFile, serial: entry.serial};
}

async function generateKeys(): Promise<CryptoKeyPair> {
	return await webcrypto.subtle.generateKey(algorithm, true, [
		'sign',
		'verify',
	]);
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
	const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
	const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
	return `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

function pemBody(pem: string): Buffer {
	return Buffer.from(pem.replaceAll(/-----[^-]+-----|\s/g, ''), 'base64');
}

/** 16 random bytes, positive and without a leading zero byte, so every tool prints it alike. */
function newSerial(): string {
	const bytes = randomBytes(16);
	bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
	return bytes.toString('hex').toUpperCase();
}

function privateFolder(dir: string): void {
	mkdirSync(dir, {recursive: true, mode: 0o700});
	chmodSync(dir, 0o700);
}

function writePrivate(file: string, text: string): void {
	writeFileSync(file, text, {mode: 0o600});
	// The mode above applies only to a new file; an existing one keeps its own.
	chmodSync(file, 0o600);
}
