import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {JsonValue} from '../../source/shadow/json.js';
import {awsLimits} from '../../source/shadow/limits.js';
import {offendingPath} from '../../source/traffic/offending-path.js';
import {parseTrafficFilter} from '../../source/traffic/traffic-filter.js';
import {
	createTrafficLog,
	stateAfter,
} from '../../source/traffic/traffic-log.js';
import {entryLine, entryRecord} from '../../source/traffic/traffic-format.js';
import {scopeFilters, topicMatches} from '../../source/traffic/topic-filter.js';

const lamp = '$aws/things/lamp/shadow';
const message = (topic: string, body: unknown, at: number, sent = false) => ({
	topic,
	payload: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
	at,
	sent,
});

function log(capacity = 100) {
	return createTrafficLog({capacity, answerTimeoutMs: 1000, limits: awsLimits});
}

test('a request is paired with its answer by clientToken, with the latency; the echo of an own request is dropped', () => {
	const traffic = log();
	const request = traffic.add(
		message(
			`${lamp}/update`,
			{state: {desired: {on: true}}, clientToken: 'me-1'},
			1000,
			true,
		),
	);
	assert.equal(request?.source, 'console');
	assert.equal(
		traffic.add(
			message(
				`${lamp}/update`,
				{state: {desired: {on: true}}, clientToken: 'me-1'},
				1001,
			),
		),
		undefined,
	);
	const answer = traffic.add(
		message(
			`${lamp}/update/accepted`,
			{state: {desired: {on: true}}, version: 3, clientToken: 'me-1'},
			1007,
		),
	);
	assert.deepEqual(request?.answer, {
		seq: answer?.seq,
		short: 'update/accepted',
		latencyMs: 7,
	});
	assert.deepEqual(answer?.request, {
		seq: request?.seq,
		short: 'update',
		latencyMs: 7,
	});
	const delta = traffic.add(
		message(`${lamp}/update/delta`, {state: {on: true}, version: 3}, 1008),
	);
	assert.equal(delta?.short, 'delta');
	assert.deepEqual(answer?.followUps, ['delta']);
	assert.equal(traffic.size(), 3);
});

test('requests without a token pair in order; one with no answer is marked after the timeout', () => {
	const traffic = log();
	const first = traffic.add(message(`${lamp}/get`, '', 0));
	const second = traffic.add(message(`${lamp}/get`, '', 10));
	traffic.add(message(`${lamp}/get/accepted`, {state: {}, version: 1}, 15));
	assert.equal(first?.answer?.latencyMs, 15);
	assert.equal(second?.answer, undefined);
	assert.deepEqual(traffic.tick(900), []);
	const marked = traffic.tick(1011);
	assert.deepEqual(
		marked.map((entry) => entry.seq),
		[second?.seq],
	);
	assert.equal(second?.unanswered, true);
	assert.match(entryLine(second, {withShadow: false}), /no answer/);
});

test('a 409 names the version it was sent on, who wrote the next one and what they set', () => {
	const traffic = log();
	traffic.seed(
		{thingName: 'lamp', shadowName: ''},
		{state: {desired: {on: false}}, version: 4},
	);
	traffic.add(
		message(
			`${lamp}/update`,
			{state: {desired: {color: 'red'}}, clientToken: 'other-1'},
			0,
		),
	);
	traffic.add(
		message(
			`${lamp}/update/accepted`,
			{state: {desired: {color: 'red'}}, version: 5, clientToken: 'other-1'},
			2,
		),
	);
	traffic.add(
		message(
			`${lamp}/update`,
			{state: {desired: {on: true}}, version: 4, clientToken: 'me-1'},
			5,
			true,
		),
	);
	const rejection = traffic.add(
		message(
			`${lamp}/update/rejected`,
			{code: 409, message: 'Version conflict', clientToken: 'me-1'},
			8,
		),
	);
	assert.match(
		rejection?.explanation?.summary ?? '',
		/at v5, not v4.*v5 was written by another client \(clientToken other-1\), setting desired\.color/,
	);
	assert.match(rejection?.explanation?.fix ?? '', /current version/);
});

test('a 413 says which section takes how many bytes over 8 KB', () => {
	const traffic = log();
	traffic.seed(
		{thingName: 'lamp', shadowName: ''},
		{state: {reported: {log: 'r'.repeat(3000)}}, version: 1},
	);
	traffic.add(
		message(
			`${lamp}/update`,
			{state: {desired: {blob: 'd'.repeat(6000)}}, clientToken: 't'},
			0,
		),
	);
	const rejection = traffic.add(
		message(
			`${lamp}/update/rejected`,
			{
				code: 413,
				message: 'The payload exceeds the maximum size allowed',
				clientToken: 't',
			},
			1,
		),
	);
	const summary = rejection?.explanation?.summary ?? '';
	assert.match(
		summary,
		/desired 6,011 B \+ reported 3,010 B = 9,021 B, 829 B over the 8,192 B/,
	);
	assert.match(
		rejection?.explanation?.fix ?? '',
		/trim desired by at least 829 B/,
	);
});

test('a 400 names the offending path', () => {
	const deep = {a: {b: {c: {d: {e: {f: {g: 1}}}}}}};
	assert.deepEqual(offendingPath({state: {desired: deep}}, awsLimits), {
		path: 'state.desired.a.b.c.d.e.f',
		problem: '7 levels deep; a section may nest 6',
	});
	assert.equal(
		offendingPath({state: {reported: {list: [1, null]}}}, awsLimits)?.path,
		'state.reported.list[1]',
	);
	assert.equal(
		offendingPath({state: {wanted: {}}}, awsLimits)?.path,
		'state.wanted',
	);
	assert.equal(
		offendingPath({state: {desired: 3}}, awsLimits)?.path,
		'state.desired',
	);
	assert.equal(
		offendingPath({clientToken: 'x'.repeat(65), state: {}}, awsLimits)?.path,
		'clientToken',
	);
	assert.equal(
		offendingPath({state: {desired: {ok: 1}}}, awsLimits),
		undefined,
	);
	// A hostile depth is walked without recursion.
	let hostile: JsonValue = 1;
	for (let level = 0; level < 100_000; level++) hostile = {k: hostile};
	assert.match(
		offendingPath({state: {desired: hostile}}, awsLimits)?.problem ?? '',
		/levels deep/,
	);
});

test('the buffer is bounded and forgets the requests it drops', () => {
	const traffic = log(10);
	for (let index = 0; index < 1000; index++)
		traffic.add(
			message(
				`${lamp}/update`,
				{state: {desired: {n: index}}, clientToken: `t${index}`},
				index,
			),
		);
	assert.equal(traffic.size(), 10);
	assert.equal(traffic.entries()[0]?.seq, 991);
	// An answer to a dropped request pairs with nothing.
	const late = traffic.add(
		message(
			`${lamp}/update/accepted`,
			{state: {}, version: 1, clientToken: 't5'},
			2000,
		),
	);
	assert.equal(late?.request, undefined);
});

test('the state before a message is followed across documents and deletes, for its diff', () => {
	const traffic = log();
	traffic.add(
		message(
			`${lamp}/update/documents`,
			{
				previous: null,
				current: {state: {desired: {on: true}}, metadata: {}, version: 1},
				timestamp: 1,
			},
			0,
		),
	);
	const update = traffic.add(
		message(`${lamp}/update`, {state: {desired: {on: false}}}, 1),
	);
	assert.deepEqual(update?.before, {state: {desired: {on: true}}, version: 1});
	assert.deepEqual(stateAfter(update), {desired: {on: false}});
	traffic.add(
		message(`${lamp}/delete/accepted`, {version: 1, timestamp: 2}, 2),
	);
	const next = traffic.add(message(`${lamp}/get`, '{}', 3));
	assert.equal(next?.before, null);
});

test('payloads that cannot be shadow messages are kept as text with the reason', () => {
	const traffic = log();
	const garbage = traffic.add(message(`${lamp}/update`, 'not json {', 0));
	assert.equal(garbage?.unparsed?.reason, 'not JSON');
	const deep = traffic.add(
		message(`${lamp}/update/accepted`, `${'['.repeat(50)}${']'.repeat(50)}`, 0),
	);
	assert.match(deep?.unparsed?.reason ?? '', /nested 50 levels/);
	const record = entryRecord(garbage);
	assert.equal(record.unparsed?.text, 'not json {');
	assert.equal(
		(JSON.parse(JSON.stringify(record)) as {topic: string}).topic,
		`${lamp}/update`,
	);
});

test('filters: kind, token, thing and words', () => {
	const traffic = log();
	traffic.add(
		message(
			`${lamp}/update`,
			{state: {desired: {lights: 'on'}}, clientToken: 'abc-1'},
			0,
		),
	);
	traffic.add(
		message(
			`${lamp}/update/rejected`,
			{code: 409, message: 'Version conflict', clientToken: 'abc-1'},
			1,
		),
	);
	traffic.add(message('$aws/things/pump/shadow/get', '', 2));
	const kept = (text: string) =>
		traffic
			.entries()
			.filter(parseTrafficFilter(text).matches)
			.map((entry) => entry.short);
	assert.deepEqual(kept('kind:rejected'), ['update/rejected']);
	assert.deepEqual(kept('token:abc'), ['update', 'update/rejected']);
	assert.deepEqual(kept('thing:pump'), ['get']);
	assert.deepEqual(kept('lights'), ['update']);
	assert.deepEqual(kept('409 abc'), ['update/rejected']);
});

test('topic filters match as a broker does; scopes subscribe to their shadow and presence', () => {
	assert.equal(
		topicMatches(
			'$aws/things/+/shadow/#',
			'$aws/things/a/shadow/name/x/update',
		),
		true,
	);
	assert.equal(
		topicMatches(
			'$aws/things/a/shadow/+/+',
			'$aws/things/a/shadow/name/x/update',
		),
		false,
	);
	assert.equal(topicMatches('#', '$aws/things/a/shadow/update'), false);
	assert.equal(topicMatches('a/+', 'a'), false);
	const classic = scopeFilters({
		kind: 'shadow',
		address: {thingName: 'lamp', shadowName: ''},
	});
	assert.ok(
		classic.some((filter) =>
			topicMatches(filter, '$aws/things/lamp/shadow/update/delta'),
		),
	);
	assert.ok(
		!classic.some((filter) =>
			topicMatches(filter, '$aws/things/lamp/shadow/name/s/update'),
		),
	);
	assert.ok(
		classic.some((filter) =>
			topicMatches(filter, '$aws/events/presence/connected/lamp'),
		),
	);
});

test('a 429 without a token pairs with the newest waiting request: the service refuses it ahead of the queue', () => {
	const traffic = log();
	const requests = [0, 1, 2].map((n) =>
		traffic.add(message(`${lamp}/update`, {state: {desired: {n}}}, n)),
	);
	traffic.add(
		message(
			`${lamp}/update/rejected`,
			{code: 429, message: 'Too Many Requests'},
			3,
		),
	);
	traffic.add(
		message(
			`${lamp}/update/accepted`,
			{state: {desired: {n: 0}}, version: 1},
			4,
		),
	);
	traffic.add(
		message(
			`${lamp}/update/accepted`,
			{state: {desired: {n: 1}}, version: 2},
			5,
		),
	);
	assert.deepEqual(
		requests.map((request) => request?.answer?.short),
		['update/accepted', 'update/accepted', 'update/rejected'],
	);
});

test('a clientToken too long to be echoed is explained with its length', () => {
	const traffic = log();
	const token = 'x'.repeat(70);
	traffic.add(
		message(
			`${lamp}/update`,
			{state: {desired: {a: 1}}, clientToken: token},
			0,
		),
	);
	const rejection = traffic.add(
		message(
			`${lamp}/update/rejected`,
			{code: 400, message: 'Invalid clientToken'},
			1,
		),
	);
	assert.equal(rejection?.request?.latencyMs, 1);
	assert.equal(
		rejection?.explanation?.summary,
		'clientToken: 70 bytes, over the 64 a clientToken may be',
	);
});

test('documents are diffed against their own previous, whatever arrived first; delta and documents know their update', () => {
	const traffic = log();
	traffic.seed(
		{thingName: 'lamp', shadowName: ''},
		{state: {desired: {on: false}}, version: 1},
	);
	const accepted = traffic.add(
		message(
			`${lamp}/update/accepted`,
			{state: {desired: {on: true}}, version: 2},
			0,
		),
	);
	const documents = traffic.add(
		message(
			`${lamp}/update/documents`,
			{
				previous: {state: {desired: {on: false}}, metadata: {}, version: 1},
				current: {state: {desired: {on: true}}, metadata: {}, version: 2},
				timestamp: 1,
			},
			1,
		),
	);
	assert.equal(documents?.before?.version, 1);
	assert.deepEqual(documents?.before?.state, {desired: {on: false}});
	assert.equal(documents?.cause, accepted?.seq);
});

test('a connection row says what was not seen', () => {
	const traffic = log();
	const lost = traffic.connection(false, 5, 'connect ECONNREFUSED');
	assert.equal(lost.short, 'connection lost');
	assert.match(lost.note ?? '', /ECONNREFUSED.*not seen/);
	assert.equal(entryRecord(lost).note, lost.note);
	assert.equal(traffic.connection(true, 6).short, 'reconnected');
});

test('hostile payloads on shadow topics: invalid UTF-8, 1 MB, wrong types, 20,000 deep; each kept as an entry, none parsed past its bound', () => {
	const traffic = log();
	const invalid = traffic.add({
		topic: `${lamp}/update`,
		payload: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
		at: 0,
		sent: false,
	});
	assert.equal(invalid?.unparsed?.reason, 'not JSON');
	const huge = traffic.add(
		message(`${lamp}/update/accepted`, `"${'x'.repeat(1_000_000)}"`, 1),
	);
	assert.match(huge?.unparsed?.reason ?? '', /larger than any shadow message/);
	assert.ok((huge?.unparsed?.text.length ?? 0) <= 2049);
	const deep = traffic.add(
		message(
			`${lamp}/update`,
			`${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`,
			2,
		),
	);
	assert.match(deep?.unparsed?.reason ?? '', /nested 20000 levels/);
	const wrongTypes = traffic.add(
		message(
			`${lamp}/update/rejected`,
			{code: 'x', message: 7, clientToken: 5, version: 'v'},
			3,
		),
	);
	assert.deepEqual(wrongTypes?.rejection, {code: 0, message: ''});
	assert.equal(wrongTypes?.clientToken, undefined);
	assert.equal(wrongTypes?.version, undefined);
	// The log goes on pairing after them.
	traffic.add(message(`${lamp}/get`, {clientToken: 'ok'}, 4));
	const answer = traffic.add(
		message(
			`${lamp}/get/accepted`,
			{state: {}, version: 1, clientToken: 'ok'},
			5,
		),
	);
	assert.equal(answer?.request?.latencyMs, 1);
});
