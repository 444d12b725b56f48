/** The compact offset column must give back every offset exactly, whatever order or size they come in. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { offsets } from '../../../src/core/model/columns';

test('offsets of a growing text trace come back exactly across chunks', () => {
  const c = offsets();
  const want: number[] = [];
  let off = 0;
  for (let i = 0; i < 200_000; i++) {
    want.push(off);
    c.push(off);
    off += 40 + (i % 97);
  }
  assert.equal(c.size, want.length);
  for (let i = 0; i < want.length; i += 997) assert.equal(c.get(i), want[i]);
  assert.equal(c.get(want.length - 1), want[want.length - 1]);
});

test('offsets before the chunk base, past 4 GiB from it, or above 2^32 stay exact (trace.dat records, huge files)', () => {
  const c = offsets();
  const values = [5_000_000_000, 12, 5_000_000_100, 5_000_000_000 + 2 ** 32 + 7, 2 ** 52 + 1, 0];
  for (const v of values) c.push(v);
  values.forEach((v, i) => assert.equal(c.get(i), v));
  c.set(1, 5_000_000_001);
  c.set(4, 3);
  assert.equal(c.get(1), 5_000_000_001);
  assert.equal(c.get(4), 3);
});
