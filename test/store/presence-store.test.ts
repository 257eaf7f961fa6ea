/*
The presence table: rows survive reopening, one row per client id, and a
session removes only its own row. It shares the file with the shadow store.
*/
import assert from 'node:assert/strict';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {openPresenceStore} from '../../source/store/presence-store.js';
import {openShadowStore} from '../../source/store/shadow-store.js';

const record = (clientId: string, sessionIdentifier: string) => ({
	clientId,
	sessionIdentifier,
	principalIdentifier: 'anonymous',
	keepAliveSeconds: 30,
	versionNumber: 0,
	connectedAt: 1000,
});

test('rows survive reopening, beside the shadows, one per client id', async (t) => {
	const dir = await mkdtemp(join(tmpdir(), 'shadow-tui-presence-'));
	t.after(async () => rm(dir, {recursive: true, force: true}));
	const file = join(dir, 'data', 'shadows.db');
	const shadows = openShadowStore(file);
	const first = openPresenceStore(file);
	const will = {
		topic: '$aws/things/lamp/shadow/update',
		payload: Buffer.from([0, 1, 2, 255]),
		qos: 1 as const,
		retain: true,
	};
	first.put({...record('lamp', 's-1'), will});
	first.put(record('app', 's-2'));
	first.put({...record('lamp', 's-3'), connectedAt: 2000, will});
	first.close();
	shadows.close();

	const again = openPresenceStore(file);
	assert.deepEqual(again.list(), [
		record('app', 's-2'),
		{...record('lamp', 's-3'), connectedAt: 2000, will},
	]);

	// An old session's disconnect must not remove the row of the session that replaced it.
	again.remove('lamp', 's-1');
	assert.equal(again.list().length, 2);
	again.remove('lamp', 's-3');
	again.remove('app', 's-2');
	assert.deepEqual(again.list(), []);
	again.close();
	// The presence table leaves the shadow store's schema version alone.
	const reopenedShadows = openShadowStore(file);
	reopenedShadows.close();
});
