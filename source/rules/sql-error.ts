/*
The error AWS IoT answers CreateTopicRule with when the SQL does not parse:
HTTP 400 SqlParseException, message `Line L:C <description>` as ANTLR reports
it (line 1-based, column 0-based). The lexer and parser throw SqlSyntaxError
internally; parseRuleSql and parseTemplate catch it and return the message.
*/

export const sqlParseExceptionName = 'SqlParseException';

export type SourcePosition = {readonly line: number; readonly column: number};

export class SqlSyntaxError extends Error {
	constructor(position: SourcePosition, description: string) {
		super(`Line ${position.line}:${position.column} ${description}`);
	}
}

/** Client text inside a message: one line, and short. */
export function shown(text: string): string {
	let line = '';
	for (const char of text) {
		const code = char.codePointAt(0) ?? 0;
		line +=
			code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029
				? ' '
				: char;
		if (line.length > 40) return `${line.slice(0, 39)}…`;
	}

	return line;
}
