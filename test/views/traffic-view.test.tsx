/*
The traffic inspector in the console (i), rendered with ink-testing-library
over the real local service: rows paired with their answers, a rejection
explained under the list and in full on Enter, the filter as typed, and the
split beside the panes on a wide terminal.
*/
import assert from 'node:assert/strict';
import {after, test, type TestContext} from 'node:test';
import {cleanup, render} from 'ink-testing-library';
import {connectShadowClient} from '../../source/client/shadow-client.js';
import {createConsoleSession} from '../../source/session/console-session.js';
import {createTrafficSession} from '../../source/session/traffic-session.js';
import type {LocalService} from '../../source/service/local-service.js';
import {App} from '../../source/views/app.js';
import {ColorContext} from '../../source/views/color.js';
import {startTestService} from '../helpers/service.js';
import {waitForFrame} from '../helpers/wait.js';

after(cleanup);

const lamp = {thingName: 'lamp', shadowName: ''};

async function open(t: TestContext, service: LocalService, columns = 80) {
	const client = await connectShadowClient({
		connection: {url: service.mqttUrl},
	});
	t.after(async () => client.close());
	const session = createConsoleSession({
		client,
		address: lamp,
		role: 'app',
		apply: 'auto',
		historyLimit: 100,
		clock: () => Math.floor(Date.now() / 1000),
		frameMs: 10,
	});
	const traffic = createTrafficSession({
		client,
		address: lamp,
		capacity: 200,
		answerTimeoutMs: 10_000,
		frameMs: 10,
	});
	const instance = render(
		<ColorContext.Provider value={false}>
			<App session={session} traffic={traffic} />
		</ColorContext.Provider>,
	);
	Object.defineProperty(instance.stdout, 'columns', {
		value: columns,
		configurable: true,
	});
	instance.stdout.emit('resize');
	t.after(async () => {
		instance.unmount();
		await traffic.close();
		await session.close();
	});
	await traffic.start();
	await session.start();
	const frame = async (predicate: (text: string) => boolean, what: string) =>
		waitForFrame(instance.lastFrame, predicate, what);
	const press = async (...inputs: string[]) => {
		for (const input of inputs) {
			instance.stdin.write(input);
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
	};

	return {instance, session, frame, press};
}

test('i lists the messages paired with their answers; a 409 is explained under the list and in full', async (t) => {
	const service = await startTestService(t);
	const other = await connectShadowClient({connection: {url: service.mqttUrl}});
	t.after(async () => other.close());
	const {frame, press, session} = await open(t, service);
	await other.update(lamp, {state: {desired: {lights: 'on'}}});
	await frame((f) => f.includes('v1'), 'the first version');
	await other.update(lamp, {state: {desired: {lights: 'off'}}});
	await frame((f) => f.includes('v2'), 'the second version');
	// An edit locked to a version the shadow has left.
	await session.update('desired', {lights: 'blue'}, 1);
	await press('i');
	// The console got the shadow again after the 409 (to see whether the edit could go on the new version): two rows up.
	await frame(
		(f) => f.includes('get/accepted     v2'),
		'the get after the 409',
	);
	await press('k', 'k');
	const list = await frame(
		(f) => f.includes('update/rejected') && f.includes('why:'),
		'the rejection in the list',
	);
	assert.match(list, /traffic · lamp's classic shadow/);
	assert.match(list, /→ update .*✗ \d+ ms/);
	assert.match(list, /← update .*✓ \d+ ms/);
	assert.match(list, /why: the shadow is at v2, not v1/);
	for (const line of list.split('\n')) assert.ok(line.length <= 80, line);

	// Up to the request that was refused, then Enter: it in full.
	await press('k', '\r');
	const detail = await frame((f) => f.includes('payload:'), 'the detail');
	assert.match(detail, /409 Version conflict/);
	assert.match(detail, /why: the shadow is at v2, not v1/);
	assert.match(
		detail,
		/what it asked for \(refused: nothing changed\), against v2/,
	);
	assert.match(detail, /~ desired\.lights: "off" -> "blue"/);
	// Tab: its answer.
	await press('\t');
	await frame((f) => f.includes('update/rejected · lamp'), 'the answer');
	await press('\u001B');
	await frame((f) => f.includes('traffic · lamp'), 'back to the list');

	// The filter applies as typed.
	await press('/');
	await frame((f) => f.includes('filter'), 'the filter prompt');
	await press('kind:rejected');
	const filtered = await frame(
		(f) => f.includes('2 of'),
		"the two rejections (the first get's 404, the 409)",
	);
	assert.doesNotMatch(filtered, /update\/accepted/);
	await press('\r', '\u001B');
	await frame((f) => f.includes('desired'), 'back to the panes');
});

test('from 150 columns the newest messages show beside the panes; I turns them off', async (t) => {
	const service = await startTestService(t);
	const other = await connectShadowClient({connection: {url: service.mqttUrl}});
	t.after(async () => other.close());
	const {frame, press} = await open(t, service, 160);
	await other.update(lamp, {state: {desired: {lights: 'on'}}});
	const wide = await frame(
		(f) => f.includes('traffic (') && f.includes('documents v1'),
		'the split',
	);
	assert.match(wide, /desired/);
	await press('I');
	await frame((f) => !f.includes('traffic ('), 'the split off');
});
