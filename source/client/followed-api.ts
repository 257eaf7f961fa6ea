/*
The console's HTTP API when nobody gave one: what the broker's service
announces, followed for the whole session, so a console started before its
service (it waits, connecting…) gets its fleet view, named-shadow list and
journal once the service is up, and a service that moves is followed. The
listers read the address when they run; while none is known they say so.
*/
import {announcedApi, discoveryTopic} from '../shadow/discovery.js';
import {isAwsIotCore} from './discover-api.js';
import type {BucketsAnswer, ControlPlane} from './control-plane.js';
import {fleetListerOf, type FleetLister} from './fleet-lister.js';
import type {HttpCredentials} from './get-json.js';
import {createHistoryReader, type HistoryReader} from './history-reader.js';
import {httpControlPlane} from './http-control-plane.js';
import {namedShadowListerOf, type NamedShadowLister} from './named-shadows.js';
import type {ShadowClient} from './shadow-client.js';

/** No address yet: the broker has not said where its service's HTTP API is. */
export class ApiUnknown extends Error {
	override readonly name = 'ApiUnknown';
}

export type ApiClients = {
	readonly listNamedShadows: NamedShadowLister;
	readonly fleetLister: FleetLister;
	/** Counts per value of a field over the things a query finds (GetBucketsAggregation). */
	readonly aggregate: (request: {
		readonly field: string;
		readonly query?: string;
	}) => Promise<BucketsAnswer>;
	readonly journal: HistoryReader;
	stop(): Promise<void>;
};

/** The announcement comes with the subscription; a read right after start waits this long for it. */
const firstWaitMs = 1500;

/** Listers on a fixed address (--api, a profile) or on the one the broker announces. */
export function apiClients(
	client: ShadowClient,
	brokerUrl: string,
	given: string | undefined,
	credentials: HttpCredentials,
	options: {
		/**
		The control plane signed with SigV4, for the API address when one is known
		(AWS IoT Core's own endpoints when not); without it, plain HTTP to the API.
		*/
		readonly signed?: (api: string | undefined) => ControlPlane;
	} = {},
): ApiClients {
	let current = given;
	const started = Date.now();
	// Subscribed in the background: while the broker is away the console draws (connecting…).
	const tapped =
		given === undefined && !isAwsIotCore(brokerUrl)
			? client
					.tap([discoveryTopic], (message) => {
						if (message.topic !== discoveryTopic || message.sent) return;
						// An empty announcement: the service stopped.
						current = announcedApi(Buffer.from(message.payload), brokerUrl);
					})
					.catch(() => undefined)
			: Promise.resolve(undefined);
	const known = async (): Promise<string> => {
		while (
			current === undefined &&
			given === undefined &&
			client.status() === 'connected' &&
			Date.now() - started < firstWaitMs
		)
			await new Promise((resolve) => setTimeout(resolve, 50));
		if (current === undefined)
			throw new ApiUnknown(
				`no HTTP API known: the broker at ${brokerUrl} has not said where its service's is (give --api URL)`,
			);
		return current;
	};

	const aws = isAwsIotCore(brokerUrl);
	const plane = async (): Promise<ControlPlane> => {
		const {signed} = options;
		if (signed && aws) return signed(given);
		const api = await known();
		return signed ? signed(api) : httpControlPlane(api, credentials);
	};

	return {
		listNamedShadows: async (thingName) =>
			namedShadowListerOf(await plane())(thingName),
		fleetLister: async (filter) => fleetListerOf(await plane())(filter),
		aggregate: async ({field, query}) =>
			(await plane()).bucketsAggregation({
				queryString: query ?? 'thingName:*',
				aggregationField: field,
				maxBuckets: 10,
			}),
		journal: {
			get url() {
				return current ?? '(unknown)';
			},
			page: async (request) =>
				createHistoryReader(await known(), credentials).page(request),
			versions: async (request, max) =>
				createHistoryReader(await known(), credentials).versions(request, max),
		},
		async stop() {
			const untap = await tapped;
			await untap?.().catch(() => undefined);
		},
	};
}
