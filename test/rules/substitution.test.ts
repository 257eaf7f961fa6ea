import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import type {RuleContext} from '../../source/rules/sql-eval.js';
import {
	isStaticTemplate,
	parseTemplate,
	renderTemplate,
	templateLimits,
	type Template,
} from '../../source/rules/substitution.js';

function template(text: string): Template {
	const result = parseTemplate(text);
	if (!result.ok) throw new Error(`${text}: ${result.message}`);
	return result.template;
}

function refusal(text: string): string {
	const result = parseTemplate(text);
	if (result.ok) throw new Error(`${text} was accepted`);
	return result.message;
}

function context(topic: string, payload: unknown): RuleContext {
	return {
		topic,
		clientId: 'device-7',
		now: 99,
		newUuid: () => 'id-1',
		payload: Buffer.isBuffer(payload)
			? payload
			: Buffer.from(JSON.stringify(payload)),
	};
}

const render = (text: string, topic: string, payload: unknown = {}) =>
	renderTemplate(template(text), context(topic, payload));

test('topic(), topic(n) and clientid() fill republish topics', () => {
	assert.equal(
		render('${topic()}/desired/cfg', '$aws/things/t1/shadow/get/accepted'),
		'$aws/things/t1/shadow/get/accepted/desired/cfg',
	);
	assert.equal(
		render(
			'devices/${topic(3)}/from/${clientid()}',
			'$aws/things/t1/shadow/update',
		),
		'devices/t1/from/device-7',
	);
});

test('$$ at the start is a literal $, for reserved topics', () => {
	assert.equal(
		render(
			'$$aws/things/${topic(5)}/shadow/update',
			'$aws/events/presence/disconnected/lamp',
		),
		'$aws/things/lamp/shadow/update',
	);
	assert.equal(
		render('$$aws/things/MyThing/shadow/update', 'x'),
		'$aws/things/MyThing/shadow/update',
	);
	assert.equal(
		render('a/$b/$$c', 'x'),
		'a/$b/$$c',
		'elsewhere $ is plain text',
	);
	assert.equal(
		render('$${topic()}', 'x'),
		'${topic()}',
		'$$ escapes the $ that would open ${',
	);
});

test('expressions read the incoming payload, with the standard string conversion', () => {
	const payload = {
		device: {id: 'd-1'},
		n: 3,
		list: [1, 'a'],
		flag: false,
		nothing: null,
	};
	assert.equal(
		render('device/${device.id}/n/${n + 1}', 'x', payload),
		'device/d-1/n/4',
	);
	assert.equal(
		render(
			'${list}|${flag}|${nothing}|${missing}|${upper(device.id)}',
			'x',
			payload,
		),
		'[1,"a"]|false|||D-1',
	);
	assert.equal(
		render("${get({'a': '}'}, 'a')}", 'x'),
		'}',
		'a } inside a string or an object does not end it',
	);
	assert.equal(render('${timestamp()}-${newuuid()}', 'x'), '99-id-1');
	assert.equal(render('${concat(\'a\', "b")}', 'x'), 'ab');
	assert.equal(
		render('${device.id}', 'x', Buffer.from([0xff])),
		'',
		'paths into a binary payload are empty',
	);
});

test('static templates are known before any message', () => {
	assert.equal(isStaticTemplate(template('a/b')), true);
	assert.equal(isStaticTemplate(template('$$aws/x')), true);
	assert.equal(isStaticTemplate(template('a/${topic()}')), false);
	assert.deepEqual(template(''), {parts: []});
});

test('a bad expression is refused with a position in the template', () => {
	assert.equal(
		refusal('a/${topic(}'),
		"Line 1:10 mismatched input '<EOF>' expecting an expression",
	);
	assert.equal(
		refusal('a/${nosuch()}'),
		'Line 1:4 Function nosuch is not supported',
	);
	assert.equal(
		refusal('a/${topic()'),
		"Line 1:2 the substitution template '${' is not closed with '}'",
	);
	assert.equal(
		refusal('a/${}'),
		"Line 1:4 mismatched input '<EOF>' expecting an expression",
	);
	assert.equal(
		refusal('${a b}'),
		"Line 1:4 mismatched input 'b' expecting '}'",
	);
	assert.equal(
		refusal("${'x}"),
		"Line 1:2 token recognition error at: ''x}' (a string never closed with ')",
	);
	assert.match(
		refusal('x'.repeat(templateLimits.maxLength + 1)),
		/the maximum is 8192/,
	);
	assert.match(
		refusal('${a}'.repeat(templateLimits.maxExpressions + 1)),
		/at most 32 substitutions/,
	);
	assert.match(
		refusal(`\${${'('.repeat(1000)}1${')'.repeat(1000)}}`),
		/nesting exceeds/,
	);
});

test('random templates never make parseTemplate or renderTemplate throw', () => {
	const pieces = fc.constantFrom(
		'${',
		'}',
		'$$',
		'$',
		'topic(',
		')',
		'3',
		"'",
		'{',
		'a.b',
		'/',
		' ',
		'x',
	);
	fc.assert(
		fc.property(
			fc.oneof(
				fc.string(),
				fc.array(pieces, {maxLength: 30}).map((parts) => parts.join('')),
			),
			fc.jsonValue(),
			(text, payload) => {
				const result = parseTemplate(text);
				if (result.ok)
					assert.equal(
						typeof renderTemplate(result.template, context('a/b/c', payload)),
						'string',
					);
				else assert.match(result.message, /^(Line \d+:\d+ |The template)/);
			},
		),
		{numRuns: 1000},
	);
});
