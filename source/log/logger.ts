/*
The one logger: off unless the user names a file, one JSON object per line.
Nothing here writes to the terminal, so it is safe while Ink renders. Fields
that look like secrets are replaced before anything is written.
*/
import {createWriteStream, type WriteStream} from 'node:fs';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export type LogFields = Readonly<Record<string, unknown>>;

export type Logger = {
	readonly error: (message: string, fields?: LogFields) => void;
	readonly warn: (message: string, fields?: LogFields) => void;
	readonly info: (message: string, fields?: LogFields) => void;
	readonly debug: (message: string, fields?: LogFields) => void;
	readonly child: (scope: string) => Logger;
	readonly close: () => Promise<void>;
};

const rank: Record<LogLevel, number> = {error: 0, warn: 1, info: 2, debug: 3};
const secretKey = /key|password|passphrase|secret|token(?!s)|authorization/i;

function redact(fields: LogFields | undefined): LogFields | undefined {
	if (!fields) return undefined;
	const safe: Record<string, unknown> = {};
	for (const [name, value] of Object.entries(fields)) {
		// Client tokens correlate requests and are not secrets; AWS prints them too.
		safe[name] =
			secretKey.test(name) && name !== 'clientToken' ? '[redacted]' : value;
	}

	return safe;
}

type Sink = {write(line: string): void; close(): Promise<void>};

function fileSink(path: string): Sink {
	const stream: WriteStream = createWriteStream(path, {
		flags: 'a',
		mode: 0o600,
	});
	// A log that cannot be written must not take the product down with it.
	stream.on('error', () => undefined);
	return {
		write(line) {
			stream.write(line);
		},
		async close() {
			await new Promise<void>((resolve) => {
				stream.end(resolve);
			});
		},
	};
}

function build(sink: Sink | undefined, level: LogLevel, scope: string): Logger {
	const emit =
		(at: LogLevel) =>
		(message: string, fields?: LogFields): void => {
			if (!sink || rank[at] > rank[level]) return;
			sink.write(
				`${JSON.stringify({time: new Date().toISOString(), level: at, scope, msg: message, ...redact(fields)})}\n`,
			);
		};

	return {
		error: emit('error'),
		warn: emit('warn'),
		info: emit('info'),
		debug: emit('debug'),
		child: (child) => build(sink, level, child),
		close: async () => sink?.close(),
	};
}

export function createLogger(options: {
	readonly file?: string;
	readonly level?: LogLevel;
}): Logger {
	return build(
		options.file ? fileSink(options.file) : undefined,
		options.level ?? 'info',
		'main',
	);
}

export const silentLogger: Logger = build(undefined, 'error', 'main');
