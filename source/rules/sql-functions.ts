/*
The functions a rule statement may call: the subset of the AWS IoT SQL
reference's "Functions" page that a local service can run without other AWS
services, under AWS's names. Names match in any case (AWS's own examples
write `Round(1.2)` and `Trim(" hi ")`). Arity is checked when the statement
is parsed, so a rule with a wrong call is refused at CreateTopicRule as on
AWS; wrong argument types give Undefined at run time, as AWS documents.
coalesce() and nanvl() are left out: the first is not an AWS IoT function.
*/
import type {CastType, Expression} from './sql-ast.js';
import type {EvaluationScope} from './rule-context.js';
import {arithmetic} from './sql-operators.js';
import {
	concat,
	decodeBase64,
	encodeBase64,
	get,
	ltrim,
	replace,
	rtrim,
	strings,
	substring,
	trim,
} from './sql-string-functions.js';
import {
	boundedString,
	isInt,
	toBoolean,
	toDecimal,
	toInt,
	toSqlString,
} from './sql-values.js';

export type CallSite = {
	readonly scope: EvaluationScope;
	/** The argument expressions, for encode(*, …) which reads the raw payload. */
	readonly nodes: readonly Expression[];
};

export type SqlFunction = {
	/** AWS's spelling. */
	readonly name: string;
	readonly minArgs: number;
	readonly maxArgs: number;
	/** A parse-time check of the argument expressions; returns what is wrong. */
	readonly check?: (args: readonly Expression[]) => string | undefined;
	readonly evaluate: (args: readonly unknown[], call: CallSite) => unknown;
};

/** Our bound on concat()'s arguments; AWS documents none. */
export const maxConcatArguments = 100;

function numeric(
	apply: (value: number) => number,
): (args: readonly unknown[]) => unknown {
	return ([value]) => {
		const decimal = toDecimal(value);
		if (decimal === undefined) return undefined;
		const result = apply(decimal);
		return Number.isFinite(result) ? result : undefined;
	};
}

function textual(
	apply: (...texts: string[]) => unknown,
): (args: readonly unknown[]) => unknown {
	return (args) => {
		const texts = strings(args);
		return texts ? apply(...texts) : undefined;
	};
}

/** startswith/endswith: Null or Undefined on either side is Undefined, anything else is compared as Strings. */
function affix(test: (text: string, part: string) => boolean) {
	return (args: readonly unknown[]) =>
		args.some((arg) => arg === null || arg === undefined)
			? undefined
			: textual(test)(args);
}

function base64Scheme(name: string) {
	return (args: readonly Expression[]) => {
		const scheme = args[1];
		return scheme?.kind === 'literal' && scheme.value === 'base64'
			? undefined
			: `${name}() supports only the literal encoding scheme 'base64'`;
	};
}

/** round(): halves go away from zero, as AWS's examples show (round(-1.5) = -2). */
const roundHalfAway = (value: number) =>
	Math.sign(value) * Math.round(Math.abs(value));

const table: readonly SqlFunction[] = [
	{name: 'abs', minArgs: 1, maxArgs: 1, evaluate: numeric(Math.abs)},
	{name: 'ceil', minArgs: 1, maxArgs: 1, evaluate: numeric(Math.ceil)},
	{name: 'floor', minArgs: 1, maxArgs: 1, evaluate: numeric(Math.floor)},
	{name: 'round', minArgs: 1, maxArgs: 1, evaluate: numeric(roundHalfAway)},
	{name: 'sign', minArgs: 1, maxArgs: 1, evaluate: numeric(Math.sign)},
	{
		name: 'mod',
		minArgs: 2,
		maxArgs: 2,
		evaluate: ([a, b]) => arithmetic('%', a, b),
	},
	{
		name: 'remainder',
		minArgs: 2,
		maxArgs: 2,
		evaluate: ([a, b]) => arithmetic('%', a, b),
	},
	{name: 'concat', minArgs: 0, maxArgs: maxConcatArguments, evaluate: concat},
	{
		name: 'get',
		minArgs: 2,
		maxArgs: 2,
		evaluate: ([collection, key]) => get(collection, key),
	},
	{
		name: 'startswith',
		minArgs: 2,
		maxArgs: 2,
		evaluate: affix((a, b) => a.startsWith(b)),
	},
	{
		name: 'endswith',
		minArgs: 2,
		maxArgs: 2,
		evaluate: affix((a, b) => a.endsWith(b)),
	},
	{
		name: 'indexof',
		minArgs: 2,
		maxArgs: 2,
		evaluate: textual((a, b) => a.indexOf(b)),
	},
	{
		name: 'upper',
		minArgs: 1,
		maxArgs: 1,
		evaluate: textual((a) => boundedString(a.toUpperCase())),
	},
	{
		name: 'lower',
		minArgs: 1,
		maxArgs: 1,
		evaluate: textual((a) => boundedString(a.toLowerCase())),
	},
	{name: 'trim', minArgs: 1, maxArgs: 1, evaluate: textual(trim)},
	{name: 'ltrim', minArgs: 1, maxArgs: 1, evaluate: textual(ltrim)},
	{name: 'rtrim', minArgs: 1, maxArgs: 1, evaluate: textual(rtrim)},
	{name: 'length', minArgs: 1, maxArgs: 1, evaluate: textual((a) => a.length)},
	{
		name: 'numbytes',
		minArgs: 1,
		maxArgs: 1,
		evaluate: textual((a) => Buffer.byteLength(a)),
	},
	{
		name: 'replace',
		minArgs: 3,
		maxArgs: 3,
		evaluate: textual(replace),
	},
	{
		name: 'substring',
		minArgs: 2,
		maxArgs: 3,
		evaluate: ([text, start, end], call) => {
			const value = toSqlString(text);
			return value === undefined
				? undefined
				: substring(value, start, end, call.nodes.length === 3);
		},
	},
	{
		name: 'isUndefined',
		minArgs: 1,
		maxArgs: 1,
		evaluate: ([value]) => value === undefined,
	},
	{
		name: 'isNull',
		minArgs: 1,
		maxArgs: 1,
		evaluate: ([value]) => value === null,
	},
	{name: 'topic', minArgs: 0, maxArgs: 1, evaluate: topicLevel},
	{
		name: 'clientid',
		minArgs: 0,
		maxArgs: 0,
		evaluate: (_, call) => call.scope.context.clientId,
	},
	{
		name: 'timestamp',
		minArgs: 0,
		maxArgs: 0,
		evaluate: (_, call) => call.scope.context.now,
	},
	{
		name: 'newuuid',
		minArgs: 0,
		maxArgs: 0,
		evaluate: (_, call) => call.scope.context.newUuid(),
	},
	{name: 'sql_version', minArgs: 0, maxArgs: 0, evaluate: () => '2016-03-23'},
	{
		name: 'encode',
		minArgs: 2,
		maxArgs: 2,
		check: base64Scheme('encode'),
		evaluate: ([value], call) => {
			// encode(*, …) reads the payload's bytes, JSON or not (the encode() entry of the reference).
			if (call.nodes[0]?.kind === 'payload')
				return encodeBase64(call.scope.context.payload);
			const text = toSqlString(value);
			return text === undefined ? undefined : encodeBase64(Buffer.from(text));
		},
	},
	{
		name: 'decode',
		minArgs: 2,
		maxArgs: 2,
		check: base64Scheme('decode'),
		evaluate: ([value]) => decodeBase64(value),
	},
];

/** topic() is the whole topic, topic(n) its n-th level counted from 1. */
function topicLevel(args: readonly unknown[], call: CallSite): unknown {
	const {topic} = call.scope.context;
	if (args.length === 0) return topic;
	const level = toInt(args[0]);
	if (level === undefined || level < 1) return undefined;
	return topic.split('/')[level - 1];
}

const byName = new Map(table.map((entry) => [entry.name.toLowerCase(), entry]));

export function findSqlFunction(name: string): SqlFunction | undefined {
	return byName.get(name.toLowerCase());
}

export const supportedFunctionNames: readonly string[] = [
	...table.map((entry) => entry.name),
	'cast',
].sort();

/** AWS IoT functions this service cannot run (other AWS services, certificates, Joda time), for a clearer refusal. */
const awsOnlyFunctions = new Set(
	[
		'accountid acos asin atan atan2 aws_lambda bitand bitor bitxor bitnot chr cos cosh exp',
		'get_dynamodb get_mqtt_property get_secret get_thing_shadow ln log lpad rpad',
		'machinelearning_predict md2 md5 sha1 sha224 sha256 sha384 sha512 nanvl parse_time power',
		'principal rand regexp_matches regexp_replace regexp_substr sin sinh sqrt tan tanh',
		'time_to_epoch traceid transform trunc',
	]
		.join(' ')
		.split(' '),
);

export function isAwsOnlyFunction(name: string): boolean {
	return awsOnlyFunctions.has(name.toLowerCase());
}

/** cast(x AS type), with the cast function's rules (Booleans convert to and from numbers here). */
export function castValue(value: unknown, type: CastType): unknown {
	switch (type) {
		case 'String': {
			return toSqlString(value);
		}

		case 'Boolean': {
			return typeof value === 'number' ? value !== 0 : toBoolean(value);
		}

		case 'Decimal':
		case 'Int': {
			const number =
				typeof value === 'boolean' ? Number(value) : toDecimal(value);
			if (number === undefined) return undefined;
			return type === 'Int' && !isInt(number) ? Math.trunc(number) : number;
		}
	}
}
