import assert from 'node:assert/strict';
import {test} from 'node:test';
import {
	bindPolicy,
	parsePolicy,
	resources,
} from '../../source/security/policy.js';
import {
	defaultPolicies,
	defaultPolicyFile,
	parsePolicySet,
} from '../../source/security/policy-set.js';

function policy(statements: unknown[]) {
	const parsed = parsePolicy({Version: '2012-10-17', Statement: statements});
	if (!parsed.ok) throw new Error(parsed.error);
	return parsed.policy;
}

const thing = {
	'iot:Connection.Thing.ThingName': 'lamp',
	'iot:ClientId': 'lamp',
};

test('the default device policy: own client id, own shadow topics, own thing over HTTP', () => {
	const device = bindPolicy(
		defaultPolicies().policyFor({kind: 'thing', name: 'lamp'}),
		thing,
	);
	assert.ok(device.allows('iot:Connect', resources.client('lamp')));
	assert.ok(!device.allows('iot:Connect', resources.client('lamp-2')));
	assert.ok(
		device.allows(
			'iot:Publish',
			resources.topic('$aws/things/lamp/shadow/update'),
		),
	);
	assert.ok(
		device.allows(
			'iot:Publish',
			resources.topic('$aws/things/lamp/shadow/name/cfg/update'),
		),
	);
	assert.ok(
		!device.allows(
			'iot:Publish',
			resources.topic('$aws/things/fan/shadow/update'),
		),
	);
	// A prefix is not the thing: lamp must not reach lamp2's topics.
	assert.ok(
		!device.allows(
			'iot:Receive',
			resources.topic('$aws/things/lamp2/shadow/update/delta'),
		),
	);
	assert.ok(
		!device.allows(
			'iot:Subscribe',
			resources.topicFilter('$aws/things/+/shadow/update/delta'),
		),
	);
	assert.ok(device.allows('iot:GetThingShadow', resources.thing('lamp')));
	assert.ok(!device.allows('iot:GetThingShadow', resources.thing('fan')));
});

test('an explicit deny wins over any allow', () => {
	const access = bindPolicy(
		policy([
			{Effect: 'Allow', Action: 'iot:*', Resource: '*'},
			{
				Effect: 'Deny',
				Action: 'iot:Publish',
				Resource: 'arn:aws:iot:us-east-1:123456789012:topic/$aws/things/fan/*',
			},
		]),
		thing,
	);
	assert.ok(
		access.allows(
			'iot:Publish',
			resources.topic('$aws/things/lamp/shadow/update'),
		),
	);
	assert.ok(
		!access.allows(
			'iot:Publish',
			resources.topic('$aws/things/fan/shadow/update'),
		),
	);
	assert.ok(
		access.allows(
			'iot:Receive',
			resources.topic('$aws/things/fan/shadow/update'),
		),
	);
});

test('nothing is allowed that no statement allows', () => {
	const access = bindPolicy(
		policy([{Effect: 'Allow', Action: 'iot:Connect', Resource: '*'}]),
		thing,
	);
	assert.ok(access.allows('iot:Connect', resources.client('x')));
	assert.ok(!access.allows('iot:Publish', resources.topic('a')));
});

test('variables are literal values, and a variable without a value matches nothing', () => {
	const statements = [
		{
			Effect: 'Allow',
			Action: 'iot:Publish',
			Resource: 'arn:aws:iot:*:*:topic/devices/${iot:ClientId}/*',
		},
		{
			Effect: 'Allow',
			Action: 'iot:Subscribe',
			Resource:
				'arn:aws:iot:*:*:topicfilter/$aws/things/${iot:Connection.Thing.ThingName}/shadow/*',
		},
	];
	const sneaky = bindPolicy(policy(statements), {'iot:ClientId': 'a.*'});
	assert.ok(sneaky.allows('iot:Publish', resources.topic('devices/a.*/x')));
	assert.ok(!sneaky.allows('iot:Publish', resources.topic('devices/abc/x')));
	// An app has no thing name: the statement that needs one gives it nothing.
	assert.ok(
		!sneaky.allows(
			'iot:Subscribe',
			resources.topicFilter('$aws/things//shadow/get'),
		),
	);
	// MQTT wildcards in a topicfilter resource are literal, as on AWS.
	const literal = bindPolicy(
		policy([
			{
				Effect: 'Allow',
				Action: 'iot:Subscribe',
				Resource:
					'arn:aws:iot:*:*:topicfilter/$aws/things/+/shadow/update/delta',
			},
		]),
		{},
	);
	assert.ok(
		literal.allows(
			'iot:Subscribe',
			resources.topicFilter('$aws/things/+/shadow/update/delta'),
		),
	);
	assert.ok(
		!literal.allows(
			'iot:Subscribe',
			resources.topicFilter('$aws/things/lamp/shadow/update/delta'),
		),
	);
});

test('what cannot be evaluated faithfully is refused when loading, with the reason', () => {
	const cases: [unknown, RegExp][] = [
		[
			{
				Statement: [
					{Effect: 'Allow', Action: 'iot:*', Resource: '*', Condition: {}},
				],
			},
			/Condition is not supported/,
		],
		[
			{Statement: [{Effect: 'Maybe', Action: 'iot:*', Resource: '*'}]},
			/Effect must be/,
		],
		[
			{Statement: [{Effect: 'Allow', Action: 'iot:Teleport', Resource: '*'}]},
			/unknown action 'iot:Teleport'/,
		],
		[
			{
				Statement: [
					{Effect: 'Allow', Action: 'iot:Publish', Resource: 'topic/x'},
				],
			},
			/not an AWS IoT resource ARN/,
		],
		[
			{
				Statement: [
					{
						Effect: 'Allow',
						Action: 'iot:Publish',
						Resource:
							'arn:aws:iot:*:*:topic/${iot:Connection.Thing.Attributes[x]}',
					},
				],
			},
			/unsupported policy variable/,
		],
		[{Statement: []}, /at least one Statement/],
		['nope', /JSON object/],
	];
	for (const [document, error] of cases) {
		const parsed = parsePolicy(document);
		assert.equal(parsed.ok, false);
		if (!parsed.ok) assert.match(parsed.error, error);
	}
});

test('a policy file attaches policies to principals by kind and name; unnamed principals get nothing', () => {
	const parsed = parsePolicySet({
		policies: {
			readLamp: {
				Statement: {
					Effect: 'Allow',
					Action: 'iot:GetThingShadow',
					Resource: 'arn:aws:iot:*:*:thing/lamp',
				},
			},
			readAll: {
				Statement: {
					Effect: 'Allow',
					Action: 'iot:GetThingShadow',
					Resource: 'arn:aws:iot:*:*:thing/*',
				},
			},
		},
		attach: {'app:ops-*': ['readAll'], 'user:alice': 'readLamp'},
	});
	assert.ok(parsed.ok);
	if (!parsed.ok) return;
	const can = (kind: 'thing' | 'app' | 'user', name: string, target: string) =>
		bindPolicy(parsed.set.policyFor({kind, name}), {}).allows(
			'iot:GetThingShadow',
			resources.thing(target),
		);
	assert.ok(can('app', 'ops-console', 'fan'));
	assert.ok(can('user', 'alice', 'lamp'));
	assert.ok(!can('user', 'alice', 'fan'));
	assert.ok(!can('user', 'bob', 'lamp'));
	assert.ok(!can('thing', 'lamp', 'lamp'));

	const unknown = parsePolicySet({
		policies: {},
		attach: {'thing:*': ['missing']},
	});
	assert.deepEqual(unknown, {
		ok: false,
		error: "attach: 'thing:*' names an unknown policy 'missing'",
	});
});

test('a refusal names the Deny statement that decided it, or the missing Allow', () => {
	const parsed = parsePolicySet({
		policies: {
			everything: {
				Version: '2012-10-17',
				Statement: {Effect: 'Allow', Action: 'iot:*', Resource: '*'},
			},
			notFan: {
				Version: '2012-10-17',
				Statement: [
					{Effect: 'Allow', Action: 'iot:Connect', Resource: '*'},
					{
						Sid: 'NoFan',
						Effect: 'Deny',
						Action: 'iot:Publish',
						Resource: 'arn:aws:iot:*:*:topic/$aws/things/fan/*',
					},
				],
			},
			connectOnly: {
				Version: '2012-10-17',
				Statement: {Effect: 'Allow', Action: 'iot:Connect', Resource: '*'},
			},
		},
		attach: {'app:ops': ['everything', 'notFan'], 'app:viewer': 'connectOnly'},
	});
	if (!parsed.ok) throw new Error(parsed.error);
	const ops = bindPolicy(parsed.set.policyFor({kind: 'app', name: 'ops'}), {});
	const fanTopic = resources.topic('$aws/things/fan/shadow/update');
	assert.equal(ops.allows('iot:Publish', fanTopic), false);
	assert.equal(
		ops.explain('iot:Publish', fanTopic),
		"denied by policy 'notFan' statement 2 (Sid NoFan)",
	);
	assert.equal(
		ops.explain(
			'iot:Publish',
			resources.topic('$aws/things/lamp/shadow/update'),
		),
		"allowed by policy 'everything' statement 1",
	);

	const viewer = bindPolicy(
		parsed.set.policyFor({kind: 'app', name: 'viewer'}),
		{},
	);
	assert.equal(
		viewer.explain('iot:Subscribe', resources.topicFilter('a/#')),
		'no Allow statement matches (policies: connectOnly)',
	);
	const nobody = bindPolicy(
		parsed.set.policyFor({kind: 'thing', name: 'lamp'}),
		{},
	);
	assert.equal(
		nobody.explain('iot:Connect', resources.client('lamp')),
		'no policy is attached to this principal',
	);
});

test('a Sid must be a string', () => {
	const parsed = parsePolicy({
		Version: '2012-10-17',
		Statement: {Sid: 7, Effect: 'Allow', Action: 'iot:*', Resource: '*'},
	});
	assert.deepEqual(parsed, {
		ok: false,
		error: 'Statement 1: Sid must be a string',
	});
});

test('a resource of a type no request here names is a warning, not an error (AWS accepts it)', () => {
	const parsed = parsePolicySet({
		Version: '2012-10-17',
		Statement: {
			Effect: 'Allow',
			Action: 'iot:*',
			Resource: [
				'*',
				'arn:aws:iot:*:*:t*',
				'arn:aws:iot:us-east-1:123456789012:topicfilter/$aws/things/*',
				'arn:aws:iot:*:*:job/*',
			],
		},
	});
	assert.ok(parsed.ok);
	assert.deepEqual(parsed.warnings, [
		"policy 'policy' statement 1: resource 'job/*' is of no type shadow-tui checks (client/, topic/, topicfilter/, thing/, index/), so it matches nothing",
	]);
	assert.deepEqual(defaultPoliciesWarnings(), []);
});

function defaultPoliciesWarnings(): readonly string[] {
	const parsed = parsePolicySet(defaultPolicyFile);
	return parsed.ok ? parsed.warnings : [parsed.error];
}
