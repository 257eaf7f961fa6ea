/*
The revocation list: a text file the user may edit by hand or with
`shadow-tui certs revoke`. One certificate per line, by serial number (hex,
colons allowed) or SHA-256 fingerprint; `#` starts a comment. It is read
again whenever it changes (watched-file.ts: within a quarter second), and
clients whose certificate it now names are disconnected, so a revocation
takes effect on open connections without a restart. An unreadable file
keeps the entries last read: forgetting them would let revoked
certificates back in.
*/
import {
	normalizeSerial,
	type CertificateFacts,
} from './certificate-identity.js';
import {filePollMilliseconds, watchFileContent} from './watched-file.js';

export type RevocationList = {
	/** Reads the file again if it changed since the last look (listeners are told). */
	refresh(): void;
	isRevoked(certificate: CertificateFacts): boolean;
	/** Called after the file changed and was read again. */
	onChange(listener: () => void): void;
	close(): void;
};

export function parseRevocations(text: string): Set<string> {
	const entries = new Set<string>();
	for (const line of text.split('\n')) {
		const entry = line.replace(/#.*/, '').trim();
		if (entry !== '') entries.add(normalizeSerial(entry));
	}

	return entries;
}

export function openRevocationList(
	path: string,
	pollMilliseconds = filePollMilliseconds,
): RevocationList {
	let entries = new Set<string>();
	const listeners: (() => void)[] = [];
	let opened = false;

	const file = watchFileContent(
		path,
		(content) => {
			if (content.kind === 'unreadable') return 'retry';
			// No file yet: nothing is revoked.
			entries =
				content.kind === 'text' ? parseRevocations(content.text) : new Set();
			if (opened) for (const listener of listeners) listener();
			return 'settled';
		},
		pollMilliseconds,
	);
	opened = true;
	return {
		refresh() {
			file.refresh();
		},
		isRevoked(certificate) {
			return (
				entries.has(certificate.serial) ||
				entries.has(normalizeSerial(certificate.fingerprint))
			);
		},
		onChange(listener) {
			listeners.push(listener);
		},
		close() {
			file.close();
		},
	};
}
