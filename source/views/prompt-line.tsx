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
			<Text color={color('red')} wrap="truncate-end">
				{error ? `✗ ${error}` : ' '}
			</Text>
		</Box>
	);
}
