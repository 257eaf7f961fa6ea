/*
npm run bench: every benchmark prints ratios against a baseline measured in
the same run, because absolute numbers on the shared machine are not stable.
*/
import {benchBoundedWalk} from './bounded-walk.bench.js';
import {benchConsole} from './console.bench.js';
import {benchEngine} from './engine.bench.js';
import {benchFleet} from './fleet.bench.js';
import {benchFleetIndex} from './fleet-index.bench.js';
import {benchJournal} from './journal.bench.js';
import {benchSecurity} from './security.bench.js';
import {benchService} from './service.bench.js';
import {benchTraffic} from './traffic.bench.js';

const only = process.argv[2];
const suites: Record<string, () => Promise<string[]> | string[]> = {
	engine: benchEngine,
	walk: benchBoundedWalk,
	service: benchService,
	console: benchConsole,
	fleet: benchFleet,
	'fleet-index': benchFleetIndex,
	security: benchSecurity,
	traffic: benchTraffic,
	journal: benchJournal,
};

for (const [name, suite] of Object.entries(suites)) {
	if (only && only !== name) continue;
	for (const line of await suite()) console.log(line);
}
