/*
Expressions of AWS IoT SQL, shared by the SELECT list, WHERE and
substitution templates. Precedence, loosest first: OR, AND, NOT, comparisons
(= <> != < > <= >=), + -, * / %, unary minus, then `.key` and `[index]`.

Statements arrive over HTTP, so TokenCursor bounds recursion, depth and
node count; NOT and minus chains are read in loops, and AND/OR chains are
kept flat. Operators outside AWS IoT SQL (IS NULL, LIKE, BETWEEN) and IN,
which this service lacks, are refused with what to write instead, as AWS
refuses unknown syntax at CreateTopicRule.
*/
import type {
	ArithmeticOperator,
	ComparisonOperator,
	Expression,
	PathStep,
} from './sql-ast.js';
import {SqlSyntaxError} from './sql-error.js';
import type {Token} from './sql-lexer.js';
import {CompoundParser} from './sql-compound-parser.js';

const comparisonSymbols = new Set<string>([
	'=',
	'<>',
	'!=',
	'<',
	'>',
	'<=',
	'>=',
]);
const reservedWords = new Set(
	'SELECT FROM WHERE AS AND OR NOT TRUE FALSE NULL CASE WHEN THEN ELSE END'.split(
		' ',
	),
);
const unsupportedOperators: Readonly<Record<string, string>> = {
	IS: 'IS [NOT] NULL is not AWS IoT SQL: write isNull(x) or isUndefined(x)',
	IN: 'the IN operator is not supported by this local service',
	LIKE: 'LIKE is not AWS IoT SQL: write startswith(), endswith() or indexof()',
	BETWEEN: 'BETWEEN is not AWS IoT SQL: write x >= a AND x <= b',
};
export class ExpressionParser extends CompoundParser {
	expression(): Expression {
		return this.nested(() => this.or());
	}

	private logical(operator: 'and' | 'or', next: () => Expression): Expression {
		const at = this.peek();
		const operands = [next()];
		while (this.isWord(operator.toUpperCase())) {
			this.advance();
			operands.push(next());
		}

		const [first] = operands;
		if (first && operands.length === 1) return first;
		return this.node(at, {kind: 'logical', operator, operands}, ...operands);
	}

	private or(): Expression {
		return this.logical('or', () => this.and());
	}

	private and(): Expression {
		return this.logical('and', () => this.not());
	}

	private not(): Expression {
		const negations: Token[] = [];
		while (this.isWord('NOT')) negations.push(this.advance());
		let result = this.comparison();
		for (const at of negations.reverse())
			result = this.node(at, {kind: 'not', operand: result}, result);
		return result;
	}

	private comparison(): Expression {
		let left = this.additive();
		for (;;) {
			const token = this.peek();
			if (token.kind === 'word' && token.upper in unsupportedOperators)
				throw new SqlSyntaxError(
					token,
					unsupportedOperators[token.upper] ?? '',
				);
			if (token.kind !== 'symbol' || !comparisonSymbols.has(token.text))
				return left;
			this.advance();
			const operator =
				token.text === '!=' ? '<>' : (token.text as ComparisonOperator);
			const right = this.additive();
			left = this.node(
				token,
				{kind: 'comparison', operator, left, right},
				left,
				right,
			);
		}
	}

	private binary(
		symbols: readonly string[],
		next: () => Expression,
	): Expression {
		let left = next();
		for (;;) {
			const token = this.peek();
			if (token.kind !== 'symbol' || !symbols.includes(token.text)) return left;
			this.advance();
			const operator = token.text as ArithmeticOperator;
			const right = next();
			left = this.node(
				token,
				{kind: 'arithmetic', operator, left, right},
				left,
				right,
			);
		}
	}

	private additive(): Expression {
		return this.binary(['+', '-'], () => this.multiplicative());
	}

	private multiplicative(): Expression {
		return this.binary(['*', '/', '%'], () => this.unary());
	}

	private unary(): Expression {
		const signs: Token[] = [];
		while (this.isSymbol('-')) signs.push(this.advance());
		let result = this.postfix();
		for (const at of signs.reverse()) {
			result =
				result.kind === 'literal' && typeof result.value === 'number'
					? {kind: 'literal', value: -result.value}
					: this.node(at, {kind: 'negate', operand: result}, result);
		}

		return result;
	}

	private postfix(): Expression {
		const start = this.peek();
		const primary = this.primary();
		const steps: PathStep[] = [];
		const children: Expression[] = [];
		let base: Expression | undefined = primary;
		if (primary.kind === 'path' && primary.base === undefined) {
			steps.push(...primary.steps);
			base = undefined;
		} else if (primary.kind === 'payload') {
			return primary;
		}

		for (;;) {
			if (this.isSymbol('.')) {
				this.advance();
				const key = this.peek();
				if (key.kind !== 'word')
					this.fail('an identifier (use get() for other keys)');
				this.advance();
				steps.push({kind: 'key', name: key.text});
			} else if (this.isSymbol('[')) {
				this.advance();
				const index = this.expression();
				this.expectSymbol(']');
				steps.push({kind: 'index', index});
				children.push(index);
			} else {
				break;
			}
		}

		if (base && steps.length === 0) return base;
		if (base) children.push(base);
		return this.node(start, {kind: 'path', base, steps}, ...children);
	}

	private primary(): Expression {
		const token = this.peek();
		switch (token.kind) {
			case 'number':
			case 'string': {
				this.advance();
				return this.node(token, {kind: 'literal', value: token.value});
			}

			case 'word': {
				return this.word(token);
			}

			case 'symbol': {
				return this.symbol(token);
			}

			case 'end': {
				return this.fail('an expression');
			}
		}
	}

	private word(token: Extract<Token, {kind: 'word'}>): Expression {
		const literals: Readonly<Record<string, boolean | null>> = {
			TRUE: true,
			FALSE: false,
			NULL: null,
		};
		if (token.upper in literals) {
			this.advance();
			return this.node(token, {
				kind: 'literal',
				value: literals[token.upper] ?? null,
			});
		}

		if (token.upper === 'CASE') return this.caseExpression();
		if (reservedWords.has(token.upper)) this.fail('an expression');
		if (this.isSymbol('(', 1))
			return token.upper === 'CAST' ? this.cast() : this.call();
		this.advance();
		// Not counted here: postfix() builds the path node, with any further steps.
		return {
			kind: 'path',
			base: undefined,
			steps: [{kind: 'key', name: token.text}],
		};
	}

	private symbol(token: Extract<Token, {kind: 'symbol'}>): Expression {
		if (token.text === '*') {
			this.advance();
			return this.node(token, {kind: 'payload'});
		}

		if (token.text === '(') {
			this.advance();
			const inner = this.expression();
			this.expectSymbol(')');
			return inner;
		}

		if (token.text === '[') {
			this.advance();
			const items = this.list(']', () => this.expression());
			return this.node(token, {kind: 'array', items}, ...items);
		}

		if (token.text === '{') {
			this.advance();
			const entries = this.list('}', () => this.entry());
			return this.node(
				token,
				{kind: 'object', entries},
				...entries.map((entry) => entry.value),
			);
		}

		return this.fail('an expression');
	}

	/** Comma-separated items up to `close`, which is consumed. */
}
