/**
 * The join of a part built on another thread (pushFrom: the part's chunks adopted, shifted by the seam, the
 * next chunk's head copied or re-based behind) must give back every value exactly, wherever the seam falls
 * (at a chunk boundary, one off it, mid-chunk, in an empty column) and whatever encodings the two sides chose
 * (re-encoded and Float64Array chunks, wide addresses, range-end tables, ids of different widths).
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addresses, type Column, ids, lines, nearZero, offsets, rangeEnds, reviveColumn, sparseIds, times } from '../../../src/core/model/columns';
import { PackedWriter } from '../../../src/core/model/packedColumn';
import { buffersOf } from '../../../src/core/model/parallel';

const CHUNK = 65_536;
const SEAMS = [0, 1, 127, CHUNK - 1, CHUNK, CHUNK + 1, 100_003];
const PART = [0, 5, CHUNK - 3, CHUNK, 3 * CHUNK + 4_097];

/** The part as the worker sends it: a structured clone, its buffers transferred, revived like the store does. */
function sent<T extends Column>(cols: Record<string, Column>, like: Record<string, T>): Record<string, T> {
  const copy = structuredClone(cols, { transfer: [...buffersOf(cols)] }) as Record<string, Column>;
  const out: Record<string, T> = {};
  for (const k of Object.keys(copy)) out[k] = reviveColumn(copy[k], like[k]);
  return out;
}

function check(c: Column, want: number[], what: string): void {
  assert.equal(c.size, want.length, `${what}: size`);
  for (let i = 0; i < want.length; i++) if (!Object.is(c.get(i), want[i])) assert.fail(`${what} #${i}: ${c.get(i)} !== ${want[i]}`);
}

/** Joins `main` values then `part` values through pushFrom at every seam and part size; `value(i, side)`. */
function joinAll(
  name: string,
  make: () => Column,
  value: (i: number, side: number) => number,
  join: (into: Column, from: Column) => void,
  after: (v: number) => number = (v) => v,
): void {
  for (const m of SEAMS) {
    for (const n of PART) {
      const into = make();
      const part = make();
      const want: number[] = [];
      for (let i = 0; i < m; i++) {
        into.push(value(i, 0));
        want.push(value(i, 0));
      }
      for (let i = 0; i < n; i++) {
        part.push(value(i, 1));
        want.push(after(value(i, 1)));
      }
      join(into, sent({ x: part }, { x: make() }).x);
      check(into, want, `${name} seam ${m} part ${n}`);
      // the joined column takes more values as a single pass would
      into.push(value(7, 1));
      assert.ok(Object.is(into.get(m + n), value(7, 1)), `${name} seam ${m} part ${n}: a push after the join`);
    }
  }
}

test('timestamps: bases moved by the seam, gaps that re-encode or fall back to Float64Array', () => {
  const ts = (i: number, side: number) => (side ? 9e12 : 5e12) + i * 900 + (i % 50_000 === 49_999 ? 7e9 : 0) - (i % 777 === 0 ? 40_000 : 0);
  joinAll('ts', times, ts, (a, b) => (a as ReturnType<typeof times>).pushFrom(b));
  const odd = (i: number) => (i === 70_000 ? 1.5 : i === 70_001 ? -0 : i === 200_000 ? 2 ** 60 : 1e12 + i);
  joinAll('odd ts', times, odd, (a, b) => (a as ReturnType<typeof times>).pushFrom(b));
  // nanosecond steps (1 ns unit) on one side, microseconds with idle gaps (exceptions) on the other
  const mixed = (i: number, side: number) => (side ? 3e12 + i * 97 : 4e12 + i * 20_000 + (i % 300 === 299 ? 9e8 : 0) + Math.floor(i / 300) * 9e8);
  joinAll('ns and gaps', times, mixed, (a, b) => (a as ReturnType<typeof times>).pushFrom(b));
});

test('sparse ids plus a shift keep none as none; return values keep their none code', () => {
  const span = (i: number) => (i % 3 === 0 ? -1 : (i >> 2) + (i > 150_000 ? 100_000 : 0));
  joinAll('extra refs', sparseIds, span, (a, b) => (a as ReturnType<typeof sparseIds>).pushFrom(b, 4_096), (v) => (v < 0 ? v : v + 4_096));
  const ret = (i: number) => (i % 4 === 0 ? -0x80000000 : i % 1000 === 0 ? -4097 : (i % 50) - 20);
  joinAll('ret', () => nearZero(-0x80000000), ret, (a, b) => (a as ReturnType<typeof nearZero>).pushFrom(b));
});

test('line numbers and offsets: blocks re-cut at the seam, a line shift, wide and Float64Array chunks', () => {
  const line = (i: number) => i * 3 + (i > 66_000 ? 100_000 : 0) + (i === 140_000 ? 2 ** 40 : 0);
  joinAll('line', lines, line, (a, b) => (a as ReturnType<typeof lines>).pushFrom(b, 1_234_567), (v) => v + 1_234_567);
  const off = (i: number, side: number) => side * 1e9 + i * 170 + (i % 5000 === 0 ? 0.5 : 0) + (i % 4001 === 0 ? 70_000 : 0);
  joinAll('offset', offsets, off, (a, b) => (a as ReturnType<typeof offsets>).pushFrom(b));
});

test('ids: widths of either side, through a map', () => {
  const narrow = (i: number, side: number) => (side ? i % 7 : i === 99_000 ? 300 : i % 5);
  joinAll('ids', ids, narrow, (a, b) => (a as ReturnType<typeof ids>).pushFrom(b));
  const wide = (i: number, side: number) => (side && i === 66_000 ? 70_000 : i % 11);
  joinAll('wide ids', ids, wide, (a, b) => (a as ReturnType<typeof ids>).pushFrom(b));
  const bytes = Array.from({ length: 200 }, (_, k) => 199 - k);
  joinAll('bytes through a map', ids, (i) => i % 200, (a, b) => (a as ReturnType<typeof ids>).pushFrom(b, bytes), (v) => 199 - v);
  const shorts = Array.from({ length: 3_000 }, (_, k) => 2_999 - k);
  joinAll('shorts through a map', ids, (i) => (i * 7) % 3_000, (a, b) => (a as ReturnType<typeof ids>).pushFrom(b, shorts), (v) => 2_999 - v);
  const same = Array.from({ length: 70_001 }, (_, k) => k);
  joinAll('ids through the identity', ids, wide, (a, b) => (a as ReturnType<typeof ids>).pushFrom(b, same));
  const map = Array.from({ length: 11 }, (_, k) => (k === 3 ? 1_000 : k * 2));
  joinAll('mapped ids', ids, wide, (a, b) => (a as ReturnType<typeof ids>).pushFrom(b, [...map, ...new Array<number>(70_000 - 11).fill(5), 6]), (v) => (v === 70_000 ? 6 : map[v]));
});

test('addresses and range ends: high parts and lengths re-coded, tables moved, wide chunks', () => {
  const make = () => {
    const a = addresses();
    return { a, b: rangeEnds(a) };
  };
  const addr = (i: number, side: number) =>
    i % 2 ? NaN : (side ? 0x5500_0000_0000 : 0x7f00_0000_0000) + i * 4096 * (i > 180_000 ? 300_000 : 1) + (i === 90_002 ? 0.5 : 0);
  const end = (i: number, side: number) => (i % 4 === 0 ? addr(i, side) + 8192 * (1 + (i % (side ? 300 : 3))) : i % 400 === 2 ? 2 ** 64 : NaN);
  for (const m of SEAMS) {
    for (const n of PART) {
      const into = make();
      const part = make();
      const want = { a: [] as number[], b: [] as number[] };
      for (let i = 0; i < m; i++) {
        into.a.push(addr(i, 0));
        into.b.push(end(i, 0));
        want.a.push(addr(i, 0));
        want.b.push(end(i, 0));
      }
      for (let i = 0; i < n; i++) {
        part.a.push(addr(i, 1));
        part.b.push(end(i, 1));
        want.a.push(addr(i, 1));
        want.b.push(end(i, 1));
      }
      const got = sent(part, make());
      into.a.pushFrom(got.a);
      into.b.pushFrom(got.b);
      check(into.a, want.a, `a seam ${m} part ${n}`);
      check(into.b, want.b, `b seam ${m} part ${n}`);
    }
  }
});

test('pushChunk stores whole chunks encoded once, as pushes of the same values read back', () => {
  const chunk = new Int32Array(CHUNK);
  // spans under an old long call: ids far below the chunk's first; all none; a range past 16 bits; int32 extremes
  const fills: ((k: number) => number)[] = [
    (k) => (k % 3 === 0 ? -1 : k % 7 === 0 ? 5 : 100000 + k),
    () => -1,
    (k) => (k % 2 === 0 ? k * 40 : -1),
    (k) => (k === 0 ? -2147483648 : k === 1 ? 2147483647 : k),
  ];
  const c = sparseIds();
  const want: number[] = [];
  for (const f of fills) {
    for (const n of [CHUNK, CHUNK]) {
      for (let k = 0; k < n; k++) want.push((chunk[k] = f(k)));
      c.pushChunk(chunk, n);
    }
  }
  for (let k = 0; k < 10; k++) want.push((chunk[k] = k - 1));
  c.pushChunk(chunk, 10);
  assert.equal(c.size, want.length);
  for (let i = 0; i < want.length; i++) if (c.get(i) !== want[i]) assert.fail(`value ${i}: ${c.get(i)} !== ${want[i]}`);
  assert.throws(() => c.pushChunk(chunk, 1), /chunk boundary/);
});

test('PackedWriter stores pushed values a chunk at a time, the last partial one on flush', () => {
  const c = sparseIds();
  const w = new PackedWriter(c);
  const want: number[] = [];
  for (let i = 0; i < 2 * CHUNK + 77; i++) want.push(i % 5 === 0 ? -1 : i % 11 === 0 ? 3 : 70000 + i);
  for (const v of want) w.push(v);
  assert.equal(c.size, 2 * CHUNK);
  w.flush();
  assert.equal(c.size, want.length);
  for (let i = 0; i < want.length; i++) if (c.get(i) !== want[i]) assert.fail(`value ${i}: ${c.get(i)} !== ${want[i]}`);
});
