import assert from 'node:assert/strict';
import {test} from 'node:test';
import {renderTemplate} from '../../source/rules/substitution.js';
import {
	checkRuleName,
	checkTopicRulePayload,
	supportedActionTypes,
	type TopicRule,
} from '../../source/rules/topic-rule.js';

function accepted(payload: unknown): TopicRule {
	const result = checkTopicRulePayload(payload);
	if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
	return result.rule;
}

function refused(payload: unknown): {code: string; message: string} {
	const result = checkTopicRulePayload(payload);
	if (result.ok) throw new Error('the payload was accepted');
	return {code: result.code, message: result.message};
}

const trimRule = {
	sql: "SELECT state.desired.cfg AS cfg FROM '$aws/things/+/shadow/get/accepted'",
	description:
		'republishes the desired config part of the device shadow on a sub topic to reduce message size',
	ruleDisabled: false,
	awsIotSqlVersion: '2016-03-23',
	actions: [
		{
			republish: {
				topic: '${topic()}/desired/cfg',
				roleArn: 'arn:aws:iam::123456789012:role/iot',
			},
		},
	],
};

const republish = (body: unknown) => ({
	sql: "SELECT * FROM 'a'",
	actions: [{republish: body}],
});
const http = (body: unknown) => ({
	sql: "SELECT * FROM 'a'",
	actions: [{http: body}],
});

test('the trim rule from the asset tracker is accepted as AWS would take it', () => {
	const rule = accepted(trimRule);
	assert.equal(rule.sql, trimRule.sql);
	assert.equal(rule.parsed.from, '$aws/things/+/shadow/get/accepted');
	assert.equal(rule.description, trimRule.description);
	assert.equal(rule.ruleDisabled, false);
	assert.equal(rule.awsIotSqlVersion, '2016-03-23');
	const [action] = rule.actions;
	assert.equal(action?.kind, 'republish');
	if (action?.kind !== 'republish') return;
	assert.equal(action.qos, 0);
	assert.equal(action.roleArn, 'arn:aws:iam::123456789012:role/iot');
	assert.deepEqual(action.definition, trimRule.actions[0]);
	const topic = renderTemplate(action.topic, {
		topic: '$aws/things/t/shadow/get/accepted',
		clientId: 'c',
		now: 0,
		newUuid: () => 'u',
		payload: Buffer.from('{}'),
	});
	assert.equal(topic, '$aws/things/t/shadow/get/accepted/desired/cfg');
});

test('defaults: no version runs as 2016-03-23, rules are enabled, actions may be empty', () => {
	const rule = accepted({sql: "SELECT * FROM 'a'", actions: []});
	assert.equal(rule.awsIotSqlVersion, '2016-03-23');
	assert.equal(rule.ruleDisabled, false);
	assert.deepEqual(rule.actions, []);
	assert.equal('description' in rule, false);
	assert.equal(
		accepted({sql: "SELECT * FROM 'a'", actions: [], ruleDisabled: true})
			.ruleDisabled,
		true,
	);
});

test('bad SQL is a SqlParseException with the parser message', () => {
	assert.deepEqual(refused({sql: "SELECT nosuch() FROM 'a'", actions: []}), {
		code: 'SqlParseException',
		message: 'Line 1:7 Function nosuch is not supported',
	});
	assert.equal(
		refused({sql: 'SELECT * FROM a', actions: []}).code,
		'SqlParseException',
	);
});

test('SQL versions: 2016-03-23 only; 2015-10-08 and beta are explained, others invalid', () => {
	assert.match(
		refused({
			sql: "SELECT * FROM 'a'",
			actions: [],
			awsIotSqlVersion: '2015-10-08',
		}).message,
		/implements only '2016-03-23'/,
	);
	assert.match(
		refused({sql: "SELECT * FROM 'a'", actions: [], awsIotSqlVersion: 'beta'})
			.message,
		/implements only '2016-03-23'/,
	);
	assert.deepEqual(
		refused({
			sql: "SELECT * FROM 'a'",
			actions: [],
			awsIotSqlVersion: '2020-01-01',
		}),
		{
			code: 'InvalidRequestException',
			message:
				"Invalid awsIotSqlVersion '2020-01-01': AWS IoT knows '2016-03-23', '2015-10-08' and 'beta'",
		},
	);
});

test('the payload shape is checked with AWS validation messages', () => {
	const cases: [unknown, string][] = [
		[
			undefined,
			"1 validation error detected: Value null at 'topicRulePayload' failed to satisfy constraint: Member must not be null",
		],
		[
			[],
			"1 validation error detected: Value [] at 'topicRulePayload' failed to satisfy constraint: Member must be an object",
		],
		[
			{actions: []},
			"1 validation error detected: Value null at 'topicRulePayload.sql' failed to satisfy constraint: Member must not be null",
		],
		[
			{sql: 5, actions: []},
			"1 validation error detected: Value 5 at 'topicRulePayload.sql' failed to satisfy constraint: Member must be a string",
		],
		[
			{sql: "SELECT * FROM 'a'"},
			"1 validation error detected: Value null at 'topicRulePayload.actions' failed to satisfy constraint: Member must not be null",
		],
		[
			{sql: "SELECT * FROM 'a'", actions: {}},
			"1 validation error detected: Value {} at 'topicRulePayload.actions' failed to satisfy constraint: Member must be a list",
		],
		[
			{sql: "SELECT * FROM 'a'", actions: [], ruleDisabled: 'no'},
			"1 validation error detected: Value 'no' at 'topicRulePayload.ruleDisabled' failed to satisfy constraint: Member must be a boolean",
		],
		[
			{sql: "SELECT * FROM 'a'", actions: [], description: 1},
			"1 validation error detected: Value 1 at 'topicRulePayload.description' failed to satisfy constraint: Member must be a string",
		],
		[
			{sql: "SELECT * FROM 'a'", actions: [], sqlText: 'x'},
			"Unknown field 'sqlText' in topicRulePayload (allowed: sql, description, actions, errorAction, ruleDisabled, awsIotSqlVersion)",
		],
		[
			{
				sql: "SELECT * FROM 'a'",
				actions: Array.from({length: 11}, () => ({republish: {topic: 'b'}})),
			},
			"1 validation error detected: Value '11 items' at 'topicRulePayload.actions' failed to satisfy constraint: Member must have length less than or equal to 10",
		],
		[
			{sql: "SELECT * FROM 'a'", actions: [{}]},
			'The action at topicRulePayload.actions.1 must have exactly one action type, found 0',
		],
		[
			{
				sql: "SELECT * FROM 'a'",
				actions: [{republish: {topic: 'b'}, http: {url: 'https://x'}}],
			},
			'The action at topicRulePayload.actions.1 must have exactly one action type, found 2 (republish, http)',
		],
	];
	for (const [payload, message] of cases)
		assert.deepEqual(
			refused(payload),
			{code: 'InvalidRequestException', message},
			message,
		);
});

test('actions AWS has but this service cannot run are refused, naming the supported ones', () => {
	assert.deepEqual(supportedActionTypes, ['republish', 'http']);
	for (const type of [
		'lambda',
		's3',
		'dynamoDB',
		'dynamoDBv2',
		'sns',
		'sqs',
		'kinesis',
		'firehose',
		'stepFunctions',
	])
		assert.deepEqual(
			refused({sql: "SELECT * FROM 'a'", actions: [{[type]: {}}]}),
			{
				code: 'InvalidRequestException',
				message: `The ${type} action needs AWS and is not supported by this local service; supported actions: republish and http`,
			},
		);
	assert.equal(
		refused({sql: "SELECT * FROM 'a'", actions: [{webhook: {}}]}).message,
		"Unknown action type 'webhook' at topicRulePayload.actions.1; supported actions: republish and http",
	);
	assert.match(
		refused({
			sql: "SELECT * FROM 'a'",
			actions: [],
			errorAction: {lambda: {functionArn: 'x'}},
		}).message,
		/The lambda action needs AWS/,
	);
});

test('republish: topic templates, $$, qos, headers', () => {
	const action = (body: unknown) => accepted(republish(body)).actions[0];
	assert.deepEqual(action({topic: 'b', qos: 1}), {
		kind: 'republish',
		definition: {republish: {topic: 'b', qos: 1}},
		topic: {parts: [{kind: 'text', text: 'b'}]},
		qos: 1,
	});
	const headers = {
		contentType: 'application/json',
		payloadFormatIndicator: 'UTF8_DATA',
		userProperties: [{key: 'k', value: 'v'}],
	};
	assert.deepEqual(
		action({topic: 'b', headers})?.kind === 'republish' &&
			action({topic: 'b', headers}),
		{...action({topic: 'b', headers}), headers},
	);
	assert.ok(action({topic: '$$aws/things/${topic(5)}/shadow/update'}));
	const message = (body: unknown) => refused(republish(body)).message;
	assert.equal(
		message({}),
		"1 validation error detected: Value null at 'topicRulePayload.actions.1.republish.topic' failed to satisfy constraint: Member must not be null",
	);
	assert.equal(
		message({topic: ''}),
		"1 validation error detected: Value '' at 'topicRulePayload.actions.1.republish.topic' failed to satisfy constraint: Member must have length greater than or equal to 1",
	);
	assert.equal(
		message({topic: '$aws/things/x/shadow/update'}),
		"To republish to a reserved topic write $$ for its leading $ ('$$aws/things/x/shadow/update')",
	);
	assert.equal(
		message({topic: 'a/+/b'}),
		"The republish topic 'a/+/b' must be a topic name, without the wildcards + and #",
	);
	assert.equal(
		message({topic: '$$aws/things/${topic(3)}/jobs/get'}),
		'Republishing to reserved job topics is not supported',
	);
	assert.equal(
		message({topic: 'a/${nosuch()}'}),
		"Invalid substitution template at 'topicRulePayload.actions.1.republish.topic': Line 1:4 Function nosuch is not supported",
	);
	assert.equal(
		message({topic: 'b', qos: 2}),
		"1 validation error detected: Value 2 at 'topicRulePayload.actions.1.republish.qos' failed to satisfy constraint: Member must be 0 or 1",
	);
	assert.equal(
		message({topic: 'b', tpoic: 'c'}),
		"Unknown field 'tpoic' in topicRulePayload.actions.1.republish (allowed: topic, qos, roleArn, headers)",
	);
	assert.equal(
		message({topic: 'b', headers: {contentType: 1}}),
		"1 validation error detected: Value 1 at 'topicRulePayload.actions.1.republish.headers.contentType' failed to satisfy constraint: Member must be a string",
	);
	assert.equal(
		message({topic: 'b', headers: {userProperties: [{key: 'k'}]}}),
		"1 validation error detected: Value null at 'topicRulePayload.actions.1.republish.headers.userProperties.1.value' failed to satisfy constraint: Member must not be null",
	);
});

test('http: url, confirmationUrl prefix, header templates', () => {
	const rule = accepted(
		http({
			url: 'https://example.com/hook/${topic(2)}',
			confirmationUrl: 'https://example.com',
			headers: [{key: 'x-thing', value: '${clientid()}'}],
			auth: {sigv4: {}},
		}),
	);
	const [action] = rule.actions;
	assert.equal(action?.kind, 'http');
	if (action?.kind !== 'http') return;
	assert.equal(action.confirmationUrl, 'https://example.com');
	assert.equal(action.headers[0]?.key, 'x-thing');
	assert.deepEqual(action.auth, {sigv4: {}});
	assert.ok(
		accepted(http({url: 'http://127.0.0.1:8080/hook'})),
		'local http endpoints are allowed',
	);
	const message = (body: unknown) => refused(http(body)).message;
	assert.equal(
		message({url: 'ftp://example.com'}),
		"The url 'ftp://example.com' must use https:// (or http:// for a local endpoint)",
	);
	assert.equal(
		message({url: 'not a url'}),
		"The url 'not a url' is not a valid URL",
	);
	assert.equal(
		message({url: 'https://a.example/x', confirmationUrl: 'https://b.example'}),
		'The url must begin with the confirmationUrl',
	);
	assert.equal(
		message({url: 'https://a.example/${topic()}'}),
		'A url with a substitution template needs a confirmationUrl that it begins with',
	);
	assert.equal(
		message({url: `https://a.example/${'x'.repeat(2000)}`}).includes(
			'Member must have length less than or equal to 2000',
		),
		true,
	);
	assert.equal(
		message({url: 'https://a.example', headers: [{key: '', value: 'v'}]}),
		"1 validation error detected: Value '' at 'topicRulePayload.actions.1.http.headers.1.key' failed to satisfy constraint: Member must have length greater than or equal to 1",
	);
	assert.equal(
		message({url: 'https://a.example', enableBatching: true}),
		"Unknown field 'enableBatching' in topicRulePayload.actions.1.http (allowed: url, confirmationUrl, headers, auth)",
	);
});

test('deeply nested JSON in a payload is refused without a stack overflow', () => {
	let deep: unknown = 0;
	for (let level = 0; level < 100_000; level++) deep = [deep];
	assert.match(
		refused({sql: "SELECT * FROM 'a'", actions: [], description: deep}).message,
		/Value \[\[\[\[.*… at 'topicRulePayload.description'/,
	);
});

test('rule names: ^[a-zA-Z0-9_]+$, 1 to 128 characters', () => {
	for (const name of ['trim', 'Trim_Rule_2', '_', 'x'.repeat(128)])
		assert.equal(checkRuleName(name), undefined, name);
	assert.equal(
		checkRuleName(''),
		"1 validation error detected: Value '' at 'ruleName' failed to satisfy constraint: Member must have length greater than or equal to 1",
	);
	assert.equal(
		checkRuleName('x'.repeat(129)),
		`1 validation error detected: Value '${'x'.repeat(39)}…' at 'ruleName' failed to satisfy constraint: Member must have length less than or equal to 128`,
	);
	for (const name of ['my-rule', 'a b', 'ä', 'a.b', 'rule\n'])
		assert.match(
			checkRuleName(name) ?? '',
			/Member must satisfy regular expression pattern: \^\[a-zA-Z0-9_\]\+\$$/,
			name,
		);
});

test('null members count as not sent, as in AWS JSON', () => {
	const rule = accepted({
		sql: "SELECT * FROM 'a'",
		description: null,
		errorAction: null,
		ruleDisabled: null,
		awsIotSqlVersion: null,
		actions: [
			{republish: {topic: 'b', qos: null, roleArn: null, headers: null}},
		],
	});
	assert.equal(rule.ruleDisabled, false);
	assert.equal(rule.actions[0]?.kind === 'republish' && rule.actions[0].qos, 0);
	assert.equal(
		refused({sql: null, actions: []}).message,
		"1 validation error detected: Value null at 'topicRulePayload.sql' failed to satisfy constraint: Member must not be null",
	);
});
