import {Box, Text} from 'ink';
import TextInput from 'ink-text-input';
import {useColor} from './color.js';

type Props = {
	readonly label: string;
	readonly value: string;
	readonly onChange: (value: string) => void;
	readonly onSubmit: () => void;
	readonly placeholder: string;
	readonly error: string | undefined;
};

/** A one-line input with its label and, below it, the error that kept it from being sent. */
export function PromptLine({
	label,
	value,
	onChange,
	onSubmit,
	placeholder,
	error,
}: Props) {
	const color = useColor();
	return (
		<Box flexDirection="column">
			<Box>
				<Text bold>{`${label}> `}</Text>
				<TextInput
					value={value}
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
