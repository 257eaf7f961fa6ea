import assert from 'node:assert/strict';
import {test} from 'node:test';
import {createPacketFramer} from '../../source/service/packet-framer.js';
import {remainingLength} from '../helpers/mqtt-bytes.js';

const limits = {maxPayloadBytes: 100, maxPacketBytes: 1000};

function publish(topic: string, payloadBytes: number, qos = 1): Buffer {
	const topicBytes = Buffer.from(topic);
	const body = Buffer.concat([
		Buffer.from([topicBytes.length >> 8, topicBytes.length & 0xff]),
		topicBytes,
		qos > 0 ? Buffer.from([0, 1]) : Buffer.alloc(0),
		Buffer.alloc(payloadBytes, 0x61),
	]);
	return Buffer.concat([
		Buffer.from([0x30 | (qos << 1), ...remainingLength(body.length)]),
		body,
	]);
}

test('packets within the limits pass, split at every byte', () => {
	const stream = Buffer.concat([
		publish('a/b', 100),
		Buffer.from([0xc0, 0x00]), // PINGREQ
		publish('topic', 0, 0),
		publish('x', 99),
	]);
	const whole = createPacketFramer(limits);
	assert.equal(whole.feed(stream), undefined);
	const split = createPacketFramer(limits);
	for (const byte of stream)
		assert.equal(split.feed(Uint8Array.of(byte)), undefined);
});

test('a payload one byte over the limit is refused from its header', () => {
	const framer = createPacketFramer(limits);
	const packet = publish('a/b', 101);
	// Only the fixed header and the topic length are needed to know.
	assert.deepEqual(framer.feed(packet.subarray(0, 4)), {
		reason: 'payload too large',
		declared: 101,
	});
});

test('QoS 0 has no packet id: its payload is counted without one', () => {
	assert.equal(
		createPacketFramer(limits).feed(publish('t', 100, 0)),
		undefined,
	);
	assert.equal(
		createPacketFramer(limits).feed(publish('t', 101, 0))?.reason,
		'payload too large',
	);
});

test('the largest declarable packet (256 MB) is refused from its first five bytes', () => {
	const framer = createPacketFramer(limits);
	const header = Buffer.from([0x32, ...remainingLength(268_435_455)]);
	assert.deepEqual(framer.feed(header), {
		reason: 'packet too large',
		declared: 268_435_455,
	});
});

test('a remaining length of more than four bytes is malformed', () => {
	const framer = createPacketFramer(limits);
	assert.equal(
		framer.feed(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x80]))?.reason,
		'malformed length',
	);
});

test('other packet types are bounded by the packet limit', () => {
	const body = Buffer.alloc(1001);
	const subscribe = Buffer.concat([
		Buffer.from([0x82, ...remainingLength(body.length)]),
		body,
	]);
	assert.equal(
		createPacketFramer(limits).feed(subscribe)?.reason,
		'packet too large',
	);
});

test('the framer knows when a packet is under way, and counts those that ended', () => {
	const framer = createPacketFramer(limits);
	const packet = publish('a/b', 10);
	framer.feed(packet.subarray(0, 3));
	assert.equal(framer.midPacket(), true);
	assert.equal(framer.completed(), 0);
	framer.feed(Buffer.concat([packet.subarray(3), Buffer.from([0xc0, 0x00])]));
	assert.equal(framer.midPacket(), false);
	assert.equal(framer.completed(), 2);
});
