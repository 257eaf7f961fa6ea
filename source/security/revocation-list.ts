/*
The revocation list: a text file the user may edit by hand or with
`shadow-tui certs revoke`. One certificate per line, by serial number (hex,
colons allowed) or SHA-256 fingerprint; `#` starts a comment. It is read
again whenever it changes, and clients whose certificate it now names are
disconnected, so a revocation takes effect without a restart.
*/
import {readFileSync, statSync, unwatchFile, watchFile} from 'node:fs';
import {
	normalizeSerial,
	type CertificateFacts,
} from './certificate-identity.js';

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
	pollMilliseconds = 1000,
): RevocationList {
	let entries = new Set<string>();
	let modified = -1;
	const listeners: (() => void)[] = [];

	const reload = (): boolean => {
		let mtime: number;
		try {
			mtime = statSync(path).mtimeMs;
		} catch {
			// No file yet: nothing is revoked.
			const changed = entries.size > 0;
			entries = new Set();
			modified = -1;
			return changed;
		}

		if (mtime === modified) return false;
		modified = mtime;
		entries = parseRevocations(readFileSync(path, 'utf8'));
		return true;
	};

	reload();
	const onFileChange = () => {
		if (reload()) for (const listener of listeners) listener();
	};

	watchFile(
		path,
		{interval: pollMilliseconds, persistent: false},
		onFileChange,
	);
	return {
		refresh: onFileChange,
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
			unwatchFile(path, onFileChange);
		},
	};
}
