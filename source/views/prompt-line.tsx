import {Box, Text} from 'ink';
import {useColor} from './color.js';
import {LineInput} from './line-input.js';

type Props = {
	readonly label: string;
	readonly value: string;
	readonly onChange: (value: string) => void;
	readonly onSubmit: () => void;
	readonly placeholder: string;
	readonly error: string | undefined;
	/** Columns of the whole line; the input scrolls within what the label leaves. */
	readonly width: number;
};

/** A one-line input with its label and, below it, the error that kept it from being sent. */
export function PromptLine({
	label,
	value,
	onChange,
	onSubmit,
	placeholder,
	error,
	width,
}: Props) {
	const color = useColor();
	const prompt = `${label}> `;
	return (
		<Box flexDirection="column">
			<Box>
				<Text bold>{prompt}</Text>
				<LineInput
					value={value}
					width={width - prompt.length - 1}
					onChange={(next) => {
						// Text and Enter in one read (a paste, or tmux send-keys) arrive as text ending in CR.
						const newline = /[\r\n]/.exec(next);
						if (!newline) {
							onChange(next);
							return;
						}

						onChange(next.slice(0, newline.index));
						onSubmit();
					}}
					onSubmit={onSubmit}
					placeholder={placeholder}
				/>
			</Box>
			<Text color={color('red')} wrap="truncate-end">
				{error ? `✗ ${error}` : ' '}
			</Text>
		</Box>
	);
}
