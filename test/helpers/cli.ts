import {spawn} from 'node:child_process';
import {fileURLToPath} from 'node:url';

export const cliPath = fileURLToPath(
	new URL('../../dist/source/cli.js', import.meta.url),
);

export type CliResult = {code: number | null; stdout: string; stderr: string};

/** Runs the built CLI (npm test builds first) with no terminal attached. */
export async function runCli(
	args: string[],
	options: {env?: NodeJS.ProcessEnv; timeoutMs?: number} = {},
): Promise<CliResult> {
	const child = spawn(process.execPath, [cliPath, ...args], {
		env: {...process.env, ...options.env},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const timer = setTimeout(
		() => child.kill('SIGKILL'),
		options.timeoutMs ?? 20_000,
	);
	const code = await new Promise<number | null>((resolve) =>
		child.on('close', resolve),
	);
	clearTimeout(timer);
	return {code, stdout, stderr};
}
