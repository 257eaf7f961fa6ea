/*
Text cut to a width, for views that must keep every line one row high at 80
columns: fitText counts characters (code points) and ends what it cut with
…; oneLine first makes text from outside (a service's error message, a
value a device reported) one line, so a newline or a control character in it
can neither wrap the table nor move the terminal's cursor.
*/

/** Cut to `width` characters, the last one … when something was cut. */
export function fitText(text: string, width: number): string {
	const characters = Array.from(text);
	if (characters.length <= width) return text;
	return width <= 0 ? '' : `${characters.slice(0, width - 1).join('')}…`;
}

/** Line breaks, tabs and other control characters (with the spaces around them) as one space. */
export function oneLine(text: string): string {
	// eslint-disable-next-line no-control-regex -- control characters are exactly what is replaced
	return text.replace(/\s*[\u0000-\u001F\u007F-\u009F\u2028\u2029]+\s*/g, ' ');
}
