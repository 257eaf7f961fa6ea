/*
AWS IoT policies, evaluated as AWS IoT Core does: a request is allowed when
some Allow statement matches its action and resource and no Deny statement
does (an explicit deny wins; no match is an implicit deny).

Resources are ARNs; only the part after the account is compared, so a policy
written for arn:aws:iot:us-east-1:123456789012:... works here unchanged.
`*` and `?` are the only wildcards (MQTT's `+` and `#` in a topicfilter
resource are literal characters, as on AWS). Policy variables are replaced
by the connection's values before matching and never act as wildcards; a
resource whose variable has no value (an app has no thing name) matches
nothing. Anything we cannot evaluate faithfully (Condition, NotAction,
NotResource, unknown variables) is refused when the policy is loaded: a
policy that silently means something else is worse than none.

Topics are the client's, up to the message size long, so patterns are
matched without regular expressions (wildcard.ts) and the decisions a
connection remembers are bounded in size (verdict-cache.ts).
*/
import {createVerdictCache, type VerdictCache} from './verdict-cache.js';
import {
	literalWildcard,
	matchesWildcard,
	parseWildcard,
	type Wildcard,
} from './wildcard.js';

export const policyActions = [
	'iot:Connect',
	'iot:Publish',
	'iot:Subscribe',
	'iot:Receive',
	'iot:GetThingShadow',
	'iot:UpdateThingShadow',
	'iot:DeleteThingShadow',
	'iot:ListNamedShadowsForThing',
	// Fleet Indexing, on index/AWS_Things.
	'iot:SearchIndex',
	'iot:GetBucketsAggregation',
	'iot:GetStatistics',
] as const;

export type PolicyAction = (typeof policyActions)[number];

/** The resource of a request, without the ARN prefix: `topic/...`, `topicfilter/...`, `client/...`, `thing/...`. */
export type PolicyResource = string;

export type PolicyVariables = {
	readonly 'iot:ClientId'?: string;
	readonly 'iot:Connection.Thing.ThingName'?: string;
};

const knownVariables = new Set<string>([
	'iot:ClientId',
	'iot:Connection.Thing.ThingName',
]);

/** Where a statement was written, so that a refusal can name it. */
export type StatementOrigin = {
	/** The policy's name in the policy file ('policy' for a file holding one policy). */
	readonly policy: string;
	/** 1-based, as a reader counts the Statement list. */
	readonly index: number;
	readonly sid?: string;
};

type Statement = {
	readonly origin: StatementOrigin;
	readonly effect: 'Allow' | 'Deny';
	/** Lower case: actions compare without regard to case, as on AWS. */
	readonly actions: readonly Wildcard[];
	/** Resource patterns with ${...} variables still in them. */
	readonly resources: readonly string[];
};

export type Policy = {
	readonly statements: readonly Statement[];
};

export type PolicyResult =
	| {readonly ok: true; readonly policy: Policy}
	| {readonly ok: false; readonly error: string};

/** Validates an AWS IoT policy document (already parsed JSON), named as the policy file names it. */
export function parsePolicy(document: unknown, name = 'policy'): PolicyResult {
	if (!isObject(document))
		return fail('a policy must be a JSON object with a Statement');
	const raw = document.Statement;
	const list = Array.isArray(raw) ? (raw as unknown[]) : [raw];
	if (raw === undefined || list.length === 0)
		return fail('a policy needs at least one Statement');
	const statements: Statement[] = [];
	for (const [index, item] of list.entries()) {
		const where = `Statement ${index + 1}`;
		if (!isObject(item)) return fail(`${where} must be an object`);
		for (const key of Object.keys(item)) {
			if (!['Effect', 'Action', 'Resource', 'Sid'].includes(key))
				return fail(`${where}: ${key} is not supported by shadow-tui`);
		}

		if (item.Sid !== undefined && typeof item.Sid !== 'string')
			return fail(`${where}: Sid must be a string`);

		if (item.Effect !== 'Allow' && item.Effect !== 'Deny')
			return fail(`${where}: Effect must be "Allow" or "Deny"`);
		const actions = stringList(item.Action);
		if (!actions) return fail(`${where}: Action must be a string or a list`);
		const resources = stringList(item.Resource);
		if (!resources)
			return fail(`${where}: Resource must be a string or a list`);
		const actionPatterns: Wildcard[] = [];
		for (const action of actions) {
			const pattern = parseWildcard(action.toLowerCase());
			if (!policyActions.some((known) => matchesAction(pattern, known)))
				return fail(`${where}: unknown action '${action}'`);
			actionPatterns.push(pattern);
		}

		const resourcePatterns: string[] = [];
		for (const resource of resources) {
			const parsed = resourcePart(resource);
			if (parsed === undefined)
				return fail(
					`${where}: '${resource}' is not an AWS IoT resource ARN (arn:aws:iot:REGION:ACCOUNT:TYPE/NAME)`,
				);
			for (const match of parsed.matchAll(/\${([^}]*)}/g)) {
				if (!knownVariables.has(match[1] ?? ''))
					return fail(
						`${where}: unsupported policy variable '\${${match[1]}}'`,
					);
			}

			resourcePatterns.push(parsed);
		}

		statements.push({
			origin: {
				policy: name,
				index: index + 1,
				...(item.Sid === undefined ? {} : {sid: item.Sid}),
			},
			effect: item.Effect,
			actions: actionPatterns,
			resources: resourcePatterns,
		});
	}

	return {ok: true, policy: {statements}};
}

/** The resource types that requests here name; AWS has more (jobs, rules, ...), which match nothing here. */
const checkedResourceTypes = [
	'client',
	'topic',
	'topicfilter',
	'thing',
	'index',
];

/**
Statements that load but can never match a request here: a resource type
that is misspelt or belongs to another AWS service. AWS accepts them too, so
they are warnings, not errors.
*/
export function policyWarnings(policy: Policy): string[] {
	const warnings: string[] = [];
	for (const statement of policy.statements) {
		for (const resource of statement.resources) {
			const literal = /^[^*?$]*/.exec(resource)?.[0] ?? '';
			const slash = literal.indexOf('/');
			const known =
				slash === -1
					? checkedResourceTypes.some((type) => type.startsWith(literal))
					: checkedResourceTypes.includes(literal.slice(0, slash));
			if (!known)
				warnings.push(
					`${describeOrigin(statement.origin)}: resource '${resource}' is of no type shadow-tui checks (${checkedResourceTypes.map((type) => `${type}/`).join(', ')}), so it matches nothing`,
				);
		}
	}

	return warnings;
}

/** Several policies attached to one principal act as one. */
export function combinePolicies(policies: readonly Policy[]): Policy {
	return {statements: policies.flatMap((policy) => policy.statements)};
}

export type Access = {
	allows(action: PolicyAction, resource: PolicyResource): boolean;
	/** Why a request is refused, for the log: the Deny statement that matched, or the missing Allow. */
	explain(action: PolicyAction, resource: PolicyResource): string;
};

/** The policy with one connection's variables filled in, ready to answer many requests. */
export function bindPolicy(
	policy: Policy,
	variables: PolicyVariables,
	verdicts: VerdictCache = createVerdictCache(),
): Access {
	const compiled = policy.statements.map((statement) => ({
		origin: statement.origin,
		effect: statement.effect,
		actions: statement.actions,
		resources: statement.resources.flatMap((resource) => {
			const bound = bindVariables(resource, variables);
			return bound === undefined ? [] : [bound];
		}),
	}));
	const matching = (action: PolicyAction, resource: PolicyResource) =>
		compiled.filter(
			(statement) =>
				statement.actions.some((pattern) => matchesAction(pattern, action)) &&
				statement.resources.some((pattern) =>
					matchesWildcard(pattern, resource),
				),
		);
	return {
		allows(action, resource) {
			const key = `${action}\n${resource}`;
			const cached = verdicts.get(key);
			if (cached !== undefined) return cached;
			const matched = matching(action, resource);
			const verdict =
				matched.some((statement) => statement.effect === 'Allow') &&
				!matched.some((statement) => statement.effect === 'Deny');
			verdicts.set(key, verdict);
			return verdict;
		},
		explain(action, resource) {
			const matched = matching(action, resource);
			const deny = matched.find((statement) => statement.effect === 'Deny');
			if (deny) return `denied by ${describeOrigin(deny.origin)}`;
			const allow = matched.find((statement) => statement.effect === 'Allow');
			if (allow) return `allowed by ${describeOrigin(allow.origin)}`;
			const names = [
				...new Set(compiled.map((statement) => statement.origin.policy)),
			];
			return names.length === 0
				? 'no policy is attached to this principal'
				: `no Allow statement matches (policies: ${names.join(', ')})`;
		},
	};
}

export function describeOrigin(origin: StatementOrigin): string {
	return `policy '${origin.policy}' statement ${origin.index}${origin.sid ? ` (Sid ${origin.sid})` : ''}`;
}

function matchesAction(pattern: Wildcard, action: string): boolean {
	return matchesWildcard(pattern, action.toLowerCase());
}

/** Resource string for a request, to compare with a policy's resources. */
export const resources = {
	client: (clientId: string) => `client/${clientId}`,
	topic: (topic: string) => `topic/${topic}`,
	topicFilter: (filter: string) => `topicfilter/${filter}`,
	thing: (thingName: string) => `thing/${thingName}`,
	index: (indexName: string) => `index/${indexName}`,
};

function bindVariables(
	resource: string,
	variables: PolicyVariables,
): Wildcard | undefined {
	let pattern: Wildcard = [];
	let rest = resource;
	for (;;) {
		const start = rest.indexOf('${');
		if (start === -1) break;
		const end = rest.indexOf('}', start);
		const name = rest.slice(start + 2, end) as keyof PolicyVariables;
		const value = variables[name];
		if (value === undefined) return undefined;
		// concat, not push(...): a client id can be longer than an argument list may be.
		pattern = pattern.concat(
			parseWildcard(rest.slice(0, start)),
			literalWildcard(value),
		);
		rest = rest.slice(end + 1);
	}

	return pattern.concat(parseWildcard(rest));
}

/** `arn:aws:iot:region:account:topic/x` -> `topic/x`; `*` -> `*`. */
function resourcePart(arn: string): string | undefined {
	if (arn === '*') return '*';
	const parts = arn.split(':');
	if (parts.length < 6 || parts[0] !== 'arn') return undefined;
	if (!['aws', '*'].includes(parts[1] ?? '')) return undefined;
	if (!['iot', '*'].includes(parts[2] ?? '')) return undefined;
	// The resource itself may contain ':' (thing names and topics can).
	return parts.slice(5).join(':');
}

function stringList(value: unknown): string[] | undefined {
	const list = Array.isArray(value) ? (value as unknown[]) : [value];
	if (list.length === 0) return undefined;
	return list.every((item) => typeof item === 'string') ? list : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(error: string): PolicyResult {
	return {ok: false, error};
}
