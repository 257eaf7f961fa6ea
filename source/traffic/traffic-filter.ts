/*
The inspector's `/` filter: words that must all match an entry. `kind:X`
keeps one kind (request, accepted, rejected, delta, documents, presence, or
unanswered), `token:T` entries whose clientToken contains T, `thing:T` one
thing; any other word must occur in the topic, the clientToken or the payload
text (case-insensitive), so `rejected`, `lights` or `409` work as typed.
*/
import type {TrafficEntry} from './traffic-log.js';

export type TrafficFilter = {
	readonly text: string;
	readonly matches: (entry: TrafficEntry) => boolean;
};

const kinds = new Set([
	'request',
	'accepted',
	'rejected',
	'delta',
	'documents',
	'presence',
	'unanswered',
	'other',
]);

export const noFilter: TrafficFilter = {text: '', matches: () => true};

export function parseTrafficFilter(text: string): TrafficFilter {
	const words = text.trim().split(/\s+/).filter(Boolean);
	if (words.length === 0) return noFilter;
	const tests = words.map((word) => wordTest(word));
	return {
		text: text.trim(),
		matches: (entry) => tests.every((test) => test(entry)),
	};
}

function wordTest(word: string): (entry: TrafficEntry) => boolean {
	const colon = word.indexOf(':');
	const field = colon > 0 ? word.slice(0, colon).toLowerCase() : '';
	const value = colon > 0 ? word.slice(colon + 1) : word;
	const lower = value.toLowerCase();
	if (field === 'kind' && kinds.has(lower))
		return (entry) =>
			lower === 'unanswered' ? entry.unanswered === true : entry.kind === lower;
	if (field === 'token')
		return (entry) => entry.clientToken?.toLowerCase().includes(lower) ?? false;
	if (field === 'thing')
		return (entry) => entry.address?.thingName.toLowerCase() === lower;
	return (entry) => searchText(entry).includes(word.toLowerCase());
}

const texts = new WeakMap<TrafficEntry, string>();

/** What a plain word is looked for in, lower-cased once per entry. */
function searchText(entry: TrafficEntry): string {
	let text = texts.get(entry);
	if (text === undefined) {
		const payload =
			entry.payload === undefined
				? (entry.unparsed?.text ?? '')
				: JSON.stringify(entry.payload);
		text = [
			entry.topic,
			entry.short,
			entry.clientToken ?? '',
			entry.rejection ? String(entry.rejection.code) : '',
			entry.unanswered ? 'unanswered no answer' : '',
			payload,
		]
			.join('\n')
			.toLowerCase();
		texts.set(entry, text);
	}

	return text;
}
