/*
The versions this console has seen of a shadow, kept on disk per endpoint
and shadow, for services that keep no journal (AWS IoT Core, or a local
service run with --history-versions 0): the history view then opens on
what earlier sessions saw instead of "first seen".

One JSON Lines file per endpoint and shadow, named by a hash of the three
(thing names may hold characters a file name may not); its first line says
whose it is, and a file whose first line names another is not read. Appends
are batched and asynchronous, so a flood of documents costs one write per
batch; the file is rewritten to the newest `limit` versions once it holds
twice that many. A line that does not parse is skipped.
*/
import {createHash} from 'node:crypto';
import {mkdir, readFile, rename, writeFile, appendFile} from 'node:fs/promises';
import {join} from 'node:path';
import type {Logger} from '../log/logger.js';
import type {ShadowAddress} from '../shadow/topics.js';
import type {RecordedVersion} from './history.js';

export type SeenJournal = {
	/** Oldest first, the newest `limit` of them. */
	load(address: ShadowAddress, limit: number): Promise<RecordedVersion[]>;
	append(address: ShadowAddress, version: RecordedVersion): void;
	/** Resolves when everything appended is on disk (close, tests). */
	flush(): Promise<void>;
};

type Header = {
	readonly seenBy: 'shadow-tui';
	readonly endpoint: string;
	readonly thingName: string;
	readonly shadowName: string;
};

/** Bounds what one file may make the console parse. */
const maxLineBytes = 64 * 1024;

export function openSeenJournal(options: {
	readonly directory: string;
	/** The service's address as the console connects to it. */
	readonly endpoint: string;
	readonly limit: number;
	readonly log: Logger;
}): SeenJournal {
	const {directory, endpoint, limit, log} = options;
	const pending = new Map<string, {address: ShadowAddress; lines: string[]}>();
	const lineCounts = new Map<string, number>();
	let writing: Promise<void> = Promise.resolve();
	let scheduled = false;

	const headerOf = (address: ShadowAddress): Header => ({
		seenBy: 'shadow-tui',
		endpoint,
		thingName: address.thingName,
		shadowName: address.shadowName,
	});
	const fileOf = (address: ShadowAddress) =>
		join(
			directory,
			`${createHash('sha256')
				.update(
					JSON.stringify([endpoint, address.thingName, address.shadowName]),
				)
				.digest('hex')
				.slice(0, 32)}.jsonl`,
		);

	async function readVersions(address: ShadowAddress): Promise<string[]> {
		let text: string;
		try {
			text = await readFile(fileOf(address), 'utf8');
		} catch {
			return [];
		}

		const [first, ...rest] = text.split('\n');
		if (first !== JSON.stringify(headerOf(address))) return [];
		return rest.filter((line) => line !== '' && line.length <= maxLineBytes);
	}

	async function writeBatch(): Promise<void> {
		scheduled = false;
		const batch = [...pending.values()];
		pending.clear();
		await mkdir(directory, {recursive: true});
		for (const {address, lines} of batch) {
			const file = fileOf(address);
			const key = file;
			let count = lineCounts.get(key);
			if (count === undefined) {
				const existing = await readVersions(address);
				count = existing.length;
				if (count === 0)
					await writeFile(file, `${JSON.stringify(headerOf(address))}\n`);
			}

			await appendFile(file, lines.map((line) => `${line}\n`).join(''));
			count += lines.length;
			if (count >= 2 * limit) {
				const kept = (await readVersions(address)).slice(-limit);
				const temporary = `${file}.${process.pid}.tmp`;
				await writeFile(
					temporary,
					[JSON.stringify(headerOf(address)), ...kept, ''].join('\n'),
				);
				await rename(temporary, file);
				count = kept.length;
			}

			lineCounts.set(key, count);
		}
	}

	return {
		async load(address, wanted) {
			const versions: RecordedVersion[] = [];
			for (const line of await readVersions(address)) {
				const version = parseVersion(line);
				if (version) versions.push(version);
			}

			return inOrderSeen(versions).slice(-wanted);
		},
		append(address, version) {
			const file = fileOf(address);
			const queued = pending.get(file) ?? {address, lines: []};
			queued.lines.push(JSON.stringify(version));
			pending.set(file, queued);
			if (scheduled) return;
			scheduled = true;
			writing = writing
				.then(async () => writeBatch())
				.catch((error: unknown) => {
					log.warn('could not keep the seen versions on disk', {
						directory,
						error: String(error),
					});
				});
		},
		async flush() {
			await writing;
		},
	};
}

/**
Each version once, oldest first. Consoles append what they see as they see
it, several of them to one file, some of it twice (a console that finds the
journal gone keeps what it had): the order is by the time of each change,
then the version, a delete after the document it deleted, and a version is
the same version when its kind, number, time and state are.
*/
export function inOrderSeen(
	versions: readonly RecordedVersion[],
): RecordedVersion[] {
	const seen = new Set<string>();
	const unique: RecordedVersion[] = [];
	for (const version of versions) {
		const key = `${version.kind}:${version.version}:${version.at}:${JSON.stringify(version.state)}`;
		if (seen.has(key)) continue;
		seen.add(key);
		unique.push(version);
	}

	return unique.sort(
		(a, b) =>
			a.at - b.at ||
			a.version - b.version ||
			Number(a.kind === 'deleted') - Number(b.kind === 'deleted'),
	);
}

function parseVersion(line: string): RecordedVersion | undefined {
	try {
		const value = JSON.parse(line) as Record<string, unknown> | null;
		if (
			typeof value !== 'object' ||
			value === null ||
			(value.kind !== 'document' && value.kind !== 'deleted') ||
			!Number.isSafeInteger(value.version) ||
			typeof value.at !== 'number' ||
			typeof value.state !== 'object' ||
			value.state === null ||
			Array.isArray(value.state)
		)
			return undefined;
		return {
			kind: value.kind,
			version: value.version as number,
			at: value.at,
			state: value.state,
		};
	} catch {
		return undefined;
	}
}
