/*
What Enter on a traffic message shows, as lines of text: what it is, who sent
it, what answered it (or did not), the rejection in plain words with the fix,
the payload pretty-printed and its diff to the shadow state before it. Pure,
so the view only scrolls it.
*/
import {
	clockTime,
	formatBytes,
	shadowLabel,
	sourceWords,
} from '../traffic/traffic-format.js';
import {stateAfter, type TrafficEntry} from '../traffic/traffic-log.js';
import {diffLines, diffText} from './diff-lines.js';
import {jsonLines} from './json-lines.js';
import {wrapWords} from './wrap-words.js';

export type DetailLine = {
	readonly text: string;
	readonly tone?: 'heading' | 'error' | 'added' | 'removed' | 'changed' | 'dim';
};

export function detailLines(
	entry: TrafficEntry,
	answerTimeoutMs: number,
	width: number,
	/** The request's answer, for a request: its rejection is explained here too. */
	answer?: TrafficEntry,
): DetailLine[] {
	const lines: DetailLine[] = [];
	const add = (text: string, tone?: DetailLine['tone']) => {
		for (const row of wrapWords(text, Math.max(20, width - 1)))
			lines.push(tone ? {text: row, tone} : {text: row});
	};

	add(
		`${entry.short}${entry.address ? ` · ${shadowLabel(entry.address)}` : ''}${entry.version === undefined ? '' : ` · v${entry.version}`} · ${formatBytes(entry.bytes)}`,
		'heading',
	);
	add(
		`${clockTime(entry.at)} · from ${sourceWords(entry)}${entry.clientToken === undefined ? ' · no clientToken' : ` · clientToken ${entry.clientToken}`}`,
	);
	if (entry.note) add(entry.note);
	if (entry.topic !== '') add(`topic ${entry.topic}`, 'dim');
	for (const line of pairingLines(entry, answerTimeoutMs)) add(line);
	const refused = entry.rejection
		? entry
		: answer?.rejection
			? answer
			: undefined;
	if (refused?.rejection) {
		add(`${refused.rejection.code} ${refused.rejection.message}`, 'error');
		if (refused.explanation) {
			add(`why: ${refused.explanation.summary}`, 'error');
			add(`fix: ${refused.explanation.fix}`);
		}
	}

	const change = changeLines(entry, refused !== undefined);
	if (change.length > 0) lines.push({text: ''}, ...change);
	lines.push({text: ''});
	if (entry.payload === undefined) {
		add(
			entry.unparsed ? `payload (${entry.unparsed.reason}):` : 'no payload',
			'heading',
		);
		if (entry.unparsed) add(entry.unparsed.text);
	} else {
		lines.push({text: 'payload:', tone: 'heading'});
		for (const line of jsonLines(entry.payload))
			lines.push({
				text: `${'  '.repeat(line.indent)}${line.tokens.map((token) => token.text).join('')}`,
			});
	}

	return lines;
}

function pairingLines(entry: TrafficEntry, answerTimeoutMs: number): string[] {
	if (entry.kind === 'request') {
		if (entry.answer)
			return [
				`answered: ${entry.answer.short} after ${entry.answer.latencyMs} ms (message #${entry.answer.seq})`,
			];
		return entry.unanswered
			? [
					`⚠ no answer within ${answerTimeoutMs} ms: the shadow service may be down, or not attached to this broker`,
				]
			: ['waiting for its answer…'];
	}

	const lines: string[] = [];
	if (entry.request)
		lines.push(
			`answers: ${entry.request.short} #${entry.request.seq}, ${entry.request.latencyMs} ms after it was sent`,
		);
	else if (entry.kind === 'accepted' || entry.kind === 'rejected')
		lines.push(
			'its request was not seen (sent before the inspector started, or by a client it does not watch)',
		);
	if (entry.kind === 'accepted' && entry.operation === 'update')
		lines.push(
			entry.followUps && entry.followUps.length > 0
				? `followed by: ${entry.followUps.map((kind) => `${kind} v${entry.version ?? ''}`).join(', ')}`
				: `no delta or documents of v${entry.version ?? ''} seen yet`,
		);
	if (entry.presence)
		lines.push(`client ${entry.presence.clientId} ${entry.presence.event}`);
	return lines;
}

function changeLines(entry: TrafficEntry, refused: boolean): DetailLine[] {
	// A get changes nothing; its answer shows the shadow as it is.
	if (!entry.address || (entry.operation === 'get' && entry.kind === 'request'))
		return [];
	const after = stateAfter(entry);
	if (after === undefined)
		return entry.kind === 'delta' ||
			entry.kind === 'rejected' ||
			entry.kind === 'presence'
			? []
			: [
					{
						text: 'change to the shadow: unknown (the state before it was not seen)',
						tone: 'dim',
					},
				];
	const before = entry.before;
	const heading: DetailLine = {
		text: refused
			? `what it asked for (refused: nothing changed)${before ? `, against v${before.version}` : ''}:`
			: before === undefined
				? 'the shadow after it (the state before it was not seen):'
				: before === null
					? 'change to the shadow (there was none before):'
					: `change to the shadow (against v${before.version}):`,
		tone: 'heading',
	};
	const diff = diffLines(before?.state ?? {}, after ?? {});
	if (diff.length === 0) return [heading, {text: 'no change'}];
	return [
		heading,
		...diff.map((line): DetailLine => ({
			text: diffText(line),
			tone:
				line.marker === '+'
					? 'added'
					: line.marker === '-'
						? 'removed'
						: 'changed',
		})),
	];
}
