/*
What identities and policies cost. Two services in the same run, both over
TLS on 127.0.0.1: one trusting loopback clients (no identities, no policy),
one with mutual TLS and the default policy, where every publish, subscribe
and delivery is checked. The ratio of their update->accepted round trips is
the price of enforcement per request; the policy check itself is measured
against a Map lookup, cold (a new topic each time) and warm (cached verdict).
*/
import {readFileSync} from 'node:fs';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {
	caFiles,
	createCertificateAuthority,
	issueClientCertificate,
} from '../source/certs/certificate-authority.js';
import {
	connectMqtt,
	type MqttConnection,
} from '../source/client/connect-mqtt.js';
import {bindPolicy, resources} from '../source/security/policy.js';
import {defaultPolicies} from '../source/security/policy-set.js';
import type {LocalService} from '../source/service/local-service.js';
import {withBenchService} from './bench-service.js';
import {compare, format, median} from './measure.js';

async function roundTrips(
	connection: MqttConnection,
	count: number,
): Promise<number[]> {
	const client = await connectMqtt({...connection, reconnectPeriod: 0});
	await client.subscribeAsync('$aws/things/rtt/shadow/update/accepted', {
		qos: 1,
	});
	let waiting: (() => void) | undefined;
	client.on('message', () => waiting?.());
	const times: number[] = [];
	for (let i = 0; i < count; i++) {
		const start = performance.now();
		await new Promise<void>((resolve) => {
			waiting = resolve;
			client.publish(
				'$aws/things/rtt/shadow/update',
				`{"state":{"reported":{"n":${i}}}}`,
				{qos: 1},
			);
		});
		times.push(performance.now() - start);
	}

	await client.endAsync();
	return times.slice(count / 10);
}

export async function benchSecurity(): Promise<string[]> {
	const dir = await mkdtemp(join(tmpdir(), 'shadow-tui-bench-certs-'));
	try {
		await createCertificateAuthority(dir, {
			hosts: ['localhost', '127.0.0.1'],
			days: 1,
		});
		const files = caFiles(dir);
		const ca = readFileSync(files.caCert);
		const server = {
			cert: readFileSync(files.serverCert),
			key: readFileSync(files.serverKey),
		};
		const issued = await issueClientCertificate(dir, {
			kind: 'thing',
			name: 'rtt',
		});
		const device = {
			cert: readFileSync(issued.certificate),
			key: readFileSync(issued.key),
		};
		const measure = async (
			tls: {cert: Buffer; key: Buffer; ca?: Buffer},
			client: Partial<MqttConnection>,
		) =>
			withBenchService(
				async (service: LocalService) =>
					roundTrips({url: service.mqttUrl, ca, ...client}, 2000),
				{tls},
			);
		// Alternate to spread the machine's drift over both sides.
		const open: number[] = [];
		const enforced: number[] = [];
		for (let round = 0; round < 2; round++) {
			open.push(...(await measure(server, {})));
			enforced.push(
				...(await measure({...server, ca}, {...device, clientId: 'rtt'})),
			);
		}

		const ms = (value: number) => `${format(value, 3)} ms`;
		const access = bindPolicy(
			defaultPolicies().policyFor({kind: 'thing', name: 'rtt'}),
			{'iot:ClientId': 'rtt', 'iot:Connection.Thing.ThingName': 'rtt'},
		);
		const map = new Map([['topic/$aws/things/rtt/shadow/update', true]]);
		let n = 0;
		const cold = compare(
			() => map.get(`topic/$aws/things/rtt/shadow/update`),
			() =>
				access.allows(
					'iot:Publish',
					resources.topic(`$aws/things/rtt/shadow/name/s${n++}/update`),
				),
		);
		const warm = compare(
			() => map.get(`topic/$aws/things/rtt/shadow/update`),
			() =>
				access.allows(
					'iot:Publish',
					resources.topic('$aws/things/rtt/shadow/update'),
				),
		);
		return [
			'security: mutual TLS + default policy against TLS trusting loopback, same machine, same run',
			`  round trip update->accepted p50: loopback trust ${ms(median(open))}; certificate + policy ${ms(median(enforced))}; ratio ${format(median(enforced) / median(open), 2)}x`,
			`  policy check (default device policy): ${format(cold.candidate)}/s for a topic not seen before, ${format(warm.candidate)}/s cached; a Map lookup on the same machine: ${format(warm.baseline)}/s`,
		];
	} finally {
		await rm(dir, {recursive: true, force: true});
	}
}
