/*
MQTT 5 clients and the embedded broker (aedes speaks MQTT 3.1.1): filled in
by the MQTT 5 work.
*/
import type {Aedes} from 'aedes';
import type {Logger} from '../log/logger.js';

export function installMqtt5Refusal(_aedes: Aedes, _log: Logger): void {
	// Not yet.
}
