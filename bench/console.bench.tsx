/*
The console under load: 1,000 shadow documents a second arrive for the shadow
it shows (through the real local service), while keys are pressed. Prints the
renders per second and the delay from a key press to the frame that shows its
result, against the same key press with no documents arriving.
*/
import {render} from 'ink-testing-library';
import type {LocalService} from '../source/service/local-service.js';
import {App} from '../source/views/app.js';
import {ColorContext} from '../source/views/color.js';
import {format, median, percentile} from './measure.js';
import {withBenchService} from './bench-service.js';
import {lamp, openConsoleSessions} from './console-sessions.js';

/** Delays from a key press to the frame that shows it: help opened, then closed. */
export async function keyLatency(
	lastFrame: () => string | undefined,
	write: (input: string) => void,
	rounds: number,
): Promise<number[]> {
	const delays: number[] = [];
	for (let round = 0; round < rounds; round++) {
		for (const [key, shows] of [
			['?', (frame: string) => frame.includes('Esc closes')],
			['\u001B', (frame: string) => !frame.includes('Esc closes')],
		] as const) {
			const start = performance.now();
			write(key);
			while (!shows(lastFrame() ?? ''))
				await new Promise((resolve) => setImmediate(resolve));
			delays.push(performance.now() - start);
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
	}

	return delays;
}

export async function benchConsole(): Promise<string[]> {
	return withBenchService(async (service) => measureConsole(service));
}

async function measureConsole(service: LocalService): Promise<string[]> {
	const {client, publisher, session} = await openConsoleSessions(service);
	const instance = render(
		<ColorContext.Provider value={true}>
			<App session={session} />
		</ColorContext.Provider>,
	);
	try {
		await client.update(lamp, {
			state: {desired: {lights: 'on', level: 0}, reported: {lights: 'on'}},
		});
		await session.start();
		await new Promise((resolve) => setTimeout(resolve, 300));
		const quiet = await keyLatency(
			instance.lastFrame,
			(input) => instance.stdin.write(input),
			10,
		);

		// 1,000 documents a second for 3 seconds, paced by the clock rather than by timer ticks.
		let sent = 0;
		const floodStart = performance.now();
		const flood = setInterval(() => {
			const due = Math.floor(performance.now() - floodStart) - sent;
			for (let i = 0; i < due; i++) {
				sent++;
				publisher.publish(
					'$aws/things/lamp/shadow/update',
					`{"state":{"desired":{"level":${sent}}}}`,
					{qos: 0},
				);
			}
		}, 10);
		const framesBefore = instance.frames.length;
		const versionBefore = session.getSnapshot().shadow?.version ?? 0;
		const start = performance.now();
		const loaded = await keyLatency(
			instance.lastFrame,
			(input) => instance.stdin.write(input),
			10,
		);
		while (performance.now() - start < 3000)
			await new Promise((resolve) => setTimeout(resolve, 50));
		clearInterval(flood);
		const seconds = (performance.now() - start) / 1000;
		const renders = (instance.frames.length - framesBefore) / seconds;
		const documents =
			((session.getSnapshot().shadow?.version ?? 0) - versionBefore) / seconds;
		const ms = (value: number) => `${format(value, 1)} ms`;
		return [
			'console: ink-testing-library frames, real local service, one shadow receiving a flood of updates',
			`  documents shown per second: ${format(documents)} (sent ${format(sent / seconds)}/s); renders per second: ${format(renders)} (coalesced to at most one a frame)`,
			`  key press -> frame, no load: p50 ${ms(median(quiet))} p95 ${ms(percentile(quiet, 95))}`,
			`  key press -> frame, under load: p50 ${ms(median(loaded))} p95 ${ms(percentile(loaded, 95))} = ${format(median(loaded) / median(quiet), 2)}x the unloaded delay (aim: under 50 ms)`,
		];
	} finally {
		instance.unmount();
		await session.close();
		await client.close();
		await publisher.endAsync();
	}
}
