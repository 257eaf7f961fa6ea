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
	assert.deepEqual(
		resolveConnection({endpoint: 'abc-ats.iot.us-east-1.amazonaws.com'}, {}),
		{
			ok: false,
			error:
				'--endpoint needs --cert and --key: AWS IoT Core authenticates devices by certificate',
		},
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
