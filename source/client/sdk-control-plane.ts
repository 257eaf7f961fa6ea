/*
The ControlPlane (control-plane.ts) through the official AWS SDK clients,
signed with SigV4 by them: Fleet Indexing's SearchIndex and
GetBucketsAggregation on @aws-sdk/client-iot (index AWS_Things), and
ListNamedShadowsForThing on @aws-sdk/client-iot-data-plane.

Two targets. The local service serves both planes on its one HTTP API, so
both clients take that endpoint. AWS IoT Core serves the control plane on the
region's endpoint (iot.REGION.amazonaws.com) and the data plane on the
account's data endpoint: --endpoint's host, or what DescribeEndpoint
(iot:Data-ATS) answers, asked once.

Every failure is a ControlPlaneError named as AWS names it (error.name:
InvalidQueryException, ForbiddenException, …) with a one-line message;
an API that cannot be reached is 'NetworkError'.
*/
import {
	DescribeEndpointCommand,
	GetBucketsAggregationCommand,
	IoTClient,
	SearchIndexCommand,
} from '@aws-sdk/client-iot';
import {ListNamedShadowsForThingCommand} from '@aws-sdk/client-iot-data-plane';
import {
	ControlPlaneError,
	type ControlPlane,
	type ThingDocument,
} from './control-plane.js';
import {
	createSdkDataPlane,
	sdkClientConfig,
	sdkFailure,
	type SdkClientOptions,
} from './sdk-data-plane.js';

/** The one Fleet Indexing index shadow-tui queries. */
export const thingsIndex = 'AWS_Things';

export type SdkTarget =
	| {
			readonly kind: 'service';
			/** The local service's HTTP API, for both planes. */
			readonly api: string;
	  }
	| {
			readonly kind: 'aws';
			/** The data endpoint's host (--endpoint); absent: DescribeEndpoint iot:Data-ATS. */
			readonly dataEndpoint?: string;
			/** The control plane's endpoint URL; absent: the region's (iot.REGION.amazonaws.com). */
			readonly controlEndpoint?: string;
	  };

export type SdkControlPlane = ControlPlane & {close(): void};

export function createSdkControlPlane(
	options: SdkClientOptions & {readonly target: SdkTarget},
): SdkControlPlane {
	const {target, access} = options;
	const describe =
		target.kind === 'service'
			? `${target.api} (SigV4, ${access.description})`
			: `AWS IoT Core (${access.region})`;
	const iot = new IoTClient(
		sdkClientConfig(
			options,
			target.kind === 'service' ? target.api : target.controlEndpoint,
		),
	);
	const fail = (error: unknown): ControlPlaneError => {
		const failure = sdkFailure(error);
		if (failure.kind === 'service')
			return new ControlPlaneError(
				`${failure.code}: ${failure.message}`,
				failure.code,
				failure.status,
			);
		if (failure.kind === 'credentials')
			return new ControlPlaneError(failure.message, 'AwsCredentialsError');
		return new ControlPlaneError(
			`cannot reach ${describe}: ${failure.message}`,
			'NetworkError',
		);
	};

	const dataEndpoint = async (): Promise<string> => {
		if (target.kind === 'service') return target.api;
		if (target.dataEndpoint !== undefined)
			return `https://${hostOf(target.dataEndpoint)}`;
		const answer = await iot
			.send(new DescribeEndpointCommand({endpointType: 'iot:Data-ATS'}))
			.catch((error: unknown) => {
				throw fail(error);
			});
		if (answer.endpointAddress === undefined)
			throw new ControlPlaneError(
				'DescribeEndpoint answered without an endpointAddress',
				'InternalFailureException',
			);
		return `https://${answer.endpointAddress}`;
	};

	const data = createSdkDataPlane({
		...options,
		endpoint: dataEndpoint,
		describe,
	});

	return {
		describe,
		async searchIndex(request) {
			try {
				const page = await iot.send(
					new SearchIndexCommand({
						indexName: thingsIndex,
						queryString: request.queryString,
						...(request.nextToken === undefined
							? {}
							: {nextToken: request.nextToken}),
						...(request.maxResults === undefined
							? {}
							: {maxResults: request.maxResults}),
					}),
				);
				return {
					things: (page.things ?? []).map((thing) => thingDocument(thing)),
					...(page.nextToken ? {nextToken: page.nextToken} : {}),
				};
			} catch (error: unknown) {
				throw fail(error);
			}
		},
		async bucketsAggregation(request) {
			try {
				const answer = await iot.send(
					new GetBucketsAggregationCommand({
						indexName: thingsIndex,
						queryString: request.queryString,
						aggregationField: request.aggregationField,
						bucketsAggregationType: {
							termsAggregation:
								request.maxBuckets === undefined
									? {}
									: {maxBuckets: request.maxBuckets},
						},
					}),
				);
				return {
					totalCount: answer.totalCount ?? 0,
					buckets: (answer.buckets ?? []).map((bucket) => ({
						keyValue: bucket.keyValue ?? '',
						count: bucket.count ?? 0,
					})),
				};
			} catch (error: unknown) {
				throw fail(error);
			}
		},
		async listNamedShadows(thingName, nextToken) {
			try {
				const sdk = await data.client();
				const page = await sdk.send(
					new ListNamedShadowsForThingCommand({
						thingName,
						...(nextToken === undefined ? {} : {nextToken}),
					}),
				);
				return {
					results: page.results ?? [],
					...(page.nextToken ? {nextToken: page.nextToken} : {}),
				};
			} catch (error: unknown) {
				throw error instanceof ControlPlaneError ? error : fail(error);
			}
		},
		close() {
			iot.destroy();
			data.close();
		},
	};
}

/** AWS's ThingDocument as shadow-tui reads it; fields the service did not send stay absent. */
function thingDocument(thing: {
	thingName?: string | undefined;
	thingId?: string | undefined;
	shadow?: string | undefined;
	connectivity?:
		| {
				connected?: boolean | undefined;
				timestamp?: number | undefined;
				disconnectReason?: string | undefined;
		  }
		| undefined;
}): ThingDocument {
	const connectivity = thing.connectivity;
	return {
		thingName: thing.thingName ?? '',
		...(thing.thingId === undefined ? {} : {thingId: thing.thingId}),
		...(thing.shadow === undefined ? {} : {shadow: thing.shadow}),
		...(connectivity === undefined
			? {}
			: {
					connectivity: {
						...(connectivity.connected === undefined
							? {}
							: {connected: connectivity.connected}),
						...(connectivity.timestamp === undefined
							? {}
							: {timestamp: connectivity.timestamp}),
						...(connectivity.disconnectReason === undefined
							? {}
							: {disconnectReason: connectivity.disconnectReason}),
					},
				}),
	};
}

/** --endpoint HOST[:PORT]: the data plane's HTTPS is on 443 whatever MQTT's port. */
function hostOf(endpoint: string): string {
	return endpoint.replace(/:\d+$/, '');
}
