/*
Where shadow-tui keeps data and configuration: XDG on Linux, the platform's
own folders elsewhere. The environment is passed in; only cli.tsx reads it.
*/
import {homedir} from 'node:os';
import {join} from 'node:path';

type Environment = Readonly<Record<string, string | undefined>>;

export function dataDirectory(
	env: Environment,
	platform: NodeJS.Platform = process.platform,
	home = homedir(),
): string {
	if (platform === 'darwin')
		return join(home, 'Library', 'Application Support', 'shadow-tui');
	if (platform === 'win32')
		return join(
			env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'),
			'shadow-tui',
			'Data',
		);
	return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'shadow-tui');
}

export function configDirectory(
	env: Environment,
	platform: NodeJS.Platform = process.platform,
	home = homedir(),
): string {
	if (platform === 'darwin')
		return join(home, 'Library', 'Preferences', 'shadow-tui');
	if (platform === 'win32')
		return join(
			env.APPDATA ?? join(home, 'AppData', 'Roaming'),
			'shadow-tui',
			'Config',
		);
	return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'shadow-tui');
}
