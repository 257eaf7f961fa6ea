/*
The syntax tree of a parsed rule statement. Its depth is bounded by the
parser (ruleSqlLimits.maxDepth), so evaluation may recurse over it; AND and
OR chains are kept flat so long conditions add no depth.
*/

export type PathStep =
	| {readonly kind: 'key'; readonly name: string}
	/** `a[0]`; the index is any expression, an Int for arrays or a String key for objects. */
	| {readonly kind: 'index'; readonly index: Expression};

export type ArithmeticOperator = '+' | '-' | '*' | '/' | '%';
/** `!=` is read as `<>`. */
export type ComparisonOperator = '=' | '<>' | '<' | '>' | '<=' | '>=';
export type CastType = 'String' | 'Int' | 'Decimal' | 'Boolean';

export type Expression =
	| {readonly kind: 'literal'; readonly value: null | boolean | number | string}
	/** `*` as a value: the whole payload (raw bytes when it is not JSON). */
	| {readonly kind: 'payload'}
	/**
	Member access. With no base the first step is a key of the payload
	(`state.desired.cfg`); with a base it applies to that value (`get(e, 0).v`).
	*/
	| {
			readonly kind: 'path';
			readonly base: Expression | undefined;
			readonly steps: readonly PathStep[];
	  }
	| {
			readonly kind: 'call';
			/** The function's name as AWS documents it (`isUndefined`). */
			readonly name: string;
			/** As written in the statement; unaliased results are named by it. */
			readonly written: string;
			readonly args: readonly Expression[];
	  }
	| {
			readonly kind: 'cast';
			readonly operand: Expression;
			readonly type: CastType;
	  }
	| {
			readonly kind: 'object';
			readonly entries: readonly {
				readonly key: string;
				readonly value: Expression;
			}[];
	  }
	| {readonly kind: 'array'; readonly items: readonly Expression[]}
	| {readonly kind: 'negate'; readonly operand: Expression}
	| {readonly kind: 'not'; readonly operand: Expression}
	| {
			readonly kind: 'arithmetic';
			readonly operator: ArithmeticOperator;
			readonly left: Expression;
			readonly right: Expression;
	  }
	| {
			readonly kind: 'comparison';
			readonly operator: ComparisonOperator;
			readonly left: Expression;
			readonly right: Expression;
	  }
	| {
			readonly kind: 'logical';
			readonly operator: 'and' | 'or';
			readonly operands: readonly Expression[];
	  }
	/** CASE v WHEN t THEN r … [ELSE e] END */
	| {
			readonly kind: 'case';
			readonly subject: Expression;
			readonly branches: readonly {
				readonly when: Expression;
				readonly then: Expression;
			}[];
			readonly otherwise: Expression | undefined;
	  };

export type SelectItem =
	/** An unaliased `*`: the payload's keys are copied into the output. */
	| {readonly kind: 'all'}
	/** `name` is the output key, split on dots: `AS state.reported.x` nests. */
	| {
			readonly kind: 'expression';
			readonly expression: Expression;
			readonly name: readonly string[];
	  };

export type SelectClause =
	| {readonly kind: 'items'; readonly items: readonly SelectItem[]}
	/** SELECT VALUE <expr>: the output is the value itself. */
	| {readonly kind: 'value'; readonly expression: Expression};
