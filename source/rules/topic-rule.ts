/*
CreateTopicRule's input checked the way AWS IoT checks it: the rule name
(TopicRule.ruleName: ^[a-zA-Z0-9_]+$, 1 to 128 characters) and the
TopicRulePayload (sql required, actions required with at most 10, optional
description, errorAction, ruleDisabled and awsIotSqlVersion). A statement
that does not parse is a SqlParseException; everything else is an
InvalidRequestException, worded like AWS's validation messages where AWS has
one.

SQL versions: only 2016-03-23 is implemented, so only it is accepted, and a
payload without awsIotSqlVersion runs as 2016-03-23. Note that AWS itself
defaults a missing version to 2015-10-08, whose semantics differ (no literals,
no top-level arrays); a rule file meant for AWS should name 2016-03-23.
2015-10-08 and beta are refused with that explanation rather than run with
the wrong semantics.
*/
import {
	constraint,
	invalid,
	list,
	onlyKeys,
	optionalString,
	PayloadRefusal,
	record,
	type RefusalCode,
} from './payload-checks.js';
import {checkAction, type RuleAction} from './rule-actions.js';
import {shown} from './sql-error.js';
import {
	parseRuleSql,
	sqlParseExceptionName,
	type ParsedSql,
} from './sql-parser.js';

export type {RefusalCode} from './payload-checks.js';
export type {RuleAction} from './rule-actions.js';
export {supportedActionTypes} from './rule-actions.js';

export type TopicRule = {
	/** The statement as sent, for GetTopicRule. */
	readonly sql: string;
	readonly parsed: ParsedSql;
	readonly description?: string;
	readonly actions: readonly RuleAction[];
	readonly errorAction?: RuleAction;
	readonly ruleDisabled: boolean;
	readonly awsIotSqlVersion: '2016-03-23';
};

export type TopicRuleCheck =
	| {readonly ok: true; readonly rule: TopicRule}
	| {readonly ok: false; readonly code: RefusalCode; readonly message: string};

/** AWS's limits (the TopicRulePayload and TopicRule API pages). */
export const topicRuleLimits = {
	maxActions: 10,
	maxRuleNameLength: 128,
} as const;

const payloadKeys = [
	'sql',
	'description',
	'actions',
	'errorAction',
	'ruleDisabled',
	'awsIotSqlVersion',
];

function isNameCharacter(code: number): boolean {
	return (
		(code >= 0x30 && code <= 0x39) ||
		(code >= 0x41 && code <= 0x5a) ||
		(code >= 0x61 && code <= 0x7a) ||
		code === 0x5f
	);
}

/** What is wrong with a rule name, in AWS's words, or undefined. */
export function checkRuleName(name: string): string | undefined {
	const refuse = (rule: string) => constraint('ruleName', name, rule).message;
	if (name.length < 1)
		return refuse('Member must have length greater than or equal to 1');
	if (name.length > topicRuleLimits.maxRuleNameLength)
		return refuse(
			`Member must have length less than or equal to ${topicRuleLimits.maxRuleNameLength}`,
		);
	for (let index = 0; index < name.length; index++) {
		if (!isNameCharacter(name.charCodeAt(index)))
			return refuse(
				'Member must satisfy regular expression pattern: ^[a-zA-Z0-9_]+$',
			);
	}

	return undefined;
}

function sqlVersion(value: unknown): '2016-03-23' {
	const version =
		optionalString(value, 'topicRulePayload.awsIotSqlVersion') ?? '2016-03-23';
	if (version === '2016-03-23') return version;
	if (version === '2015-10-08' || version === 'beta')
		throw invalid(
			`awsIotSqlVersion '${version}' exists on AWS IoT, but this local service implements only '2016-03-23'; set awsIotSqlVersion to '2016-03-23'`,
		);
	throw invalid(
		`Invalid awsIotSqlVersion '${shown(version)}': AWS IoT knows '2016-03-23', '2015-10-08' and 'beta'`,
	);
}

function actionList(value: unknown): RuleAction[] {
	const path = 'topicRulePayload.actions';
	if (value === undefined)
		throw constraint(path, value, 'Member must not be null');
	return list(value, path, topicRuleLimits.maxActions).map((action, index) =>
		checkAction(action, `${path}.${index + 1}`),
	);
}

function topicRule(value: unknown): TopicRule {
	const payload = record(value, 'topicRulePayload');
	onlyKeys(payload, 'topicRulePayload', payloadKeys);
	if (payload.sql === undefined)
		throw constraint(
			'topicRulePayload.sql',
			undefined,
			'Member must not be null',
		);
	const sql = optionalString(payload.sql, 'topicRulePayload.sql') ?? '';
	const awsIotSqlVersion = sqlVersion(payload.awsIotSqlVersion);
	const parsed = parseRuleSql(sql);
	if (!parsed.ok)
		throw new PayloadRefusal(sqlParseExceptionName, parsed.message);
	const description = optionalString(
		payload.description,
		'topicRulePayload.description',
	);
	const ruleDisabled = payload.ruleDisabled ?? false;
	if (typeof ruleDisabled !== 'boolean')
		throw constraint(
			'topicRulePayload.ruleDisabled',
			ruleDisabled,
			'Member must be a boolean',
		);
	const actions = actionList(payload.actions);
	const errorAction =
		payload.errorAction === undefined
			? undefined
			: checkAction(payload.errorAction, 'topicRulePayload.errorAction');
	return {
		sql,
		parsed: parsed.sql,
		actions,
		ruleDisabled,
		awsIotSqlVersion,
		...(description === undefined ? {} : {description}),
		...(errorAction ? {errorAction} : {}),
	};
}

/** Checks CreateTopicRule's `topicRulePayload`; never throws for bad input. */
export function checkTopicRulePayload(payload: unknown): TopicRuleCheck {
	try {
		return {ok: true, rule: topicRule(payload)};
	} catch (error: unknown) {
		if (error instanceof PayloadRefusal)
			return {ok: false, code: error.code, message: error.message};
		throw error;
	}
}
