/** Text cut into rows of at most `room` columns at spaces; a word longer than a row has one of its own. */
export function wrapWords(text: string, room: number): string[] {
	const rows: string[] = [];
	let row = '';
	for (const word of text.split(' ')) {
		if (row !== '' && row.length + 1 + word.length > room) {
			rows.push(row);
			row = word;
		} else row = row === '' ? word : `${row} ${word}`;
	}

	if (row !== '' || rows.length === 0) rows.push(row);
	return rows;
}
