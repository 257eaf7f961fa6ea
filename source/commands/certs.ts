/*
shadow-tui certs: the secure setup's certificates. Prints where each file
went and what to run next; never prints a key or a password.
*/
import {join} from 'node:path';
import type {FlagValues} from '../command-line/parse-command-line.js';
import {
	addUser,
	caFiles,
	CertificateAuthorityError,
	createCertificateAuthority,
	issueClientCertificate,
	readIssued,
	revokeCertificate,
	revokedSerials,
} from '../certs/certificate-authority.js';
import {configDirectory} from '../config/paths.js';
import {defaultPolicyFile} from '../security/policy-set.js';
import {addAccessKey, UserFileError} from '../security/user-file.js';
import {CommandFailure, UsageError} from './command-error.js';
import type {Environment} from './run-command.js';

const actions = ['init', 'device', 'app', 'user', 'revoke', 'list', 'policy'];
const needsName = new Set(['device', 'app', 'user', 'revoke']);

export function certsDirectory(environment: Environment): string {
	return join(configDirectory(environment.env), 'certs');
}

export async function runCerts(
	flags: FlagValues,
	environment: Environment,
): Promise<number> {
	const action = flags.action as string | undefined;
	const name = flags.name as string | undefined;
	if (action === undefined || !actions.includes(action))
		throw new UsageError(
			`say what to do: ${actions.join(', ')}${action === undefined ? '' : ` (not '${action}')`}`,
		);
	if (needsName.has(action) && name === undefined)
		throw new UsageError(`certs ${action} needs a NAME`);
	if (!needsName.has(action) && name !== undefined)
		throw new UsageError(`certs ${action} takes no NAME`);
	const dir = (flags.dir as string | undefined) ?? certsDirectory(environment);
	const days = (flags.days as number | undefined) ?? 365;
	try {
		switch (action) {
			case 'init': {
				const hosts = ((flags.host as string | undefined) ?? 'localhost')
					.split(',')
					.map((host) => host.trim())
					.filter((host) => host !== '');
				const created = await createCertificateAuthority(dir, {hosts, days});
				print(
					`created a CA in ${dir}`,
					`  CA certificate       ${created.caCert}`,
					`  service certificate  ${created.serverCert} (${hosts.join(', ')})`,
					'next:',
					`  shadow-tui certs device NAME --dir ${dir}`,
					`  shadow-tui serve --certs ${dir}`,
				);
				return 0;
			}

			case 'device':
			case 'app': {
				const issued = await issueClientCertificate(dir, {
					kind: action === 'device' ? 'thing' : 'app',
					name: name ?? '',
					days,
				});
				const ca = caFiles(dir).caCert;
				print(
					`issued ${action === 'device' ? 'thing' : 'app'}:${name ?? ''} (serial ${issued.serial}, ${days} days)`,
					`  certificate  ${issued.certificate}`,
					`  key          ${issued.key} (owner-only)`,
					'connect with:',
					`  --broker mqtts://localhost:8883 --ca ${ca} --cert ${issued.certificate} --key ${issued.key}`,
					...(action === 'device'
						? [
								`  (the client id defaults to ${name ?? ''}, as the default policy wants)`,
							]
						: []),
				);
				return 0;
			}

			case 'user': {
				if (flags.accessKey === true) {
					printAccessKey(dir, name ?? '');
					return 0;
				}

				const password = await readPassword(environment);
				const file = await addUser(dir, name ?? '', password);
				print(
					`stored a password hash for ${name ?? ''} in ${file}`,
					'  a running service takes it within a second; sessions signed in with an old password are disconnected',
				);
				return 0;
			}

			case 'revoke': {
				const revoked = revokeCertificate(dir, name ?? '');
				print(
					...revoked.map(
						(entry) => `revoked ${entry.principal} (serial ${entry.serial})`,
					),
					`  written to ${caFiles(dir).revoked}; a running service disconnects it within a second`,
				);
				return 0;
			}

			case 'list': {
				listIssued(dir);
				return 0;
			}

			default: {
				print(JSON.stringify(defaultPolicyFile, null, 2));
				return 0;
			}
		}
	} catch (error: unknown) {
		if (error instanceof CertificateAuthorityError)
			throw new CommandFailure(error.message);
		throw error;
	}
}

/** The secret is printed this once, to stdout only; the users file keeps it owner-only. */
function printAccessKey(dir: string, user: string): void {
	const file = caFiles(dir).users;
	let key: {accessKeyId: string; secretAccessKey: string};
	try {
		key = addAccessKey(file, user);
	} catch (error: unknown) {
		if (error instanceof UserFileError) throw new CommandFailure(error.message);
		throw error;
	}

	print(
		`added access key ${key.accessKeyId} for ${user} to ${file}`,
		'  a running service takes it within a second; remove it from the file to revoke it',
		'for an AWS profile (~/.aws/credentials or AWS_SHARED_CREDENTIALS_FILE):',
		`  aws_access_key_id = ${key.accessKeyId}`,
		`  aws_secret_access_key = ${key.secretAccessKey}`,
		'  (the secret is not shown again)',
	);
}

function listIssued(dir: string): void {
	const revoked = revokedSerials(dir);
	const issued = readIssued(dir);
	if (issued.length === 0) {
		print(`nothing issued in ${dir}`);
		return;
	}

	const now = Date.now();
	const width = Math.max(...issued.map((entry) => entry.principal.length));
	print(
		...issued.map((entry) => {
			let status = `valid until ${entry.notAfter.slice(0, 10)}`;
			if (revoked.has(entry.serial)) status = 'REVOKED';
			else if (Date.parse(entry.notAfter) < now) status = 'EXPIRED';
			return `${entry.principal.padEnd(width)}  ${entry.serial}  ${status}`;
		}),
	);
}

/** From SHADOW_TUI_PASSWORD, or the first line of stdin when it is piped: never a flag. */
async function readPassword(environment: Environment): Promise<string> {
	const fromEnvironment = environment.env.SHADOW_TUI_PASSWORD;
	if (fromEnvironment !== undefined && fromEnvironment !== '')
		return fromEnvironment;
	if (environment.stdinIsTty)
		throw new UsageError(
			'give the password in SHADOW_TUI_PASSWORD or on stdin (it is never a flag)',
		);
	const chunks: Buffer[] = [];
	for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
	const password = Buffer.concat(chunks).toString('utf8').split('\n')[0] ?? '';
	if (password === '') throw new UsageError('no password on stdin');
	return password;
}

function print(...lines: string[]): void {
	console.log(lines.join('\n'));
}
