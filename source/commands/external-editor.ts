/*
Editing a whole section in $VISUAL or $EDITOR: the section goes to a temporary
file, the editor gets the terminal, and what is saved is parsed like a typed
patch. An invalid file is reported with its position and nothing is sent.
*/
import {spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {Section} from '../session/console-session.js';
import {parseEdit} from '../session/parse-edit.js';
import type {JsonObject} from '../shadow/json.js';
import type {EditResult} from '../views/app.js';

export function createExternalEditor(
	env: NodeJS.ProcessEnv,
): (section: Section, current: JsonObject) => EditResult {
	const editor = env.VISUAL ?? env.EDITOR ?? 'vi';
	return (section, current) => {
		const dir = mkdtempSync(join(tmpdir(), 'shadow-tui-edit-'));
		const file = join(dir, `${section}.json`);
		try {
			const before = `${JSON.stringify(current, undefined, 2)}\n`;
			writeFileSync(file, before, {mode: 0o600});
			// $EDITOR may carry arguments ("code -w"), so it goes through the shell.
			const result = spawnSync(`${editor} "${file}"`, {
				stdio: 'inherit',
				shell: true,
			});
			if (result.error)
				return {
					ok: false,
					error: `cannot run ${editor}: ${result.error.message}`,
				};
			if (result.status !== 0)
				return {
					ok: false,
					error: `${editor} exited with code ${String(result.status)}`,
				};
			const after = readFileSync(file, 'utf8');
			if (after === before) return undefined;
			const parsed = parseEdit(after.trim() === '' ? '{}' : after);
			if (!parsed.ok) return {ok: false, error: parsed.error};
			return {ok: true, value: parsed.patch};
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	};
}
