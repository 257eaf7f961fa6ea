/*
A real MQTT client that records every message on the topics it watches and
lets a test wait for one, with a timeout that fails with what it did see.
*/
import type {TestContext} from 'node:test';
import type {MqttClient} from 'mqtt';
import {
	connectMqtt,
	type MqttConnection,
} from '../../source/client/connect-mqtt.js';

export type Received = {
	readonly topic: string;
	readonly text: string;
	readonly json: unknown;
};

export class Probe {
	readonly received: Received[] = [];
	private readonly waiters = new Set<() => void>();

	constructor(readonly client: MqttClient) {
		client.on('message', (topic, payload) => {
			const text = payload.toString();
			let json: unknown;
			try {
				json = JSON.parse(text) as unknown;
			} catch {
				json = undefined;
			}

			this.received.push({topic, text, json});
			for (const wake of this.waiters) wake();
		});
	}

	static async connect(
		t: TestContext,
		connection: MqttConnection,
	): Promise<Probe> {
		const client = await connectMqtt({reconnectPeriod: 0, ...connection});
		t.after(async () => client.endAsync(true));
		return new Probe(client);
	}

	async watch(...filters: string[]): Promise<void> {
		const grants = await this.client.subscribeAsync(filters, {qos: 1});
		for (const grant of grants) {
			if (grant.qos === 128)
				throw new Error(`subscription refused: ${grant.topic}`);
		}
	}

	async publish(topic: string, payload: string | Buffer): Promise<void> {
		await this.client.publishAsync(topic, payload, {qos: 1});
	}

	/** The first message received from index `from` on that matches. */
	async waitFor(
		predicate: (message: Received) => boolean,
		what: string,
		from = 0,
		timeoutMs = 5000,
	): Promise<Received> {
		const find = () => this.received.slice(from).find(predicate);
		const found = find();
		if (found) return found;
		return new Promise((resolve, reject) => {
			const wake = () => {
				const match = find();
				if (match) {
					clearTimeout(timer);
					this.waiters.delete(wake);
					resolve(match);
				}
			};

			const timer = setTimeout(() => {
				this.waiters.delete(wake);
				const seen = this.received
					.slice(from)
					.map((m) => `${m.topic} ${m.text.slice(0, 200)}`);
				reject(
					new Error(
						`timed out waiting for ${what}; received:\n${seen.join('\n')}`,
					),
				);
			}, timeoutMs);
			this.waiters.add(wake);
		});
	}

	async waitForToken(
		topicSuffix: string,
		clientToken: string,
		from = 0,
	): Promise<Received> {
		return this.waitFor(
			(m) =>
				m.topic.endsWith(topicSuffix) &&
				(m.json as {clientToken?: string} | undefined)?.clientToken ===
					clientToken,
			`${topicSuffix} with clientToken ${clientToken}`,
			from,
		);
	}
}
