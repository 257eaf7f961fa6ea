/*
Runs a parsed rule statement against one message, as AWS IoT's rules engine
does: the rule fires when the topic matches FROM and WHERE is exactly true
(Undefined, false or any other value drop the message); then SELECT builds
the output, leaving out items that are Undefined.

The payload is parsed once. When it is not JSON, paths are Undefined and `*`
inside an expression is the base64 text of its bytes; a statement whose
whole output is the payload (`SELECT *`, `SELECT VALUE *`) passes the raw
bytes through as a Buffer, as AWS passes binary payloads on. An unaliased
`*` among other items copies the keys of a JSON object payload and adds
nothing otherwise.

Recursion follows the statement's tree, whose depth the parser bounds; walks
over the payload are loops. The output is checked against our bounds before
it is returned, so a statement that repeats a large payload many times is
dropped with a reason instead of building megabytes.
*/
import {stringifyJson} from './bounded-json.js';
import {
	createScope,
	type EvaluationScope,
	type RuleContext,
} from './rule-context.js';
import type {Expression, SelectClause, SelectItem} from './sql-ast.js';
import {castValue, findSqlFunction} from './sql-functions.js';
import {arithmetic, compare, logical, negate, not} from './sql-operators.js';
import type {ParsedSql} from './sql-parser.js';
import {get} from './sql-string-functions.js';
import {isJsonObject, memberOf, setMember, sqlEquals} from './sql-values.js';
import {topicMatches} from '../traffic/topic-filter.js';

export type {RuleContext} from './rule-context.js';

export type RuleEvaluation =
	| {readonly fired: false; readonly error?: string}
	/** output: the JSON value (an object for SELECT, any value for SELECT VALUE), a Buffer for raw bytes, or undefined for an Undefined SELECT VALUE. */
	| {readonly fired: true; readonly output: unknown};

export const ruleOutputLimits = {
	/** Our bound on the output's JSON text; AWS's own message limit is 128 KiB. */
	maxLength: 1024 * 1024,
	/** Our bound on its nesting, so JSON.stringify of it cannot overflow the stack. */
	maxDepth: 512,
} as const;

function evaluatePath(
	node: Extract<Expression, {kind: 'path'}>,
	scope: EvaluationScope,
): unknown {
	let value =
		node.base === undefined ? scope.payload : evaluate(node.base, scope);
	for (const step of node.steps) {
		if (value === undefined) return undefined;
		value =
			step.kind === 'key'
				? memberOf(value, step.name)
				: get(value, evaluate(step.index, scope));
	}

	return value;
}

function evaluateCall(
	node: Extract<Expression, {kind: 'call'}>,
	scope: EvaluationScope,
): unknown {
	const entry = findSqlFunction(node.name);
	if (!entry)
		throw new Error(`the parser accepted the unknown function ${node.name}`);
	const args = node.args.map((arg) => evaluate(arg, scope));
	return entry.evaluate(args, {scope, nodes: node.args});
}

function evaluateObject(
	node: Extract<Expression, {kind: 'object'}>,
	scope: EvaluationScope,
): unknown {
	const object: Record<string, unknown> = {};
	for (const entry of node.entries) {
		const value = evaluate(entry.value, scope);
		if (value !== undefined) setMember(object, entry.key, value);
	}

	return object;
}

function evaluateCase(
	node: Extract<Expression, {kind: 'case'}>,
	scope: EvaluationScope,
): unknown {
	const subject = evaluate(node.subject, scope);
	for (const branch of node.branches) {
		if (sqlEquals(subject, evaluate(branch.when, scope)) === true)
			return evaluate(branch.then, scope);
	}

	return node.otherwise ? evaluate(node.otherwise, scope) : undefined;
}

/** The value of an expression for one message; undefined is AWS's Undefined. */
export function evaluate(node: Expression, scope: EvaluationScope): unknown {
	switch (node.kind) {
		case 'literal': {
			return node.value;
		}

		case 'payload': {
			return scope.payload;
		}

		case 'path': {
			return evaluatePath(node, scope);
		}

		case 'call': {
			return evaluateCall(node, scope);
		}

		case 'cast': {
			return castValue(evaluate(node.operand, scope), node.type);
		}

		case 'object': {
			return evaluateObject(node, scope);
		}

		case 'array': {
			// An Undefined item becomes null, as it would once serialized.
			return node.items.map((item) => evaluate(item, scope) ?? null);
		}

		case 'negate': {
			return negate(evaluate(node.operand, scope));
		}

		case 'not': {
			return not(evaluate(node.operand, scope));
		}

		case 'arithmetic': {
			return arithmetic(
				node.operator,
				evaluate(node.left, scope),
				evaluate(node.right, scope),
			);
		}

		case 'comparison': {
			return compare(
				node.operator,
				evaluate(node.left, scope),
				evaluate(node.right, scope),
			);
		}

		case 'logical': {
			return logical(
				node.operator,
				node.operands.map((operand) => evaluate(operand, scope)),
			);
		}

		case 'case': {
			return evaluateCase(node, scope);
		}
	}
}

/** Puts a value at a dotted output name, copying objects on the way so the payload is never changed. */
function place(
	output: Record<string, unknown>,
	name: readonly string[],
	value: unknown,
): void {
	let target = output;
	for (const [index, key] of name.entries()) {
		if (index === name.length - 1) {
			setMember(target, key, value);
			return;
		}

		const existing = memberOf(target, key);
		const next: Record<string, unknown> = isJsonObject(existing)
			? {...existing}
			: {};
		setMember(target, key, next);
		target = next;
	}
}

function selectItems(
	items: readonly SelectItem[],
	scope: EvaluationScope,
): unknown {
	const [first] = items;
	if (items.length === 1 && first?.kind === 'all')
		return scope.isJson ? scope.payload : scope.context.payload;
	const output: Record<string, unknown> = {};
	for (const item of items) {
		if (item.kind === 'all') {
			if (!isJsonObject(scope.payload)) continue;
			for (const key of Object.keys(scope.payload))
				setMember(output, key, scope.payload[key]);
			continue;
		}

		const value = evaluate(item.expression, scope);
		if (value !== undefined) place(output, item.name, value);
	}

	return output;
}

function selectOutput(select: SelectClause, scope: EvaluationScope): unknown {
	if (select.kind === 'items') return selectItems(select.items, scope);
	if (select.expression.kind === 'payload' && !scope.isJson)
		return scope.context.payload;
	return evaluate(select.expression, scope);
}

function outputProblem(output: unknown): string | undefined {
	if (Buffer.isBuffer(output)) return undefined;
	const result = stringifyJson(output, ruleOutputLimits);
	if (result.ok) return undefined;
	return result.reason === 'length'
		? `the rule's output is longer than ${ruleOutputLimits.maxLength} characters of JSON`
		: `the rule's output is nested deeper than ${ruleOutputLimits.maxDepth} levels`;
}

export function sqlMatchesTopic(sql: ParsedSql, topic: string): boolean {
	return topicMatches(sql.from, topic);
}

export function evaluateRule(
	sql: ParsedSql,
	context: RuleContext,
): RuleEvaluation {
	if (!sqlMatchesTopic(sql, context.topic)) return {fired: false};
	const scope = createScope(context);
	// WHERE is evaluated first and decides alone; SELECT aliases are not visible to it (the WHERE page).
	if (sql.where && evaluate(sql.where, scope) !== true) return {fired: false};
	const output = selectOutput(sql.select, scope);
	const error = outputProblem(output);
	return error ? {fired: false, error} : {fired: true, output};
}

/** The bytes to publish for an output: raw bytes as they are, anything else as compact JSON (Undefined as nothing). */
export function serializeRuleOutput(output: unknown): Buffer {
	if (Buffer.isBuffer(output)) return output;
	const result = stringifyJson(output, {maxLength: Number.POSITIVE_INFINITY});
	if (!result.ok) throw new Error('an unbounded stringify cannot fail');
	return Buffer.from(result.text);
}
