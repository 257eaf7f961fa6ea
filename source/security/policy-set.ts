/*
Which policies apply to which principal. On AWS a policy is attached to a
certificate; here the policy file says it by principal name:

  {"policies": {"device": {AWS policy}, "ops": {AWS policy}},
   "attach": {"thing:*": ["device"], "app:ops-console": ["ops"], "user:*": ["ops"]}}

A file holding a single AWS policy document (with a Statement) applies it to
every principal. A principal no entry names gets no policy, so nothing is
allowed: the safe default for a name nobody thought of.
*/
import {
	combinePolicies,
	parsePolicy,
	policyWarnings,
	type Policy,
} from './policy.js';
import {matchesWildcard, parseWildcard, type Wildcard} from './wildcard.js';

/** Who a connection is: a device certificate's thing, an app certificate, or a user with a password. */
export type PrincipalName = {
	readonly kind: 'thing' | 'app' | 'user';
	readonly name: string;
};

export type PolicySet = {
	policyFor(principal: PrincipalName): Policy;
};

export type PolicySetResult =
	| {
			readonly ok: true;
			readonly set: PolicySet;
			/** Statements that can never match here (policyWarnings). */
			readonly warnings: readonly string[];
	  }
	| {readonly ok: false; readonly error: string};

const statementPrefix = 'arn:aws:iot:*:*:';

/** What the HTTP data-plane API asks for, on thing/NAME. */
const httpActions = [
	'iot:GetThingShadow',
	'iot:UpdateThingShadow',
	'iot:DeleteThingShadow',
	'iot:ListNamedShadowsForThing',
];

/** A device: only its own client id, its own shadows (MQTT and HTTP). */
export const defaultDevicePolicy = {
	Version: '2012-10-17',
	Statement: [
		{
			Effect: 'Allow',
			Action: 'iot:Connect',
			Resource: `${statementPrefix}client/\${iot:Connection.Thing.ThingName}`,
		},
		{
			Effect: 'Allow',
			Action: ['iot:Publish', 'iot:Receive'],
			Resource: `${statementPrefix}topic/$aws/things/\${iot:Connection.Thing.ThingName}/shadow/*`,
		},
		{
			Effect: 'Allow',
			Action: 'iot:Subscribe',
			Resource: `${statementPrefix}topicfilter/$aws/things/\${iot:Connection.Thing.ThingName}/shadow/*`,
		},
		{
			Effect: 'Allow',
			Action: httpActions,
			Resource: `${statementPrefix}thing/\${iot:Connection.Thing.ThingName}`,
		},
	],
};

/** An app or console: every thing's shadows and presence events. Narrow `*` to the things it may use. */
export const defaultAppPolicy = {
	Version: '2012-10-17',
	Statement: [
		{
			Effect: 'Allow',
			Action: 'iot:Connect',
			Resource: `${statementPrefix}client/*`,
		},
		{
			Effect: 'Allow',
			Action: ['iot:Publish', 'iot:Receive'],
			Resource: [
				`${statementPrefix}topic/$aws/things/*/shadow/*`,
				`${statementPrefix}topic/$aws/events/presence/*`,
			],
		},
		{
			Effect: 'Allow',
			Action: 'iot:Subscribe',
			Resource: [
				`${statementPrefix}topicfilter/$aws/things/*/shadow/*`,
				`${statementPrefix}topicfilter/$aws/events/presence/*`,
			],
		},
		{
			Effect: 'Allow',
			Action: httpActions,
			Resource: `${statementPrefix}thing/*`,
		},
	],
};

/** The policy file `serve` uses when none is given; `certs policy` prints it as a starting point. */
export const defaultPolicyFile = {
	policies: {device: defaultDevicePolicy, app: defaultAppPolicy},
	attach: {'thing:*': ['device'], 'app:*': ['app'], 'user:*': ['app']},
};

export function parsePolicySet(document: unknown): PolicySetResult {
	if (typeof document !== 'object' || document === null)
		return {ok: false, error: 'a policy file must hold a JSON object'};
	const record = document as Record<string, unknown>;
	if ('Statement' in record) {
		const single = parsePolicy(record);
		if (!single.ok) return single;
		return {
			ok: true,
			set: {policyFor: () => single.policy},
			warnings: policyWarnings(single.policy),
		};
	}

	const {policies, attach} = record;
	if (!isRecord(policies) || !isRecord(attach)) {
		return {
			ok: false,
			error:
				'a policy file holds either one AWS IoT policy (with "Statement") or {"policies": {...}, "attach": {...}}',
		};
	}

	const parsed = new Map<string, Policy>();
	for (const [name, policyDocument] of Object.entries(policies)) {
		const result = parsePolicy(policyDocument, name);
		if (!result.ok)
			return {ok: false, error: `policy '${name}': ${result.error}`};
		parsed.set(name, result.policy);
	}

	const attachments: {pattern: Wildcard; policies: Policy[]}[] = [];
	for (const [selector, names] of Object.entries(attach)) {
		const match = /^(thing|app|user):(.+)$/.exec(selector);
		if (!match)
			return {
				ok: false,
				error: `attach: '${selector}' must be thing:NAME, app:NAME or user:NAME (NAME may use *)`,
			};
		const list = Array.isArray(names) ? (names as unknown[]) : [names];
		const attached: Policy[] = [];
		for (const name of list) {
			const policy = typeof name === 'string' ? parsed.get(name) : undefined;
			if (!policy)
				return {
					ok: false,
					error: `attach: '${selector}' names an unknown policy '${String(name)}'`,
				};
			attached.push(policy);
		}

		attachments.push({pattern: selectorPattern(selector), policies: attached});
	}

	return {
		ok: true,
		warnings: [...parsed.values()].flatMap((policy) => policyWarnings(policy)),
		set: {
			policyFor(principal) {
				const key = `${principal.kind}:${principal.name}`;
				return combinePolicies(
					attachments
						.filter((attachment) => matchesWildcard(attachment.pattern, key))
						.flatMap((attachment) => attachment.policies),
				);
			},
		},
	};
}

function selectorPattern(selector: string): Wildcard {
	// `?` is a literal here: only `*` is documented for selectors.
	return parseWildcard(selector, {questionMark: 'literal'});
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function defaultPolicies(): PolicySet {
	const result = parsePolicySet(defaultPolicyFile);
	if (!result.ok)
		throw new Error(`the default policy is invalid: ${result.error}`);
	return result.set;
}

/**
What `serve --tls-ca` alone means: the user's CA is the whole of the
authorization, as with Mosquitto's require_certificate. Every client with a
valid certificate may connect with any client id and use every topic; the
broker's own rules (service-only topics, $SYS, retained reserved topics)
still apply.
*/
export const everyCertificatePolicy = {
	Version: '2012-10-17',
	Statement: [
		{
			Sid: 'EveryClientOfTheCa',
			Effect: 'Allow',
			Action: 'iot:*',
			Resource: '*',
		},
	],
};

export function everyCertificatePolicies(): PolicySet {
	const result = parsePolicy(everyCertificatePolicy, 'every-certificate');
	if (!result.ok)
		throw new Error(`the open policy is invalid: ${result.error}`);
	const {policy} = result;
	return {policyFor: () => policy};
}
