/*
Real X.509 material made with openssl for TLS tests: a CA, a server
certificate for 127.0.0.1 and localhost, and client certificates.
*/
import {execFileSync} from 'node:child_process';
import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';

export type Pem = {
	readonly cert: Buffer;
	readonly key: Buffer;
	readonly certPath: string;
	readonly keyPath: string;
};

function openssl(dir: string, args: string[]): void {
	execFileSync('openssl', args, {cwd: dir, stdio: 'pipe'});
}

function pem(dir: string, name: string): Pem {
	const certPath = join(dir, `${name}.crt`);
	const keyPath = join(dir, `${name}.key`);
	return {
		cert: readFileSync(certPath),
		key: readFileSync(keyPath),
		certPath,
		keyPath,
	};
}

export function makeCa(dir: string, name: string): Pem {
	openssl(dir, [
		'req',
		'-x509',
		'-newkey',
		'ec',
		'-pkeyopt',
		'ec_paramgen_curve:prime256v1',
		'-nodes',
		'-days',
		'2',
		'-subj',
		`/CN=${name}`,
		'-keyout',
		`${name}.key`,
		'-out',
		`${name}.crt`,
	]);
	return pem(dir, name);
}

export function issue(
	dir: string,
	ca: Pem,
	name: string,
	options: {server?: boolean} = {},
): Pem {
	openssl(dir, [
		'req',
		'-newkey',
		'ec',
		'-pkeyopt',
		'ec_paramgen_curve:prime256v1',
		'-nodes',
		'-subj',
		`/CN=${name}`,
		'-keyout',
		`${name}.key`,
		'-out',
		`${name}.csr`,
	]);
	const extensions = options.server
		? 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n'
		: `subjectAltName=DNS:${name}\nextendedKeyUsage=clientAuth\n`;
	writeFileSync(join(dir, `${name}.ext`), extensions);
	openssl(dir, [
		'x509',
		'-req',
		'-in',
		`${name}.csr`,
		'-CA',
		ca.certPath,
		'-CAkey',
		ca.keyPath,
		'-CAcreateserial',
		'-days',
		'2',
		'-extfile',
		`${name}.ext`,
		'-out',
		`${name}.crt`,
	]);
	return pem(dir, name);
}
