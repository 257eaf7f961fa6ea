import {Text} from 'ink';
import {Component, type ReactNode} from 'react';

type Props = {
	readonly children: ReactNode;
	readonly onError?: (error: Error) => void;
	readonly logHint: string;
};
type State = {readonly error: Error | undefined};

/** A render error becomes one line, never a stack trace; details go to the log. */
export class ErrorBoundary extends Component<Props, State> {
	override state: State = {error: undefined};

	static getDerivedStateFromError(error: Error): State {
		return {error};
	}

	override componentDidCatch(error: Error): void {
		this.props.onError?.(error);
	}

	override render() {
		if (this.state.error)
			return (
				<Text>
					shadow-tui: the console stopped on an error:{' '}
					{this.state.error.message} ({this.props.logHint}). Press q.
				</Text>
			);
		return this.props.children;
	}
}
