/*
The parts of an expression that hold other expressions: lists, object
literal entries, function calls (checked against the function table, so an
unknown function or a wrong number of arguments is refused at parse time,
as AWS refuses it at CreateTopicRule), cast(x AS type) and CASE.
*/
import type {CastType, Expression} from './sql-ast.js';
import {SqlSyntaxError} from './sql-error.js';
import {findSqlFunction, isAwsOnlyFunction} from './sql-functions.js';
import type {SymbolText} from './sql-lexer.js';
import {TokenCursor} from './sql-token-cursor.js';

const castTypes: Readonly<Record<string, CastType>> = {
	STRING: 'String',
	NVARCHAR: 'String',
	TEXT: 'String',
	NTEXT: 'String',
	VARCHAR: 'String',
	INT: 'Int',
	INTEGER: 'Int',
	DOUBLE: 'Decimal',
	DECIMAL: 'Decimal',
	BOOL: 'Boolean',
	BOOLEAN: 'Boolean',
};

export abstract class CompoundParser extends TokenCursor {
	abstract expression(): Expression;

	protected list<T>(close: SymbolText, item: () => T): T[] {
		const items: T[] = [];
		if (this.isSymbol(close)) {
			this.advance();
			return items;
		}

		for (;;) {
			items.push(item());
			if (this.isSymbol(close)) break;
			if (!this.isSymbol(',')) this.fail(`{',', '${close}'}`);
			this.advance();
		}

		this.advance();
		return items;
	}

	protected entry(): {key: string; value: Expression} {
		const key = this.peek();
		if (key.kind !== 'string') this.fail("a quoted key ('key': value)");
		this.advance();
		this.expectSymbol(':');
		return {key: key.value, value: this.expression()};
	}

	protected call(): Expression {
		const name = this.advance();
		const entry = findSqlFunction(name.text);
		if (!entry) {
			const why = isAwsOnlyFunction(name.text) ? ' by this local service' : '';
			throw new SqlSyntaxError(
				name,
				`Function ${name.text} is not supported${why}`,
			);
		}

		this.advance();
		const args = this.list(')', () => this.expression());
		if (args.length < entry.minArgs || args.length > entry.maxArgs) {
			const range =
				entry.minArgs === entry.maxArgs
					? `${entry.minArgs}`
					: `${entry.minArgs} to ${entry.maxArgs}`;
			throw new SqlSyntaxError(
				name,
				`Function ${name.text} takes ${range} argument${range === '1' ? '' : 's'}, not ${args.length}`,
			);
		}

		const problem = entry.check?.(args);
		if (problem) throw new SqlSyntaxError(name, problem);
		const node = {
			kind: 'call',
			name: entry.name,
			written: name.text,
			args,
		} as const;
		return this.node(name, node, ...args);
	}

	protected cast(): Expression {
		const start = this.advance();
		this.advance();
		const operand = this.expression();
		this.expectWord('AS');
		const typeToken = this.peek();
		const type =
			typeToken.kind === 'word' ? castTypes[typeToken.upper] : undefined;
		if (!type) this.fail('a type (String, Int, Decimal, Bool, …)');
		this.advance();
		this.expectSymbol(')');
		return this.node(start, {kind: 'cast', operand, type}, operand);
	}

	protected caseExpression(): Expression {
		const start = this.advance();
		const subject = this.expression();
		const branches: {when: Expression; then: Expression}[] = [];
		const children = [subject];
		while (this.isWord('WHEN')) {
			this.advance();
			const when = this.expression();
			this.expectWord('THEN');
			const then = this.expression();
			branches.push({when, then});
			children.push(when, then);
		}

		if (branches.length === 0) this.fail('WHEN');
		let otherwise: Expression | undefined;
		if (this.isWord('ELSE')) {
			this.advance();
			otherwise = this.expression();
			children.push(otherwise);
		}

		this.expectWord('END');
		return this.node(
			start,
			{kind: 'case', subject, branches, otherwise},
			...children,
		);
	}
}
