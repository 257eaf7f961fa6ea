/*
Every key of the console, in one table: per mode, the keys, the action they
run and the words that say what it does. The same table dispatches a key,
draws the key bar (the most useful keys that fit the width) and fills the
help overlay, so what help says is what a key does.
*/

export type ModeKind =
	| 'panes'
	| 'edit'
	| 'thing'
	| 'shadow'
	| 'help'
	| 'history'
	| 'preview'
	| 'fleet'
	| 'fleet-filter'
	| 'fleet-edit'
	| 'fleet-count'
	| 'traffic'
	| 'traffic-detail'
	| 'traffic-filter'
	| 'traffic-save'
	| 'confirm'
	| 'message';

export type Binding = {
	/** Key names as keys.ts names them ('q', 'Enter', 'C-c', 'Up'). */
	readonly keys: readonly string[];
	readonly action: string;
	readonly words: string;
	/** Place in the key bar, lowest first; absent: help only. */
	readonly bar?: number;
};

export type ModeKeys = {
	/** The heading in help. */
	readonly title: string;
	readonly bindings: readonly Binding[];
	/** A prompt: keys no binding takes edit its line (line-edit.ts). */
	readonly prompt?: boolean;
};

const help: Binding = {
	keys: ['?', 'F1'],
	action: 'help',
	words: 'help: every key (↑↓ scroll, / search)',
	bar: 0,
};
const promptHelp: Binding = {
	keys: ['F1'],
	action: 'help',
	words: 'help (? types a ?)',
	bar: 9,
};
const quit: Binding = {keys: ['q'], action: 'quit', words: 'quit', bar: 90};
const interrupt: Binding = {
	keys: ['C-c'],
	action: 'quit',
	words: 'quit (in a prompt: cancel it; a second Ctrl-C quits)',
};
const promptKeys: readonly Binding[] = [
	{keys: ['Enter'], action: 'submit', words: 'send', bar: 1},
	{
		keys: ['Esc', 'C-c'],
		action: 'cancel',
		words: 'cancel, nothing is sent',
		bar: 2,
	},
	promptHelp,
	{keys: ['C-a', 'Home'], action: 'line', words: 'start of line'},
	{keys: ['C-e', 'End'], action: 'line', words: 'end of line'},
	{
		keys: ['M-b', 'M-f', 'C-Left', 'C-Right'],
		action: 'line',
		words: 'word left, right',
	},
	{keys: ['C-u', 'C-k'], action: 'line', words: 'cut to start, to end'},
	{keys: ['C-w', 'M-Backspace'], action: 'line', words: 'cut the word before'},
	{
		keys: ['Backspace', 'Delete', 'C-d'],
		action: 'line',
		words: 'remove before, under the cursor',
	},
];

/** A prompt's keys where Enter and Esc do something else than send and cancel a write. */
function promptKeysSaying(enter: string, escape: string): readonly Binding[] {
	return promptKeys.map((binding) =>
		binding.action === 'submit'
			? {...binding, words: enter}
			: binding.action === 'cancel'
				? {...binding, words: escape}
				: binding,
	);
}

export const keymap: Readonly<Record<ModeKind, ModeKeys>> = {
	panes: {
		title: 'shadow',
		bindings: [
			help,
			{
				keys: ['a'],
				action: 'accept',
				words: 'device role, --apply confirm: accept the delta',
				bar: -2,
			},
			{
				keys: ['x'],
				action: 'decline',
				words: 'device role, --apply confirm: decline the delta',
				bar: -1,
			},
			{
				keys: ['e'],
				action: 'edit-own',
				words: 'edit a line: desired (app role) or reported (device role)',
				bar: 1,
			},
			{
				keys: ['d'],
				action: 'edit-desired',
				words: 'edit desired (in the device role too)',
				bar: 2,
			},
			{
				keys: ['b'],
				action: 'edit-both',
				words:
					'edit desired and reported together (desired.k = v, reported.k = v)',
			},
			{
				keys: ['E'],
				action: 'editor',
				words: 'edit in $EDITOR: the whole section',
				bar: 5,
			},
			{keys: ['r'], action: 'role', words: 'switch role: app / device', bar: 3},
			{
				keys: ['h'],
				action: 'history',
				words: 'history: versions, who wrote them, diffs, restore, trends',
				bar: 4,
			},
			{
				keys: ['i'],
				action: 'traffic',
				words:
					'traffic inspector: every message of this shadow, paired, explained',
				bar: 4.5,
			},
			{
				keys: ['I'],
				action: 'split',
				words: 'traffic beside the panes (from 150 columns): on/off',
			},
			{keys: ['t'], action: 'thing', words: 'thing: open another', bar: 6},
			{
				keys: ['s'],
				action: 'shadow',
				words: 'shadow: open a named one',
				bar: 7,
			},
			{
				keys: ['f'],
				action: 'fleet',
				words: 'fleet: every thing, filter, select, edit many',
				bar: 8,
			},
			{keys: ['g'], action: 'refresh', words: 'get the shadow again'},
			{keys: ['m'], action: 'message', words: 'the last message in full'},
			{
				keys: ['v'],
				action: 'lock',
				words: 'edits carry their version (409 on a concurrent change): on/off',
			},
			{
				keys: ['T'],
				action: 'trends',
				words:
					'trends: a sparkline beside each numeric key, over its versions: on/off',
			},
			{
				keys: ['u'],
				action: 'undo',
				words:
					"undo this console's last desired change (its keys only; previewed first)",
			},
			{
				keys: ['Tab', 'Right'],
				action: 'next-pane',
				words: 'pane: the next one',
				bar: 10,
			},
			{
				keys: ['S-Tab', 'Left'],
				action: 'previous-pane',
				words: 'previous pane',
			},
			{
				keys: ['1', '2', '3'],
				action: 'pane',
				words: 'desired, reported, delta pane',
			},
			{keys: ['Up', 'k'], action: 'up', words: 'scroll the pane up'},
			{keys: ['Down', 'j'], action: 'down', words: 'scroll the pane down'},
			{keys: ['PgUp'], action: 'page-up', words: 'scroll a page up'},
			{keys: ['PgDn'], action: 'page-down', words: 'scroll a page down'},
			quit,
			interrupt,
		],
	},
	edit: {title: 'editing a line', prompt: true, bindings: promptKeys},
	thing: {title: 'thing prompt (t)', prompt: true, bindings: promptKeys},
	shadow: {
		title: 'named shadow prompt (s)',
		prompt: true,
		bindings: [
			{
				keys: ['Up', 'Down'],
				action: 'pick',
				words: 'pick a listed shadow',
				bar: 0,
			},
			...promptKeys,
		],
	},
	'fleet-filter': {
		title: 'fleet filter (/)',
		prompt: true,
		bindings: promptKeys,
	},
	'fleet-edit': {title: 'fleet edit (e)', prompt: true, bindings: promptKeys},
	'fleet-count': {
		title: 'fleet counts (c): a field, such as shadow.reported.model',
		prompt: true,
		bindings: promptKeysSaying(
			'count per value of this field (empty: no counts)',
			'cancel, the counts stay as they were',
		),
	},
	help: {
		title: 'help',
		bindings: [
			{
				keys: ['Esc', '?', 'q', 'F1'],
				action: 'close',
				words: 'close help',
				bar: 0,
			},
			{keys: ['Up', 'k'], action: 'up', words: 'scroll up', bar: 1},
			{keys: ['Down', 'j'], action: 'down', words: 'scroll down', bar: 2},
			{keys: ['PgUp', 'PgDn'], action: 'page', words: 'scroll a page'},
			{keys: ['Home', 'End'], action: 'ends', words: 'top, bottom'},
			{
				keys: ['/'],
				action: 'search',
				words: 'search (Enter keeps it, Esc clears)',
				bar: 3,
			},
			{
				keys: ['C-c'],
				action: 'interrupt',
				words: 'while searching: clear the search; else quit',
			},
		],
	},
	history: {
		title: 'history (h)',
		bindings: [
			help,
			{keys: ['Up', 'k'], action: 'newer', words: 'newer version', bar: 1},
			{keys: ['Down', 'j'], action: 'older', words: 'older version', bar: 2},
			{
				keys: ['Enter'],
				action: 'toggle',
				words: 'diff / whole document',
				bar: 3,
			},
			{
				keys: ['Space'],
				action: 'mark',
				words:
					'mark this version: the diff is then against it (Space again: unmark)',
				bar: 4,
			},
			{
				keys: ['r'],
				action: 'restore',
				words:
					"restore: this version's desired as a new update (previewed first)",
				bar: 5,
			},
			{
				keys: ['t'],
				action: 'trend',
				words: 'trend: a numeric key over the versions (t again: the next one)',
				bar: 6,
			},
			{keys: ['PgUp'], action: 'page-newer', words: 'a page newer'},
			{keys: ['PgDn'], action: 'page-older', words: 'a page older'},
			{keys: ['Home'], action: 'newest', words: 'the newest version'},
			{keys: ['End'], action: 'oldest', words: 'the oldest version'},
			{keys: ['Esc', 'h'], action: 'back', words: 'back to the panes', bar: 7},
			{keys: ['m'], action: 'message', words: 'the last message in full'},
			quit,
			interrupt,
		],
	},
	preview: {
		title: 'preview of a write',
		bindings: [
			{keys: ['Enter', 'y'], action: 'send', words: 'send it', bar: 1},
			{
				keys: ['Esc', 'n'],
				action: 'back',
				words: 'back, nothing is sent (to the edit, with its text)',
				bar: 2,
			},
			{keys: ['Up', 'k'], action: 'up', words: 'scroll up', bar: 3},
			{keys: ['Down', 'j'], action: 'down', words: 'scroll down'},
			{keys: ['PgUp'], action: 'page-up', words: 'scroll a page up'},
			{keys: ['PgDn'], action: 'page-down', words: 'scroll a page down'},
			promptHelp,
			{
				keys: ['C-c'],
				action: 'back',
				words: 'back, nothing is sent (a second Ctrl-C quits)',
			},
		],
	},
	fleet: {
		title: 'fleet (f)',
		bindings: [
			help,
			{
				keys: ['Space'],
				action: 'toggle',
				words: 'select: this shadow, or unselect it',
				bar: 1,
			},
			{
				keys: ['a'],
				action: 'select-shown',
				words: 'all: select every shown shadow',
				bar: 2,
			},
			{keys: ['n'], action: 'select-none', words: 'none: select none', bar: 3},
			{
				keys: ['/'],
				action: 'filter',
				words:
					'filter: a name as you type, or a fleet query (Enter) such as shadow.reported.model:coffee-x AND shadow.desired.tempLimit>90',
				bar: 4,
			},
			{
				keys: ['s'],
				action: 'sort',
				words:
					'sort: by the next column (its title shows ↑ ascending or ↓ descending)',
				bar: 4.5,
			},
			{keys: ['S'], action: 'reverse', words: 'sort the other way'},
			{
				keys: ['c'],
				action: 'counts',
				words:
					'counts: how many things per value of a field, above the table (an empty field hides them)',
				bar: 4.7,
			},
			{
				keys: ['N'],
				action: 'named',
				words: 'named shadows: every shadow, or classic shadows only',
			},
			{
				keys: ['e'],
				action: 'edit',
				words: 'edit: desired of the selected shown shadows (asks first)',
				bar: 5,
			},
			{keys: ['R'], action: 'retry', words: 'retry the failed', bar: 7},
			{
				keys: ['m'],
				action: 'message',
				words: 'the last message (or the fleet error) in full',
			},
			{keys: ['g'], action: 'reload', words: 'list again'},
			{
				keys: ['Enter'],
				action: 'open',
				words: 'open: the shadow in the panes',
				bar: 6,
			},
			{keys: ['Up', 'k'], action: 'up', words: 'move up'},
			{keys: ['Down', 'j'], action: 'down', words: 'move down'},
			{keys: ['PgUp'], action: 'page-up', words: 'a page up'},
			{keys: ['PgDn'], action: 'page-down', words: 'a page down'},
			{keys: ['Home'], action: 'first', words: 'the first row'},
			{keys: ['End'], action: 'last', words: 'the last row'},
			{keys: ['Esc'], action: 'back', words: 'back: to the panes', bar: 8},
			quit,
			interrupt,
		],
	},
	traffic: {
		title: 'traffic inspector (i)',
		bindings: [
			help,
			{
				keys: ['Up', 'k'],
				action: 'older',
				words: 'older (an older message)',
				bar: 1,
			},
			{
				keys: ['Down', 'j'],
				action: 'newer',
				words: 'newer (a newer message)',
				bar: 2,
			},
			{
				keys: ['Enter'],
				action: 'open',
				words:
					'the message in full: its answer, the diff to the state before, the payload',
				bar: 3,
			},
			{
				keys: ['/'],
				action: 'filter',
				words:
					'filter: words to find, kind:rejected, kind:unanswered, token:T, thing:T',
				bar: 4,
			},
			{
				keys: ['*'],
				action: 'scope',
				words: 'scope: this shadow, every shadow of the thing, every thing',
				bar: 5,
			},
			{
				keys: ['w'],
				action: 'save',
				words: 'save: the shown messages as JSON Lines',
				bar: 6,
			},
			{keys: ['PgUp'], action: 'page-up', words: 'a page older'},
			{keys: ['PgDn'], action: 'page-down', words: 'a page newer'},
			{keys: ['Home'], action: 'oldest', words: 'the oldest message'},
			{
				keys: ['End', 'f'],
				action: 'follow',
				words: 'follow: keep the newest message selected',
				bar: 7,
			},
			{keys: ['c'], action: 'clear', words: 'clear the buffer'},
			{keys: ['Esc', 'i'], action: 'back', words: 'back to the panes', bar: 8},
			{keys: ['m'], action: 'message', words: 'the last message in full'},
			quit,
			interrupt,
		],
	},
	'traffic-detail': {
		title: 'a traffic message (Enter in the inspector)',
		bindings: [
			help,
			{keys: ['Up', 'k'], action: 'up', words: 'scroll up', bar: 1},
			{keys: ['Down', 'j'], action: 'down', words: 'scroll down', bar: 2},
			{
				keys: ['Tab'],
				action: 'pair',
				words:
					"its pair: a request's answer, an answer's request, the update a delta or documents follows",
				bar: 3,
			},
			{
				keys: ['Left', 'p'],
				action: 'previous',
				words: 'the message before',
				bar: 4,
			},
			{
				keys: ['Right', 'n'],
				action: 'next',
				words: 'the message after',
				bar: 5,
			},
			{keys: ['PgUp'], action: 'page-up', words: 'scroll a page up'},
			{keys: ['PgDn'], action: 'page-down', words: 'scroll a page down'},
			{
				keys: ['Esc', 'Enter'],
				action: 'back',
				words: 'back to the list',
				bar: 6,
			},
			quit,
			interrupt,
		],
	},
	'traffic-filter': {
		title: 'traffic filter (/)',
		prompt: true,
		bindings: promptKeysSaying('keep the filter', 'put the filter back'),
	},
	'traffic-save': {
		title: 'save traffic (w)',
		prompt: true,
		bindings: promptKeysSaying('save', 'cancel, nothing is saved'),
	},
	confirm: {
		title: 'confirming',
		bindings: [
			{keys: ['y', 'Enter'], action: 'yes', words: 'yes, go on', bar: 1},
			{
				keys: ['n', 'Esc', 'C-c'],
				action: 'no',
				words: 'no, nothing is sent (Ctrl-C too; a second one quits)',
				bar: 2,
			},
			promptHelp,
		],
	},
	message: {
		title: 'a message in full (m)',
		bindings: [
			{
				keys: ['Esc', 'Enter', 'q', 'm', 'C-c'],
				action: 'close',
				words: 'close the message',
				bar: 0,
			},
		],
	},
};

/** The binding a key name runs in a mode, if any. */
export function bindingFor(mode: ModeKind, key: string): Binding | undefined {
	return keymap[mode].bindings.find(
		(binding) => binding.action !== 'line' && binding.keys.includes(key),
	);
}

/** How help and the key bar write a key name. */
export function keyLabel(key: string): string {
	const names: Record<string, string> = {
		Up: '↑',
		Down: '↓',
		Left: '←',
		Right: '→',
		Space: 'space',
		'S-Tab': 'Shift-Tab',
		'C-Left': 'Ctrl-←',
		'C-Right': 'Ctrl-→',
		'M-Backspace': 'Alt-Backspace',
	};
	const known = names[key];
	if (known) return known;
	if (key.startsWith('C-')) return `Ctrl-${key.slice(2).toUpperCase()}`;
	if (key.startsWith('M-')) return `Alt-${key.slice(2).toUpperCase()}`;
	return key;
}

export type BarHint = readonly [keys: string, words: string];

/** The key bar of a mode: its keys in bar order, as many as fit `width`; help first. */
export function barHints(
	mode: ModeKind,
	width: number,
	options: {
		readonly available?: (binding: Binding) => boolean;
		/** Words the bar should use instead of the table's (edit desired / edit reported). */
		readonly words?: (binding: Binding) => string | undefined;
	} = {},
): BarHint[] {
	const hints = keymap[mode].bindings
		.filter(
			(binding) =>
				binding.bar !== undefined && (options.available?.(binding) ?? true),
		)
		.sort((a, b) => (a.bar ?? 0) - (b.bar ?? 0))
		.map((binding): BarHint => [
			keyLabel(binding.keys[0] ?? ''),
			options.words?.(binding) ?? shortWords(binding.words),
		]);
	const shown: BarHint[] = [];
	let used = 0;
	for (const hint of hints) {
		const size = hint[0].length + hint[1].length + 2;
		if (used + size > width) break;
		shown.push(hint);
		used += size;
	}

	return shown;
}

/** The bar's words: up to the first colon or parenthesis (help has the rest). */
function shortWords(words: string): string {
	return words.split(/[:(]/)[0]?.trim() ?? words;
}

export type HelpLine = {
	readonly heading?: string;
	readonly keys?: string;
	readonly words?: string;
};

/** Every key of every mode, as help lists them: the current mode first. */
export function helpLines(first: ModeKind): HelpLine[] {
	const order = [
		first,
		...(Object.keys(keymap) as ModeKind[]).filter((kind) => kind !== first),
	];
	const seen = new Set<string>();
	const lines: HelpLine[] = [];
	for (const kind of order) {
		const {title, bindings} = keymap[kind];
		// Prompts share their keys: list them once.
		const signature = bindings.map((binding) => binding.words).join('|');
		if (seen.has(signature)) continue;
		seen.add(signature);
		lines.push({
			heading: kind === 'edit' ? 'prompts (editing, thing, filter…)' : title,
		});
		for (const binding of bindings)
			lines.push({
				keys: binding.keys.map(keyLabel).join(', '),
				words: binding.words,
			});
	}

	return lines;
}
