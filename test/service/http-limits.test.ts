/*
The HTTP API's bounds over real sockets: oversized bodies are refused before
they are read, slow or idle clients are closed, and the service keeps
answering everyone else.
*/
import assert from 'node:assert/strict';
import {connect, type Socket} from 'node:net';
import {test} from 'node:test';
import {defaultHttpBounds} from '../../source/service/http-api.js';
import {startTestService} from '../helpers/service.js';

async function rawHttp(url: string): Promise<Socket> {
	const {hostname, port} = new URL(url);
	const socket = connect({host: hostname, port: Number(port)});
	await new Promise<void>((resolve, reject) => {
		socket.once('connect', resolve);
		socket.once('error', reject);
	});
	return socket;
}

/** Everything the server sends until it closes the connection. */
async function untilClosed(socket: Socket): Promise<string> {
	let text = '';
	socket.on('data', (data) => {
		text += data.toString();
	});
	if (!socket.destroyed)
		await new Promise<void>((resolve) => socket.once('close', () => resolve()));
	return text;
}

async function normalUpdate(httpUrl: string, thing: string): Promise<void> {
	const response = await fetch(`${httpUrl}/things/${thing}/shadow`, {
		method: 'POST',
		body: '{"state":{"reported":{"ok":true}}}',
	});
	assert.equal(response.status, 200);
}

test('a body declared at 1 GB is refused with 413 before it is read, and the connection closes', async (t) => {
	const service = await startTestService(t);
	const httpUrl = service.httpUrl ?? '';
	const socket = await rawHttp(httpUrl);
	socket.write(
		'POST /things/x/shadow HTTP/1.1\r\nHost: x\r\nContent-Length: 1073741824\r\n\r\n{"state":',
	);
	const answer = await untilClosed(socket);
	assert.match(answer, /^HTTP\/1\.1 413 /);
	assert.match(answer, /x-amzn-ErrorType: RequestEntityTooLargeException/i);
	assert.match(answer, /The payload exceeds the maximum size allowed/);
	await normalUpdate(httpUrl, 'neighbour');
});

test('a chunked body past 128 KB is refused with 413', async (t) => {
	const service = await startTestService(t);
	const response = await fetch(`${service.httpUrl ?? ''}/things/x/shadow`, {
		method: 'POST',
		body: new ReadableStream({
			start(controller) {
				for (let i = 0; i < 4; i++)
					controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
				controller.close();
			},
		}),
		duplex: 'half',
	});
	assert.equal(response.status, 413);
	assert.equal(
		response.headers.get('x-amzn-ErrorType'),
		'RequestEntityTooLargeException',
	);
});

test('headers that never finish are cut off; an idle keep-alive connection is closed', async (t) => {
	const service = await startTestService(t, {
		httpBounds: {
			...defaultHttpBounds,
			headersTimeout: 300,
			requestTimeout: 600,
			keepAliveTimeout: 300,
			connectionsCheckingInterval: 100,
		},
	});
	const httpUrl = service.httpUrl ?? '';
	const slow = await rawHttp(httpUrl);
	slow.write('GET /things/x/shadow HTTP/1.1\r\nHost: x\r\n');
	const idle = await rawHttp(httpUrl);
	idle.write('GET /things/x/shadow HTTP/1.1\r\nHost: x\r\n\r\n');
	const [slowAnswer, idleAnswer] = await Promise.all([
		untilClosed(slow),
		untilClosed(idle),
	]);
	assert.match(slowAnswer, /^(HTTP\/1\.1 408 |$)/);
	// The idle one was answered (404: no such shadow), then closed when it stayed idle.
	assert.match(idleAnswer, /^HTTP\/1\.1 404 /);
	await normalUpdate(httpUrl, 'neighbour');
});

test('headers over 16 KB get 431 and the service keeps serving', async (t) => {
	const service = await startTestService(t);
	const httpUrl = service.httpUrl ?? '';
	const socket = await rawHttp(httpUrl);
	socket.write(
		`GET /things/x/shadow HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
	);
	assert.match(await untilClosed(socket), /^HTTP\/1\.1 431 /);
	await normalUpdate(httpUrl, 'neighbour');
});
