/*
The SigV4-presigned WebSocket URL AWS IoT Core takes: checked against a
signature computed here from the SigV4 specification, and against AWS's own
device SDK (aws-iot-device-sdk v1's prepareWebSocketUrl) at the same instant.
Then mqtt.js through it: every reconnection is signed afresh with the newest
credentials (a recording HTTP server sees each upgrade), and a real local
service's /mqtt on its HTTP API port carries MQTT through the signed URL.
*/
import assert from 'node:assert/strict';
import {createHash, createHmac} from 'node:crypto';
import {createServer} from 'node:http';
import {createRequire} from 'node:module';
import type {AddressInfo} from 'node:net';
import {test} from 'node:test';
import type {
	AwsCredentials,
	CredentialProvider,
} from '../../source/client/aws-credentials.js';
import {connectMqtt, openMqtt} from '../../source/client/connect-mqtt.js';
import {
	amzDateOf,
	createWebSocketSigner,
	presignWebSocketUrl,
} from '../../source/client/signed-websocket.js';
import {startTestService} from '../helpers/service.js';
import {until} from '../helpers/wait.js';

const staticKeys: AwsCredentials = {
	accessKeyId: 'AKIDEXAMPLE',
	secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const temporaryKeys: AwsCredentials = {
	accessKeyId: 'ASIAEXAMPLE',
	secretAccessKey: 'temporary/secret+key',
	sessionToken: 'FwoGZXIvYXdzEA8a/token+with/slashes==',
};
const at = Date.UTC(2026, 10, 27, 13, 26, 51);

const hmac = (key: string | Buffer, text: string) =>
	createHmac('sha256', key).update(text).digest();

/*
The signature as the SigV4 specification defines it for a presigned GET with
only the host header signed, written out step by step: whether the URL's
signature is that one.
*/
function verifies(
	signedUrl: string,
	secretAccessKey: string,
	hostHeader: string,
): boolean {
	const url = new URL(signedUrl);
	const given = url.searchParams.get('X-Amz-Signature');
	const signed = [...url.searchParams]
		.filter(
			([name]) => name !== 'X-Amz-Signature' && name !== 'X-Amz-Security-Token',
		)
		.map(
			([name, value]) =>
				`${encodeURIComponent(name)}=${encodeURIComponent(value)}`,
		)
		.sort()
		.join('&');
	const [accessKey, date, region, service, terminator] = (
		url.searchParams.get('X-Amz-Credential') ?? ''
	).split('/');
	assert.ok(accessKey && date && region && service);
	assert.equal(terminator, 'aws4_request');
	assert.equal(url.searchParams.get('X-Amz-SignedHeaders'), 'host');
	assert.equal(url.searchParams.get('X-Amz-Algorithm'), 'AWS4-HMAC-SHA256');
	const canonical = `GET\n${url.pathname}\n${signed}\nhost:${hostHeader}\n\nhost\n${createHash('sha256').update('').digest('hex')}`;
	const toSign = `AWS4-HMAC-SHA256\n${url.searchParams.get('X-Amz-Date') ?? ''}\n${date}/${region}/${service}/aws4_request\n${createHash('sha256').update(canonical).digest('hex')}`;
	const key = hmac(
		hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service),
		'aws4_request',
	);
	return hmac(key, toSign).toString('hex') === given;
}

test("the presigned URL is SigV4's, for iotdevicegateway, with the session token after the signature", () => {
	const url = presignWebSocketUrl({
		url: 'wss://abc123-ats.iot.eu-west-1.amazonaws.com:443/mqtt',
		credentials: staticKeys,
		region: 'eu-west-1',
		now: at,
	});
	assert.match(
		url,
		/^wss:\/\/abc123-ats\.iot\.eu-west-1\.amazonaws\.com\/mqtt\?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20261127%2Feu-west-1%2Fiotdevicegateway%2Faws4_request&X-Amz-Date=20261127T132651Z&X-Amz-SignedHeaders=host&X-Amz-Signature=[0-9a-f]{64}$/,
	);
	assert.ok(
		verifies(
			url,
			staticKeys.secretAccessKey,
			'abc123-ats.iot.eu-west-1.amazonaws.com',
		),
	);
	// Another secret would not sign it so.
	assert.ok(
		!verifies(url, 'another-secret', 'abc123-ats.iot.eu-west-1.amazonaws.com'),
	);

	const temporary = presignWebSocketUrl({
		url: 'ws://127.0.0.1:48213/mqtt',
		credentials: temporaryKeys,
		region: 'us-east-1',
		now: at,
	});
	const [beforeToken, token] = temporary.split('&X-Amz-Security-Token=');
	assert.ok(beforeToken?.includes('&X-Amz-Signature='));
	assert.equal(
		decodeURIComponent(token ?? ''),
		temporaryKeys.sessionToken,
		'the token comes last, encoded',
	);
	// The token is not part of what is signed; the port is, as the Host header carries it.
	assert.ok(
		verifies(temporary, temporaryKeys.secretAccessKey, '127.0.0.1:48213'),
	);
	assert.ok(!verifies(temporary, temporaryKeys.secretAccessKey, '127.0.0.1'));
	assert.equal(amzDateOf(at), '20261127T132651Z');
});

test("the same URL as AWS's device SDK builds at the same instant", (t) => {
	const require = createRequire(import.meta.url);
	const device = require('aws-iot-device-sdk/device/index.js') as {
		prepareWebSocketUrl(
			options: {host: string; port: number; region: string},
			accessKeyId: string,
			secretAccessKey: string,
			sessionToken?: string,
		): string;
	};
	t.mock.timers.enable({apis: ['Date'], now: at});
	for (const [port, credentials] of [
		[443, staticKeys],
		[8443, temporaryKeys],
	] as const) {
		const host = 'abc123-ats.iot.eu-west-1.amazonaws.com';
		const ours = presignWebSocketUrl({
			url: `wss://${host}:${port}/mqtt`,
			credentials,
			region: 'eu-west-1',
			now: Date.now(),
		});
		const theirs = device.prepareWebSocketUrl(
			{host, port, region: 'eu-west-1'},
			credentials.accessKeyId,
			credentials.secretAccessKey,
			credentials.sessionToken,
		);
		assert.equal(ours, theirs, `port ${port}`);
	}
});

/** Credentials that change at every resolution, as rotating temporary ones do. */
function rotating(): {provider: CredentialProvider; calls: () => number} {
	let count = 0;
	return {
		async provider() {
			count += 1;
			return Promise.resolve({
				accessKeyId: `ASIAROTATE${count}`,
				secretAccessKey: `secret-${count}`,
				sessionToken: `token-${count}`,
			});
		},
		calls: () => count,
	};
}

test('mqtt.js signs every reconnection afresh, with the newest credentials', async (t) => {
	const upgrades: {url: string; host: string}[] = [];
	const server = createServer();
	server.on('upgrade', (request, socket) => {
		upgrades.push({url: request.url ?? '', host: request.headers.host ?? ''});
		// Refused: mqtt.js reconnects, and must sign again.
		socket.destroy();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	t.after(() => server.close());
	const {port} = server.address() as AddressInfo;
	const keys = rotating();
	const signer = createWebSocketSigner({
		credentials: keys.provider,
		region: 'eu-west-1',
	});
	await signer.ready();
	const client = openMqtt({
		url: `ws://127.0.0.1:${port}/mqtt`,
		signUrl: signer.sign,
		reconnectPeriod: 50,
	});
	t.after(() => client.end(true));
	await until(() => upgrades.length >= 3, 'three WebSocket upgrades');
	client.end(true);
	const used = upgrades.slice(0, 3).map(({url, host}) => {
		assert.equal(host, `127.0.0.1:${port}`);
		const signed = new URL(url, `ws://${host}`);
		const accessKey = (signed.searchParams.get('X-Amz-Credential') ?? '').split(
			'/',
		)[0];
		const secret = `secret-${(accessKey ?? '').replace('ASIAROTATE', '')}`;
		assert.ok(
			verifies(signed.href, secret, host),
			`the upgrade to ${url} verifies`,
		);
		assert.equal(
			signed.searchParams.get('X-Amz-Security-Token'),
			`token-${(accessKey ?? '').replace('ASIAROTATE', '')}`,
		);
		return accessKey;
	});
	assert.equal(new Set(used).size, 3, `new keys each time: ${used.join(', ')}`);
	assert.ok(keys.calls() >= 3);
});

test('before its first credentials the signer leaves the URL unsigned; a failed refresh keeps the keys it holds', async () => {
	let fail = false;
	const errors: unknown[] = [];
	const signer = createWebSocketSigner({
		async credentials() {
			return fail
				? Promise.reject(new Error('SSO session expired'))
				: Promise.resolve(staticKeys);
		},
		region: 'eu-west-1',
		now: () => at,
		onRefreshError: (error) => errors.push(error),
	});
	assert.equal(signer.sign('ws://127.0.0.1:1/mqtt'), 'ws://127.0.0.1:1/mqtt');
	await signer.ready();
	fail = true;
	const first = signer.sign('ws://127.0.0.1:1/mqtt');
	await until(() => errors.length === 1, 'the refresh error');
	assert.equal(signer.sign('ws://127.0.0.1:1/mqtt'), first);
	assert.ok(verifies(first, staticKeys.secretAccessKey, '127.0.0.1:1'));
});

test("MQTT through a signed URL to the local service's /mqtt on its HTTP API port", async (t) => {
	const service = await startTestService(t);
	assert.ok(service.httpUrl);
	const signer = createWebSocketSigner({
		credentials: rotating().provider,
		region: 'us-east-1',
	});
	await signer.ready();
	const client = await connectMqtt({
		url: `${service.httpUrl.replace(/^http/, 'ws')}/mqtt`,
		signUrl: signer.sign,
		reconnectPeriod: 0,
	});
	t.after(async () => client.endAsync(true));
	const topic = '$aws/things/signed-lamp/shadow/get/accepted';
	await client.subscribeAsync(topic, {qos: 1});
	const reply = new Promise<unknown>((resolve) => {
		client.on('message', (name, payload) => {
			if (name === topic) resolve(JSON.parse(payload.toString()));
		});
	});
	await client.publishAsync(
		'$aws/things/signed-lamp/shadow/update',
		JSON.stringify({state: {desired: {lights: 'on'}}}),
		{qos: 1},
	);
	await client.publishAsync('$aws/things/signed-lamp/shadow/get', '{}', {
		qos: 1,
	});
	const document = (await reply) as {state: {desired: unknown}};
	assert.deepEqual(document.state.desired, {lights: 'on'});
});
