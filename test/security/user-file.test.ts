/*
The users file and the revocation list are read again when they change, on
the real file system, within a second.
*/
import assert from 'node:assert/strict';
import {rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {test} from 'node:test';
import {openRevocationList} from '../../source/security/revocation-list.js';
import {openUserFile} from '../../source/security/user-file.js';
import {temporaryDirectory} from '../helpers/service.js';
import {until} from '../helpers/wait.js';

const hash = (letter: string) =>
	`scrypt$16384$8$1$${Buffer.alloc(16, letter).toString('base64')}$${Buffer.alloc(32, letter).toString('base64')}`;
const usersText = (users: Record<string, string>) =>
	JSON.stringify({users}, null, 2);

test('a changed, added or removed user is read again, and listeners are told', async (t) => {
	const dir = await temporaryDirectory(t);
	const path = join(dir, 'users.json');
	writeFileSync(path, usersText({alice: hash('a')}));
	const problems: string[] = [];
	const users = openUserFile(path, {
		initial: new Map([['alice', hash('a')]]),
		onProblem: (message) => problems.push(message),
	});
	t.after(() => {
		users.close();
	});
	let changes = 0;
	users.onChange(() => changes++);

	writeFileSync(path, usersText({alice: hash('b'), bob: hash('c')}));
	await until(
		() => users.current().get('alice') === hash('b'),
		'the new hash',
		5000,
	);
	assert.equal(users.current().get('bob'), hash('c'));
	assert.ok(changes >= 1);

	writeFileSync(path, usersText({bob: hash('c')}));
	await until(() => !users.current().has('alice'), 'alice removed', 5000);

	rmSync(path);
	await until(
		() => users.current().size === 0,
		'no users without the file',
		5000,
	);
	assert.match(problems.join('\n'), /is gone/);
});

test('a file caught half-written keeps the users; one that stays broken lets no one in', async (t) => {
	const dir = await temporaryDirectory(t);
	const path = join(dir, 'users.json');
	writeFileSync(path, usersText({alice: hash('a')}));
	const problems: string[] = [];
	const users = openUserFile(path, {
		initial: new Map([['alice', hash('a')]]),
		onProblem: (message) => problems.push(message),
		// Slow polls, so the test decides what each one sees.
		pollMilliseconds: 60_000,
	});
	t.after(() => {
		users.close();
	});

	writeFileSync(path, '{"users": {"ali');
	users.refresh();
	assert.equal(
		users.current().get('alice'),
		hash('a'),
		'kept for one more look',
	);
	writeFileSync(path, usersText({alice: hash('a'), carol: hash('d')}));
	users.refresh();
	assert.equal(users.current().get('carol'), hash('d'));
	assert.deepEqual(problems, []);

	writeFileSync(path, '{"users": {"alice": "plain text"}}');
	users.refresh();
	assert.equal(users.current().size, 2);
	users.refresh();
	assert.equal(users.current().size, 0, 'still broken at the next look');
	assert.match(problems.join('\n'), /no one signs in with a password/);
});

test('the revocation list notices an edit within a second', async (t) => {
	const dir = await temporaryDirectory(t);
	const path = join(dir, 'revoked.txt');
	const list = openRevocationList(path);
	t.after(() => {
		list.close();
	});
	const certificate = {serial: 'ABC123', fingerprint: 'ff'.repeat(32)};
	assert.equal(list.isRevoked(certificate), false);
	let changes = 0;
	list.onChange(() => changes++);
	const started = Date.now();
	writeFileSync(path, 'abc123 # lost\n');
	await until(() => list.isRevoked(certificate), 'the revocation', 5000);
	assert.equal(changes, 1);
	// The poll interval is a quarter second; a second is the promise.
	assert.ok(Date.now() - started < 3000, `${Date.now() - started} ms`);
});
