import {Box, Text} from 'ink';
import type {FleetSnapshot} from '../session/fleet-session.js';
import {keyOf} from '../session/fleet-session.js';
import {useColor} from './color.js';
import {formatTime} from './header.js';

type Props = {
	readonly fleet: FleetSnapshot;
	readonly cursor: number;
	readonly width: number;
	readonly height: number;
};

function progressBar(done: number, total: number, width: number): string {
	const filled = total === 0 ? width : Math.round((done / total) * width);
	return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

export function FleetView({fleet, cursor, width, height}: Props) {
	const color = useColor();
	const {shown, selected, bulk} = fleet;
	const results = new Map(
		bulk?.items.map((item) => [
			`${item.address.thingName}\u0000${item.address.shadowName}`,
			item,
		]) ?? [],
	);
	const rowsHeight = Math.max(1, height - (bulk ? 3 : 2));
	const first = Math.max(
		0,
		Math.min(cursor - Math.floor(rowsHeight / 2), shown.length - rowsHeight),
	);
	const rows = shown.slice(first, first + rowsHeight);
	const nameWidth = Math.max(
		5,
		Math.min(28, ...shown.map((shadow) => shadow.thingName.length)),
	);
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text bold inverse wrap="truncate-end">
				{`  fleet: ${shown.length} shown of ${fleet.shadows.length}, ${selected.size} selected${fleet.loading ? ', loading…' : ''}${fleet.filter ? ` · filter ${fleet.filter}` : ''}`}
			</Text>
			{bulk ? (
				<Text
					color={color(bulk.progress.failed > 0 ? 'yellow' : 'green')}
					wrap="truncate-end"
				>
					{`${progressBar(bulk.progress.done, bulk.progress.total, 20)} ${bulk.progress.done}/${bulk.progress.total} · ok ${bulk.progress.accepted} · failed ${bulk.progress.failed} · desired ${JSON.stringify(bulk.patch)}${bulk.progress.failed > 0 && !bulk.progress.running ? ' · R retries the failed' : ''}`}
				</Text>
			) : null}
			<Text dimColor wrap="truncate-end">
				{`    ${'THING'.padEnd(nameWidth)}  VER   ONLINE  DELTA  CHANGED              RESULT`}
			</Text>
			{rows.map((shadow, index) => {
				const position = first + index;
				const item = results.get(keyOf(shadow));
				const outcome = item?.outcome;
				const result =
					item === undefined
						? ''
						: item.status !== 'done'
							? '…'
							: outcome?.kind === 'accepted'
								? `✓ v${outcome.version}`
								: outcome?.kind === 'rejected'
									? `✗ ${outcome.code} ${outcome.message}`
									: `? ${outcome?.message ?? ''}`;
				return (
					<Text
						key={keyOf(shadow)}
						inverse={position === cursor}
						wrap="truncate-end"
					>
						{position === cursor ? '▸' : ' '}
						{selected.has(keyOf(shadow)) ? '[x]' : '[ ]'}{' '}
						{shadow.thingName.padEnd(nameWidth)}{' '}
						{String(shadow.version).padStart(4)}{' '}
						{(shadow.connected === undefined
							? '?'
							: shadow.connected
								? 'yes'
								: 'no'
						).padEnd(6)}{' '}
						{String(shadow.deltaKeys).padStart(5)}{' '}
						{formatTime(shadow.updatedAt)}{' '}
						<Text
							color={color(
								outcome?.kind === 'accepted'
									? 'green'
									: outcome
										? 'red'
										: 'gray',
							)}
						>
							{result}
						</Text>
					</Text>
				);
			})}
			{fleet.error ? (
				<Text color={color('red')}>{`✗ ${fleet.error}`}</Text>
			) : null}
		</Box>
	);
}
