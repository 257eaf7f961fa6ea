/*
Fleet Indexing's connectivity fields (connectivity.connected, timestamp,
disconnectReason), learnt from the broker's lifecycle events
($aws/events/presence/connected|disconnected/CLIENTID), as AWS learns them:
a thing is connected while a client whose id is its name is. A thing never
seen has connected false and no timestamp, as AWS shows it.

Events come from the broker, but a payload is still read with bounds, and
the table is bounded: past its size the longest-disconnected are forgotten.
*/
export type ThingConnectivity = {
	readonly connected: boolean;
	/** Epoch milliseconds of the last connect or disconnect. */
	readonly timestamp?: number;
	readonly disconnectReason?: string;
};

export type ConnectivityTracker = {
	/** Takes a message of the presence topics; anything else is ignored. */
	observe(topic: string, payload: Buffer): void;
	of(clientId: string): ThingConnectivity;
	/** Client ids connected now, ascending. */
	connected(): string[];
};

export const presenceTopicFilter = '$aws/events/presence/+/+';
export const presencePrefix = '$aws/events/presence/';
const maxPayloadBytes = 4096;
export const maxTrackedClients = 100_000;

const neverSeen: ThingConnectivity = Object.freeze({connected: false});

function eventOf(
	topic: string,
	payload: Buffer,
): {clientId: string; state: ThingConnectivity} | undefined {
	if (!topic.startsWith(presencePrefix) || payload.length > maxPayloadBytes)
		return undefined;
	const rest = topic.slice(presencePrefix.length);
	const slash = rest.indexOf('/');
	const kind = rest.slice(0, slash);
	const clientId = rest.slice(slash + 1);
	if (slash < 0 || clientId === '' || clientId.includes('/')) return undefined;
	if (kind !== 'connected' && kind !== 'disconnected') return undefined;
	let body: {timestamp?: unknown; disconnectReason?: unknown} = {};
	try {
		const parsed: unknown = JSON.parse(payload.toString('utf8'));
		if (typeof parsed === 'object' && parsed !== null) body = parsed;
	} catch {
		// The topic alone says connected or not.
	}

	const timestamp =
		typeof body.timestamp === 'number' && Number.isFinite(body.timestamp)
			? body.timestamp
			: undefined;
	const reason =
		kind === 'disconnected' &&
		typeof body.disconnectReason === 'string' &&
		body.disconnectReason.length <= 64
			? body.disconnectReason
			: undefined;
	return {
		clientId,
		state: {
			connected: kind === 'connected',
			...(timestamp === undefined ? {} : {timestamp}),
			...(reason === undefined ? {} : {disconnectReason: reason}),
		},
	};
}

export function createConnectivityTracker(
	limit = maxTrackedClients,
): ConnectivityTracker {
	// Insertion order is event order: the first disconnected entry is the longest gone.
	const states = new Map<string, ThingConnectivity>();
	const forgetOne = () => {
		for (const [clientId, state] of states)
			if (!state.connected) {
				states.delete(clientId);
				return;
			}
	};

	return {
		observe(topic, payload) {
			const event = eventOf(topic, payload);
			if (!event) return;
			states.delete(event.clientId);
			states.set(event.clientId, event.state);
			if (states.size > limit) forgetOne();
		},
		of: (clientId) => states.get(clientId) ?? neverSeen,
		connected() {
			const ids: string[] = [];
			for (const [clientId, state] of states)
				if (state.connected) ids.push(clientId);
			return ids.sort();
		},
	};
}
