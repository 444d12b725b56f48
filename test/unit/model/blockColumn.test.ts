/** Line numbers and file offsets: 2 bytes per event while each block's steps fit 16 bits, exact always. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lines, offsets } from '../../../src/core/model/columns';
import type { Column } from '../../../src/core/model/columns';

const CHUNK = 65_536;

function fill(c: Column, want: number[]): void {
  for (const v of want) c.push(v);
  assert.equal(c.size, want.length);
  want.forEach((v, i) => assert.ok(Object.is(c.get(i), v), `#${i}: ${c.get(i)} !== ${v}`));
}

test('offsets of a text trace: 2 bytes per event plus a base per 128 events', () => {
  const want: number[] = [];
  let off = 0;
  for (let i = 0; i < CHUNK * 2; i++) {
    want.push(off);
    off += 60 + ((i * 37) % 400); // lines of 60-460 bytes: up to 59 kB per block
  }
  const c = offsets();
  fill(c, want);
  assert.equal(c.bytes(), 2 * (CHUNK * 2 + (CHUNK / 128) * 8));
});

test('a block that spans more than 64 kB (stack traces) turns its chunk into base + 32-bit distances, still exact', () => {
  const want: number[] = [];
  let off = 5_000_000_000;
  for (let i = 0; i < CHUNK * 2; i++) {
    want.push(off);
    off += i >= CHUNK && i < CHUNK + 200 ? 3_000 : 100;
  }
  const c = offsets();
  fill(c, want);
  assert.equal(c.bytes(), CHUNK * 2 + (CHUNK / 128) * 8 + CHUNK * 4);
});

test('trace.dat records out of file order stay 4 bytes; a range past 2^32, fractions and -0 fall back to 8, exactly', () => {
  const shuffled: number[] = [];
  for (let i = 0; i < 3_000; i++) shuffled.push(((i * 7919) % 3_000) * 4096 + 1_000_000);
  const c = offsets();
  fill(c, shuffled);
  assert.equal(c.bytes(), CHUNK * 4);
  for (const odd of [2 ** 40, 0.5, -0, 2 ** 53 - 1]) {
    const d = offsets();
    fill(d, [10, 20, odd, 30]);
    assert.equal(d.bytes(), CHUNK * 8, String(odd));
  }
});

test('line numbers with a long run of lines without events between two blocks, and set()', () => {
  const want: number[] = [];
  for (let i = 0; i < 10_000; i++) want.push(i < 4_096 ? i * 2 : 1_000_000 + i * 2);
  const c = lines();
  fill(c, want);
  assert.equal(c.bytes(), CHUNK * 2 + (CHUNK / 4096) * 8, 'the jump falls at a block start');
  c.set(5, 70_000);
  want[5] = 70_000;
  want.forEach((v, i) => assert.equal(c.get(i), v));
});
