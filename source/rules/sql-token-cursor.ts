/*
Reading a list of SQL tokens, and the bounds every parse shares: recursion
into nested expressions, the depth of each node (known when it is built, so
left-leaning chains such as `a + b + c + …` are bounded too) and the node
count, each refused at the token where it was passed.
*/
import type {Expression} from './sql-ast.js';
import {SqlSyntaxError} from './sql-error.js';
import {describeToken, type SymbolText, type Token} from './sql-lexer.js';
import {ruleSqlLimits} from './sql-limits.js';

export class TokenCursor {
	private position = 0;
	private recursion = 0;
	private nodeCount = 0;
	private readonly depths = new WeakMap<Expression, number>();

	/** The list ends with the lexer's end token. */
	constructor(private readonly tokens: readonly Token[]) {}

	peek(ahead = 0): Token {
		const token =
			this.tokens[Math.min(this.position + ahead, this.tokens.length - 1)];
		if (!token) throw new Error('a token list ends with an end token');
		return token;
	}

	advance(): Token {
		const token = this.peek();
		if (token.kind !== 'end') this.position++;
		return token;
	}

	isWord(upper: string, ahead = 0): boolean {
		const token = this.peek(ahead);
		return token.kind === 'word' && token.upper === upper;
	}

	isSymbol(text: SymbolText, ahead = 0): boolean {
		const token = this.peek(ahead);
		return token.kind === 'symbol' && token.text === text;
	}

	fail(expected: string, token = this.peek()): never {
		throw new SqlSyntaxError(
			token,
			`mismatched input ${describeToken(token)} expecting ${expected}`,
		);
	}

	expectWord(upper: string): Token {
		if (!this.isWord(upper)) this.fail(upper);
		return this.advance();
	}

	expectSymbol(text: SymbolText): Token {
		if (!this.isSymbol(text)) this.fail(`'${text}'`);
		return this.advance();
	}

	/** Runs a nested parse one recursion level down. */
	protected nested<T>(parse: () => T): T {
		const start = this.peek();
		if (++this.recursion > ruleSqlLimits.maxDepth) this.tooDeep(start);
		const result = parse();
		this.recursion--;
		return result;
	}

	private tooDeep(token: Token): never {
		throw new SqlSyntaxError(
			token,
			`expression nesting exceeds the maximum depth of ${ruleSqlLimits.maxDepth}`,
		);
	}

	/** Counts the node and refuses it when it is one level too deep or one too many. */
	protected node<T extends Expression>(
		at: Token,
		node: T,
		...children: readonly Expression[]
	): T {
		let depth = 0;
		for (const child of children)
			depth = Math.max(depth, this.depths.get(child) ?? 1);
		if (depth + 1 > ruleSqlLimits.maxDepth) this.tooDeep(at);
		if (++this.nodeCount > ruleSqlLimits.maxNodes)
			throw new SqlSyntaxError(
				at,
				`the statement has more than ${ruleSqlLimits.maxNodes} expressions`,
			);
		this.depths.set(node, depth + 1);
		return node;
	}
}
