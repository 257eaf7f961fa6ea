/*
The worked examples of shadow-semantics.md §13 as scenarios of MQTT requests
with the whole documents the service must answer. The same table runs against
the embedded broker and against Mosquitto. Each scenario gets a thing of its
own; `name` is that thing's name (the classic shadow's 404 text carries it).
*/
import assert from 'node:assert/strict';
import {formatShadowTopic, type Operation} from '../../source/shadow/topics.js';
import type {Probe, Received} from './probe.js';
import type {TestClock} from './service.js';

export type Step = {
	readonly at?: number;
	readonly op?: Operation;
	readonly shadow?: string;
	/** An object is sent as JSON; a string or Buffer as it is. */
	readonly body?: unknown;
	readonly accepted?: unknown;
	readonly rejected?: unknown;
	/** null: no delta message may be published. */
	readonly delta?: unknown;
	readonly documents?: unknown;
	readonly check?: (reply: Reply) => void;
};

export type Reply = {
	readonly accepted?: Record<string, unknown>;
	readonly rejected?: Record<string, unknown>;
	readonly deltas: Record<string, unknown>[];
	readonly documents?: Record<string, unknown>;
};

export type Scenario = {
	readonly title: string;
	readonly steps: (name: string) => Step[];
};

const j = (text: string): unknown => JSON.parse(text);
const empty = (count: number, at: number): Step[] =>
	Array.from({length: count}, () => ({at, body: {state: {}}}));

export async function runScenario(
	probe: Probe,
	clock: TestClock,
	thing: string,
	steps: Step[],
): Promise<void> {
	await probe.watch(`$aws/things/${thing}/shadow/#`);
	for (const [index, step] of steps.entries()) {
		const where = `step ${index + 1} ${JSON.stringify(step.body ?? '').slice(0, 120)}`;
		clock.now = step.at ?? clock.now;
		const operation = step.op ?? 'update';
		const address = {thingName: thing, shadowName: step.shadow ?? ''};
		const topic = formatShadowTopic(address, operation);
		const body =
			step.body === undefined
				? ''
				: typeof step.body === 'string' || Buffer.isBuffer(step.body)
					? step.body
					: JSON.stringify(step.body);
		const from = probe.received.length;
		await probe.publish(topic, body);
		const answer = await probe.waitFor(
			(m) => m.topic === `${topic}/accepted` || m.topic === `${topic}/rejected`,
			`an answer to ${where}`,
			from,
		);
		let documents: Received | undefined;
		if (answer.topic.endsWith('/accepted') && operation === 'update') {
			documents = await probe.waitFor(
				(m) => m.topic === formatShadowTopic(address, 'update', 'documents'),
				`documents for ${where}`,
				from,
			);
		}

		// A get answered after the update's replies: any delta of that update has arrived by then.
		const sentinel = `sentinel-${index}`;
		const getTopic = formatShadowTopic(address, 'get');
		await probe.publish(getTopic, JSON.stringify({clientToken: sentinel}));
		const end = await probe.waitFor(
			(m) =>
				(m.topic === `${getTopic}/accepted` ||
					m.topic === `${getTopic}/rejected`) &&
				(m.json as {clientToken?: string} | undefined)?.clientToken ===
					sentinel,
			'the sentinel get',
			from,
		);
		const window = probe.received.slice(from, probe.received.indexOf(end));
		const reply: Reply = {
			...(answer.topic.endsWith('/accepted')
				? {accepted: answer.json as Record<string, unknown>}
				: {rejected: answer.json as Record<string, unknown>}),
			deltas: window
				.filter(
					(m) => m.topic === formatShadowTopic(address, 'update', 'delta'),
				)
				.map((m) => m.json as Record<string, unknown>),
			...(documents
				? {documents: documents.json as Record<string, unknown>}
				: {}),
		};

		if (step.rejected === undefined)
			assert.ok(
				reply.accepted,
				`${where}: expected acceptance, got ${answer.text}`,
			);
		else assert.deepEqual(reply.rejected, step.rejected, where);
		if (step.accepted !== undefined)
			assert.deepEqual(reply.accepted, step.accepted, where);
		if (step.documents !== undefined)
			assert.deepEqual(reply.documents, step.documents, where);
		if (step.delta === null)
			assert.deepEqual(reply.deltas, [], `${where}: no delta expected`);
		else if (step.delta !== undefined)
			assert.deepEqual(reply.deltas, [step.delta], where);
		step.check?.(reply);
	}
}

function getExpect(at: number, expected: unknown): Step {
	return {at, op: 'get', accepted: expected};
}

export const scenarios: Scenario[] = [
	{
		title: 'E1-E4: create, report, partial update, delete a key',
		steps: () => [
			{
				at: 100,
				body: {
					state: {desired: {color: 'red', power: 'on'}},
					clientToken: 'c1',
				},
				accepted: j(
					'{"state":{"desired":{"color":"red","power":"on"}},"metadata":{"desired":{"color":{"timestamp":100},"power":{"timestamp":100}}},"version":1,"timestamp":100,"clientToken":"c1"}',
				),
				delta: j(
					'{"state":{"color":"red","power":"on"},"metadata":{"color":{"timestamp":100},"power":{"timestamp":100}},"version":1,"timestamp":100,"clientToken":"c1"}',
				),
				documents: j(
					'{"previous":null,"current":{"state":{"desired":{"color":"red","power":"on"}},"metadata":{"desired":{"color":{"timestamp":100},"power":{"timestamp":100}}},"version":1},"timestamp":100,"clientToken":"c1"}',
				),
			},
			{
				at: 200,
				body: {
					state: {reported: {color: 'red', power: 'on'}},
					clientToken: 'c2',
				},
				accepted: j(
					'{"state":{"reported":{"color":"red","power":"on"}},"metadata":{"reported":{"color":{"timestamp":200},"power":{"timestamp":200}}},"version":2,"timestamp":200,"clientToken":"c2"}',
				),
				delta: null,
				documents: j(
					'{"previous":{"state":{"desired":{"color":"red","power":"on"}},"metadata":{"desired":{"color":{"timestamp":100},"power":{"timestamp":100}}},"version":1},"current":{"state":{"desired":{"color":"red","power":"on"},"reported":{"color":"red","power":"on"}},"metadata":{"desired":{"color":{"timestamp":100},"power":{"timestamp":100}},"reported":{"color":{"timestamp":200},"power":{"timestamp":200}}},"version":2},"timestamp":200,"clientToken":"c2"}',
				),
			},
			{
				at: 300,
				body: {state: {desired: {color: 'blue'}}},
				accepted: j(
					'{"state":{"desired":{"color":"blue"}},"metadata":{"desired":{"color":{"timestamp":300}}},"version":3,"timestamp":300}',
				),
				delta: j(
					'{"state":{"color":"blue"},"metadata":{"color":{"timestamp":300}},"version":3,"timestamp":300}',
				),
				check: ({documents}) => {
					assert.deepEqual((documents?.current as {state: unknown}).state, {
						desired: {color: 'blue', power: 'on'},
						reported: {color: 'red', power: 'on'},
					});
				},
			},
			{
				at: 400,
				body: {state: {desired: {power: null}}},
				accepted: j(
					'{"state":{"desired":{"power":null}},"metadata":{"desired":{"power":{"timestamp":400}}},"version":4,"timestamp":400}',
				),
				delta: j(
					'{"state":{"color":"blue"},"metadata":{"color":{"timestamp":300}},"version":4,"timestamp":400}',
				),
			},
		],
	},
	{
		title: 'E5: deleting the last desired key removes the section',
		steps: () => [
			{at: 10, body: {state: {desired: {state2: 2}}}},
			...empty(1, 10),
			{at: 500, body: {state: {desired: {state2: null}}}, delta: null},
			getExpect(501, {state: {}, metadata: {}, version: 3, timestamp: 501}),
		],
	},
	{
		title: 'E6: "desired": null removes the section',
		steps: () => [
			{at: 10, body: {state: {desired: {a: 1}, reported: {a: 2}}}},
			...empty(4, 10),
			{
				at: 600,
				body: {state: {desired: null}},
				accepted: j(
					'{"state":{"desired":null},"metadata":{"desired":{"timestamp":600}},"version":6,"timestamp":600}',
				),
				delta: null,
				check: ({documents}) => {
					assert.deepEqual((documents?.current as {state: unknown}).state, {
						reported: {a: 2},
					});
				},
			},
		],
	},
	{
		title: 'E7-E8: "state": null clears everything; get afterwards',
		steps: () => [
			{at: 10, body: {state: {desired: {a: 'b'}}}},
			...empty(1, 10),
			{
				at: 700,
				body: {state: null},
				accepted: j(
					'{"state":null,"metadata":{"timestamp":700},"version":3,"timestamp":700}',
				),
				delta: null,
				check: ({documents}) => {
					assert.deepEqual(
						documents?.current,
						j('{"state":{},"metadata":{},"version":3}'),
					);
				},
			},
			{
				at: 800,
				op: 'get',
				body: '',
				accepted: j('{"state":{},"metadata":{},"version":3,"timestamp":800}'),
			},
		],
	},
	{
		title: 'E9: "state": {} creates an empty shadow',
		steps: () => [
			{
				at: 900,
				body: {state: {}},
				accepted: j('{"state":{},"metadata":{},"version":1,"timestamp":900}'),
				documents: j(
					'{"previous":null,"current":{"state":{},"metadata":{},"version":1},"timestamp":900}',
				),
			},
			getExpect(901, {state: {}, metadata: {}, version: 1, timestamp: 901}),
		],
	},
	{
		title: 'E10: an empty desired section is not stored',
		steps: () => [
			{
				at: 1000,
				body: {state: {desired: {}}},
				accepted: j(
					'{"state":{"desired":{}},"metadata":{"desired":{}},"version":1,"timestamp":1000}',
				),
			},
			getExpect(1001, {state: {}, metadata: {}, version: 1, timestamp: 1001}),
			{at: 1002, body: {state: {reported: {online: false}}}, delta: null},
			getExpect(
				1003,
				j(
					'{"state":{"reported":{"online":false}},"metadata":{"reported":{"online":{"timestamp":1002}}},"version":2,"timestamp":1003}',
				),
			),
		],
	},
	{
		title: 'E11: null for a missing key is a no-op',
		steps: () => [
			{at: 900, body: {state: {}}},
			{
				at: 1100,
				body: {state: {reported: {online: null}}},
				accepted: j(
					'{"state":{"reported":{"online":null}},"metadata":{"reported":{"online":{"timestamp":1100}}},"version":2,"timestamp":1100}',
				),
			},
			getExpect(1101, {state: {}, metadata: {}, version: 2, timestamp: 1101}),
		],
	},
	{
		title: 'E12: nested merge and nested delta',
		steps: () => [
			{at: 100, body: {state: {reported: {color: {r: 255, g: 255, b: 0}}}}},
			{
				at: 200,
				body: {state: {desired: {color: {r: 10}, engine: 'ON'}}},
				delta: j(
					'{"state":{"color":{"r":10},"engine":"ON"},"metadata":{"color":{"r":{"timestamp":200}},"engine":{"timestamp":200}},"version":2,"timestamp":200}',
				),
			},
			{
				at: 300,
				body: {state: {reported: {color: {r: 10}}}},
				delta: j(
					'{"state":{"engine":"ON"},"metadata":{"engine":{"timestamp":200}},"version":3,"timestamp":300}',
				),
				check: ({documents}) => {
					const current = documents?.current as {
						state: {reported: unknown};
						metadata: {reported: unknown};
					};
					assert.deepEqual(current.state.reported, {
						color: {r: 10, g: 255, b: 0},
					});
					assert.deepEqual(
						current.metadata.reported,
						j(
							'{"color":{"r":{"timestamp":300},"g":{"timestamp":100},"b":{"timestamp":100}}}',
						),
					);
				},
			},
		],
	},
	{
		title: 'E13: the delta holds only differing leaves',
		steps: () => [
			{
				at: 1,
				body: {
					state: {
						desired: {lights: {color: {r: 255, g: 255, b: 255}}},
						reported: {lights: {color: {r: 255, g: 0, b: 255}}},
					},
				},
			},
			{
				at: 2,
				op: 'get',
				check: ({accepted}) =>
					assert.deepEqual((accepted?.state as {delta: unknown}).delta, {
						lights: {color: {g: 255}},
					}),
			},
		],
	},
	{
		title: 'E14: arrays are replaced whole, metadata per element',
		steps: () => [
			{at: 100, body: {state: {desired: {colors: ['RED', 'GREEN', 'BLUE']}}}},
			{
				at: 200,
				body: {state: {desired: {colors: ['RED']}}},
				accepted: j(
					'{"state":{"desired":{"colors":["RED"]}},"metadata":{"desired":{"colors":[{"timestamp":200}]}},"version":2,"timestamp":200}',
				),
			},
			getExpect(
				201,
				j(
					'{"state":{"desired":{"colors":["RED"]},"delta":{"colors":["RED"]}},"metadata":{"desired":{"colors":[{"timestamp":200}]}},"version":2,"timestamp":201}',
				),
			),
		],
	},
	...deltaScenarios(),
	{
		title: 'E17: a nested empty object is stored',
		steps: () => [
			{at: 1, body: {state: {desired: {a: 1, b: {c: 3}}}}},
			{at: 2, body: {state: {desired: {a: 1, b: {c: 3}, d: {}}}}},
			{
				at: 3,
				op: 'get',
				check: ({accepted}) =>
					assert.deepEqual(accepted?.state, {
						desired: {a: 1, b: {c: 3}, d: {}},
						delta: {a: 1, b: {c: 3}, d: {}},
					}),
			},
		],
	},
	{
		title: 'E18: a scalar replaced by an empty object and by a nested object',
		steps: () => [
			{at: 1, body: {state: {desired: {a: 1, b: {c: 3}, d: {}}}}},
			{at: 2, body: {state: {desired: {a: 1, b: {c: {}}, d: {}}}}},
			{
				at: 3,
				op: 'get',
				check: ({accepted}) =>
					assert.deepEqual((accepted?.state as {desired: unknown}).desired, {
						a: 1,
						b: {c: {}},
						d: {},
					}),
			},
			{at: 4, shadow: 'other', body: {state: {desired: {a: 1, b: {c: 3}}}}},
			{
				at: 5,
				shadow: 'other',
				body: {state: {desired: {a: 1, b: {c: {d: 3}}}}},
			},
			{
				at: 6,
				shadow: 'other',
				op: 'get',
				check: ({accepted}) =>
					assert.deepEqual((accepted?.state as {desired: unknown}).desired, {
						a: 1,
						b: {c: {d: 3}},
					}),
			},
		],
	},
	{
		title: 'E19: a key removed from reported but still desired is in the delta',
		steps: () => [
			{at: 100, body: {state: {desired: {x: 1}, reported: {x: 1, y: 2}}}},
			...empty(3, 100),
			{
				at: 500,
				body: {state: {reported: {x: null}}},
				delta: j(
					'{"state":{"x":1},"metadata":{"x":{"timestamp":100}},"version":5,"timestamp":500}',
				),
			},
		],
	},
	{
		title: 'E20: reported-only keys never appear in the delta',
		steps: () => [
			{at: 1, body: {state: {desired: {enabled: true}}}},
			{
				at: 2,
				body: {state: {reported: {online: false, enabled: true}}},
				delta: null,
			},
			{
				at: 3,
				op: 'get',
				check: ({accepted}) =>
					assert.deepEqual(accepted?.state, {
						desired: {enabled: true},
						reported: {online: false, enabled: true},
					}),
			},
			{at: 4, shadow: 'counter', body: {state: {desired: {enabled: true}}}},
			{at: 5, shadow: 'counter', body: {state: {reported: {online: true}}}},
			{
				at: 6,
				shadow: 'counter',
				op: 'get',
				check: ({accepted}) =>
					assert.deepEqual((accepted?.state as {delta: unknown}).delta, {
						enabled: true,
					}),
			},
		],
	},
	{
		title: 'E22-E23: optimistic locking',
		steps: () => [
			{at: 1, body: {state: {desired: {colors: ['RED', 'GREEN', 'BLUE']}}}},
			...empty(9, 1),
			{
				at: 1000,
				body: {
					state: {desired: {colors: ['BLUE']}},
					version: 9,
					clientToken: '426bfd96',
				},
				rejected: j(
					'{"code":409,"message":"Version conflict","timestamp":1000,"clientToken":"426bfd96"}',
				),
				delta: null,
			},
			{
				at: 1001,
				op: 'get',
				check: ({accepted}) => assert.equal(accepted?.version, 10),
			},
			{
				at: 1002,
				body: {state: {desired: {colors: ['BLUE']}}, version: 10},
				check: ({accepted}) => assert.equal(accepted?.version, 11),
			},
			{
				at: 1003,
				op: 'get',
				check: ({accepted}) =>
					assert.deepEqual((accepted?.state as {desired: unknown}).desired, {
						colors: ['BLUE'],
					}),
			},
		],
	},
	{
		title:
			'E24-E28: invalid version, missing state, wrong types, unknown nodes',
		steps: () => [
			...['"10"', '-1', '1.5', 'true'].map((version) => ({
				at: 7,
				body: `{"state":{"desired":{"a":1}},"version":${version},"clientToken":"t"}`,
				rejected: {
					code: 400,
					message: 'Invalid version',
					timestamp: 7,
					clientToken: 't',
				},
			})),
			{
				at: 7,
				body: {desired: {a: 1}},
				rejected: {
					code: 400,
					message: 'Missing required node: state',
					timestamp: 7,
				},
			},
			{
				at: 7,
				body: {state: 'on'},
				rejected: {
					code: 400,
					message: 'State node must be an object',
					timestamp: 7,
				},
			},
			{
				at: 7,
				body: {state: [1]},
				rejected: {
					code: 400,
					message: 'State node must be an object',
					timestamp: 7,
				},
			},
			{
				at: 7,
				body: {state: {desired: 5}},
				rejected: {
					code: 400,
					message: 'Desired node must be an object',
					timestamp: 7,
				},
			},
			{
				at: 7,
				body: {state: {reported: [1, 2]}},
				rejected: {
					code: 400,
					message: 'Reported node must be an object',
					timestamp: 7,
				},
			},
			{
				at: 7,
				body: {state: {delta: {a: 1}}},
				rejected: {
					code: 400,
					message: "State contains an invalid node: 'delta'",
					timestamp: 7,
				},
			},
			{
				at: 7,
				body: {state: {desired: {a: 1}, foo: 1}},
				rejected: {
					code: 400,
					message: "State contains an invalid node: 'foo'",
					timestamp: 7,
				},
			},
			{
				at: 8,
				body: {state: {desired: {a: 1}}, version: null},
				check: ({accepted}) => assert.equal(accepted?.version, 1),
			},
		],
	},
	{
		title: 'E29: unknown top-level keys are ignored',
		steps: () => [
			{
				at: 9,
				body: {
					state: {reported: {a: 1}},
					metadata: {x: 1},
					timestamp: 5,
					foo: 'bar',
				},
				accepted: {
					state: {reported: {a: 1}},
					metadata: {reported: {a: {timestamp: 9}}},
					version: 1,
					timestamp: 9,
				},
			},
			getExpect(10, {
				state: {reported: {a: 1}},
				metadata: {reported: {a: {timestamp: 9}}},
				version: 1,
				timestamp: 10,
			}),
		],
	},
	{
		title: 'E30-E32, E34: invalid JSON, token length, depth, null in arrays',
		steps: () => [
			...['{"state":{"desired":{"a":1}},"clientToken":"x"', '[1,2]', ''].map(
				(body) => ({
					at: 7,
					body,
					rejected: {code: 400, message: 'Invalid JSON', timestamp: 7},
				}),
			),
			{
				at: 7,
				body: {state: {}, clientToken: 'a'.repeat(65)},
				rejected: {code: 400, message: 'Invalid clientToken', timestamp: 7},
			},
			{
				at: 7,
				body: {state: {}, clientToken: '€'.repeat(22)},
				rejected: {code: 400, message: 'Invalid clientToken', timestamp: 7},
			},
			{
				at: 7,
				body: {state: {}, clientToken: `${'€'.repeat(21)}a`},
				check: ({accepted}) =>
					assert.equal(accepted?.clientToken, `${'€'.repeat(21)}a`),
			},
			{
				at: 8,
				body: '{"state":{"desired":{"1":{"2":{"3":{"4":{"5":{"6":"x"}}}}}}}}',
			},
			{
				at: 8,
				body: '{"state":{"desired":{"1":{"2":{"3":{"4":{"5":{"6":{"7":"x"}}}}}}}}}',
				rejected: {
					code: 400,
					message: 'JSON contains too many levels of nesting; maximum is 6',
					timestamp: 8,
				},
			},
			{
				at: 8,
				body: '{"state":{"reported":{"1":{"2":{"3":{"4":{"5":{"6":{"7":"x"}}}}}}}}}',
				rejected: {
					code: 400,
					message: 'JSON contains too many levels of nesting; maximum is 6',
					timestamp: 8,
				},
			},
			{
				at: 9,
				body: {state: {desired: {colors: [null, 'RED', 'GREEN']}}},
				rejected: {code: 400, message: 'Invalid JSON', timestamp: 9},
			},
		],
	},
	{
		title: 'E33: the size limit applies to the merged document',
		steps: () => [
			{
				at: 1,
				body: {
					state: {reported: {big: 'x'.repeat(8100 - '{"big":""}'.length)}},
				},
			},
			{
				at: 7,
				body: {state: {desired: {k: 'k'.repeat(100)}}},
				rejected: {
					code: 413,
					message: 'The payload exceeds the maximum size allowed',
					timestamp: 7,
				},
			},
			{
				at: 8,
				op: 'get',
				check: ({accepted}) => assert.equal(accepted?.version, 1),
			},
			{
				at: 9,
				body: {state: {reported: {big: null}}},
				check: ({accepted}) => assert.equal(accepted?.version, 2),
			},
		],
	},
	{
		title: 'E35: get of missing named and classic shadows',
		steps: (name) => [
			{
				at: 7,
				op: 'get',
				shadow: 'cfg',
				body: {clientToken: 'g1'},
				rejected: {
					code: 404,
					message: "No shadow exists with name: 'cfg'",
					timestamp: 7,
					clientToken: 'g1',
				},
			},
			{
				at: 7,
				op: 'get',
				body: '',
				rejected: {
					code: 404,
					message: `No shadow exists with name: '${name}'`,
					timestamp: 7,
				},
			},
		],
	},
	{
		title: 'E36: get with delta',
		steps: () => [
			{at: 10, body: {state: {desired: {color: 'RED', state: 'STOP'}}}},
			{at: 20, body: {state: {reported: {color: 'GREEN', engine: 'ON'}}}},
			...empty(15, 25),
			{
				at: 30,
				op: 'get',
				body: {clientToken: 'g2'},
				accepted: j(
					'{"state":{"desired":{"color":"RED","state":"STOP"},"reported":{"color":"GREEN","engine":"ON"},"delta":{"color":"RED","state":"STOP"}},"metadata":{"desired":{"color":{"timestamp":10},"state":{"timestamp":10}},"reported":{"color":{"timestamp":20},"engine":{"timestamp":20}}},"version":17,"timestamp":30,"clientToken":"g2"}',
				),
			},
		],
	},
	{
		title:
			'E37-E39: delete, get, delete again, re-create within and after retention',
		steps: (name) => [
			{at: 1, body: {state: {reported: {on: false}}}},
			...empty(4, 1),
			{
				at: 50,
				op: 'delete',
				body: {clientToken: 'd1'},
				accepted: {version: 5, timestamp: 50, clientToken: 'd1'},
			},
			{
				at: 51,
				op: 'get',
				rejected: {
					code: 404,
					message: `No shadow exists with name: '${name}'`,
					timestamp: 51,
				},
			},
			{
				at: 52,
				op: 'delete',
				rejected: {
					code: 404,
					message: `No shadow exists with name: '${name}'`,
					timestamp: 52,
				},
			},
			{
				at: 60,
				body: {state: {reported: {on: true}}},
				check: ({accepted, documents}) => {
					assert.equal(accepted?.version, 7);
					assert.equal(documents?.previous, null);
				},
			},
			{at: 61, op: 'delete', accepted: {version: 7, timestamp: 61}},
			{
				at: 61 + 48 * 3600 + 1,
				body: {state: {reported: {on: true}}},
				check: ({accepted}) => assert.equal(accepted?.version, 1),
			},
		],
	},
	{
		title: 'E40: named shadows count their own versions',
		steps: () => [
			{at: 1, body: {state: {desired: {name: 'default'}}}},
			{
				at: 2,
				shadow: 'cfg',
				body: {state: {reported: {name: 'cfg'}}},
				check: ({accepted}) => assert.equal(accepted?.version, 1),
			},
			{at: 3, op: 'delete', shadow: 'cfg'},
			{
				at: 4,
				op: 'get',
				check: ({accepted}) =>
					assert.deepEqual(accepted?.state, {
						desired: {name: 'default'},
						delta: {name: 'default'},
					}),
			},
		],
	},
	{
		title: 'E42: a value changes kind and its metadata is rebuilt',
		steps: () => [
			{at: 10, body: {state: {reported: {pos: 5}}}},
			{
				at: 20,
				body: {state: {reported: {pos: {x: 1, y: 2}}}},
				check: ({documents}) =>
					assert.deepEqual(
						(documents?.current as {metadata: unknown}).metadata,
						j(
							'{"reported":{"pos":{"x":{"timestamp":20},"y":{"timestamp":20}}}}',
						),
					),
			},
			{
				at: 30,
				body: {state: {reported: {pos: [1, 2]}}},
				check: ({documents}) =>
					assert.deepEqual(
						(documents?.current as {metadata: unknown}).metadata,
						j('{"reported":{"pos":[{"timestamp":30},{"timestamp":30}]}}'),
					),
			},
		],
	},
	{
		title: 'E43: a new object whose children are all null is not created',
		steps: () => [
			{at: 1, body: {state: {desired: {a: 1}}}},
			{
				at: 5,
				body: {state: {desired: {b: {c: null}}}},
				accepted: {
					state: {desired: {b: {c: null}}},
					metadata: {desired: {b: {c: {timestamp: 5}}}},
					version: 2,
					timestamp: 5,
				},
			},
			{
				at: 6,
				op: 'get',
				check: ({accepted}) =>
					assert.deepEqual((accepted?.state as {desired: unknown}).desired, {
						a: 1,
					}),
			},
			{at: 7, body: {state: {desired: {b: {c: null, d: 2}}}}},
			{
				at: 8,
				op: 'get',
				check: ({accepted}) =>
					assert.deepEqual((accepted?.state as {desired: unknown}).desired, {
						a: 1,
						b: {d: 2},
					}),
			},
		],
	},
	{
		title: 'E44: both sections in one request',
		steps: () => [
			{
				at: 5,
				body: {state: {desired: {t: 21}, reported: {t: 21}}},
				accepted: {
					state: {desired: {t: 21}, reported: {t: 21}},
					metadata: {
						desired: {t: {timestamp: 5}},
						reported: {t: {timestamp: 5}},
					},
					version: 1,
					timestamp: 5,
				},
				delta: null,
				check: ({documents}) => assert.equal(documents?.previous, null),
			},
		],
	},
	{
		title: 'E45: get and delete bodies',
		steps: () => [
			{at: 1, body: {state: {desired: {a: 1}}}},
			{
				at: 2,
				op: 'get',
				body: 'hello',
				check: ({accepted}) =>
					assert.equal(accepted && 'clientToken' in accepted, false),
			},
			{
				at: 3,
				op: 'delete',
				body: {clientToken: 'x', state: {desired: {b: 2}}},
				accepted: {version: 1, timestamp: 3, clientToken: 'x'},
			},
		],
	},
];

function deltaScenarios(): Scenario[] {
	const cases: [string, unknown, unknown, unknown][] = [
		[
			'E15: array delta is the whole desired array',
			{list: ['value_1', 'value_2']},
			{list: ['value_1']},
			{list: ['value_1']},
		],
		[
			'E15: array delta, other order',
			{list: ['value_1', 'value_2']},
			{list: ['value_1', 'value_3']},
			{list: ['value_1', 'value_3']},
		],
		[
			'E16: array nested in objects',
			{a: {b: ['d']}},
			{a: {b: ['c', 'd']}},
			{a: {b: ['c', 'd']}},
		],
		[
			'E16: array of arrays',
			{list: [['value_1'], ['value_2']]},
			{list: [['value_1']]},
			{list: [['value_1']]},
		],
		[
			'E21: object against a string',
			{mode: 'auto'},
			{mode: {a: 1}},
			{mode: {a: 1}},
		],
		['E21: string against a number', {n: 1}, {n: '1'}, {n: '1'}],
	];
	const scenarios: Scenario[] = cases.map(
		([title, reported, desired, delta]) => ({
			title,
			steps: () => [
				{at: 1, body: {state: {reported}}},
				{at: 2, body: {state: {desired}}},
				{
					at: 3,
					op: 'get',
					check: ({accepted}) =>
						assert.deepEqual(
							(accepted?.state as {delta: unknown}).delta,
							delta,
						),
				},
			],
		}),
	);
	scenarios.push({
		title: 'E21: 1.0 equals 1',
		steps: () => [
			{at: 1, body: {state: {reported: {n: 1}}}},
			{at: 2, body: '{"state":{"desired":{"n":1.0}}}', delta: null},
			{
				at: 3,
				op: 'get',
				check: ({accepted}) =>
					assert.equal((accepted?.state as {delta?: unknown}).delta, undefined),
			},
		],
	});
	return scenarios;
}
