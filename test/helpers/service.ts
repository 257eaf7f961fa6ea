import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {TestContext} from 'node:test';
import type {MqttConnection} from '../../source/client/connect-mqtt.js';
import {silentLogger, type Logger} from '../../source/log/logger.js';
import type {EngineOptions} from '../../source/shadow/limits.js';
import type {TlsFiles} from '../../source/service/embedded-broker.js';
import {
	startLocalService,
	type LocalService,
	type SecurityConfig,
} from '../../source/service/local-service.js';
import {withLimits} from '../../source/shadow/limits.js';
import type {BrokerLimits} from '../../source/service/broker-limits.js';
import type {HttpBounds} from '../../source/service/http-api.js';
import type {JournalRetention} from '../../source/store/journal.js';

/*
Tests send bursts to one thing to test ordering, coalescing and fuzzing; they
are not runaway devices. The per-thing rate limit has its own tests, which
pass AWS's limits explicitly.
*/
const burstTolerant: EngineOptions = withLimits({
	requestsPerSecondPerThing: Number.POSITIVE_INFINITY,
});

export async function temporaryDirectory(t: TestContext): Promise<string> {
	const dir = await mkdtemp(join(tmpdir(), 'shadow-tui-test-'));
	t.after(async () => rm(dir, {recursive: true, force: true}));
	return dir;
}

/** A settable clock, so that replies can be compared with the worked examples as whole documents. */
export type TestClock = {now: number; readonly read: () => number};

export function testClock(start = 1): TestClock {
	const clock = {
		now: start,
		read: () => clock.now,
	};
	return clock;
}

export async function startTestService(
	t: TestContext,
	options: {
		clock?: TestClock;
		broker?: MqttConnection;
		tls?: TlsFiles;
		wsPort?: number;
		alpnPort?: number;
		engine?: EngineOptions;
		dataFile?: string;
		security?: SecurityConfig;
		brokerLimits?: BrokerLimits;
		httpBounds?: HttpBounds;
		retention?: JournalRetention;
		fleetIndex?: boolean;
		log?: Logger;
	} = {},
): Promise<LocalService> {
	const dataFile =
		options.dataFile ?? join(await temporaryDirectory(t), 'shadows.db');
	const service = await startLocalService({
		host: '127.0.0.1',
		port: 0,
		httpPort: 0,
		dataFile,
		log: options.log ?? silentLogger,
		...(options.clock ? {clock: options.clock.read} : {}),
		...(options.broker ? {broker: options.broker} : {}),
		...(options.tls ? {tls: options.tls} : {}),
		...(options.wsPort === undefined ? {} : {wsPort: options.wsPort}),
		...(options.alpnPort === undefined ? {} : {alpnPort: options.alpnPort}),
		options: options.engine ?? burstTolerant,
		...(options.security ? {security: options.security} : {}),
		...(options.brokerLimits ? {brokerLimits: options.brokerLimits} : {}),
		...(options.httpBounds ? {httpBounds: options.httpBounds} : {}),
		...(options.retention ? {retention: options.retention} : {}),
		...(options.fleetIndex === undefined
			? {}
			: {fleetIndex: options.fleetIndex}),
	});
	t.after(async () => service.close());
	return service;
}
