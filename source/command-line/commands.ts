/*
The command line of cli.md as data: every command, its flags and its help.
Parsing and validation read this table, so the help can never drift from
what is accepted.
*/

export type FlagSpec = {
	readonly type: 'string' | 'number' | 'boolean';
	readonly description: string;
	/** Shown in the help as --flag VALUE. */
	readonly value?: string;
	readonly choices?: readonly string[];
	readonly default?: string | number | boolean;
	readonly min?: number;
	readonly max?: number;
};

export type CommandName =
	| 'console'
	| 'serve'
	| 'device'
	| 'demo'
	| 'get'
	| 'update'
	| 'delete'
	| 'list'
	| 'watch'
	| 'history'
	| 'diff'
	| 'certs';

export type CommandSpec = {
	readonly summary: string;
	readonly usage: string;
	/** Words after the command, by name: they arrive as flags of those names. */
	readonly arguments?: readonly string[];
	/** Shown after the usage line. */
	readonly details?: string;
	readonly flags: Readonly<Record<string, FlagSpec>>;
};

const port = (description: string, fallback?: number): FlagSpec => ({
	type: 'number',
	value: 'N',
	description,
	min: 0,
	max: 65_535,
	...(fallback === undefined ? {} : {default: fallback}),
});

const logging: Record<string, FlagSpec> = {
	logFile: {
		type: 'string',
		value: 'FILE',
		description: 'write diagnostics to FILE (never to the terminal)',
	},
	logLevel: {
		type: 'string',
		value: 'LEVEL',
		description: 'error, warn, info or debug',
		choices: ['error', 'warn', 'info', 'debug'],
		default: 'info',
	},
};

const tlsClient: Record<string, FlagSpec> = {
	cert: {
		type: 'string',
		value: 'FILE',
		description: 'client certificate (PEM) for mutual TLS',
	},
	key: {
		type: 'string',
		value: 'FILE',
		description: 'private key (PEM) of the client certificate',
	},
	ca: {
		type: 'string',
		value: 'FILE',
		description: 'CA certificate(s) to trust for the broker',
	},
};

const connection: Record<string, FlagSpec> = {
	thing: {type: 'string', value: 'NAME', description: 'thing name'},
	shadow: {
		type: 'string',
		value: 'NAME',
		description: 'named shadow (default: the classic shadow)',
	},
	broker: {
		type: 'string',
		value: 'URL',
		description:
			'mqtt://, mqtts://, ws:// or wss:// broker (default: mqtt://127.0.0.1:1883)',
	},
	...tlsClient,
	endpoint: {
		type: 'string',
		value: 'HOST',
		description:
			'AWS IoT Core data endpoint: mqtts on 8883 with --cert, else MQTT over a SigV4-signed wss://HOST:443/mqtt',
	},
	clientId: {
		type: 'string',
		value: 'ID',
		description:
			"MQTT client id (default: the profile's, else the thing of a `certs` device certificate, else shadow-tui-<random> per run)",
	},
	username: {
		type: 'string',
		value: 'NAME',
		description:
			'sign in with a password (from SHADOW_TUI_PASSWORD) instead of a certificate',
	},
	profile: {
		type: 'string',
		value: 'NAME',
		description: 'a saved connection profile',
	},
	awsProfile: {
		type: 'string',
		value: 'NAME',
		description:
			"AWS credentials for SigV4 (HTTP, and MQTT over ws:// or wss://) from this profile of the AWS config files (default: the AWS SDK's chain)",
	},
	region: {
		type: 'string',
		value: 'R',
		description:
			"AWS region for SigV4 (default: AWS_REGION, the AWS profile's, the endpoint's)",
	},
	...logging,
};

const apply: FlagSpec = {
	type: 'string',
	value: 'MODE',
	description: 'device role: apply deltas at once (auto) or ask (confirm)',
	choices: ['auto', 'confirm'],
	default: 'auto',
};

const many: Record<string, FlagSpec> = {
	match: {
		type: 'string',
		value: 'PATTERN',
		description: 'many things by name pattern (coffee-*)',
	},
	query: {
		type: 'string',
		value: 'Q',
		description: 'many things by a query on shadow state',
	},
	json: {type: 'boolean', description: 'machine-readable output on stdout'},
	api: {
		type: 'string',
		value: 'URL',
		description:
			"the local service's HTTP API, which lists the fleet (default: the profile's, else what the broker's service announces)",
	},
};

/** history and diff read the journal over HTTP only: the flags that find it and sign in. */
const journal: Record<string, FlagSpec> = {
	thing: {type: 'string', value: 'NAME', description: 'thing name'},
	shadow: {
		type: 'string',
		value: 'NAME',
		description: 'named shadow (default: the classic shadow)',
	},
	api: {
		type: 'string',
		value: 'URL',
		description:
			"the local service's HTTP API (default: http://127.0.0.1:8080)",
	},
	broker: {
		type: 'string',
		value: 'URL',
		description: "the local service's broker (default: mqtt://127.0.0.1:1883)",
	},
	...tlsClient,
	username: {
		type: 'string',
		value: 'NAME',
		description: 'sign in with a password (from SHADOW_TUI_PASSWORD)',
	},
	profile: {
		type: 'string',
		value: 'NAME',
		description: 'a saved connection profile',
	},
};

const traffic: Record<string, FlagSpec> = {
	answerTimeout: {
		type: 'number',
		value: 'MS',
		description:
			'traffic: a request with no accepted/rejected answer after MS is marked unanswered',
		default: 10_000,
		min: 100,
	},
};

const stale: FlagSpec = {
	type: 'string',
	value: 'DURATION',
	description:
		"values older than this are marked stale (90s, 5m, 4h; default: 3x the device's reporting interval when seen, else 1h)",
};

export const commands: Readonly<Record<CommandName, CommandSpec>> = {
	console: {
		summary: 'the interactive console (default command)',
		usage: 'shadow-tui [console] --thing NAME [--role app|device]',
		flags: {
			...connection,
			role: {
				type: 'string',
				value: 'ROLE',
				description: 'starting role; a key switches it while running',
				choices: ['app', 'device'],
				default: 'app',
			},
			apply,
			history: {
				type: 'number',
				value: 'N',
				description: 'versions kept in the history pane',
				default: 1000,
				min: 1,
			},
			traffic: {
				type: 'number',
				value: 'N',
				description:
					'messages the traffic inspector keeps (the oldest go first)',
				default: 2000,
				min: 10,
				max: 1_000_000,
			},
			staleAfter: stale,
			...traffic,
			api: {
				type: 'string',
				value: 'URL',
				description:
					"HTTP API to list named shadows (default: the profile's, else what the broker announces)",
			},
		},
	},
	serve: {
		summary:
			'the local shadow service: embedded broker, shadow service, store, HTTP API',
		usage: 'shadow-tui serve [--port N] [--http-port N] [--data DIR]',
		flags: {
			host: {
				type: 'string',
				value: 'ADDR',
				description: 'address to listen on',
				default: '127.0.0.1',
			},
			port: port(
				'MQTT over TCP, or TLS with --tls-cert (default 1883, 8883 with TLS)',
			),
			wsPort: port(
				'MQTT over WebSocket on a port of its own (it is always at /mqtt on --http-port)',
			),
			httpPort: port(
				'HTTP API compatible with AWS IoT data plane, and MQTT over WebSocket at /mqtt',
				8080,
			),
			alpnPort: port(
				"MQTT over TLS for ALPN x-amzn-mqtt-ca, HTTPS otherwise, as AWS IoT Core's 443 (default: off)",
			),
			tlsCert: {
				type: 'string',
				value: 'FILE',
				description: 'serve MQTT over TLS with this certificate',
			},
			tlsKey: {
				type: 'string',
				value: 'FILE',
				description: 'private key of --tls-cert',
			},
			tlsCa: {
				type: 'string',
				value: 'FILE',
				description: 'require client certificates signed by this CA',
			},
			data: {
				type: 'string',
				value: 'DIR',
				description:
					"where the store lives (default: the user's data directory)",
			},
			broker: {
				type: 'string',
				value: 'URL',
				description: 'attach to an existing broker instead of embedding one',
			},
			...tlsClient,
			clientId: {
				type: 'string',
				value: 'ID',
				description: 'client id on an external broker',
			},
			certs: {
				type: 'string',
				value: 'DIR',
				description:
					'secure setup from `shadow-tui certs init`: TLS, client CA, revocation list and users of DIR',
			},
			policy: {
				type: 'string',
				value: 'FILE',
				description:
					'AWS IoT policies for certificate and password clients (default: devices use their own thing, apps every thing)',
			},
			users: {
				type: 'string',
				value: 'FILE',
				description: 'usernames with scrypt-hashed passwords (certs user)',
			},
			revoked: {
				type: 'string',
				value: 'FILE',
				description:
					'revoked certificate serials, one per line, read again on change',
			},
			rateLimit: {
				type: 'number',
				value: 'N',
				description: 'requests per second per thing before 429 (0: no limit)',
				default: 20,
				min: 0,
			},
			maxMessageKb: {
				type: 'number',
				value: 'KB',
				description:
					'largest MQTT message payload; a client sending more is disconnected',
				default: 128,
				min: 1,
				// MQTT cannot declare a packet past 256 MB.
				max: 256 * 1024,
			},
			maxConnections: {
				type: 'number',
				value: 'N',
				description: 'MQTT connections the embedded broker accepts',
				default: 10_000,
				min: 1,
			},
			maxSubscriptions: {
				type: 'number',
				value: 'N',
				description: 'topic filters one MQTT connection may hold',
				default: 1000,
				min: 1,
			},
			historyVersions: {
				type: 'number',
				value: 'N',
				description:
					'versions of each shadow the journal keeps (0: no journal)',
				default: 1000,
				min: 0,
			},
			historyAge: {
				type: 'string',
				value: 'DURATION',
				description:
					'journal entries older than this are pruned (such as 7d; default 30d)',
			},
			fleetIndex: {
				type: 'string',
				value: 'on|off',
				description:
					'the Fleet Indexing term index, written with each shadow (off: queries read things in order; on again: rebuilt at start)',
				choices: ['on', 'off'],
				default: 'on',
			},
			...logging,
		},
	},
	device: {
		summary: 'headless simulated or file-backed device(s), no console',
		usage:
			'shadow-tui device --thing NAME --sim vehicle|coffee-maker|pump [--count N]',
		flags: {
			...connection,
			clientId: {
				type: 'string',
				value: 'ID',
				description:
					'MQTT client id (default: the thing name, as AWS IoT policies expect; with --count each device uses its own, THING-1 … THING-N)',
			},
			sim: {
				type: 'string',
				value: 'KIND',
				description: 'simulated device',
				choices: ['vehicle', 'coffee-maker', 'pump'],
			},
			state: {
				type: 'string',
				value: 'FILE',
				description: 'initial reported state when the shadow does not exist',
			},
			count: {
				type: 'number',
				value: 'N',
				description: 'run N devices named THING-1 … THING-N',
				default: 1,
				min: 1,
			},
			apply,
			presence: {
				type: 'boolean',
				description:
					'report connected and set a last will (--no-presence: off)',
				default: true,
			},
		},
	},
	demo: {
		summary: 'service + simulated devices + console, nothing to configure',
		usage: 'shadow-tui demo',
		flags: {...logging},
	},
	get: {
		summary: 'print a shadow',
		usage: 'shadow-tui get --thing NAME [--shadow NAME] [--json]',
		flags: {...connection, ...many},
	},
	update: {
		summary: 'update desired and/or reported state',
		usage:
			'shadow-tui update --thing NAME --desired JSON [--reported JSON] [--version N]',
		details:
			"A patch no shadow can hold is refused before it is sent, in AWS's words (exit 2): nested deeper than 6 levels, over 128 KB of text or 8 KB of values, null inside an array, or a number JSON cannot hold (1e400).",
		flags: {
			...connection,
			desired: {
				type: 'string',
				value: 'JSON',
				description: 'patch for desired (null removes a key)',
			},
			reported: {
				type: 'string',
				value: 'JSON',
				description: 'patch for reported (null removes a key)',
			},
			version: {
				type: 'number',
				value: 'N',
				description: 'refuse with 409 unless the shadow is at version N',
				min: 0,
			},
			dryRun: {
				type: 'boolean',
				description:
					'send nothing: print what the update would do (resulting state, delta, size against 8 KB, or the refusal)',
			},
			...many,
		},
	},
	delete: {
		summary: 'delete a shadow',
		usage: 'shadow-tui delete --thing NAME [--shadow NAME]',
		flags: {...connection, ...many},
	},
	list: {
		summary: 'list things and their named shadows',
		usage: 'shadow-tui list [--match PATTERN] [--query Q] [--json]',
		flags: {...connection, ...many},
	},
	watch: {
		summary:
			'print every message of a shadow (or many) as it passes, one line each',
		usage:
			'shadow-tui watch --thing NAME [--shadow NAME] [--json] (or --match PATTERN, --query Q)',
		flags: {
			...connection,
			...many,
			...traffic,
			json: {
				type: 'boolean',
				description:
					'one JSON object per line (JSON Lines), with the payload, for scripts',
			},
		},
	},
	history: {
		summary: "a shadow's version journal, newest first, or one key's values",
		usage:
			'shadow-tui history --thing NAME [--since WHEN] [--series PATH] [--json]',
		details: [
			'WHEN is a duration back from now (90s, 5m, 4h, 2d), an ISO 8601',
			'date-time (2026-12-02T14:00, local time without a zone) or epoch seconds.',
			'--series reported.temperature prints VERSION, EPOCH and VALUE (tabs),',
			'oldest first, and count, min, max and last on stderr.',
		].join('\n'),
		flags: {
			...journal,
			since: {
				type: 'string',
				value: 'WHEN',
				description: 'only versions written at or after WHEN',
			},
			until: {
				type: 'string',
				value: 'WHEN',
				description: 'only versions written at or before WHEN',
			},
			limit: {
				type: 'number',
				value: 'N',
				description: 'the newest N versions',
				default: 1000,
				min: 1,
				max: 1_000_000,
			},
			series: {
				type: 'string',
				value: 'PATH',
				description: 'the numbers of one key (reported.temperature)',
			},
			json: {
				type: 'boolean',
				description: 'one JSON object per line (JSON Lines)',
			},
		},
	},
	diff: {
		summary: 'what changed between two versions of a shadow, from its journal',
		usage: 'shadow-tui diff --thing NAME [--shadow NAME] V1 V2 [--json]',
		arguments: ['from', 'to'],
		flags: {
			...journal,
			json: {
				type: 'boolean',
				description: 'one JSON object: {from, to, changes}',
			},
		},
	},
	certs: {
		summary:
			'a local CA and certificates for the secure setup: devices, apps, users, revocation',
		usage: 'shadow-tui certs init|device|app|user|revoke|list|policy [NAME]',
		arguments: ['action', 'name'],
		details: [
			'Actions:',
			'  init            create the CA and the service certificate (--host for more names)',
			'  device NAME     issue a certificate for thing NAME (devices/NAME.crt, .key)',
			'  app NAME        issue a certificate for an app or console (apps/NAME.crt, .key)',
			'  user NAME       store a password for NAME, read from SHADOW_TUI_PASSWORD or stdin;',
			'                  with --access-key, make an access key pair for NAME instead (SigV4)',
			'  revoke NAME     revoke the certificates of a thing, an app or a serial number',
			'  list            what was issued, and what is revoked',
			'  policy          print the default policy file, to start your own from',
		].join('\n'),
		flags: {
			dir: {
				type: 'string',
				value: 'DIR',
				description:
					'where the CA and certificates live (default: certs in the config directory)',
			},
			host: {
				type: 'string',
				value: 'NAMES',
				description:
					'init: comma-separated host names and addresses the service answers on',
				default: 'localhost,127.0.0.1,::1',
			},
			days: {
				type: 'number',
				value: 'N',
				description: 'validity of a new certificate in days',
				default: 365,
				min: 1,
			},
			accessKey: {
				type: 'boolean',
				description:
					'user: a new AWS-style access key pair for the AWS SDKs and CLI, shown once',
			},
		},
	},
};

export const commandNames = Object.keys(commands) as CommandName[];

export function isCommandName(value: string): value is CommandName {
	return Object.prototype.hasOwnProperty.call(commands, value);
}

function kebab(name: string): string {
	return name.replaceAll(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

export function flagLabel(name: string, spec: FlagSpec): string {
	const label =
		spec.type === 'boolean' && spec.default === true
			? `--no-${kebab(name)}`
			: `--${kebab(name)}`;
	return spec.value ? `${label} ${spec.value}` : label;
}

export function mainHelp(): string {
	const width = Math.max(...commandNames.map((name) => name.length));
	return [
		'Usage: shadow-tui [command] [flags]',
		'',
		'A terminal console, local service and client for AWS IoT Device Shadows.',
		'',
		'Commands:',
		...commandNames.map(
			(name) => `  ${name.padEnd(width)}  ${commands[name].summary}`,
		),
		'',
		'Run `shadow-tui help COMMAND` (or `shadow-tui COMMAND --help`, `-h`) for the flags of a command.',
		'Start with `shadow-tui demo`: a local service, simulated devices and the console.',
	].join('\n');
}

export function commandHelp(name: CommandName): string {
	const spec = commands[name];
	const rows = Object.entries(spec.flags).map(([flag, flagSpec]) => {
		const fallback =
			flagSpec.default === undefined || flagSpec.type === 'boolean'
				? ''
				: ` (default: ${String(flagSpec.default)})`;
		return [
			flagLabel(flag, flagSpec),
			`${flagSpec.description}${fallback}`,
		] as const;
	});
	const width = Math.max(...rows.map(([label]) => label.length));
	return [
		`Usage: ${spec.usage}`,
		'',
		`${name}: ${spec.summary}`,
		'',
		...(spec.details ? [spec.details, ''] : []),
		'Flags:',
		...rows.map(([label, text]) => `  ${label.padEnd(width)}  ${text}`),
		`  ${'-h, --help'.padEnd(width)}  show this help`,
	].join('\n');
}
