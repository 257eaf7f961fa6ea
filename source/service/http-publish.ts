/*
The iot-data Publish API: POST /topics/{topic}?qos=0|1[&retain=true], the
payload as the body. The AWS SDKs send the topic as one percent-encoded path
segment ($aws%2Fthings%2F...); qos is 0 when absent, as on AWS. What a
client may not publish over MQTT it may not publish here either.
*/
import {reject, type Rejection} from '../shadow/errors.js';
import {reservedTopicRefusal} from './broker-access.js';

export const publishPath = /^\/topics\/(.+)$/;

export type PublishRequest = {
	readonly topic: string;
	readonly qos: 0 | 1;
	readonly retain: boolean;
};

/** The publish a request asks for, or AWS's rejection of it. */
export function parsePublishRequest(
	encodedTopic: string,
	query: URLSearchParams,
): PublishRequest | Rejection {
	let topic: string;
	try {
		topic = decodeURIComponent(encodedTopic);
	} catch {
		return reject(400, 'Invalid topic: malformed percent-encoding');
	}

	if (topic === '') return reject(400, 'Invalid topic: the topic is empty');
	if (/[#+]/.test(topic))
		return reject(
			400,
			'Invalid topic: + and # are wildcards of subscriptions, not part of a topic to publish to',
		);
	if (topic.includes('\0'))
		return reject(400, 'Invalid topic: a topic may not contain NUL');
	const qosText = query.get('qos') ?? '0';
	if (qosText !== '0' && qosText !== '1')
		return reject(400, 'qos must be 0 or 1');
	const retainText = query.get('retain') ?? 'false';
	if (retainText !== 'true' && retainText !== 'false')
		return reject(400, 'retain must be true or false');
	const retain = retainText === 'true';
	if (reservedTopicRefusal(topic, false)) return reject(403, 'Forbidden');
	if (reservedTopicRefusal(topic, retain))
		return reject(
			400,
			'Retained messages are not supported on reserved topics',
		);
	return {topic, qos: qosText === '1' ? 1 : 0, retain};
}

/** AWS's answer to an accepted publish. */
export function publishedBody(traceId: string): unknown {
	return {message: 'OK', traceId};
}
