/*
What a benchmark of the console opens on the local service: the console's
client and session on the shown shadow (lamp), a second connection that
floods it, and (when asked) the traffic inspector's session on the same
client, as the console runs it.
*/
import {connectMqtt} from '../source/client/connect-mqtt.js';
import {connectShadowClient} from '../source/client/shadow-client.js';
import {createConsoleSession} from '../source/session/console-session.js';
import {createTrafficSession} from '../source/session/traffic-session.js';
import type {LocalService} from '../source/service/local-service.js';

export const lamp = {thingName: 'lamp', shadowName: ''};

export async function openConsoleSessions(service: LocalService) {
	const client = await connectShadowClient({
		connection: {url: service.mqttUrl},
	});
	const publisher = await connectMqtt({url: service.mqttUrl});
	const session = createConsoleSession({
		client,
		address: lamp,
		role: 'app',
		apply: 'auto',
		historyLimit: 1000,
		clock: () => Math.floor(Date.now() / 1000),
	});
	return {client, publisher, session};
}

export async function openInspectedConsole(service: LocalService) {
	const opened = await openConsoleSessions(service);
	const traffic = createTrafficSession({
		client: opened.client,
		address: lamp,
		capacity: 2000,
		answerTimeoutMs: 10_000,
	});
	return {...opened, traffic};
}
