import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {locateJsonError} from '../../source/session/locate-json-error.js';
import {parseEdit} from '../../source/session/parse-edit.js';

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
