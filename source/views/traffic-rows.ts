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

export function trafficRow(
	entry: TrafficEntry,
	width: number,
	withShadow: boolean,
): string {
	const cells = [
		clockTime(entry.at),
		sourceMark(entry),
		fitText(entry.short, 16).padEnd(16),
		...(withShadow
			? [
					fitText(
						shadowLabel(entry.address) || (entry.presence?.clientId ?? ''),
						18,
					).padEnd(18),
				]
			: []),
		(entry.version === undefined ? '' : `v${entry.version}`).padEnd(6),
		formatBytes(entry.bytes).padStart(7),
		outcomeText(entry),
		...(entry.clientToken === undefined ? [] : [`token ${entry.clientToken}`]),
	];
	return fitText(cells.join(' ').trimEnd(), width);
}
