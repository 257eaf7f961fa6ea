/*
serve's TLS files, checked before anything listens: a CA file with no
certificate, or a key of another certificate, would otherwise start a
service that refuses every client with a reason that points elsewhere.
*/
import {X509Certificate} from 'node:crypto';
import {createSecureContext} from 'node:tls';
import {CommandFailure} from './command-error.js';

export type TlsFileFlags = {
	readonly cert: {readonly path: string; readonly pem: Buffer};
	readonly key: {readonly path: string; readonly pem: Buffer};
	readonly ca?: {readonly path: string; readonly pem: Buffer};
};

export function checkTlsFiles(files: TlsFileFlags): void {
	certificateIn('--tls-cert', files.cert);
	if (files.ca) certificateIn('--tls-ca', files.ca);
	try {
		createSecureContext({cert: files.cert.pem, key: files.key.pem});
	} catch (error: unknown) {
		const message = error instanceof Error ? error.message : String(error);
		throw new CommandFailure(
			/key values mismatch/.test(message)
				? `--tls-key ${files.key.path} is not the key of --tls-cert ${files.cert.path}`
				: `--tls-cert ${files.cert.path} with --tls-key ${files.key.path}: ${openSslReason(message)}`,
		);
	}
}

function certificateIn(
	flag: string,
	file: {readonly path: string; readonly pem: Buffer},
): void {
	try {
		// The first certificate of the file: enough to know it holds one.
		new X509Certificate(file.pem);
	} catch {
		throw new CommandFailure(
			`${flag} ${file.path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
		);
	}
}

/** "error:05800074:x509 certificate routines::key values mismatch" -> "key values mismatch". */
function openSslReason(message: string): string {
	return message.replace(/^error:[0-9A-F]+:[^:]*::?/i, '');
}
