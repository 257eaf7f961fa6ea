/*
A SUBACK that refuses one filter of a request grants the others: the client
gives those back, since nobody will listen on them (the traffic inspector's
tap asks for several at once, and a device's policy refuses some).
*/
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {connectShadowClient} from '../../source/client/shadow-client.js';
import {ShadowRejectedError} from '../../source/client/shadow-errors.js';
import {startSecureService} from '../security/secure-service.js';
import {until} from '../helpers/wait.js';

test('filters granted beside a refused one are unsubscribed again', async (t) => {
	const {service, ca, credentials} = await startSecureService(t);
	const lamp = await credentials('thing', 'lamp');
	const client = await connectShadowClient({
		connection: {url: service.mqttUrl, ca, ...lamp, clientId: 'lamp'},
	});
	t.after(async () => client.close());
	const own = '$aws/things/lamp/shadow/update/accepted';
	const other = '$aws/things/fan/shadow/update/accepted';
	type Clients = Record<string, {subscriptions?: Record<string, unknown>}>;
	const subscriptions = () => {
		const clients = (service.broker?.aedes as unknown as {clients?: Clients})
			?.clients;
		return Object.keys(clients?.lamp?.subscriptions ?? {});
	};

	await assert.rejects(
		client.tap([own, other], () => undefined),
		(error: unknown) =>
			error instanceof ShadowRejectedError && error.code === 403,
	);
	await until(
		() => !subscriptions().includes(own),
		`${own} given back (subscriptions: ${subscriptions().join(' ')})`,
	);
	// The same filter alone is granted and kept.
	const stop = await client.tap([own], () => undefined);
	await until(() => subscriptions().includes(own), `${own} subscribed`);
	await stop();
});
