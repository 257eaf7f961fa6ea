/*
Which reply payloads the client takes: every reply the real engine builds
for the deepest and largest shadows it accepts, and none of the hostile ones.
*/
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {checkReply, maxReplyBytes} from '../../source/client/check-reply.js';
import type {JsonObject, JsonValue} from '../../source/shadow/json.js';
import {awsLimits} from '../../source/shadow/limits.js';
import type {Operation, ReplyKind} from '../../source/shadow/topics.js';
import {
	accepted,
	get,
	rejected,
	remove,
	update,
	wire,
} from '../helpers/engine.js';

/** Six levels (the most a section may have), ending in an array of arrays. */
function deepest(leaf: string): JsonObject {
	let value: JsonValue = [[leaf]];
	for (let level = 3; level < 6; level++) value = {[`l${level}`]: value};
	return {top: value, flat: leaf};
}

const check = (operation: Operation, reply: ReplyKind, document: unknown) =>
	checkReply(operation, reply, wire(document), awsLimits);

test('every reply the engine sends for the deepest shadow passes', () => {
	const created = accepted(
		update(
			undefined,
			{
				state: {desired: deepest('on'), reported: deepest('off')},
				clientToken: 't1',
			},
			10,
		),
	);
	const changed = accepted(
		update(
			created.shadow,
			{state: {desired: deepest('dim')}, clientToken: 't2'},
			20,
		),
	);
	const cleared = accepted(
		update(changed.shadow, {state: {desired: null}}, 30),
	);
	const wiped = accepted(update(cleared.shadow, {state: null}, 40));
	const replies: [Operation, ReplyKind, unknown][] = [
		['update', 'accepted', created.accepted],
		['update', 'documents', created.documents],
		['update', 'delta', created.delta],
		['update', 'accepted', changed.accepted],
		['update', 'documents', changed.documents],
		['update', 'delta', changed.delta],
		['update', 'accepted', cleared.accepted],
		['update', 'documents', cleared.documents],
		['update', 'accepted', wiped.accepted],
		['update', 'documents', wiped.documents],
		['get', 'accepted', accepted(get(changed.shadow, {}, 25)).accepted],
		['delete', 'accepted', accepted(remove(changed.shadow, {}, 26)).accepted],
		[
			'update',
			'rejected',
			rejected(update(changed.shadow, {state: {desired: [1]}}, 27)).error,
		],
		['get', 'rejected', rejected(get(undefined, {}, 28)).error],
	];
	for (const [operation, reply, document] of replies) {
		assert.ok(document, `${operation}/${reply} was built`);
		assert.equal(
			check(operation, reply, document),
			undefined,
			`${operation}/${reply}: ${JSON.stringify(document)}`,
		);
	}
});

test('the replies of a full shadow pass, and its documents fit the reply size bound', () => {
	// Many tiny leaves make the most metadata per byte of state.
	const full = (leaf: number) => ({
		a: Array.from({length: 2000}, () => leaf),
	});
	const now = 1_700_000_000;
	const created = accepted(
		update(undefined, {state: {desired: full(1), reported: full(2)}}, now),
	);
	const changed = accepted(
		update(
			created.shadow,
			{state: {desired: full(3), reported: full(4)}},
			now + 1,
		),
	);
	for (const [operation, reply, document] of [
		['update', 'accepted', changed.accepted],
		['update', 'documents', changed.documents],
		['get', 'accepted', accepted(get(changed.shadow, {}, now + 2)).accepted],
	] as const)
		assert.equal(check(operation, reply, document), undefined, reply);
	const bytes = JSON.stringify(changed.documents).length;
	assert.ok(bytes < maxReplyBytes(awsLimits), `${bytes} bytes of documents`);
});

function deep(levels: number): string {
	return `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
}

test('hostile replies are refused, each with a reason', () => {
	const cases: [Operation, ReplyKind, string, RegExp][] = [
		[
			'update',
			'documents',
			`{"previous":null,"current":{"state":{"desired":${deep(20_000)}},"metadata":{},"version":9},"timestamp":1}`,
			/^nested 20003 levels deep, deeper than a shadow document can be$/,
		],
		[
			'update',
			'delta',
			`{"state":${'['.repeat(20_000)}${']'.repeat(20_000)},"version":9}`,
			/deeper than a shadow document can be/,
		],
		[
			'get',
			'accepted',
			`{"state":{"desired":${deep(7)}},"metadata":{},"version":3,"timestamp":1}`,
			/^state\.desired is nested deeper than 6 levels$/,
		],
		[
			'update',
			'delta',
			'{"state":{"a":1},"version":1e400,"timestamp":1}',
			/^holds a number JSON cannot hold$/,
		],
		[
			'update',
			'documents',
			'{"previous":null,"timestamp":1}',
			/^current is not an object$/,
		],
		[
			'update',
			'documents',
			'{"previous":{"state":"x","metadata":{},"version":1},"current":{"state":{},"metadata":{},"version":2}}',
			/^previous\.state is not an object$/,
		],
		[
			'update',
			'accepted',
			'{"state":{},"metadata":{},"version":"7"}',
			/^version is not a version number$/,
		],
		[
			'get',
			'accepted',
			'{"state":{"desired":[1]},"version":1}',
			/^state\.desired is not an object$/,
		],
		[
			'update',
			'delta',
			'{"state":"on","version":2}',
			/^state is not an object/,
		],
		['get', 'rejected', '{"code":"404"}', /numeric code and a message/],
		['get', 'accepted', '[1,2]', /^not a JSON object$/],
		[
			'update',
			'documents',
			JSON.stringify({
				previous: null,
				current: {
					state: {desired: {notes: 'x'.repeat(400_000)}},
					metadata: {},
					version: 3,
				},
				timestamp: 1,
			}),
			/^current\.state is 400012 bytes, more than 8192$/,
		],
		[
			'get',
			'accepted',
			JSON.stringify({
				state: {
					desired: {a: 'x'.repeat(5000)},
					reported: {b: 'y'.repeat(5000)},
				},
				version: 3,
			}),
			/^state is 10016 bytes, more than 8192$/,
		],
		[
			'update',
			'delta',
			JSON.stringify({state: {a: 'x'.repeat(9000)}, version: 3}),
			/^state is 9008 bytes, more than 8192$/,
		],
		[
			'delete',
			'accepted',
			'{"version":1,"clientToken":{"a":1}}',
			/clientToken is not a string/,
		],
	];
	for (const [operation, reply, payload, reason] of cases) {
		const problem = checkReply(
			operation,
			reply,
			JSON.parse(payload),
			awsLimits,
		);
		assert.match(problem ?? 'taken', reason, payload.slice(0, 120));
	}
});
