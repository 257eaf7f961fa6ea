import assert from 'node:assert/strict';
import {test} from 'node:test';
import {
	checkApiUrl,
	parseProfiles,
	quoteValue,
	resolveConnection,
} from '../../source/client/connection-settings.js';

const profiles = {
	prod: {
		endpoint: 'abc123-ats.iot.eu-west-1.amazonaws.com',
		cert: '/keys/device.pem.crt',
		key: '/keys/private.pem.key',
		ca: '/keys/AmazonRootCA1.pem',
		clientId: 'lamp',
	},
	lab: {broker: 'mqtt://10.0.0.5:1883'},
};

test('no flags: the local service on 127.0.0.1', () => {
	assert.deepEqual(resolveConnection({}, {}), {
		ok: true,
		connection: {
			url: 'mqtt://127.0.0.1:1883',
			description: 'mqtt://127.0.0.1:1883',
		},
	});
});

test('--endpoint means AWS IoT Core: mqtts on 8883, or 443 with the ALPN protocol for certificates', () => {
	const base = {cert: 'c.pem', key: 'k.pem'};
	const on8883 = resolveConnection(
		{...base, endpoint: 'abc-ats.iot.us-east-1.amazonaws.com'},
		{},
	);
	assert.ok(on8883.ok);
	assert.equal(
		on8883.connection.url,
		'mqtts://abc-ats.iot.us-east-1.amazonaws.com:8883',
	);
	assert.equal(on8883.connection.alpnProtocols, undefined);
	const on443 = resolveConnection(
		{...base, endpoint: 'abc-ats.iot.us-east-1.amazonaws.com:443'},
		{},
	);
	assert.ok(on443.ok);
	assert.deepEqual(on443.connection.alpnProtocols, ['x-amzn-mqtt-ca']);
	// Without a certificate: SigV4 over AWS IoT Core's WebSocket (the tests below).
	assert.equal(
		resolveConnection({endpoint: 'abc-ats.iot.us-east-1.amazonaws.com'}, {}).ok,
		true,
	);
	assert.equal(
		resolveConnection({...base, endpoint: 'abc:1883'}, {}).ok,
		false,
	);
});

test('a profile supplies settings; flags override them', () => {
	const prod = resolveConnection({profile: 'prod'}, profiles);
	assert.ok(prod.ok);
	assert.equal(
		prod.connection.url,
		'mqtts://abc123-ats.iot.eu-west-1.amazonaws.com:8883',
	);
	assert.equal(prod.connection.clientId, 'lamp');
	assert.equal(prod.connection.keyPath, '/keys/private.pem.key');
	const overridden = resolveConnection(
		{profile: 'prod', clientId: 'lamp-2'},
		profiles,
	);
	assert.ok(overridden.ok && overridden.connection.clientId === 'lamp-2');
	const elsewhere = resolveConnection(
		{profile: 'lab', broker: 'mqtt://127.0.0.1:1884'},
		profiles,
	);
	assert.ok(
		elsewhere.ok && elsewhere.connection.url === 'mqtt://127.0.0.1:1884',
	);
	assert.deepEqual(resolveConnection({profile: 'nope'}, profiles), {
		ok: false,
		error: "no profile 'nope' (profiles: prod, lab)",
	});
});

test('the description names the certificate, never the key', () => {
	const prod = resolveConnection({profile: 'prod'}, profiles);
	assert.ok(prod.ok);
	assert.equal(
		prod.connection.description,
		'mqtts://abc123-ats.iot.eu-west-1.amazonaws.com:8883 (certificate /keys/device.pem.crt)',
	);
	assert.ok(!prod.connection.description.includes('private'));
});

test('inconsistent settings are refused with one line', () => {
	assert.equal(
		resolveConnection({broker: 'mqtt://a', endpoint: 'b'}, {}).ok,
		false,
	);
	assert.deepEqual(resolveConnection({cert: 'c.pem'}, {}), {
		ok: false,
		error: '--cert and --key go together',
	});
	assert.deepEqual(
		resolveConnection(
			{broker: 'mqtt://127.0.0.1:1883', cert: 'c', key: 'k'},
			{},
		),
		{
			ok: false,
			error: 'a client certificate needs a TLS broker URL (mqtts:// or wss://)',
		},
	);
	assert.deepEqual(resolveConnection({broker: 'http://x'}, {}), {
		ok: false,
		error:
			'--broker must be an mqtt://, mqtts://, ws:// or wss:// URL such as mqtt://127.0.0.1:1883, got "http://x"',
	});
	// Past the scheme: what `new URL` cannot read, and port 0.
	for (const broker of ['mqtt://127.0.0.1:99999', 'mqtt://[::1:1883']) {
		const resolution = resolveConnection({broker}, {});
		assert.equal(resolution.ok, false, broker);
		assert.match(
			resolution.ok ? '' : resolution.error,
			/^--broker must be an mqtt:\/\//,
		);
	}

	assert.deepEqual(resolveConnection({broker: 'mqtt://127.0.0.1:0'}, {}), {
		ok: false,
		error: '--broker needs a port from 1 to 65535, got "mqtt://127.0.0.1:0"',
	});
	assert.deepEqual(
		resolveConnection({endpoint: '-bad-.example', cert: 'c', key: 'k'}, {}),
		{
			ok: false,
			error:
				'--endpoint must be a host name such as abc123-ats.iot.us-east-1.amazonaws.com, got "-bad-.example"',
		},
	);
});

test('--api is an http(s) address without a query', () => {
	assert.equal(checkApiUrl('http://127.0.0.1:8080'), undefined);
	assert.equal(checkApiUrl('https://lab-pc:8443/'), undefined);
	assert.equal(
		checkApiUrl('mqtt://127.0.0.1:1883'),
		'--api must be an http:// or https:// URL such as http://127.0.0.1:8080, got "mqtt://127.0.0.1:1883"',
	);
	assert.equal(
		checkApiUrl('http://x:8080/?page=2'),
		'--api takes the service\'s address without a query or fragment, got "http://x:8080/?page=2"',
	);
	assert.match(checkApiUrl('http://x:0') ?? '', /needs a port from 1 to 65535/);
	assert.match(checkApiUrl('localhost:8080') ?? '', /^--api must be/);
});

test('values in messages are quoted, escaped and cut, so a message stays one line', () => {
	assert.equal(quoteValue('a\nb'), '"a\\nb"');
	assert.equal(quoteValue('x'.repeat(100), 5), '"xxxxx…"');
});

test('the config file is checked', () => {
	assert.ok(parseProfiles(JSON.stringify({profiles}), 'config.json').ok);
	assert.equal(parseProfiles('{', 'config.json').ok, false);
	assert.deepEqual(
		parseProfiles(
			JSON.stringify({profiles: {a: {endpiont: 'x'}}}),
			'config.json',
		),
		{
			ok: false,
			error: "config.json: profile 'a' has an unknown setting 'endpiont'",
		},
	);
});

test("a profile's api goes with its broker only: with --broker it would be another service's", () => {
	const profiles = {
		lab: {broker: 'mqtt://lab.local:1883', api: 'http://lab.local:8080/'},
	};
	const fromProfile = resolveConnection({profile: 'lab'}, profiles);
	assert.ok(fromProfile.ok);
	assert.equal(fromProfile.connection.api, 'http://lab.local:8080');
	const otherBroker = resolveConnection(
		{profile: 'lab', broker: 'mqtt://127.0.0.1:1883'},
		profiles,
	);
	assert.ok(otherBroker.ok);
	assert.equal(otherBroker.connection.api, undefined);
	const bad = resolveConnection(
		{profile: 'lab'},
		{lab: {broker: 'mqtt://lab.local:1883', api: 'ftp://x'}},
	);
	assert.equal(bad.ok, false);
});

test('--endpoint without a certificate: MQTT over a SigV4-signed WebSocket on 443', () => {
	const endpoint = 'abc-ats.iot.eu-west-1.amazonaws.com';
	assert.deepEqual(resolveConnection({endpoint}, {}), {
		ok: true,
		connection: {
			url: `wss://${endpoint}:443/mqtt`,
			aws: {},
			sigv4: {},
			description: `wss://${endpoint}:443/mqtt (SigV4)`,
		},
	});
	const withProfile = resolveConnection(
		{endpoint: `${endpoint}:443`, awsProfile: 'dev', region: 'eu-west-1'},
		{},
	);
	assert.ok(withProfile.ok);
	assert.deepEqual(withProfile.connection.sigv4, {
		profile: 'dev',
		region: 'eu-west-1',
	});
	assert.equal(
		withProfile.connection.description,
		`wss://${endpoint}:443/mqtt (SigV4, AWS profile dev)`,
	);
	assert.deepEqual(resolveConnection({endpoint: `${endpoint}:8883`}, {}), {
		ok: false,
		error: `--endpoint ${endpoint}:8883 takes --cert and --key; without a certificate MQTT goes over a SigV4-signed WebSocket on port 443`,
	});
	// With a certificate it stays mutual TLS; the AWS profile then signs HTTP only.
	const certificate = resolveConnection(
		{endpoint, cert: 'c.pem', key: 'k.pem', awsProfile: 'dev'},
		{},
	);
	assert.ok(certificate.ok);
	assert.equal(certificate.connection.url, `mqtts://${endpoint}:8883`);
	assert.equal(certificate.connection.sigv4, undefined);
	assert.deepEqual(certificate.connection.aws, {profile: 'dev'});
});

test('a ws:// or wss:// broker with --aws-profile or --region is signed; mqtt:// keeps them for HTTP', () => {
	const local = resolveConnection(
		{broker: 'ws://127.0.0.1:8080/mqtt', awsProfile: 'dev'},
		{},
	);
	assert.ok(local.ok);
	assert.deepEqual(local.connection.sigv4, {profile: 'dev'});
	const byRegion = resolveConnection(
		{broker: 'wss://lab.local/mqtt', region: 'us-east-1'},
		{},
	);
	assert.ok(byRegion.ok);
	assert.deepEqual(byRegion.connection.sigv4, {region: 'us-east-1'});
	const tcp = resolveConnection(
		{broker: 'mqtt://127.0.0.1:1883', awsProfile: 'dev'},
		{},
	);
	assert.ok(tcp.ok);
	assert.equal(tcp.connection.sigv4, undefined);
	assert.deepEqual(tcp.connection.aws, {profile: 'dev'});
	// AWS IoT Core's WebSocket takes SigV4: signed even without AWS flags, unless a certificate is given.
	const aws = resolveConnection(
		{broker: 'wss://abc-ats.iot.eu-west-1.amazonaws.com/mqtt'},
		{},
	);
	assert.ok(aws.ok);
	assert.deepEqual(aws.connection.sigv4, {});
	const plain = resolveConnection({broker: 'ws://127.0.0.1:8080/mqtt'}, {});
	assert.ok(plain.ok);
	assert.equal(plain.connection.sigv4, undefined);
	assert.equal(plain.connection.aws, undefined);
});

test('awsProfile and region in a saved profile; flags override them; bad names are refused', () => {
	const saved = parseProfiles(
		JSON.stringify({
			profiles: {
				cloud: {
					endpoint: 'abc-ats.iot.eu-west-1.amazonaws.com',
					awsProfile: 'dev',
					region: 'eu-west-1',
				},
			},
		}),
		'config.json',
	);
	assert.ok(saved.ok);
	const cloud = resolveConnection({profile: 'cloud'}, saved.profiles);
	assert.ok(cloud.ok);
	assert.deepEqual(cloud.connection.sigv4, {
		profile: 'dev',
		region: 'eu-west-1',
	});
	const overridden = resolveConnection(
		{profile: 'cloud', awsProfile: 'ops'},
		saved.profiles,
	);
	assert.ok(overridden.ok);
	assert.deepEqual(overridden.connection.sigv4, {
		profile: 'ops',
		region: 'eu-west-1',
	});
	assert.deepEqual(
		resolveConnection({broker: 'ws://127.0.0.1/mqtt', region: 'Europe'}, {}),
		{
			ok: false,
			error: '--region must be an AWS region such as eu-west-1, got "Europe"',
		},
	);
	assert.equal(resolveConnection({awsProfile: 'my profile'}, {}).ok, false);
});
