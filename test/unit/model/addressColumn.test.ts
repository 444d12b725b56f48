/** Address and range-end columns must give back every value exactly (NaN, 2^64-1 ends, kernel pointers) in fewer bytes than Float64Array. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addresses, rangeEnds } from '../../../src/core/model/columns';

const CHUNK = 65_536;

function pair(wantA: number[], wantB: number[]) {
  const a = addresses();
  const b = rangeEnds(a);
  for (let i = 0; i < wantA.length; i++) {
    a.push(wantA[i]);
    b.push(wantB[i]);
  }
  for (let i = 0; i < wantA.length; i++) {
    assert.ok(Object.is(a.get(i), wantA[i]), `a#${i}: ${a.get(i)} !== ${wantA[i]}`);
    assert.ok(Object.is(b.get(i), wantB[i]), `b#${i}: ${b.get(i)} !== ${wantB[i]}`);
    // endAt() with the start already read: the same end, for every kind of chunk these tests build
    assert.ok(Object.is(b.endAt(i, a.get(i)), wantB[i]), `endAt#${i}: ${b.endAt(i, a.get(i))} !== ${wantB[i]}`);
  }
  return { a, b };
}

test('page addresses of many processes, ranges and NaN: a presence bit per event, 5 bytes per address, 1 per end, exact', () => {
  const wantA: number[] = [];
  const wantB: number[] = [];
  for (let i = 0; i < CHUNK * 2 + 3; i++) {
    const space = (i % 21) * 0x1_0000_0000 + 0x7f00_0000_0000; // 21 windows of 4 GiB
    const addr = space + ((i * 4096) % 0x1_0000_0000);
    const k = i % 10;
    wantA.push(k < 5 ? NaN : addr);
    wantB.push(k < 8 ? NaN : k === 8 ? addr + 4096 * (1 + (i % 200)) : 2 ** 64); // RELEASE ranges end at 2^64-1 (2^64 as a double)
  }
  const { a, b } = pair(wantA, wantB);
  // presence bits and word counts (6 bytes per 32 events) for 3 chunks of events, one chunk of 65535 addresses
  assert.equal(a.bytes(), 3 * (CHUNK / 32) * 6 + CHUNK * 5);
  // the 2^64 ends are in a table: about 1 in 10 events here, still under a wide chunk's cost
  assert.ok(b.bytes() < 3 * CHUNK * 8, String(b.bytes()));
  assert.ok(b.bytes() >= 3 * CHUNK);
});

test('more distinct lengths than the dictionary of a chunk holds go to its table, exactly', () => {
  const wantA: number[] = [];
  const wantB: number[] = [];
  for (let i = 0; i < 3_000; i++) {
    wantA.push(0x1000 * i);
    wantB.push(0x1000 * i + (i % 600) * 8 - 100); // 600 lengths, some negative
  }
  const { b } = pair(wantA, wantB);
  assert.ok(b.bytes() < CHUNK * 8);
});

test('a chunk with more than 255 high parts, a negative or fractional address, or -0 becomes 8 bytes, exactly', () => {
  const many: number[] = [];
  for (let i = 0; i < 300; i++) many.push(i * 0x1_0000_0000 + 5);
  const { a } = pair(many, many.map(() => NaN));
  assert.equal(a.bytes(), (CHUNK / 32) * 6 + CHUNK * 8);
  for (const odd of [-4096, 0.5, -0, 2 ** 60]) {
    const want = [0x1000, NaN, odd, 0x2000];
    pair(want, [0x3000, NaN, NaN, 0x2000 + 2 ** 33]);
  }
});

test('range ends that do not come back from start + 32-bit length: end before start, end without start, huge start', () => {
  const wantA = [0x1000, NaN, 2 ** 60, 0x5000, 0x5000, 0];
  const wantB = [0x800, 0x2000, 2 ** 60 + 4096, 0x5000 + 0.5, 0x5000 + 2 ** 32, -0];
  pair(wantA, wantB);
});

test('a chunk where most ends need the table turns wide, and earlier values survive', () => {
  const wantA: number[] = [];
  const wantB: number[] = [];
  for (let i = 0; i < CHUNK; i++) {
    wantA.push(i * 4096);
    wantB.push(i % 2 === 0 ? 2 ** 64 : i * 4096 + 8192);
  }
  const { b } = pair(wantA, wantB);
  assert.equal(b.bytes(), CHUNK * 8);
});

test('set() on an address or an end rewrites it exactly', () => {
  const a = addresses();
  const b = rangeEnds(a);
  for (let i = 0; i < 10; i++) {
    a.push(i * 4096);
    b.push(i % 2 ? NaN : 2 ** 64);
  }
  b.set(2, 2 * 4096 + 100);
  a.set(3, -5);
  b.set(4, NaN);
  assert.deepEqual([a.get(3), b.get(2), b.get(4), b.get(0), a.get(9)], [-5, 2 * 4096 + 100, NaN, 2 ** 64, 9 * 4096]);
});
