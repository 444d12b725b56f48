/**
 * The page history orders its steps by page with a counting sort over natively sorted page keys; it must give
 * exactly the order of the comparator sort (page, then add order), also when a key is beyond the exact range and
 * the comparator sort is used instead.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rowsByPage } from '../../../src/core/detect/pageHistory';
import { seededRandom } from '../helpers';

function byComparator(space: Int32Array, vpn: Float64Array, n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  return order.sort((a, b) => space[a] - space[b] || vpn[a] - vpn[b] || a - b);
}

test('rowsByPage: pages in (space, vpn) order, each page\'s rows in add order', () => {
  const r = seededRandom(5);
  for (const n of [0, 1, 2, 17, 3000]) {
    const space = new Int32Array(n);
    const vpn = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      space[i] = Math.floor(r() * 3);
      // few distinct pages, so pages repeat; user addresses up to 2^47
      vpn[i] = r() < 0.5 ? 0x7f0000000 + Math.floor(r() * 40) : Math.floor(r() * 2 ** 35);
    }
    assert.deepEqual(Array.from(rowsByPage(space, vpn, n)), byComparator(space, vpn, n), `n=${n}`);
  }
});

test('rowsByPage: a key outside the exact range (kernel address, negative, fraction) sorts by comparison', () => {
  const space = Int32Array.from([1, 0, 1, 0, 1]);
  const vpn = Float64Array.from([5, 2 ** 40, 5, 3.5, -1]);
  assert.deepEqual(Array.from(rowsByPage(space, vpn, 5)), byComparator(space, vpn, 5));
  assert.deepEqual(Array.from(rowsByPage(space, vpn, 3)), byComparator(space, vpn, 3), 'only the first n rows count');
});
