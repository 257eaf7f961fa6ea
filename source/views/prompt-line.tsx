import {Box, Text} from 'ink';
import {useColor} from './color.js';
import type {LineState} from './line-edit.js';
import {LineView} from './line-input.js';

type Props = {
	readonly label: string;
	readonly line: LineState;
	readonly placeholder: string;
	readonly error: string | undefined;
	/** Columns of the whole line; the input scrolls within what the label leaves. */
	readonly width: number;
};

/** Rows a prompt's error takes: it wraps onto up to three rows rather than being cut. */
export function promptErrorRows(
	error: string | undefined,
	width: number,
): number {
	if (!error) return 1;
	return Math.min(3, Math.ceil((error.length + 2) / Math.max(10, width)));
}

/** A one-line input with its label and, below it, the error that kept it from being sent. */
export function PromptLine({label, line, placeholder, error, width}: Props) {
	const color = useColor();
	const prompt = `${label}> `;
	return (
		<Box flexDirection="column">
			<Box>
				<Text bold>{prompt}</Text>
				<LineView
					line={line}
					width={width - prompt.length - 1}
					placeholder={placeholder}
				/>
			</Box>
			<Box height={promptErrorRows(error, width)} overflow="hidden">
				<Text color={color('red')} wrap="wrap">
					{error ? `✗ ${error}` : ' '}
				</Text>
			</Box>
		</Box>
	);
}
