import assert from 'node:assert/strict';
import {test} from 'node:test';
import {compareNatural} from '../../source/fleet/natural-order.js';

test('names sort as people count: brewer-2 before brewer-10', () => {
	const names = [
		'brewer-10',
		'pump-1',
		'brewer-2',
		'brewer',
		'brewer-1',
		'brewer-02',
		'brewer-1b',
		'brewer-1a',
		'Brewer-3',
		'brewer-99999999999999999999',
		'brewer-100000000000000000000',
	];
	assert.deepEqual([...names].sort(compareNatural), [
		'Brewer-3',
		'brewer',
		'brewer-1',
		'brewer-1a',
		'brewer-1b',
		'brewer-02',
		'brewer-2',
		'brewer-10',
		'brewer-99999999999999999999',
		'brewer-100000000000000000000',
		'pump-1',
	]);
});

test('the order is total: equal only for the same name, and antisymmetric', () => {
	const names = ['a1', 'a01', 'a001', 'a', 'a-1', 'a1-', '1', '01', ''];
	for (const a of names)
		for (const b of names) {
			const order = compareNatural(a, b);
			assert.equal(order === 0, a === b, `${a} ${b}`);
			assert.equal(Math.sign(order) + Math.sign(compareNatural(b, a)), 0);
		}
});
