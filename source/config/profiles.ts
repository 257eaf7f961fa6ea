/*
Saved connection profiles: CONFIG_DIR/config.json, {"profiles": {"NAME": {...}}}.
Paths in a profile may be relative to the folder of the config file.
*/
import {readFileSync} from 'node:fs';
import {isAbsolute, join, resolve} from 'node:path';
import {
	parseProfiles,
	type ConnectionSettings,
	type Profiles,
} from '../client/connection-settings.js';

export function configFile(configDir: string): string {
	return join(configDir, 'config.json');
}

export function loadProfiles(
	configDir: string,
):
	| {readonly ok: true; readonly profiles: Profiles}
	| {readonly ok: false; readonly error: string} {
	const file = configFile(configDir);
	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch (error: unknown) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT')
			return {ok: true, profiles: {}};
		return {
			ok: false,
			error: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
		};
	}

	const parsed = parseProfiles(text, file);
	if (!parsed.ok) return parsed;
	const profiles: Record<string, ConnectionSettings> = {};
	for (const [name, profile] of Object.entries(parsed.profiles)) {
		const absolute = (path: string | undefined) =>
			path === undefined || isAbsolute(path) ? path : resolve(configDir, path);
		const cert = absolute(profile.cert);
		const key = absolute(profile.key);
		const ca = absolute(profile.ca);
		profiles[name] = {
			...profile,
			...(cert ? {cert} : {}),
			...(key ? {key} : {}),
			...(ca ? {ca} : {}),
		};
	}

	return {ok: true, profiles};
}
