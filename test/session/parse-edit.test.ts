import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {locateJsonError} from '../../source/session/locate-json-error.js';
import {
	parseEdit,
	parsePatchArgument,
	parseSectionsEdit,
} from '../../source/session/parse-edit.js';

test('a JSON patch or assignments', () => {
	assert.deepEqual(parseEdit('{"lights":"off"}'), {
		ok: true,
		patch: {lights: 'off'},
	});
	assert.deepEqual(parseEdit('lights = "off"'), {
		ok: true,
		patch: {lights: 'off'},
	});
	assert.deepEqual(parseEdit('lights = null; color.r = 255; color.g = 0'), {
		ok: true,
		patch: {lights: null, color: {r: 255, g: 0}},
	});
	assert.deepEqual(parseEdit('schedule = {"at":"07:00"}'), {
		ok: true,
		patch: {schedule: {at: '07:00'}},
	});
});

test('errors say where', () => {
	assert.deepEqual(parseEdit('{"lights":}'), {
		ok: false,
		error: 'invalid JSON at column 11: unexpected "}"',
	});
	assert.deepEqual(parseEdit('{"lights":"off"'), {
		ok: false,
		error: 'invalid JSON at column 16: the text ends too early',
	});
	assert.deepEqual(parseEdit('{\n  "a": 1,\n  "b": tru\n}'), {
		ok: false,
		error: 'invalid JSON at line 3 column 8: unexpected "t"',
	});
	assert.deepEqual(parseEdit('lights = off'), {
		ok: false,
		error:
			'in assignment 1: invalid JSON at column 1: unexpected "o" (strings need quotes: "off")',
	});
	assert.equal(parseEdit('lights "off"').ok, false);
	assert.equal(parseEdit('[1]').ok, false);
	assert.equal(parseEdit('').ok, false);
	assert.equal(parseEdit('a..b = 1').ok, false);
});

test('the locator agrees with JSON.parse on what is valid', () => {
	fc.assert(
		fc.property(fc.oneof(fc.json(), fc.string()), (text) => {
			let valid = true;
			try {
				JSON.parse(text);
			} catch {
				valid = false;
			}

			const index = locateJsonError(text);
			if (valid) assert.equal(index, text.length, text);
			else assert.ok(index <= text.length, text);
		}),
		{numRuns: 3000},
	);
});

test('patches no shadow can hold are refused in AWS words, without touching the stack', () => {
	const deep = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
	assert.deepEqual(parseEdit(deep), {
		ok: false,
		error:
			'JSON contains too many levels of nesting; maximum is 6: this has 20000',
	});
	assert.deepEqual(
		parseEdit(`{"a":${'['.repeat(20_000)}${']'.repeat(20_000)}}`),
		{
			ok: false,
			error:
				'JSON contains too many levels of nesting; maximum is 6: this has 20001',
		},
	);
	assert.deepEqual(parseEdit(`{"a":${'['.repeat(20_000)}`), {
		ok: false,
		error: 'invalid JSON at column 20006: the text ends too early',
	});
	assert.deepEqual(
		parseEdit(`${Array.from({length: 50_000}, () => 'a').join('.')} = 1`),
		{
			ok: false,
			error:
				'JSON contains too many levels of nesting; maximum is 6: this has 50000',
		},
	);
	assert.deepEqual(parseEdit('a.b.c.d.e.f = 1').ok, true);
	assert.deepEqual(parseEdit('a.b.c.d.e.f.g = 1').ok, false);
	assert.deepEqual(parseEdit('brightness = 1e400'), {
		ok: false,
		error: 'Invalid JSON: a number JSON cannot hold, such as 1e400',
	});
	assert.deepEqual(parseEdit('colors = ["RED", null]'), {
		ok: false,
		error: 'Invalid JSON: null inside an array (remove the element instead)',
	});
	const megabyte = `{"notes":"${'x'.repeat(1_000_000)}"}`;
	assert.deepEqual(parseEdit(megabyte), {
		ok: false,
		error:
			'The payload exceeds the maximum size allowed: 1000012 bytes, at most 131072 in a request',
	});
	assert.deepEqual(parseEdit(`{"${'k'.repeat(100_000)}":1}`), {
		ok: false,
		error:
			'The payload exceeds the maximum size allowed: the values alone are 100006 bytes, at most 8192 in a shadow',
	});
	assert.deepEqual(parseEdit(`{"${'k'.repeat(100_000)}":null}`).ok, true);
});

test('the locator finds the column of deep and long texts', () => {
	assert.equal(locateJsonError('['.repeat(20_000)), 20_000);
	assert.equal(locateJsonError(`${'{"a":'.repeat(20_000)}}`), 100_000);
	assert.equal(locateJsonError(`[1${'0'.repeat(5000)},]`), 5003);
	assert.equal(
		locateJsonError(`${'['.repeat(20_000)}1${']'.repeat(20_001)}`),
		40_001,
	);
});

test('the one-section syntax is as it was; a ; inside a quoted or bracketed value stays in it', () => {
	assert.deepEqual(parseEdit('a,b = 1'), {ok: true, patch: {'a,b': 1}});
	assert.deepEqual(parseEdit('a"b = 1; c = 2'), {
		ok: true,
		patch: {'a"b': 1, c: 2},
	});
	assert.deepEqual(parseEdit('note = "x;y"; list = [1, 2]'), {
		ok: true,
		patch: {note: 'x;y', list: [1, 2]},
	});
	assert.deepEqual(parseEdit('lights = "on", doors = "locked"'), {
		ok: false,
		error: 'in assignment 1: invalid JSON at column 5: unexpected ","',
	});
});

test('an edit of both sections: assignments that name the section, or an object of sections', () => {
	const both = {
		ok: true,
		patch: {desired: {lights: 'on'}, reported: {lights: 'on'}},
	};
	assert.deepEqual(
		parseSectionsEdit('desired.lights = "on", reported.lights = "on"'),
		both,
	);
	assert.deepEqual(
		parseSectionsEdit('desired.lights = "on"; reported.lights = "on"'),
		both,
	);
	assert.deepEqual(
		parseSectionsEdit('{"desired":{"lights":"on"},"reported":{"lights":"on"}}'),
		both,
	);
	assert.deepEqual(
		parseSectionsEdit(
			'desired = {"a":1,"b":[1,2]}, desired.c.d = null, reported.e = "x,y"',
		),
		{
			ok: true,
			patch: {desired: {a: 1, b: [1, 2], c: {d: null}}, reported: {e: 'x,y'}},
		},
	);
	assert.deepEqual(parseSectionsEdit('reported.lights = "off"'), {
		ok: true,
		patch: {reported: {lights: 'off'}},
	});
});

test('an edit of both sections says what is wrong with it', () => {
	assert.deepEqual(parseSectionsEdit('lights = "on"'), {
		ok: false,
		error:
			"in assignment 1: 'lights' names no section; start it with desired. or reported.",
	});
	assert.deepEqual(parseSectionsEdit('{"lights":"on"}'), {
		ok: false,
		error:
			"'lights' is not a section: the object holds desired and/or reported",
	});
	assert.deepEqual(parseSectionsEdit('{"desired":"on"}'), {
		ok: false,
		error: 'desired must be a JSON object',
	});
	assert.deepEqual(parseSectionsEdit('{}'), {
		ok: false,
		error: 'name desired and/or reported',
	});
	assert.deepEqual(parseSectionsEdit('desired = 5'), {
		ok: false,
		error:
			'in assignment 1: desired = needs a JSON object, such as desired = {"lights":"on"}',
	});
	assert.deepEqual(parseSectionsEdit('desired.a = 1, reported.b = off'), {
		ok: false,
		error:
			'in assignment 2: invalid JSON at column 1: unexpected "o" (strings need quotes: "off")',
	});
	assert.deepEqual(parseSectionsEdit('reported.c = [null]'), {
		ok: false,
		error:
			'reported: Invalid JSON: null inside an array (remove the element instead)',
	});
	assert.equal(parseSectionsEdit('').ok, false);
});

test('a patch on the command line takes the console syntax, and null for the whole section', () => {
	assert.deepEqual(parsePatchArgument('lights = "off"'), {
		ok: true,
		patch: {lights: 'off'},
	});
	assert.deepEqual(parsePatchArgument('{"lights":"off"}'), {
		ok: true,
		patch: {lights: 'off'},
	});
	assert.deepEqual(parsePatchArgument(' null '), {ok: true, patch: null});
	assert.deepEqual(parsePatchArgument('lights = off'), {
		ok: false,
		error:
			'in assignment 1: invalid JSON at column 1: unexpected "o" (strings need quotes: "off")',
	});
	assert.deepEqual(parsePatchArgument('brightness = 1e400'), {
		ok: false,
		error: 'Invalid JSON: a number JSON cannot hold, such as 1e400',
	});
});
