/*
The MQTT 5 CONNACK the embedded broker sends an MQTT 5 client, byte by byte
and decoded back by mqtt-packet (the parser MQTT.js and aedes use) as an
MQTT 5 client would read it.
*/
import assert from 'node:assert/strict';
import {test} from 'node:test';
import mqttPacket, {type IConnackPacket} from 'mqtt-packet';
import {
	buildMqtt5Refusal,
	mqtt5ReasonString,
	unsupportedProtocolVersion,
	variableByteInteger,
} from '../../source/service/mqtt5-refusal.js';

/** Every packet in the bytes, as an MQTT 5 client's parser reads them. */
function decode(bytes: Buffer): IConnackPacket {
	const parser = mqttPacket.parser({protocolVersion: 5});
	const packets: unknown[] = [];
	const errors: unknown[] = [];
	parser.on('packet', (packet) => packets.push(packet));
	parser.on('error', (error) => errors.push(error));
	parser.parse(bytes);
	assert.deepEqual(errors, []);
	assert.equal(packets.length, 1, 'exactly one packet');
	const [packet] = packets as IConnackPacket[];
	assert.equal(packet?.cmd, 'connack');
	return packet;
}

test('the refusal decodes as an MQTT 5 CONNACK: 0x84 with the reason string', () => {
	const bytes = buildMqtt5Refusal(mqtt5ReasonString);
	const packet = decode(bytes);
	assert.equal(packet.reasonCode, 0x84);
	assert.equal(packet.sessionPresent, false);
	assert.deepEqual(packet.properties, {reasonString: mqtt5ReasonString});
	// The decoder consumed the whole buffer as one packet of the declared length.
	assert.equal(packet.length, bytes.length - 3);
});

test('the refusal, byte by byte', () => {
	assert.deepEqual(
		[...buildMqtt5Refusal('no')],
		// CONNACK, remaining length 8, no session, 0x84, 5 bytes of properties: 0x1F, length 2, "no".
		[0x20, 0x08, 0x00, 0x84, 0x05, 0x1f, 0x00, 0x02, 0x6e, 0x6f],
	);
	assert.deepEqual([...buildMqtt5Refusal()], [0x20, 0x03, 0x00, 0x84, 0x00]);
	assert.equal(unsupportedProtocolVersion, 0x84);
});

test('without a reason string the CONNACK carries no properties', () => {
	const packet = decode(buildMqtt5Refusal());
	assert.equal(packet.reasonCode, 0x84);
	assert.equal(packet.properties, undefined);
});

test('the reason string is counted in UTF-8 bytes, not characters', () => {
	const text = 'für MQTT 5 — ✓';
	const bytes = buildMqtt5Refusal(text);
	assert.equal(bytes.readUInt16BE(6), Buffer.byteLength(text));
	assert.equal(decode(bytes).properties?.reasonString, text);
});

test('a reason string past 127 bytes takes a two-byte remaining length', () => {
	const text = 'x'.repeat(200);
	const bytes = buildMqtt5Refusal(text);
	// 2 (flags, reason code) + 2 (property length, itself a 2-byte integer) + 1 + 2 + 200.
	assert.deepEqual([...bytes.subarray(0, 3)], [0x20, 0xcf, 0x01]);
	assert.equal(decode(bytes).properties?.reasonString, text);
	const longest = 'y'.repeat(0xffff);
	assert.equal(
		decode(buildMqtt5Refusal(longest)).properties?.reasonString,
		longest,
	);
});

test('a reason string longer than a UTF-8 string may be is a programming error', () => {
	assert.throws(
		() => buildMqtt5Refusal('z'.repeat(0x10000)),
		/at most 65535 bytes, not 65536/,
	);
});

test("the product's reason string is short and names the way out", () => {
	assert.ok(Buffer.byteLength(mqtt5ReasonString) < 256);
	assert.match(mqtt5ReasonString, /MQTT 3\.1\.1/);
	assert.match(mqtt5ReasonString, /serve --broker/);
});

test('variable byte integers (MQTT 5 §1.5.5)', () => {
	const table: [number, number[]][] = [
		[0, [0x00]],
		[127, [0x7f]],
		[128, [0x80, 0x01]],
		[16_383, [0xff, 0x7f]],
		[16_384, [0x80, 0x80, 0x01]],
		[2_097_151, [0xff, 0xff, 0x7f]],
		[2_097_152, [0x80, 0x80, 0x80, 0x01]],
		[268_435_455, [0xff, 0xff, 0xff, 0x7f]],
	];
	for (const [value, bytes] of table)
		assert.deepEqual([...variableByteInteger(value)], bytes, String(value));
	for (const bad of [-1, 268_435_456, 1.5, Number.NaN])
		assert.throws(
			() => variableByteInteger(bad),
			/not a variable byte integer/,
		);
});
