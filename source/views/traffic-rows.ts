/*
One row of the traffic list at a given width: time, who sent it, the topic in
short form, the shadow (when more than one can show), version, size, what
happened (paired answer and latency, rejection, no answer) and the token.
Columns line up; what does not fit is cut with …, the token first.
*/
import {
	clockTime,
	formatBytes,
	outcomeText,
	shadowLabel,
	sourceMark,
} from '../traffic/traffic-format.js';
import type {TrafficEntry} from '../traffic/traffic-log.js';
import {fitText} from './fleet-view.js';

export type RowTone = 'error' | 'warning' | 'console' | 'plain';

export function rowTone(entry: TrafficEntry): RowTone {
	if (entry.kind === 'rejected' || entry.unanswered) return 'error';
	if (entry.kind === 'request' && entry.answer?.short.endsWith('rejected'))
		return 'warning';
	return entry.source === 'console' ? 'console' : 'plain';
}

/** What the shadow column says in a wider scope: the shadow within a thing, thing/shadow in the fleet. */
export type ShadowColumn = 'none' | 'shadow' | 'thing';

export function trafficRow(
	entry: TrafficEntry,
	width: number,
	column: ShadowColumn,
): string {
	const label =
		column === 'shadow'
			? entry.address
				? entry.address.shadowName || '(classic)'
				: (entry.presence?.clientId ?? '')
			: shadowLabel(entry.address) || (entry.presence?.clientId ?? '');
	const cells = [
		clockTime(entry.at),
		sourceMark(entry),
		// The kind says presence already: the column keeps the event whole.
		fitText(entry.presence?.event ?? entry.short, 16).padEnd(16),
		...(column === 'none' ? [] : [fitText(label, 14).padEnd(14)]),
		(entry.version === undefined ? '' : `v${entry.version}`).padEnd(6),
		formatBytes(entry.bytes).padStart(7),
		outcomeText(entry),
		...(entry.clientToken === undefined ? [] : [`token ${entry.clientToken}`]),
		...(entry.presence && column === 'none'
			? [`client ${entry.presence.clientId}`]
			: []),
	];
	return fitText(cells.join(' ').trimEnd(), width);
}
