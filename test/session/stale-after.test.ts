/*
The stale threshold: --stale-after parsed into seconds (or refused in one
line), else three times the device's reporting interval as the history
shows it, once there are a few reports to go by, else an hour.
*/
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {
	deletedEntry,
	documentEntry,
	type HistoryEntry,
} from '../../source/session/history.js';
import {
	describeStaleAfter,
	formatDuration,
	parseDuration,
	reportingInterval,
	reportTimes,
	staleAfter,
} from '../../source/session/stale-after.js';
import type {JsonObject} from '../../source/shadow/json.js';

test('durations: 90s, 5m, 4h, 2d and combinations', () => {
	const cases: [string, number][] = [
		['90s', 90],
		['5m', 300],
		['5min', 300],
		['4h', 14_400],
		['2d', 172_800],
		['1h30m', 5400],
		['4H', 14_400],
		[' 10s ', 10],
	];
	for (const [text, seconds] of cases)
		assert.deepEqual(parseDuration(text), {ok: true, seconds}, text);
});

test('what is no duration is refused in one line', () => {
	const cases: [string, string][] = [
		['', '--stale-after must be a duration such as 90s, 5m, 4h or 2d, got ""'],
		[
			'90',
			'--stale-after must be a duration such as 90s, 5m, 4h or 2d, got "90"',
		],
		[
			'5 m',
			'--stale-after must be a duration such as 90s, 5m, 4h or 2d, got "5 m"',
		],
		[
			'-5m',
			'--stale-after must be a duration such as 90s, 5m, 4h or 2d, got "-5m"',
		],
		[
			'1.5h',
			'--stale-after must be a duration such as 90s, 5m, 4h or 2d, got "1.5h"',
		],
		[
			'a\nb',
			'--stale-after must be a duration such as 90s, 5m, 4h or 2d, got "a\\nb"',
		],
		['0s', '--stale-after must be longer than 0 s, got "0s"'],
		['3651d', '--stale-after must be at most 3650d, got "3651d"'],
		[
			'9'.repeat(30) + 's',
			`--stale-after must be a duration such as 90s, 5m, 4h or 2d, got "${'9'.repeat(30)}s"`,
		],
	];
	for (const [text, error] of cases) {
		const parsed = parseDuration(text);
		assert.deepEqual(parsed, {ok: false, error}, JSON.stringify(text));
		assert.ok(!error.includes('\n'));
	}
});

test('thresholds are said in the largest exact unit', () => {
	assert.equal(formatDuration(90), '90 s');
	assert.equal(formatDuration(300), '5 min');
	assert.equal(formatDuration(5400), '90 min');
	assert.equal(formatDuration(3600), '1 h');
	assert.equal(formatDuration(172_800), '2 d');
	assert.deepEqual(describeStaleAfter({seconds: 3600, source: 'default'}), [
		'stale after 1 h (default)',
		'stale after 1 h',
		'stale > 1 h',
	]);
	assert.deepEqual(describeStaleAfter({seconds: 30, source: 'interval'}), [
		'stale after 30 s (3x the reporting interval)',
		'stale after 30 s (3x interval)',
		'stale after 30 s',
		'stale > 30 s',
	]);
	assert.deepEqual(describeStaleAfter({seconds: 300, source: 'flag'}), [
		'stale after 5 min (--stale-after)',
		'stale after 5 min (flag)',
		'stale after 5 min',
		'stale > 5 min',
	]);
});

/** A history as history.ts keeps it, newest first, from versions oldest first. */
function historyOf(
	versions: readonly {
		at: number;
		desired?: JsonObject;
		reported?: JsonObject;
	}[],
): HistoryEntry[] {
	return versions
		.map(({at, desired, reported}, index) =>
			documentEntry(0, index + 1, at, {
				...(desired ? {desired} : {}),
				...(reported ? {reported} : {}),
			}),
		)
		.reverse();
}

test('the reporting interval: the median gap between reports, once there are three gaps', () => {
	const every10 = historyOf([
		{at: 100, reported: {t: 1}},
		{at: 110, reported: {t: 2}},
		{at: 120, reported: {t: 3}},
	]);
	assert.equal(reportingInterval(every10), undefined, 'two gaps are too few');
	assert.deepEqual(staleAfter(undefined, every10), {
		seconds: 3600,
		source: 'default',
	});

	const more = historyOf([
		{at: 100, reported: {t: 1}},
		{at: 110, reported: {t: 2}},
		{at: 120, reported: {t: 3}},
		// The same reading again is a report too: the version and its timestamps move.
		{at: 130, reported: {t: 3}},
		// An app's edit of desired is not.
		{at: 133, desired: {limit: 5}, reported: {t: 3}},
		// A missed report makes one long gap; the median does not follow it.
		{at: 160, desired: {limit: 5}, reported: {t: 5}},
		// Two reports in one second are no interval.
		{at: 160, desired: {limit: 5}, reported: {t: 6}},
	]);
	assert.deepEqual(reportTimes(more), [160, 160, 130, 120, 110]);
	assert.equal(reportingInterval(more), 10);
	assert.deepEqual(staleAfter(undefined, more), {
		seconds: 30,
		source: 'interval',
	});
	assert.deepEqual(staleAfter(90, more), {seconds: 90, source: 'flag'});
	assert.deepEqual(staleAfter(undefined, []), {
		seconds: 3600,
		source: 'default',
	});
});

test('versions that do not follow each other, or a delete between them, are no report', () => {
	const entries = [
		documentEntry(1, 1, 500, {reported: {t: 9}}),
		deletedEntry(0, 5, 400),
		documentEntry(0, 5, 300, {reported: {t: 4}}),
		// v4 is missing: v5 may have changed anything.
		documentEntry(0, 3, 200, {reported: {t: 3}}),
		documentEntry(0, 2, 100, {reported: {t: 2}}),
		documentEntry(0, 1, 50, {reported: {t: 1}}),
	];
	assert.deepEqual(reportTimes(entries), [200, 100]);
	assert.equal(reportingInterval(entries), undefined);
});

test('a fast device is never stale between two reports', () => {
	const history = historyOf(
		Array.from({length: 8}, (_, index) => ({
			at: 1000 + index,
			reported: {t: index},
		})),
	);
	assert.equal(reportingInterval(history), 1);
	assert.equal(staleAfter(undefined, history).seconds, 3);
});
