/*
The line or lines under the body: the prompt of a prompt mode (with the
error that kept it from being sent), the question of a confirmation with
what it would do, or the last notice. Every line is cut with … at the width.
*/
import {Box, Text} from 'ink';
import type {ConsoleSnapshot} from '../session/console-session.js';
import type {FleetSnapshot} from '../session/fleet-session.js';
import {useColor} from './color.js';
import type {Mode} from './modes.js';
import {PromptLine, promptErrorRows} from './prompt-line.js';

/** Rows the footer of a mode takes. */
export function footerRows(mode: Mode, width: number): number {
	switch (mode.kind) {
		case 'edit':
		case 'thing':
		case 'fleet-filter':
		case 'fleet-edit':
		case 'fleet-count':
		case 'traffic-filter':
		case 'traffic-save': {
			return 1 + errorRows(mode, width);
		}

		case 'shadow': {
			return 2 + errorRows(mode, width);
		}

		case 'confirm': {
			return 1 + mode.details.length;
		}

		case 'message': {
			return mode.lines.length;
		}

		default: {
			return 1;
		}
	}
}

function errorRows(mode: Mode, width: number): number {
	const error =
		'error' in mode && typeof mode.error === 'string' ? mode.error : undefined;
	return promptErrorRows(error, width);
}

const placeholders = {
	edit: '{"lights":"off"}  or  lights = "off"',
	both: 'desired.lights = "on", reported.lights = "on"',
	thing: 'thing name',
	shadow: 'name (empty: classic)',
	filter: 'name (coffee) or query (shadow.reported.model:coffee-x)',
	count: 'a field, such as shadow.reported.model',
	fleet: 'tempLimit = 90',
	traffic: 'kind:rejected  token:abc  lights',
} as const;

export function ModeFooter({
	mode,
	snapshot,
	fleet,
	width,
}: {
	readonly mode: Mode;
	readonly snapshot: ConsoleSnapshot;
	readonly fleet: FleetSnapshot;
	readonly width: number;
}) {
	const color = useColor();
	switch (mode.kind) {
		case 'edit': {
			return (
				<PromptLine
					width={width}
					label={mode.target === 'both' ? 'desired+reported' : mode.target}
					line={mode.line}
					placeholder={
						mode.target === 'both' ? placeholders.both : placeholders.edit
					}
					error={mode.error}
				/>
			);
		}

		case 'thing': {
			return (
				<PromptLine
					width={width}
					label="thing"
					line={mode.line}
					placeholder={placeholders.thing}
					error={mode.error}
				/>
			);
		}

		case 'fleet-filter': {
			return (
				<PromptLine
					width={width}
					label="filter"
					line={mode.line}
					placeholder={placeholders.filter}
					error={undefined}
				/>
			);
		}

		case 'fleet-count': {
			return (
				<PromptLine
					width={width}
					label="count by"
					line={mode.line}
					placeholder={placeholders.count}
					error={undefined}
				/>
			);
		}

		case 'traffic-filter': {
			return (
				<PromptLine
					width={width}
					label="filter"
					line={mode.line}
					placeholder={placeholders.traffic}
					error={undefined}
				/>
			);
		}

		case 'traffic-save': {
			return (
				<PromptLine
					width={width}
					label="save to"
					line={mode.line}
					placeholder="file.jsonl"
					error={mode.error}
				/>
			);
		}

		case 'fleet-edit': {
			return (
				<PromptLine
					width={width}
					label={`desired of ${fleet.selected.size}`}
					line={mode.line}
					placeholder={placeholders.fleet}
					error={mode.error}
				/>
			);
		}

		case 'shadow': {
			const names =
				mode.names === undefined
					? 'listing…'
					: ['(classic)', ...mode.names]
							.map((name, index) =>
								index === mode.selected ? `[${name}]` : name,
							)
							.join(' ');
			return (
				<Box flexDirection="column">
					<Text wrap="truncate-end">named shadows: {names}</Text>
					<PromptLine
						width={width}
						label="shadow"
						line={mode.line}
						placeholder={placeholders.shadow}
						error={mode.error}
					/>
				</Box>
			);
		}

		case 'confirm': {
			return (
				<Box flexDirection="column">
					<Text bold color={color('yellow')} wrap="truncate-end">
						{mode.question}
					</Text>
					{mode.details.map((detail, index) => (
						<Text key={index} wrap="truncate-end">
							{'  '}
							{detail}
						</Text>
					))}
				</Box>
			);
		}

		case 'message': {
			return (
				<Box flexDirection="column">
					{mode.lines.map((line, index) => (
						<Text
							key={index}
							color={color(mode.error ? 'red' : 'green')}
							wrap="truncate-end"
						>
							{index === 0 ? `${mode.error ? '✗' : '✓'} ` : '  '}
							{line}
						</Text>
					))}
				</Box>
			);
		}

		default: {
			const {notice} = snapshot;
			return (
				<Text
					color={color(notice?.kind === 'error' ? 'red' : 'green')}
					wrap="truncate-end"
				>
					{notice
						? `${notice.kind === 'error' ? '✗' : '✓'} ${notice.text}`
						: ' '}
				</Text>
			);
		}
	}
}
