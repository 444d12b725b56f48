/** Chunk-adaptive columns (span and extra ids, return values, span exits) must give back every value exactly, in as few bytes as the values allow. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nearZero, sparseIds } from '../../../src/core/model/columns';
import type { Column } from '../../../src/core/model/columns';

const CHUNK = 65_536;

function assertSame(c: Column, want: number[]): void {
  assert.equal(c.size, want.length);
  want.forEach((v, i) => assert.ok(Object.is(c.get(i), v), `#${i}: ${c.get(i)} !== ${v}`));
}

test('values that drift below their chunk base (out-of-order timestamps) stay 4 bytes per value', () => {
  const c = nearZero(-1);
  const want: number[] = [];
  let ts = 7_000_000_000_000;
  for (let i = 0; i < CHUNK * 2; i++) {
    ts += 1_000;
    // every 50th event printed 30 µs late, and a slow drift of earlier ones down to 2 ms before the first
    want.push(i % 50 === 0 ? ts - 30_000 : i < 2_000 ? 7_000_000_000_000 - i * 1_000 : ts);
  }
  for (const v of want) c.push(v);
  assertSame(c, want);
  assert.equal(c.bytes(), CHUNK * 2 * 4);
});

test('a chunk whose range passes 2^32, or with a fraction, NaN or -0, falls back to 8 bytes and stays exact', () => {
  for (const odd of [2 ** 33, 0.5, NaN, -0, -(2 ** 52), 2 ** 53 - 1]) {
    const c = nearZero(-1);
    const want: number[] = [];
    for (let i = 0; i < CHUNK + 10; i++) want.push(i === 1_234 ? odd : 1_000_000 + i * 100);
    for (const v of want) c.push(v);
    assertSame(c, want);
    assert.equal(c.bytes(), CHUNK * 8 + CHUNK * 2, `${odd}: only its chunk is wide (the 10 values after it span 900: 2 bytes)`);
  }
});

test('set() re-encodes an earlier chunk without touching its other values', () => {
  const c = nearZero(-1);
  const want: number[] = [];
  for (let i = 0; i < CHUNK * 2 + 5; i++) want.push(10 ** 12 + i);
  for (const v of want) c.push(v);
  want[17] = 10 ** 12 - 5_000_000; // below the base: the base moves
  want[CHUNK + 3] = 10 ** 12 + 2 ** 40; // past 2^32 from the rest: the chunk goes wide
  c.set(17, want[17]);
  c.set(CHUNK + 3, want[CHUNK + 3]);
  assertSame(c, want);
  assert.equal(c.bytes(), CHUNK * 4 + CHUNK * 8 + CHUNK * 2);
});

test('span ids: -1 is a code, ids set later in file order (parents far back) stay 2 bytes while a chunk spans under 64Ki', () => {
  const c = sparseIds();
  const n = CHUNK * 3;
  for (let i = 0; i < n; i++) c.push(-1);
  const want: number[] = new Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    if (i % 5 === 0) continue;
    want[i] = i % 97 === 0 ? Math.max(0, Math.floor(i / 4) - 30_000) : Math.floor(i / 4);
    c.set(i, want[i]);
  }
  assertSame(c, want);
  assert.equal(c.bytes(), n * 2);
});

test('ids whose range in a chunk passes 64Ki widen that chunk to 4 bytes, and past 2^32 to 8', () => {
  const c = sparseIds();
  const want: number[] = [];
  for (let i = 0; i < CHUNK * 3; i++) {
    const chunk = Math.floor(i / CHUNK);
    want.push(i % 3 === 0 ? -1 : chunk === 0 ? i : chunk === 1 ? i * 3 : i * 100_000);
  }
  for (const v of want) c.push(v);
  assertSame(c, want);
  assert.equal(c.bytes(), CHUNK * 2 + CHUNK * 4 + CHUNK * 8);
});

test('a strictly falling sequence re-encodes a bounded number of times and stays exact', () => {
  const c = nearZero(-1);
  const want: number[] = [];
  for (let i = 0; i < CHUNK; i++) want.push(2 ** 40 - i * 70_000);
  const t0 = Date.now();
  for (const v of want) c.push(v);
  assert.ok(Date.now() - t0 < 5_000);
  assertSame(c, want);
});
