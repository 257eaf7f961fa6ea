/*
What a rule sees of one message, shared by the evaluator, the function table
and substitution templates. The clock and the UUID source come from the
caller so evaluation stays pure and tests are deterministic.
*/

export type RuleContext = {
	/** The topic the message was published to. */
	readonly topic: string;
	/** The publisher's MQTT client id; AWS's clientid() says 'n/a' for messages not sent over MQTT. */
	readonly clientId: string;
	/** timestamp(): epoch milliseconds. */
	readonly now: number;
	readonly newUuid: () => string;
	readonly payload: Buffer;
};

export type EvaluationScope = {
	readonly context: RuleContext;
	/**
	What `*` and paths read: the parsed payload when it is JSON. A payload that
	is not JSON reads as the base64 text of its bytes (AWS attaches binary
	payloads to JSON as base64), so paths into it are Undefined.
	*/
	readonly payload: unknown;
	readonly isJson: boolean;
};

const decoder = new TextDecoder('utf-8', {fatal: true});

/** Parses the payload once per evaluation; anything but well-formed UTF-8 JSON is binary. */
export function createScope(context: RuleContext): EvaluationScope {
	try {
		const payload: unknown = JSON.parse(decoder.decode(context.payload));
		return {context, payload, isJson: true};
	} catch {
		return {
			context,
			payload: context.payload.toString('base64'),
			isJson: false,
		};
	}
}
