/*
Thing and shadow name rules (§10.1) with the wording of §3.3. Shadow names
follow Greengrass and refuse '$': AWS reserves names starting with it, and a
'$' segment inside a topic confuses broker ACLs.
*/
import {messages, reject, type Rejection} from './errors.js';
import type {ShadowLimits} from './limits.js';

const namePattern = /^[a-zA-Z0-9:_-]+$/;
export const namePatternText = '[a-zA-Z0-9:_-]+';

export function checkThingName(
	name: string,
	limits: ShadowLimits,
): Rejection | undefined {
	if (name.length === 0) return reject(400, messages.thingNameMissing);
	if (name.length > limits.maxThingNameLength) {
		return reject(
			400,
			`ThingName has a maximum length of ${limits.maxThingNameLength}`,
		);
	}

	if (!namePattern.test(name)) {
		return reject(400, `ThingName must match pattern ${namePatternText}`);
	}

	return undefined;
}

export function checkShadowName(
	name: string,
	limits: ShadowLimits,
): Rejection | undefined {
	if (name.length === 0) return reject(400, messages.shadowNameMissing);
	if (name.length > limits.maxShadowNameLength) {
		return reject(
			400,
			`ShadowName has a maximum length of ${limits.maxShadowNameLength}`,
		);
	}

	if (!namePattern.test(name)) {
		return reject(400, `ShadowName must match pattern ${namePatternText}`);
	}

	return undefined;
}
