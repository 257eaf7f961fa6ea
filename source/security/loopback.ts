/** A peer address, a listening host or a URL's host name (`localhost`, `[::1]`) on this machine. */
export function isLoopback(address: string | undefined): boolean {
	if (address === undefined) return false;
	if (address === 'localhost' || address === '[::1]') return true;
	const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
	return v4.startsWith('127.') || address === '::1';
}
