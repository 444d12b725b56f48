/** Id columns start at 1 byte per event and widen the whole column, exactly, when a value needs it. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ids } from '../../../src/core/model/columns';

const CHUNK = 65_536;

test('ids under 256 take one byte per event', () => {
  const c = ids();
  for (let i = 0; i < CHUNK + 1; i++) c.push(i % 256);
  assert.equal(c.bytes(), 2 * CHUNK);
  for (let i = 0; i < CHUNK + 1; i += 101) assert.equal(c.get(i), i % 256);
});

test('a larger id widens every chunk written so far, keeping their values', () => {
  const c = ids();
  const want: number[] = [];
  for (let i = 0; i < CHUNK * 2; i++) want.push(i === CHUNK + 9 ? 300 : i === CHUNK + 20 ? 70_000 : i % 200);
  for (const v of want) c.push(v);
  for (let i = 0; i < want.length; i++) assert.equal(c.get(i), want[i], `#${i}`);
  assert.equal(c.bytes(), 2 * CHUNK * 4);
});

test('values no unsigned width holds (negative, fractional, NaN, 2^32) move the column to 8 bytes, exactly', () => {
  for (const odd of [-1, 1.5, NaN, 2 ** 32, 2 ** 52]) {
    const c = ids();
    const want = [3, 250, 7, odd, 9];
    for (const v of want) c.push(v);
    want.forEach((v, i) => assert.ok(Object.is(c.get(i), v), `${odd} #${i}: ${c.get(i)}`));
    c.set(0, 70_000);
    assert.equal(c.get(0), 70_000);
    assert.equal(c.bytes(), CHUNK * 8);
  }
});

test('set() past the width widens too', () => {
  const c = ids();
  for (let i = 0; i < 10; i++) c.push(i);
  c.set(4, 65_535);
  c.set(5, 65_536);
  assert.deepEqual([c.get(3), c.get(4), c.get(5), c.get(6)], [3, 65_535, 65_536, 6]);
});
