/*
The console session's test scaffolding: a shadow client on the service and a
started session that is closed after the test.
*/
import type {TestContext} from 'node:test';
import {
	connectShadowClient,
	type ShadowClient,
} from '../../source/client/shadow-client.js';
import type {LocalService} from '../../source/service/local-service.js';
import {
	createConsoleSession,
	type ConsoleSession,
	type ConsoleSessionOptions,
} from '../../source/session/console-session.js';

export async function connectClient(
	t: TestContext,
	service: LocalService,
	clientId?: string,
): Promise<ShadowClient> {
	const client = await connectShadowClient({
		connection: {
			url: service.mqttUrl,
			...(clientId === undefined ? {} : {clientId}),
		},
	});
	t.after(async () => client.close());
	return client;
}

/** Started, in the app role, notifying at once (frameMs 0). */
export async function openSession(
	t: TestContext,
	client: ShadowClient,
	options: Partial<ConsoleSessionOptions> &
		Pick<ConsoleSessionOptions, 'address'>,
): Promise<ConsoleSession> {
	const session = createConsoleSession({
		client,
		role: 'app',
		apply: 'auto',
		historyLimit: 100,
		clock: () => Math.floor(Date.now() / 1000),
		frameMs: 0,
		...options,
	});
	t.after(async () => session.close());
	await session.start();
	return session;
}
