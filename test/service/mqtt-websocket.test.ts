import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {createPacketSplitter} from '../../source/service/mqtt-websocket.js';
import {remainingLength} from '../helpers/mqtt-bytes.js';

function packetOf(type: number, bodyLength: number): Buffer {
	return Buffer.concat([
		Buffer.from([type, ...remainingLength(bodyLength)]),
		Buffer.alloc(bodyLength, type),
	]);
}

test('the splitter gives back whole packets however the bytes were cut', () => {
	fc.assert(
		fc.property(
			fc.array(
				fc.record({
					type: fc.constantFrom(0x20, 0x30, 0x32, 0x90, 0xd0),
					// Up to three length bytes: 0, 127, 128 and 16,384 cross the boundaries.
					length: fc.oneof(
						fc.constantFrom(0, 1, 127, 128, 16_383, 16_384),
						fc.nat(20_000),
					),
				}),
				{minLength: 1, maxLength: 8},
			),
			fc.array(fc.nat(), {maxLength: 10}),
			(specs, cutSeeds) => {
				const packets = specs.map((spec) => packetOf(spec.type, spec.length));
				const stream = Buffer.concat(packets);
				const cuts = [
					...new Set(cutSeeds.map((seed) => seed % (stream.length + 1))),
				].sort((a, b) => a - b);
				const splitter = createPacketSplitter();
				const out: Buffer[] = [];
				let from = 0;
				for (const cut of [...cuts, stream.length]) {
					out.push(...splitter.push(stream.subarray(from, cut)));
					from = cut;
				}

				assert.deepEqual(
					out.map((packet) => packet.toString('hex')),
					packets.map((packet) => packet.toString('hex')),
				);
			},
		),
		{numRuns: 200},
	);
});

test('a length of more than four bytes is refused, not waited for', () => {
	const splitter = createPacketSplitter();
	assert.throws(
		() => splitter.push(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01])),
		/malformed MQTT length/,
	);
});
