/*
Raw MQTT 3.1.1 bytes for tests that must send what no client library would:
packets that declare huge lengths, or a client that never reads.
*/

/** The fixed header's variable-length remaining length. */
export function remainingLength(length: number): number[] {
	const bytes: number[] = [];
	let rest = length;
	do {
		let byte = rest % 128;
		rest = Math.floor(rest / 128);
		if (rest > 0) byte |= 0x80;
		bytes.push(byte);
	} while (rest > 0);
	return bytes;
}
