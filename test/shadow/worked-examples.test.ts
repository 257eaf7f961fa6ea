/*
Every worked example of shadow-semantics.md §13 that the engine answers on its
own, compared as whole documents. REST-only parts (E37's HTTP body, E40's
listing, E41) are covered by the service's tests.
*/
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {
	accepted,
	classic,
	get,
	live,
	named,
	rejected,
	remove,
	update,
	wire,
} from '../helpers/engine.js';

const j = (text: string): unknown => JSON.parse(text);

test('E1: create by desired update', () => {
	const out = accepted(
		update(
			undefined,
			{state: {desired: {color: 'red', power: 'on'}}, clientToken: 'c1'},
			100,
		),
	);
	assert.deepEqual(
		wire(out.accepted),
		j(
			'{"state":{"desired":{"color":"red","power":"on"}},"metadata":{"desired":{"color":{"timestamp":100},"power":{"timestamp":100}}},"version":1,"timestamp":100,"clientToken":"c1"}',
		),
	);
	assert.deepEqual(
		wire(out.delta),
		j(
			'{"state":{"color":"red","power":"on"},"metadata":{"color":{"timestamp":100},"power":{"timestamp":100}},"version":1,"timestamp":100,"clientToken":"c1"}',
		),
	);
	assert.deepEqual(
		wire(out.documents),
		j(
			'{"previous":null,"current":{"state":{"desired":{"color":"red","power":"on"}},"metadata":{"desired":{"color":{"timestamp":100},"power":{"timestamp":100}}},"version":1},"timestamp":100,"clientToken":"c1"}',
		),
	);
});

function e1() {
	return accepted(
		update(
			undefined,
			{state: {desired: {color: 'red', power: 'on'}}, clientToken: 'c1'},
			100,
		),
	).shadow;
}

function e2() {
	return accepted(
		update(
			e1(),
			{state: {reported: {color: 'red', power: 'on'}}, clientToken: 'c2'},
			200,
		),
	);
}

test('E2: device reports matching state', () => {
	const out = e2();
	assert.deepEqual(
		wire(out.accepted),
		j(
			'{"state":{"reported":{"color":"red","power":"on"}},"metadata":{"reported":{"color":{"timestamp":200},"power":{"timestamp":200}}},"version":2,"timestamp":200,"clientToken":"c2"}',
		),
	);
	assert.equal(out.delta, undefined);
	assert.deepEqual(wire(out.documents), {
		previous: j(
			'{"state":{"desired":{"color":"red","power":"on"}},"metadata":{"desired":{"color":{"timestamp":100},"power":{"timestamp":100}}},"version":1}',
		),
		current: j(
			'{"state":{"desired":{"color":"red","power":"on"},"reported":{"color":"red","power":"on"}},"metadata":{"desired":{"color":{"timestamp":100},"power":{"timestamp":100}},"reported":{"color":{"timestamp":200},"power":{"timestamp":200}}},"version":2}',
		),
		timestamp: 200,
		clientToken: 'c2',
	});
});

function e3() {
	return accepted(
		update(e2().shadow, {state: {desired: {color: 'blue'}}}, 300),
	);
}

test('E3: partial desired update keeps other keys', () => {
	const out = e3();
	assert.deepEqual(out.shadow.state.desired, {color: 'blue', power: 'on'});
	assert.deepEqual(
		out.shadow.metadata.desired,
		j('{"color":{"timestamp":300},"power":{"timestamp":100}}'),
	);
	assert.deepEqual(
		wire(out.accepted),
		j(
			'{"state":{"desired":{"color":"blue"}},"metadata":{"desired":{"color":{"timestamp":300}}},"version":3,"timestamp":300}',
		),
	);
	assert.deepEqual(
		wire(out.delta),
		j(
			'{"state":{"color":"blue"},"metadata":{"color":{"timestamp":300}},"version":3,"timestamp":300}',
		),
	);
});

test('E4: null deletes one key; the delta is republished in full', () => {
	const out = accepted(
		update(e3().shadow, {state: {desired: {power: null}}}, 400),
	);
	assert.deepEqual(out.shadow.state.desired, {color: 'blue'});
	assert.deepEqual(
		out.shadow.metadata.desired,
		j('{"color":{"timestamp":300}}'),
	);
	assert.deepEqual(
		wire(out.accepted),
		j(
			'{"state":{"desired":{"power":null}},"metadata":{"desired":{"power":{"timestamp":400}}},"version":4,"timestamp":400}',
		),
	);
	assert.deepEqual(
		wire(out.delta),
		j(
			'{"state":{"color":"blue"},"metadata":{"color":{"timestamp":300}},"version":4,"timestamp":400}',
		),
	);
});

test('E5: deleting the last desired key removes the section', () => {
	const before = live(2, {value: {state2: 2}, at: 10});
	const out = accepted(update(before, {state: {desired: {state2: null}}}, 500));
	assert.equal(out.delta, undefined);
	assert.deepEqual(wire(accepted(get(out.shadow, '', 501)).accepted), {
		state: {},
		metadata: {},
		version: 3,
		timestamp: 501,
	});
});

test('E6: "desired": null removes the section', () => {
	const before = live(5, {value: {a: 1}, at: 10}, {value: {a: 2}, at: 10});
	const out = accepted(update(before, {state: {desired: null}}, 600));
	assert.deepEqual(
		wire(out.accepted),
		j(
			'{"state":{"desired":null},"metadata":{"desired":{"timestamp":600}},"version":6,"timestamp":600}',
		),
	);
	assert.equal(out.delta, undefined);
	assert.deepEqual(out.documents.current.state, {reported: {a: 2}});
});

function e7() {
	return accepted(
		update(live(2, {value: {a: 'b'}, at: 10}), {state: null}, 700),
	);
}

test('E7: "state": null clears everything', () => {
	const out = e7();
	assert.deepEqual(
		wire(out.accepted),
		j(
			'{"state":null,"metadata":{"timestamp":700},"version":3,"timestamp":700}',
		),
	);
	assert.equal(out.delta, undefined);
	assert.deepEqual(
		wire(out.documents.current),
		j('{"state":{},"metadata":{},"version":3}'),
	);
});

test('E8: get after E7', () => {
	assert.deepEqual(
		wire(accepted(get(e7().shadow, '', 800)).accepted),
		j('{"state":{},"metadata":{},"version":3,"timestamp":800}'),
	);
});

function e9() {
	return accepted(update(undefined, {state: {}}, 900));
}

test('E9: "state": {} creates an empty shadow', () => {
	const out = e9();
	assert.deepEqual(
		wire(out.accepted),
		j('{"state":{},"metadata":{},"version":1,"timestamp":900}'),
	);
	assert.deepEqual(
		wire(out.documents),
		j(
			'{"previous":null,"current":{"state":{},"metadata":{},"version":1},"timestamp":900}',
		),
	);
	assert.equal(accepted(get(out.shadow, '', 901)).accepted.version, 1);
});

test('E10: an empty desired section is not stored', () => {
	const first = accepted(update(undefined, {state: {desired: {}}}, 1000));
	assert.deepEqual(
		wire(first.accepted),
		j(
			'{"state":{"desired":{}},"metadata":{"desired":{}},"version":1,"timestamp":1000}',
		),
	);
	assert.deepEqual(accepted(get(first.shadow, '', 1001)).accepted.state, {});
	const second = accepted(
		update(first.shadow, {state: {reported: {online: false}}}, 1002),
	);
	assert.equal(second.shadow.version, 2);
	assert.equal(second.delta, undefined);
	assert.deepEqual(accepted(get(second.shadow, '', 1003)).accepted.state, {
		reported: {online: false},
	});
});

test('E11: null for a missing key is a no-op', () => {
	const out = accepted(
		update(e9().shadow, {state: {reported: {online: null}}}, 1100),
	);
	assert.equal(out.shadow.version, 2);
	assert.deepEqual(accepted(get(out.shadow, '', 1101)).accepted.state, {});
});

test('E12: nested merge and nested delta', () => {
	const before = live(1, undefined, {
		value: {color: {r: 255, g: 255, b: 0}},
		at: 100,
	});
	const first = accepted(
		update(before, {state: {desired: {color: {r: 10}, engine: 'ON'}}}, 200),
	);
	assert.deepEqual(first.shadow.state.desired, {color: {r: 10}, engine: 'ON'});
	assert.deepEqual(
		wire(first.delta),
		j(
			'{"state":{"color":{"r":10},"engine":"ON"},"metadata":{"color":{"r":{"timestamp":200}},"engine":{"timestamp":200}},"version":2,"timestamp":200}',
		),
	);
	const second = accepted(
		update(first.shadow, {state: {reported: {color: {r: 10}}}}, 300),
	);
	assert.deepEqual(second.shadow.state.reported, {
		color: {r: 10, g: 255, b: 0},
	});
	assert.deepEqual(
		second.shadow.metadata.reported,
		j(
			'{"color":{"r":{"timestamp":300},"g":{"timestamp":100},"b":{"timestamp":100}}}',
		),
	);
	assert.equal(second.shadow.version, 3);
	assert.deepEqual(
		wire(second.delta),
		j(
			'{"state":{"engine":"ON"},"metadata":{"engine":{"timestamp":200}},"version":3,"timestamp":300}',
		),
	);
});

test('E13: the delta holds only differing leaves, with the full path', () => {
	const record = live(
		1,
		{value: {lights: {color: {r: 255, g: 255, b: 255}}}, at: 1},
		{value: {lights: {color: {r: 255, g: 0, b: 255}}}, at: 1},
	);
	assert.deepEqual(accepted(get(record, '', 2)).accepted.state.delta, {
		lights: {color: {g: 255}},
	});
});

test('E14: arrays are replaced whole, with metadata per element', () => {
	const before = live(1, {value: {colors: ['RED', 'GREEN', 'BLUE']}, at: 100});
	const out = accepted(
		update(before, {state: {desired: {colors: ['RED']}}}, 200),
	);
	assert.deepEqual(out.shadow.state.desired, {colors: ['RED']});
	assert.deepEqual(
		out.shadow.metadata.desired,
		j('{"colors":[{"timestamp":200}]}'),
	);
	assert.equal(out.shadow.version, 2);
	assert.deepEqual(
		out.accepted.metadata,
		j('{"desired":{"colors":[{"timestamp":200}]}}'),
	);
});

function deltaAfter(reported: object, desired: object): unknown {
	const before = accepted(update(undefined, {state: {reported}}, 1)).shadow;
	const after = accepted(update(before, {state: {desired}}, 2)).shadow;
	return accepted(get(after, '', 3)).accepted.state.delta;
}

test('E15: an array delta is the whole desired array', () => {
	assert.deepEqual(
		deltaAfter({list: ['value_1', 'value_2']}, {list: ['value_1']}),
		{list: ['value_1']},
	);
	assert.deepEqual(
		deltaAfter({list: ['value_1', 'value_2']}, {list: ['value_1', 'value_3']}),
		{list: ['value_1', 'value_3']},
	);
});

test('E16: arrays nested in objects and in arrays', () => {
	assert.deepEqual(deltaAfter({a: {b: ['d']}}, {a: {b: ['c', 'd']}}), {
		a: {b: ['c', 'd']},
	});
	assert.deepEqual(
		deltaAfter({list: [['value_1'], ['value_2']]}, {list: [['value_1']]}),
		{list: [['value_1']]},
	);
});

test('E17: a nested empty object is stored', () => {
	const before = live(1, {value: {a: 1, b: {c: 3}}, at: 1});
	const out = accepted(
		update(before, {state: {desired: {a: 1, b: {c: 3}, d: {}}}}, 2),
	);
	const got = accepted(get(out.shadow, '', 3)).accepted;
	assert.deepEqual(got.state.desired, {a: 1, b: {c: 3}, d: {}});
	assert.deepEqual(got.state.delta, {a: 1, b: {c: 3}, d: {}});
});

test('E18: a scalar replaced by an empty object, and by a nested object', () => {
	const before = live(1, {value: {a: 1, b: {c: 3}, d: {}}, at: 1});
	const out = accepted(
		update(before, {state: {desired: {a: 1, b: {c: {}}, d: {}}}}, 2),
	);
	assert.deepEqual(out.shadow.state.desired, {a: 1, b: {c: {}}, d: {}});
	const other = accepted(
		update(
			live(1, {value: {a: 1, b: {c: 3}}, at: 1}),
			{state: {desired: {a: 1, b: {c: {d: 3}}}}},
			2,
		),
	);
	assert.deepEqual(other.shadow.state.desired, {a: 1, b: {c: {d: 3}}});
});

test('E19: a key removed from reported but still desired is in the delta', () => {
	const before = live(
		4,
		{value: {x: 1}, at: 100},
		{value: {x: 1, y: 2}, at: 100},
	);
	const out = accepted(update(before, {state: {reported: {x: null}}}, 500));
	assert.deepEqual(out.shadow.state.reported, {y: 2});
	assert.deepEqual(
		wire(out.delta),
		j(
			'{"state":{"x":1},"metadata":{"x":{"timestamp":100}},"version":5,"timestamp":500}',
		),
	);
});

test('E20: reported-only keys never appear in the delta', () => {
	const desired = live(1, {value: {enabled: true}, at: 1});
	const matching = accepted(
		update(desired, {state: {reported: {online: false, enabled: true}}}, 2),
	);
	assert.equal(matching.delta, undefined);
	assert.deepEqual(wire(accepted(get(matching.shadow, '', 3)).accepted.state), {
		desired: {enabled: true},
		reported: {online: false, enabled: true},
	});
	const missing = accepted(
		update(desired, {state: {reported: {online: true}}}, 2),
	);
	assert.deepEqual(accepted(get(missing.shadow, '', 3)).accepted.state.delta, {
		enabled: true,
	});
});

test('E21: a delta with type mismatches', () => {
	assert.deepEqual(deltaAfter({mode: 'auto'}, {mode: {a: 1}}), {mode: {a: 1}});
	assert.deepEqual(deltaAfter({n: 1}, {n: '1'}), {n: '1'});
	assert.equal(deltaAfter({n: 1}, j('{"n":1.0}') as object), undefined);
});

test('E22: optimistic lock accepted', () => {
	const before = live(10, {value: {colors: ['RED', 'GREEN', 'BLUE']}, at: 1});
	const out = accepted(
		update(before, {state: {desired: {colors: ['BLUE']}}, version: 10}, 2),
	);
	assert.equal(out.accepted.version, 11);
	assert.deepEqual(out.shadow.state.desired, {colors: ['BLUE']});
});

test('E23: optimistic lock conflict', () => {
	const before = live(10, {value: {colors: ['RED', 'GREEN', 'BLUE']}, at: 1});
	const out = rejected(
		update(
			before,
			{
				state: {desired: {colors: ['BLUE']}},
				version: 9,
				clientToken: '426bfd96',
			},
			1000,
		),
	);
	assert.deepEqual(
		out.error,
		j(
			'{"code":409,"message":"Version conflict","timestamp":1000,"clientToken":"426bfd96"}',
		),
	);
});

test('E24: invalid version values', () => {
	for (const version of ['10', -1, 1.5, true]) {
		const out = rejected(
			update(
				undefined,
				{state: {desired: {a: 1}}, version, clientToken: 't'},
				7,
			),
		);
		assert.deepEqual(
			out.error,
			{code: 400, message: 'Invalid version', timestamp: 7, clientToken: 't'},
			String(version),
		);
	}

	assert.equal(
		accepted(update(undefined, {state: {desired: {a: 1}}, version: null}, 7))
			.accepted.version,
		1,
	);
});

test('E25: missing state', () => {
	assert.deepEqual(rejected(update(undefined, {desired: {a: 1}}, 7)).error, {
		code: 400,
		message: 'Missing required node: state',
		timestamp: 7,
	});
});

test('E26: state not an object', () => {
	for (const state of ['on', [1]]) {
		assert.deepEqual(rejected(update(undefined, {state}, 7)).error, {
			code: 400,
			message: 'State node must be an object',
			timestamp: 7,
		});
	}
});

test('E27: desired and reported not objects', () => {
	assert.equal(
		rejected(update(undefined, {state: {desired: 5}}, 7)).error.message,
		'Desired node must be an object',
	);
	assert.equal(
		rejected(update(undefined, {state: {reported: [1, 2]}}, 7)).error.message,
		'Reported node must be an object',
	);
});

test('E28: unknown node in state', () => {
	assert.deepEqual(
		rejected(update(undefined, {state: {delta: {a: 1}}}, 7)).error,
		{
			code: 400,
			message: "State contains an invalid node: 'delta'",
			timestamp: 7,
		},
	);
	assert.equal(
		rejected(update(undefined, {state: {desired: {a: 1}, foo: 1}}, 7)).error
			.message,
		"State contains an invalid node: 'foo'",
	);
});

test('E29: unknown top-level keys are ignored', () => {
	const out = accepted(
		update(
			undefined,
			{state: {reported: {a: 1}}, metadata: {x: 1}, timestamp: 5, foo: 'bar'},
			9,
		),
	);
	assert.equal(out.shadow.version, 1);
	assert.deepEqual(out.shadow.state, {reported: {a: 1}});
	assert.deepEqual(wire(out.accepted), {
		state: {reported: {a: 1}},
		metadata: {reported: {a: {timestamp: 9}}},
		version: 1,
		timestamp: 9,
	});
});

test('E30: invalid JSON, with no token echo', () => {
	for (const body of [
		'{"state":{"desired":{"a":1}},"clientToken":"x"',
		'[1,2]',
		'',
	]) {
		assert.deepEqual(
			rejected(update(undefined, body, 7)).error,
			{code: 400, message: 'Invalid JSON', timestamp: 7},
			body,
		);
	}
});

test('E31: clientToken length counts UTF-8 bytes', () => {
	for (const token of ['a'.repeat(65), '€'.repeat(22)]) {
		assert.deepEqual(
			rejected(update(undefined, {state: {}, clientToken: token}, 7)).error,
			{code: 400, message: 'Invalid clientToken', timestamp: 7},
		);
	}

	const exact = '€'.repeat(21) + 'a';
	assert.equal(Buffer.byteLength(exact), 64);
	assert.equal(
		accepted(update(undefined, {state: {}, clientToken: exact}, 7)).accepted
			.clientToken,
		exact,
	);
});

test('E32: nesting depth', () => {
	accepted(
		update(
			undefined,
			'{"state":{"desired":{"1":{"2":{"3":{"4":{"5":{"6":"x"}}}}}}}}',
			7,
		),
	);
	assert.deepEqual(
		rejected(
			update(
				undefined,
				'{"state":{"desired":{"1":{"2":{"3":{"4":{"5":{"6":{"7":"x"}}}}}}}}}',
				7,
			),
		).error,
		{
			code: 400,
			message: 'JSON contains too many levels of nesting; maximum is 6',
			timestamp: 7,
		},
	);
	assert.equal(
		rejected(
			update(
				undefined,
				'{"state":{"reported":{"1":{"2":{"3":{"4":{"5":{"6":{"7":"x"}}}}}}}}}',
				7,
			),
		).rejection.code,
		400,
	);
	assert.equal(
		rejected(
			update(
				undefined,
				'{"state":{"desired":{"1":{"2":{"3":{"4":{"5":[["x"]]}}}}}}}',
				7,
			),
		).rejection.code,
		400,
		'arrays count as a level',
	);
});

test('E33: the size limit applies to the merged document', () => {
	const big = 'x'.repeat(8100 - '{"big":""}'.length);
	const before = accepted(
		update(undefined, {state: {reported: {big}}}, 1),
	).shadow;
	assert.equal(Buffer.byteLength(JSON.stringify(before.state.reported)), 8100);
	const out = rejected(
		update(before, {state: {desired: {k: 'k'.repeat(100)}}}, 7),
	);
	assert.deepEqual(out.error, {
		code: 413,
		message: 'The payload exceeds the maximum size allowed',
		timestamp: 7,
	});
	assert.equal(
		accepted(update(before, {state: {reported: {big: null}}}, 8)).shadow
			.version,
		2,
	);
});

test('E34: null inside an array', () => {
	assert.deepEqual(
		rejected(
			update(
				undefined,
				{state: {desired: {colors: [null, 'RED', 'GREEN']}}},
				7,
			),
		).error,
		{code: 400, message: 'Invalid JSON', timestamp: 7},
	);
});

test('E35: get of a missing named shadow, and of a missing classic shadow', () => {
	assert.deepEqual(
		rejected(get(undefined, {clientToken: 'g1'}, 7, named)).error,
		{
			code: 404,
			message: "No shadow exists with name: 'cfg'",
			timestamp: 7,
			clientToken: 'g1',
		},
	);
	assert.deepEqual(rejected(get(undefined, '', 7, classic)).error, {
		code: 404,
		message: "No shadow exists with name: 'lamp'",
		timestamp: 7,
	});
});

test('E36: get with delta', () => {
	const record = live(
		17,
		{value: {color: 'RED', state: 'STOP'}, at: 10},
		{value: {color: 'GREEN', engine: 'ON'}, at: 20},
	);
	assert.deepEqual(
		wire(accepted(get(record, {clientToken: 'g2'}, 30)).accepted),
		j(
			'{"state":{"desired":{"color":"RED","state":"STOP"},"reported":{"color":"GREEN","engine":"ON"},"delta":{"color":"RED","state":"STOP"}},"metadata":{"desired":{"color":{"timestamp":10},"state":{"timestamp":10}},"reported":{"color":{"timestamp":20},"engine":{"timestamp":20}}},"version":17,"timestamp":30,"clientToken":"g2"}',
		),
	);
});

function e37() {
	return accepted(
		remove(live(5, {value: {on: false}, at: 1}), {clientToken: 'd1'}, 50),
	);
}

test('E37: delete, then get, then delete again', () => {
	const out = e37();
	assert.deepEqual(out.accepted, {
		version: 5,
		timestamp: 50,
		clientToken: 'd1',
	});
	assert.deepEqual(out.shadow, {kind: 'deleted', version: 6, deletedAt: 50});
	assert.deepEqual(rejected(get(out.shadow, '', 51)).error, {
		code: 404,
		message: "No shadow exists with name: 'lamp'",
		timestamp: 51,
	});
	assert.deepEqual(rejected(remove(out.shadow, '', 52)).error, {
		code: 404,
		message: "No shadow exists with name: 'lamp'",
		timestamp: 52,
	});
});

test('E38: re-create within the retention window', () => {
	const out = accepted(
		update(e37().shadow, {state: {reported: {on: true}}}, 60),
	);
	assert.equal(out.accepted.version, 7);
	assert.equal(out.documents.previous, null);
	assert.equal(out.documents.current.version, 7);
});

test('E39: re-create after the retention window', () => {
	const later = 50 + 48 * 3600 + 1;
	assert.equal(
		accepted(update(e37().shadow, {state: {reported: {on: true}}}, later))
			.accepted.version,
		1,
	);
	assert.equal(
		accepted(update(e37().shadow, {state: {reported: {on: true}}}, later - 2))
			.accepted.version,
		7,
	);
});

test('E40: named shadows count their own versions', () => {
	const classicShadow = accepted(
		update(undefined, {state: {desired: {name: 'default'}}}, 1),
	).shadow;
	assert.equal(classicShadow.version, 1);
	const namedOut = accepted(
		update(undefined, {state: {reported: {name: 'cfg'}}}, 2, named),
	);
	assert.equal(namedOut.accepted.version, 1);
});

test('E42: a value changes kind and its metadata is rebuilt', () => {
	const before = live(1, undefined, {value: {pos: 5}, at: 10});
	const object = accepted(
		update(before, {state: {reported: {pos: {x: 1, y: 2}}}}, 20),
	);
	assert.deepEqual(
		object.shadow.metadata.reported,
		j('{"pos":{"x":{"timestamp":20},"y":{"timestamp":20}}}'),
	);
	const array = accepted(
		update(object.shadow, {state: {reported: {pos: [1, 2]}}}, 30),
	);
	assert.deepEqual(
		array.shadow.metadata.reported,
		j('{"pos":[{"timestamp":30},{"timestamp":30}]}'),
	);
	assert.equal(array.shadow.version, 3);
});

test('E43: a new object whose children are all null is not created', () => {
	const before = live(1, {value: {a: 1}, at: 1});
	const out = accepted(update(before, {state: {desired: {b: {c: null}}}}, 5));
	assert.deepEqual(out.shadow.state.desired, {a: 1});
	assert.equal(out.shadow.version, 2);
	assert.deepEqual(wire(out.accepted), {
		state: {desired: {b: {c: null}}},
		metadata: {desired: {b: {c: {timestamp: 5}}}},
		version: 2,
		timestamp: 5,
	});
	const mixed = accepted(
		update(before, {state: {desired: {b: {c: null, d: 2}}}}, 5),
	);
	assert.deepEqual(mixed.shadow.state.desired, {a: 1, b: {d: 2}});
});

test('E44: both sections in one request', () => {
	const out = accepted(
		update(undefined, {state: {desired: {t: 21}, reported: {t: 21}}}, 5),
	);
	assert.deepEqual(wire(out.accepted), {
		state: {desired: {t: 21}, reported: {t: 21}},
		metadata: {desired: {t: {timestamp: 5}}, reported: {t: {timestamp: 5}}},
		version: 1,
		timestamp: 5,
	});
	assert.equal(out.delta, undefined);
	assert.equal(out.documents.previous, null);
});

test('E45: get and delete bodies', () => {
	const record = live(1, {value: {a: 1}, at: 1});
	const hello = accepted(get(record, 'hello', 2)).accepted;
	assert.equal('clientToken' in hello, false);
	const removed = accepted(
		remove(record, {clientToken: 'x', state: {desired: {b: 2}}}, 3),
	);
	assert.deepEqual(removed.accepted, {
		version: 1,
		timestamp: 3,
		clientToken: 'x',
	});
});
