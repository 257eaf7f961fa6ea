/*
The operators of the AWS IoT SQL reference's "Operators" page, over the
values of sql-values.ts. Results that are not finite numbers (overflow,
division by zero) are Undefined, since JSON cannot carry them.
*/
import type {ArithmeticOperator, ComparisonOperator} from './sql-ast.js';
import {
	isInt,
	ruleValueLimits,
	sqlCompare,
	sqlEquals,
	toBoolean,
	toDecimal,
	toSqlString,
} from './sql-values.js';

function finite(value: number): number | undefined {
	return Number.isFinite(value) ? value : undefined;
}

/** `+` concatenates when either side is a String, otherwise adds numbers only. */
function plus(left: unknown, right: unknown): unknown {
	if (typeof left === 'string' || typeof right === 'string') {
		const a = toSqlString(left);
		const b = toSqlString(right);
		if (a === undefined || b === undefined) return undefined;
		return a.length + b.length > ruleValueLimits.maxStringLength
			? undefined
			: a + b;
	}

	if (typeof left !== 'number' || typeof right !== 'number') return undefined;
	return finite(left + right);
}

export function arithmetic(
	operator: ArithmeticOperator,
	left: unknown,
	right: unknown,
): unknown {
	if (operator === '+') return plus(left, right);
	const a = toDecimal(left);
	const b = toDecimal(right);
	if (a === undefined || b === undefined) return undefined;
	switch (operator) {
		case '-': {
			return finite(a - b);
		}

		case '*': {
			return finite(a * b);
		}

		case '/': {
			if (b === 0) return undefined;
			// Int / Int is an Int (truncated, as Java divides), anything else a Decimal.
			return finite(isInt(a) && isInt(b) ? Math.trunc(a / b) : a / b);
		}

		case '%': {
			return b === 0 ? undefined : finite(a % b);
		}
	}
}

export function compare(
	operator: ComparisonOperator,
	left: unknown,
	right: unknown,
): unknown {
	if (operator === '=') return sqlEquals(left, right);
	if (operator === '<>') {
		const equal = sqlEquals(left, right);
		return equal === undefined ? undefined : !equal;
	}

	const order = sqlCompare(left, right);
	if (order === undefined) return undefined;
	switch (operator) {
		case '<': {
			return order < 0;
		}

		case '>': {
			return order > 0;
		}

		case '<=': {
			return order <= 0;
		}

		case '>=': {
			return order >= 0;
		}
	}
}

/**
AND/OR take Booleans or the strings "true"/"false"; anything else makes the
result Undefined, except that a false operand decides AND and a true one
decides OR. The table on AWS's page says "Other value → Undefined", but the
public rule `isUndefined(previous…) = true OR previous… <> current…` is meant
to fire when `previous` is missing, where its right side is Undefined, so the
deciding operand wins here. [inference]
*/
export function logical(
	operator: 'and' | 'or',
	operands: readonly unknown[],
): unknown {
	const deciding = operator === 'or';
	let unknown = false;
	for (const operand of operands) {
		const value = toBoolean(operand);
		if (value === deciding) return deciding;
		if (value === undefined) unknown = true;
	}

	return unknown ? undefined : !deciding;
}

export function not(operand: unknown): unknown {
	const value = toBoolean(operand);
	return value === undefined ? undefined : !value;
}

export function negate(operand: unknown): unknown {
	const value = toDecimal(operand);
	return value === undefined ? undefined : finite(-value);
}
