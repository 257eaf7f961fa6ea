/** A problem with what the user typed: one line on stderr and exit code 2. */
export class UsageError extends Error {
	override readonly name = 'UsageError';
}

/** A problem while running: one line on stderr and exit code 1. */
export class CommandFailure extends Error {
	override readonly name = 'CommandFailure';
}
