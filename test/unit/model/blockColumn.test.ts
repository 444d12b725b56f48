/** Timestamps, line numbers and file offsets: 2 bytes per event while each block's steps fit 16 bits, exact always. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lines, offsets, times } from '../../../src/core/model/columns';
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

/** Bytes of a step chunk: steps, block bases, and ~48 bytes per exception. */
const stepBytes = (blockShift: number, exceptions = 0) => CHUNK * 2 + (CHUNK >> blockShift) * 8 + exceptions * 48;

/** The exceptions a plain reference counts: values whose step from their block's first value leaves 0..0xfffe units. */
function exceptions(want: number[], blockShift: number, unit: number): number {
  let n = 0;
  let base = 0;
  want.forEach((v, i) => {
    if (i % (1 << blockShift) === 0 && Number.isSafeInteger(v)) base = v;
    const d = (v - base) / unit;
    if (!(Number.isInteger(d) && d >= 0 && d < 0xffff) || Object.is(v, -0)) n++;
  });
  return n;
}

test('a block that spans more than 64 kB (stack traces) keeps the rest of that block as exceptions, still exact', () => {
  const want: number[] = [];
  let off = 5_000_000_000;
  for (let i = 0; i < CHUNK * 2; i++) {
    want.push(off);
    off += i >= CHUNK && i < CHUNK + 200 ? 3_000 : 100;
  }
  const c = offsets();
  fill(c, want);
  const x = exceptions(want.slice(CHUNK), 7, 1);
  assert.ok(x > 100 && x < 256, String(x));
  assert.equal(c.bytes(), stepBytes(7) + stepBytes(7, x));
});

test('more exceptions than a chunk keeps turn it into base + 32-bit distances (trace.dat records out of file order)', () => {
  const shuffled: number[] = [];
  for (let i = 0; i < 3_000; i++) shuffled.push(((i * 7919) % 3_000) * 4096 + 1_000_000);
  const c = offsets();
  fill(c, shuffled);
  assert.equal(c.bytes(), CHUNK * 4);
});

test('fractions, -0, NaN, huge values and a range past 2^32 are exceptions; too many of them fall back to 8 bytes, exactly', () => {
  for (const odd of [2 ** 40, 0.5, -0, NaN, Infinity, -(2 ** 53), 2 ** 53 - 1]) {
    const d = offsets();
    fill(d, [10, odd, 20, odd, 30]);
    assert.equal(d.bytes(), stepBytes(7, 2), String(odd));
    // a block that starts with a value that is no integer takes the base of the block before
    const f = offsets();
    fill(f, [...new Array<number>(128).fill(50), odd, 60, 70]);
    assert.equal(f.bytes(), stepBytes(7, Number.isSafeInteger(odd) && !Object.is(odd, -0) ? 2 : 1), String(odd));
    const many: number[] = [];
    for (let i = 0; i < 3_000; i++) many.push(i % 2 ? odd : i);
    const e = offsets();
    fill(e, many);
    assert.equal(e.bytes(), CHUNK * 8, String(odd));
  }
});

test('microsecond timestamps: 2 bytes per event plus a base per 256 events; an idle gap costs the rest of its block', () => {
  const want: number[] = [];
  let ts = 5_000_000_000_000;
  for (let i = 0; i < CHUNK * 2 + 77; i++) {
    want.push(ts);
    ts += i % 40_000 === 39_999 ? 2_500_000_000 : 25_000 + (i % 7) * 1_000; // 25-31 µs apart, 2.5 s idle now and then
  }
  const c = times();
  fill(c, want);
  const x = [0, 1, 2].map((k) => exceptions(want.slice(k * CHUNK, (k + 1) * CHUNK), 8, 1_000));
  assert.deepEqual(x.map((n) => n > 0 && n < 256), [true, true, false]);
  assert.equal(c.bytes(), stepBytes(8, x[0]) + stepBytes(8, x[1]) + stepBytes(8, x[2]));
});

test('nanosecond timestamps (trace.dat, counter clocks) take 1 ns steps when dense and 32-bit distances when not', () => {
  const dense: number[] = [];
  const sparse: number[] = [];
  for (let i = 0; i < CHUNK; i++) {
    dense.push(1_234_567_891_234 + i * 97 + (i % 3));
    sparse.push(1_234_567_891_234 + i * 1_013);
  }
  const c = times();
  fill(c, dense);
  assert.equal(c.bytes(), stepBytes(8));
  const d = times();
  fill(d, sparse);
  assert.equal(d.bytes(), CHUNK * 4);
  // a few nanosecond values among microsecond ones are exceptions: the chunk keeps its 1000 ns unit
  const e = times();
  const mixed = dense.map((_, i) => 5e12 + i * 2_000 + (i % 5_000 === 1 ? 7 : 0));
  fill(e, mixed);
  assert.equal(e.bytes(), stepBytes(8, 14));
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
  assert.equal(c.bytes(), CHUNK * 2 + (CHUNK / 4096) * 8 + 48, 'past its block\'s steps: an exception');
  c.set(5, 10);
  assert.equal(c.get(5), 10);
  assert.equal(c.bytes(), CHUNK * 2 + (CHUNK / 4096) * 8, 'set back within the steps: no exception left');
});
