/*
The local service for a benchmark: embedded broker and a SQLite file in a
temporary folder, closed and removed when the work is done, however it ends.
*/
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {silentLogger} from '../source/log/logger.js';
import {
	startLocalService,
	type LocalService,
	type LocalServiceConfig,
} from '../source/service/local-service.js';
import {withLimits} from '../source/shadow/limits.js';

export async function withBenchService<T>(
	work: (service: LocalService) => Promise<T>,
	config: Partial<Pick<LocalServiceConfig, 'tls' | 'security'>> = {},
): Promise<T> {
	const dir = await mkdtemp(join(tmpdir(), 'shadow-tui-bench-'));
	try {
		const service = await startLocalService({
			host: '127.0.0.1',
			port: 0,
			dataFile: join(dir, 'shadows.db'),
			// The benchmarks drive one thing as fast as it goes: measure the service, not AWS's 20/s limit.
			options: withLimits({
				requestsPerSecondPerThing: Number.POSITIVE_INFINITY,
			}),
			log: silentLogger,
			...config,
		});
		try {
			return await work(service);
		} finally {
			await service.close();
		}
	} finally {
		await rm(dir, {recursive: true, force: true});
	}
}
