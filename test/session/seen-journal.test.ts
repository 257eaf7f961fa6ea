/*
What consoles saw, kept on disk: each version once, in the order the
changes happened, however the consoles appended it.
*/
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {silentLogger} from '../../source/log/logger.js';
import type {RecordedVersion} from '../../source/session/history.js';
import {
	inOrderSeen,
	openSeenJournal,
} from '../../source/session/seen-journal.js';
import {temporaryDirectory} from '../helpers/service.js';

const document = (version: number, at = version * 10): RecordedVersion => ({
	kind: 'document',
	version,
	at,
	state: {reported: {n: version}},
});

test('versions appended twice, newest first or by two consoles come back once, oldest first', () => {
	const appended = [
		document(1),
		document(2),
		// A console that found the journal gone kept what it had, newest first.
		document(5),
		document(4),
		document(3),
		document(2),
		// Another console, the same versions again.
		document(3),
		document(4),
		{kind: 'deleted' as const, version: 5, at: 60, state: {}},
		document(5),
		// Created again after the delete, counting from 1.
		document(1, 70),
	];
	assert.deepEqual(
		inOrderSeen(appended).map(({kind, version}) => `${kind} v${version}`),
		[
			'document v1',
			'document v2',
			'document v3',
			'document v4',
			'document v5',
			'deleted v5',
			'document v1',
		],
	);
});

test('a file is read back in that order, and another endpoint has none of it', async (t) => {
	const directory = await temporaryDirectory(t);
	const open = (endpoint: string) =>
		openSeenJournal({directory, endpoint, limit: 3, log: silentLogger});
	const pump = {thingName: 'pump', shadowName: ''};
	const seen = open('mqtt://127.0.0.1:1883');
	for (const version of [1, 2, 4, 3, 5, 6, 7])
		seen.append(pump, document(version));
	await seen.flush();
	// Bounded: the newest 3 of them.
	assert.deepEqual(
		(await seen.load(pump, 3)).map(({version}) => version),
		[5, 6, 7],
	);
	assert.deepEqual(await open('mqtt://127.0.0.1:1884').load(pump, 3), []);
});
