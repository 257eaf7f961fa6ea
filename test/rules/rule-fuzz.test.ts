import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {
	evaluateRule,
	serializeRuleOutput,
} from '../../source/rules/sql-eval.js';
import {parseRuleSql} from '../../source/rules/sql-parser.js';
import {
	parseTemplate,
	renderTemplate,
} from '../../source/rules/substitution.js';

const calls: readonly (readonly [string, number])[] = [
	['abs', 1],
	['ceil', 1],
	['round', 1],
	['mod', 2],
	['concat', 2],
	['concat', 3],
	['get', 2],
	['startswith', 2],
	['indexof', 2],
	['upper', 1],
	['trim', 1],
	['length', 1],
	['replace', 3],
	['substring', 3],
	['isUndefined', 1],
	['isNull', 1],
	['topic', 1],
	['decode', 1],
];

const leaf = fc.constantFrom(
	'a',
	'a.b',
	'a[0]',
	'a.b.a.b',
	'deep.a.a.a',
	'x[1].y',
	'*',
	'1',
	'-2.5',
	"'x'",
	'"a/b"',
	'true',
	'null',
	'[1, a]',
	"{'k': a}",
	'timestamp()',
	'topic()',
	'clientid()',
	'newuuid()',
	"encode(*, 'base64')",
);

const {expression} = fc.letrec<{expression: string}>((tie) => ({
	expression: fc.oneof(
		{depthSize: 'small'},
		leaf,
		fc
			.tuple(
				tie('expression'),
				fc.constantFrom(
					'+',
					'-',
					'*',
					'/',
					'%',
					'=',
					'<>',
					'<',
					'>=',
					'AND',
					'OR',
				),
				tie('expression'),
			)
			.map(([left, operator, right]) => `(${left} ${operator} ${right})`),
		tie('expression').map((operand) => `NOT ${operand}`),
		tie('expression').map((operand) => `cast(${operand} AS String)`),
		fc
			.constantFrom(...calls)
			.chain(([name, arity]) =>
				fc
					.array(tie('expression'), {minLength: arity, maxLength: arity})
					.map((args) =>
						name === 'decode'
							? `decode(${args[0]}, 'base64')`
							: `${name}(${args.join(', ')})`,
					),
			),
		fc
			.tuple(tie('expression'), tie('expression'), tie('expression'))
			.map(
				([subject, when, then]) =>
					`CASE ${subject} WHEN ${when} THEN ${then} ELSE 0 END`,
			),
	),
}));

const statement = fc
	.tuple(
		fc.array(expression, {minLength: 1, maxLength: 4}),
		fc.option(expression),
		fc.boolean(),
		fc.boolean(),
	)
	.map(([items, where, star, value]) => {
		const select = value
			? `VALUE ${items[0]}`
			: `${star ? '*, ' : ''}${items.map((item, index) => `${item} AS k${index}.v`).join(', ')}`;
		return `SELECT ${select} FROM '#'${where === null ? '' : ` WHERE ${where}`}`;
	});

/** JSON nested far deeper than JSON.stringify or a recursive walk survives. */
const deepJson = fc
	.tuple(
		fc.integer({min: 1, max: 30_000}),
		fc.constantFrom('{"a":', '[', '{"deep":{"a":'),
		fc.jsonValue(),
	)
	.map(([depth, open, inner]) => {
		const close = open === '[' ? ']' : open === '{"a":' ? '}' : '}}';
		return Buffer.from(
			`${open.repeat(depth)}${JSON.stringify(inner)}${close.repeat(depth)}`,
		);
	});

const payload = fc.oneof(
	fc.jsonValue().map((value) => Buffer.from(JSON.stringify(value) ?? 'null')),
	fc
		.record({a: fc.jsonValue(), x: fc.array(fc.jsonValue())})
		.map((value) => Buffer.from(JSON.stringify(value))),
	deepJson,
	fc.uint8Array({maxLength: 64}).map((bytes) => Buffer.from(bytes)),
);

test('evaluation of random statements over random, deep or binary payloads never throws', () => {
	fc.assert(
		fc.property(statement, payload, (sql, bytes) => {
			const parsed = parseRuleSql(sql);
			if (!parsed.ok) {
				assert.match(parsed.message, /^Line \d+:\d+ /);
				return;
			}

			const context = {
				topic: 'a/b/c',
				clientId: 'c',
				now: 1,
				newUuid: () => 'u',
				payload: bytes,
			};
			const result = evaluateRule(parsed.sql, context);
			if (result.fired)
				assert.ok(Buffer.isBuffer(serializeRuleOutput(result.output)));
			const template = parseTemplate(
				`x/\${${sql.slice(7, sql.indexOf(' FROM'))}}`,
			);
			if (template.ok)
				assert.equal(
					typeof renderTemplate(template.template, context),
					'string',
				);
		}),
		{numRuns: 800},
	);
});

test('the documented rules run over deep payloads without throwing', () => {
	const rules = [
		"SELECT *, timestamp() as parsedAt, topic(3) as topic_name FROM '#'",
		"SELECT * FROM '#' WHERE current.state.reported.interiorDoor <> previous.state.reported.interiorDoor AND current.state.reported.securitySystem = 'armed'",
		"SELECT * FROM '#' WHERE isUndefined(previous.state.reported.dev.v.brdV) = true OR previous.state.reported.dev.v.brdV <> current.state.reported.dev.v.brdV",
		"SELECT state.desired.cfg AS cfg FROM '#'",
		"SELECT concat(a, a, a) AS c, upper(a) AS u, a = a AS same FROM '#'",
	];
	fc.assert(
		fc.property(fc.constantFrom(...rules), deepJson, (sql, bytes) => {
			const parsed = parseRuleSql(sql);
			assert.ok(parsed.ok);
			const result = evaluateRule(parsed.sql, {
				topic: 'a/b/c',
				clientId: 'c',
				now: 1,
				newUuid: () => 'u',
				payload: bytes,
			});
			assert.equal(typeof result.fired, 'boolean');
		}),
		{numRuns: 100},
	);
});
