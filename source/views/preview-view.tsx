import {Box, Text} from 'ink';
import {wrapPreview, type PreviewLine} from './preview-lines.js';
import {useColor} from './color.js';

const colors = {
	added: 'green',
	removed: 'red',
	changed: 'yellow',
	bad: 'red',
	note: 'cyan',
} as const;

/** The preview's lines from `scroll`, the title always on top. */
export function PreviewView({
	lines,
	scroll,
	width,
	height,
}: {
	readonly lines: readonly PreviewLine[];
	readonly scroll: number;
	readonly width: number;
	readonly height: number;
}) {
	const color = useColor();
	const [title, ...rest] = wrapPreview(lines, width);
	const shown = rest.slice(scroll, scroll + Math.max(1, height - 2));
	const more = rest.length - scroll - shown.length;
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text bold inverse wrap="truncate-end">
				{` ${title?.text ?? ''}`}
			</Text>
			{shown.map((line, index) => (
				<Text
					key={scroll + index}
					wrap="truncate-end"
					color={
						line.tone && line.tone !== 'title'
							? color(colors[line.tone])
							: undefined
					}
					bold={line.tone === 'bad'}
				>
					{line.text}
				</Text>
			))}
			{more > 0 ? (
				<Text dimColor wrap="truncate-end">
					{`↓ ${more} more line${more === 1 ? '' : 's'}`}
				</Text>
			) : null}
		</Box>
	);
}
