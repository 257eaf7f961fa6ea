/*
Editing a section's text in $VISUAL or $EDITOR: the text goes to a temporary
file (owner-only), the editor gets the terminal, and what the file holds
afterwards comes back, also when the editor failed, so that nothing written
is lost (editor-flow.ts decides what to do with it).
*/
import {spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {EditInEditor, EditorOutcome} from '../views/editor-flow.js';

export function createExternalEditor(env: NodeJS.ProcessEnv): EditInEditor {
	const editor = env.VISUAL ?? env.EDITOR ?? 'vi';
	return (section, text): EditorOutcome => {
		const dir = mkdtempSync(join(tmpdir(), 'shadow-tui-edit-'));
		const file = join(dir, `${section}.json`);
		try {
			writeFileSync(file, text, {mode: 0o600});
			// $EDITOR may carry arguments ("code -w"), so it goes through the shell.
			const result = spawnSync(`${editor} "${file}"`, {
				stdio: 'inherit',
				shell: true,
			});
			if (result.error)
				return {
					kind: 'failed',
					error: `cannot run ${editor}: ${result.error.message}`,
				};
			const after = readFileSync(file, 'utf8');
			if (result.status !== 0)
				return {
					kind: 'failed',
					error: `${editor} exited with ${result.status === null ? `signal ${String(result.signal)}` : `code ${result.status}`}`,
					...(after === text ? {} : {text: after}),
				};
			return after === text
				? {kind: 'unchanged'}
				: {kind: 'saved', text: after};
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	};
}
