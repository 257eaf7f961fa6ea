import assert from 'node:assert/strict';
import {test} from 'node:test';
import {awsLimits} from '../../source/shadow/limits.js';
import {
	formatShadowTopic,
	parseShadowTopic,
	type ShadowTopic,
} from '../../source/shadow/topics.js';

const parse = (topic: string) => parseShadowTopic(topic, awsLimits);

test('parses classic and named requests and replies', () => {
	assert.deepEqual(parse('$aws/things/lamp/shadow/update'), {
		kind: 'shadow',
		topic: {thingName: 'lamp', shadowName: '', operation: 'update'},
	});
	assert.deepEqual(parse('$aws/things/lamp/shadow/name/cfg/get/rejected'), {
		kind: 'shadow',
		topic: {
			thingName: 'lamp',
			shadowName: 'cfg',
			operation: 'get',
			reply: 'rejected',
		},
	});
	assert.deepEqual(parse('$aws/things/a:b_c-1/shadow/update/documents'), {
		kind: 'shadow',
		topic: {
			thingName: 'a:b_c-1',
			shadowName: '',
			operation: 'update',
			reply: 'documents',
		},
	});
});

test('format is the inverse of parse for every operation and reply', () => {
	const cases: ShadowTopic[] = [];
	for (const shadowName of ['', 'cfg']) {
		for (const operation of ['get', 'update', 'delete'] as const) {
			cases.push({thingName: 'lamp', shadowName, operation});
			for (const reply of ['accepted', 'rejected'] as const) {
				cases.push({thingName: 'lamp', shadowName, operation, reply});
			}
		}

		cases.push({
			thingName: 'lamp',
			shadowName,
			operation: 'update',
			reply: 'delta',
		});
		cases.push({
			thingName: 'lamp',
			shadowName,
			operation: 'update',
			reply: 'documents',
		});
	}

	for (const topic of cases) {
		const text = formatShadowTopic(topic, topic.operation, topic.reply);
		assert.deepEqual(parse(text), {kind: 'shadow', topic}, text);
		assert.ok(
			text.split('/').length - 1 <= 7,
			`${text} exceeds AWS's 7 slashes`,
		);
	}
});

test('anything else under $aws is not a shadow topic', () => {
	for (const topic of [
		'$aws/things/lamp/shadow',
		'$aws/things/lamp/shadow/list',
		'$aws/things/lamp/shadow/get/delta',
		'$aws/things/lamp/shadow/update/accepted/extra',
		'$aws/things/lamp/shadow/name/cfg',
		'$aws/things/lamp/jobs/get',
		'$aws/events/presence/connected/x',
		'things/lamp/shadow/get',
	]) {
		assert.deepEqual(parse(topic), {kind: 'other'}, topic);
	}
});

test('invalid names are answered with AWS-style 400s', () => {
	const cases: [string, string][] = [
		['$aws/things//shadow/get', 'ThingName is missing'],
		[
			`$aws/things/${'t'.repeat(129)}/shadow/get`,
			'ThingName has a maximum length of 128',
		],
		[
			'$aws/things/my.lamp/shadow/get',
			'ThingName must match pattern [a-zA-Z0-9:_-]+',
		],
		['$aws/things/lamp/shadow/name//update', 'ShadowName is missing'],
		[
			`$aws/things/lamp/shadow/name/${'s'.repeat(65)}/update`,
			'ShadowName has a maximum length of 64',
		],
		[
			'$aws/things/lamp/shadow/name/$cfg/update',
			'ShadowName must match pattern [a-zA-Z0-9:_-]+',
		],
	];
	for (const [topic, message] of cases) {
		assert.deepEqual(parse(topic), {
			kind: 'bad-name',
			topic: (parse(topic) as {topic: unknown}).topic,
			rejection: {code: 400, message},
		});
	}

	assert.equal(
		parse(`$aws/things/${'t'.repeat(128)}/shadow/get`).kind,
		'shadow',
	);
	assert.equal(
		parse(`$aws/things/lamp/shadow/name/${'s'.repeat(64)}/get`).kind,
		'shadow',
	);
});

test('name limits are configurable', () => {
	const parsed = parseShadowTopic('$aws/things/abcdef/shadow/get', {
		...awsLimits,
		maxThingNameLength: 5,
	});
	assert.equal(parsed.kind, 'bad-name');
});
