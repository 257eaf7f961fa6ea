/*
The actions of a TopicRulePayload (AWS's Action type) this service can run:
`republish` and `http`. An Action is an object with exactly one action type
as its key. Every other AWS action needs an AWS service and is refused with
a message naming the two that work, so a rule file meant for AWS fails here
loudly instead of never doing anything.
*/
import {checkHttp, type HttpAction} from './http-action.js';
import {invalid, record} from './payload-checks.js';
import {checkRepublish, type RepublishAction} from './republish-action.js';
import {shown} from './sql-error.js';

export type RuleAction = RepublishAction | HttpAction;

export const supportedActionTypes = ['republish', 'http'] as const;

/** The other action types of AWS's Action API type. */
const awsActionTypes = new Set(
	[
		'cloudwatchAlarm cloudwatchLogs cloudwatchMetric dynamoDB dynamoDBv2 elasticsearch',
		'firehose iotAnalytics iotEvents iotSiteWise kafka kinesis lambda location openSearch',
		's3 salesforce sns sqs stepFunctions timestream',
	]
		.join(' ')
		.split(' '),
);

export function checkAction(value: unknown, path: string): RuleAction {
	const definition = record(value, path);
	const types = Object.keys(definition);
	const [type] = types;
	if (type === undefined || types.length > 1)
		throw invalid(
			`The action at ${path} must have exactly one action type, found ${types.length}${types.length > 0 ? ` (${types.map((name) => shown(name)).join(', ')})` : ''}`,
		);
	const body = record(definition[type], `${path}.${type}`);
	if (type === 'republish')
		return checkRepublish(body, `${path}.republish`, definition);
	if (type === 'http') return checkHttp(body, `${path}.http`, definition);
	const supported = supportedActionTypes.join(' and ');
	throw invalid(
		awsActionTypes.has(type)
			? `The ${type} action needs AWS and is not supported by this local service; supported actions: ${supported}`
			: `Unknown action type '${shown(type)}' at ${path}; supported actions: ${supported}`,
	);
}
