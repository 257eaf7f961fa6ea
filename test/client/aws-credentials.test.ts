/*
The AWS SDK's credential chain and the region rule, with temporary shared
config and credentials files named in the command's environment (never the
test process's own): static keys of a profile, a profile's region, keys from
the environment, a credential_process whose short-lived keys are renewed, and
the one-line answers when a profile, a region or credentials are missing.
*/
import assert from 'node:assert/strict';
import {writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {test, type TestContext} from 'node:test';
import {
	AwsCredentialsError,
	awsFilePaths,
	parseIni,
	pickRegion,
	regionOfEndpoint,
	resolveAwsAccess,
	type AwsAccess,
} from '../../source/client/aws-credentials.js';
import {temporaryDirectory} from '../helpers/service.js';
import {until} from '../helpers/wait.js';

async function awsFiles(
	t: TestContext,
	config: string,
	credentials: string,
): Promise<{dir: string; env: NodeJS.ProcessEnv}> {
	const dir = await temporaryDirectory(t);
	const configFile = join(dir, 'config');
	const credentialsFile = join(dir, 'credentials');
	await writeFile(configFile, config);
	await writeFile(credentialsFile, credentials);
	return {
		dir,
		env: {
			HOME: dir,
			AWS_CONFIG_FILE: configFile,
			AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
		},
	};
}

function accessOf(resolution: ReturnType<typeof resolveAwsAccess>): AwsAccess {
	if (!resolution.ok) throw new Error(resolution.error);
	return resolution.access;
}

const files = {
	config: [
		'[default]',
		'output = json',
		'',
		'[profile dev]',
		'region = eu-central-1',
		'# a comment',
		's3 =',
		'  max_concurrent_requests = 10',
		'',
		'[profile bare]',
		'output = text',
	].join('\n'),
	credentials: [
		'[default]',
		'aws_access_key_id = AKIDDEFAULT',
		'aws_secret_access_key = default-secret',
		'',
		'[dev]',
		'aws_access_key_id = AKIDDEV',
		'aws_secret_access_key = dev-secret',
	].join('\n'),
};

test('a named profile: its static keys from the credentials file, its region from the config file', async (t) => {
	const {env} = await awsFiles(t, files.config, files.credentials);
	const access = accessOf(resolveAwsAccess({profile: 'dev'}, env));
	assert.equal(access.profile, 'dev');
	assert.equal(access.region, 'eu-central-1');
	assert.equal(access.description, 'AWS profile dev, eu-central-1');
	const credentials = await access.credentials();
	assert.equal(credentials.accessKeyId, 'AKIDDEV');
	assert.equal(credentials.secretAccessKey, 'dev-secret');

	// AWS_PROFILE of the command's environment names it as well.
	const fromEnv = accessOf(resolveAwsAccess({}, {...env, AWS_PROFILE: 'dev'}));
	assert.equal((await fromEnv.credentials()).accessKeyId, 'AKIDDEV');
});

test('the region: --region, AWS_REGION, AWS_DEFAULT_REGION, the profile, the endpoint', async (t) => {
	const {env} = await awsFiles(t, files.config, files.credentials);
	const endpointHost = 'abc123-ats.iot.ap-south-1.amazonaws.com';
	const region = (
		settings: Parameters<typeof resolveAwsAccess>[0],
		extra: NodeJS.ProcessEnv = {},
	) => accessOf(resolveAwsAccess(settings, {...env, ...extra})).region;
	assert.equal(region({profile: 'dev', region: 'us-west-2'}), 'us-west-2');
	assert.equal(
		region({profile: 'dev'}, {AWS_REGION: 'ca-central-1'}),
		'ca-central-1',
	);
	assert.equal(
		region({profile: 'dev'}, {AWS_DEFAULT_REGION: 'sa-east-1'}),
		'sa-east-1',
	);
	assert.equal(region({profile: 'dev', endpointHost}), 'eu-central-1');
	// The default profile has no region: the endpoint's name carries one.
	assert.equal(region({endpointHost}), 'ap-south-1');
	assert.equal(
		regionOfEndpoint('a1b2-ats.iot.cn-north-1.amazonaws.com.cn'),
		'cn-north-1',
	);
	assert.equal(regionOfEndpoint('127.0.0.1'), undefined);
	assert.equal(pickRegion({env: {}}), undefined);
});

test('without a region, one line says what to set', async (t) => {
	const {env, dir} = await awsFiles(t, files.config, files.credentials);
	const resolution = resolveAwsAccess({}, env);
	assert.deepEqual(resolution, {
		ok: false,
		error: `no AWS region: give --region R, set AWS_REGION, or add region = R to profile 'default' in ${join(dir, 'config')}`,
	});
});

test('a profile that is in neither file is one line naming both files', async (t) => {
	const {env, dir} = await awsFiles(t, files.config, files.credentials);
	const resolution = resolveAwsAccess(
		{profile: 'prod', region: 'eu-west-1'},
		env,
	);
	assert.equal(resolution.ok, false);
	const error = resolution.ok ? '' : resolution.error;
	assert.equal(
		error,
		`no AWS profile 'prod' in ${join(dir, 'config')} or ${join(dir, 'credentials')} (check --aws-profile and AWS_PROFILE; AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE name other files)`,
	);
	assert.ok(!error.includes('\n'));
});

test("keys in the command's environment come first when no profile is named", async (t) => {
	const {env} = await awsFiles(t, files.config, files.credentials);
	const access = accessOf(
		resolveAwsAccess(
			{region: 'eu-west-1'},
			{
				...env,
				AWS_ACCESS_KEY_ID: 'AKIDENV',
				AWS_SECRET_ACCESS_KEY: 'env-secret',
				AWS_SESSION_TOKEN: 'env-token',
			},
		),
	);
	assert.deepEqual(await access.credentials(), {
		accessKeyId: 'AKIDENV',
		secretAccessKey: 'env-secret',
		sessionToken: 'env-token',
	});
	// Without them, the default profile of the files.
	const fromFiles = accessOf(resolveAwsAccess({region: 'eu-west-1'}, env));
	assert.equal((await fromFiles.credentials()).accessKeyId, 'AKIDDEFAULT');
	// A named profile wins over the environment's keys, as in the SDK.
	const named = accessOf(
		resolveAwsAccess(
			{profile: 'dev'},
			{...env, AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: 's'},
		),
	);
	assert.equal((await named.credentials()).accessKeyId, 'AKIDDEV');
});

test('temporary credentials from credential_process are renewed before they expire', async (t) => {
	const dir = await temporaryDirectory(t);
	const counter = join(dir, 'count');
	const script = join(dir, 'issue.cjs');
	await writeFile(counter, '0');
	// Each run issues the next key, valid for two minutes: inside the SDK's five-minute renewal window.
	await writeFile(
		script,
		`const fs = require('node:fs');
const n = Number(fs.readFileSync(${JSON.stringify(counter)}, 'utf8')) + 1;
fs.writeFileSync(${JSON.stringify(counter)}, String(n));
process.stdout.write(JSON.stringify({Version: 1, AccessKeyId: 'ASIATEMP' + n, SecretAccessKey: 'secret-' + n, SessionToken: 'token-' + n, Expiration: new Date(Date.now() + 120000).toISOString()}));
`,
	);
	const {env} = await awsFiles(
		t,
		[
			'[profile temporary]',
			'region = eu-west-1',
			`credential_process = ${JSON.stringify(process.execPath)} ${JSON.stringify(script)}`,
		].join('\n'),
		'',
	);
	const access = accessOf(resolveAwsAccess({profile: 'temporary'}, env));
	const first = await access.credentials();
	assert.equal(first.accessKeyId, 'ASIATEMP1');
	assert.equal(first.sessionToken, 'token-1');
	assert.ok(first.expiration instanceof Date);
	// Renewal runs in the background while the held keys still work; a later call gets the new ones.
	await until(
		async () => (await access.credentials()).accessKeyId !== 'ASIATEMP1',
		'renewed credentials',
	);
	assert.match((await access.credentials()).accessKeyId, /^ASIATEMP[2-9]$/);
});

test('a profile without credentials fails on use with one line naming what to do', async (t) => {
	const {env} = await awsFiles(t, files.config, '');
	const access = accessOf(
		resolveAwsAccess({profile: 'bare', region: 'eu-west-1'}, env),
	);
	const error = await access.credentials().then(
		() => undefined,
		(error_: unknown) => error_,
	);
	assert.ok(error instanceof AwsCredentialsError, String(error));
	assert.match(error.message, /^no AWS credentials for profile 'bare' \(/);
	assert.match(error.message, /give --aws-profile NAME$/);
	assert.ok(!error.message.includes('\n'));
});

test('the files: AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, else ~/.aws of HOME; INI as the SDK reads it', () => {
	assert.deepEqual(awsFilePaths({HOME: '/home/ada'}), {
		config: '/home/ada/.aws/config',
		credentials: '/home/ada/.aws/credentials',
	});
	assert.deepEqual(
		awsFilePaths({
			HOME: '/home/ada',
			AWS_CONFIG_FILE: '~/work/aws-config',
			AWS_SHARED_CREDENTIALS_FILE: '/etc/aws/credentials',
		}),
		{
			config: '/home/ada/work/aws-config',
			credentials: '/etc/aws/credentials',
		},
	);
	const ini = parseIni(files.config);
	assert.equal(ini.get('profile dev')?.get('region'), 'eu-central-1');
	// A nested setting's lines belong to it, not to the profile.
	assert.equal(
		ini.get('profile dev')?.get('max_concurrent_requests'),
		undefined,
	);
	assert.equal(ini.get('profile bare')?.get('output'), 'text');
});
