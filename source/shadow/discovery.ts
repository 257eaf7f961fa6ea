/*
How a client finds the local service's HTTP API without guessing: the
service publishes where it is, retained, on a topic of its own beside the
broker's ($ topics are left out of `#`), and a client reads it after it
connects. AWS IoT Core has no such topic: there the endpoint comes from the
user or DescribeEndpoint.
*/
export const discoveryTopic = '$shadow-tui/service';

export type ServiceAnnouncement = {
	readonly service: 'shadow-tui';
	/** The HTTP API as the service listens on it; an unspecified host means the broker's. */
	readonly httpApi?: string;
};

export function announcement(httpApi: string | undefined): Buffer {
	const body: ServiceAnnouncement = {
		service: 'shadow-tui',
		...(httpApi ? {httpApi} : {}),
	};
	return Buffer.from(JSON.stringify(body));
}

/**
The HTTP API an announcement names, as a client on `brokerUrl` reaches it:
a service listening on every address (0.0.0.0, ::) is reached on the host
the client reached the broker at. Undefined for anything else.
*/
export function announcedApi(
	payload: Buffer,
	brokerUrl: string,
): string | undefined {
	if (payload.length === 0 || payload.length > 4096) return undefined;
	let body: unknown;
	try {
		body = JSON.parse(payload.toString('utf8'));
	} catch {
		return undefined;
	}

	const {service, httpApi} = (body ?? {}) as Record<string, unknown>;
	if (service !== 'shadow-tui' || typeof httpApi !== 'string') return undefined;
	let url: URL;
	try {
		url = new URL(httpApi);
	} catch {
		return undefined;
	}

	if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
	if (['0.0.0.0', '[::]'].includes(url.hostname))
		url.hostname = new URL(brokerUrl).hostname;
	return url.origin;
}
