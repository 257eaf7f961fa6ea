/*
Substitution templates of rule actions (the "Substitution templates" page of
the AWS IoT developer guide): `${expression}` holds any expression of the
SQL, evaluated against the incoming message and its context, not against the
rule's output, so SELECT aliases are not visible. A leading `$$` is a literal
`$`, which is how a republish action names a reserved topic
(`$$aws/things/${topic(3)}/shadow/update`); elsewhere `$` not followed by `{`
is plain text.

An expression ends at the first `}` outside strings and object literals,
found by reading tokens, so `${get({'a': '}'}, 'a')}` works. Values become
text by the standard string conversion; Undefined and Null become the empty
string (AWS serializes Undefined alone as the empty string).
*/
import {createScope, type RuleContext} from './rule-context.js';
import type {Expression} from './sql-ast.js';
import {SqlSyntaxError, type SourcePosition} from './sql-error.js';
import {evaluate} from './sql-eval.js';
import {ExpressionParser} from './sql-expression-parser.js';
import {SqlLexer, type Token} from './sql-lexer.js';
import {toSqlString} from './sql-values.js';

export type TemplatePart =
	| {readonly kind: 'text'; readonly text: string}
	| {
			readonly kind: 'expression';
			readonly expression: Expression;
			readonly source: string;
	  };

export type Template = {readonly parts: readonly TemplatePart[]};

export type ParseTemplateResult =
	| {readonly ok: true; readonly template: Template}
	| {readonly ok: false; readonly message: string};

export const templateLimits = {
	/** Our bound: AWS's longest templated fields (HTTP URLs) allow 2,000 characters. */
	maxLength: 8192,
	/** Our bound on `${…}` in one template. */
	maxExpressions: 32,
} as const;

/** Line and column of an offset, as the lexer counts them. */
function positionOf(text: string, offset: number): SourcePosition {
	let line = 1;
	let lineStart = 0;
	for (let index = 0; index < offset; index++) {
		if (text[index] === '\n') {
			line++;
			lineStart = index + 1;
		}
	}

	return {line, column: offset - lineStart};
}

/** Tokens from `start` to the `}` that closes `${`; returns them with the offset after that `}`. */
function expressionTokens(
	text: string,
	start: number,
): {tokens: Token[]; end: number} {
	const lexer = new SqlLexer(text, start, positionOf(text, start));
	const tokens: Token[] = [];
	let braces = 0;
	for (;;) {
		const token = lexer.next();
		if (token.kind === 'end')
			throw new SqlSyntaxError(
				positionOf(text, start - 2),
				"the substitution template '${' is not closed with '}'",
			);
		if (token.kind === 'symbol' && token.text === '}') {
			if (braces === 0) {
				tokens.push({...token, kind: 'end', text: '<EOF>'});
				return {tokens, end: lexer.offset};
			}

			braces--;
		} else if (token.kind === 'symbol' && token.text === '{') {
			braces++;
		}

		tokens.push(token);
	}
}

function readParts(text: string): TemplatePart[] {
	const parts: TemplatePart[] = [];
	let literal = text.startsWith('$$') ? '$' : '';
	let index = literal === '' ? 0 : 2;
	while (index < text.length) {
		const open = text.indexOf('${', index);
		if (open === -1) {
			literal += text.slice(index);
			break;
		}

		literal += text.slice(index, open);
		if (literal !== '') parts.push({kind: 'text', text: literal});
		literal = '';
		if (
			parts.filter((part) => part.kind === 'expression').length ===
			templateLimits.maxExpressions
		)
			throw new SqlSyntaxError(
				positionOf(text, open),
				`a template holds at most ${templateLimits.maxExpressions} substitutions`,
			);
		const {tokens, end} = expressionTokens(text, open + 2);
		const parser = new ExpressionParser(tokens);
		const expression = parser.expression();
		if (parser.peek().kind !== 'end') parser.fail("'}'");
		parts.push({kind: 'expression', expression, source: text.slice(open, end)});
		index = end;
	}

	if (literal !== '') parts.push({kind: 'text', text: literal});
	return parts;
}

export function parseTemplate(text: string): ParseTemplateResult {
	if (text.length > templateLimits.maxLength)
		return {
			ok: false,
			message: `The template has ${text.length} characters; the maximum is ${templateLimits.maxLength}`,
		};
	try {
		return {ok: true, template: {parts: readParts(text)}};
	} catch (error: unknown) {
		if (error instanceof SqlSyntaxError)
			return {ok: false, message: error.message};
		throw error;
	}
}

/** True when the template has no `${…}`, so its text is known before any message arrives. */
export function isStaticTemplate(template: Template): boolean {
	return template.parts.every((part) => part.kind === 'text');
}

export function renderTemplate(
	template: Template,
	context: RuleContext,
): string {
	if (isStaticTemplate(template))
		return template.parts
			.map((part) => (part.kind === 'text' ? part.text : ''))
			.join('');
	const scope = createScope(context);
	let text = '';
	for (const part of template.parts) {
		text +=
			part.kind === 'text'
				? part.text
				: (toSqlString(evaluate(part.expression, scope)) ?? '');
	}

	return text;
}
