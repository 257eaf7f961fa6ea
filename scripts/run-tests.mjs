// Node 20's --test neither expands globs nor discovers .ts files, so collect them here.
import {spawnSync} from 'node:child_process';
import {readdirSync} from 'node:fs';
import {join} from 'node:path';

function collect(dir) {
	return readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return collect(path);
		return /\.test\.tsx?$/.test(entry.name) ? [path] : [];
	});
}

const only = process.argv.slice(2);
const files = only.length > 0 ? only : collect('test').sort();
const result = spawnSync(
	process.execPath,
	// A test that hangs fails after 3 minutes instead of holding CI until its own limit.
	[
		'--import',
		'tsx',
		'--test',
		'--test-concurrency=2',
		'--test-timeout=180000',
		...files,
	],
	{stdio: 'inherit', env: {...process.env, FORCE_COLOR: '0'}},
);
process.exit(result.status ?? 1);
