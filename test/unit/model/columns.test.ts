/** The compact offset and timestamp columns must give back every value exactly, whatever order or size they come in. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addresses, type Column, ids, nearZero, offsets, rangeEnds, reviveColumn, sparseIds, times, lines } from '../../../src/core/model/columns';
import { buffersOf } from '../../../src/core/model/parallel';

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

test('timestamps stay exact through out-of-order events, long gaps, counter clocks and odd values', () => {
  const c = times();
  const want: number[] = [];
  let ts = 5_899_594_000;
  for (let i = 0; i < 140_000; i++) {
    ts += i % 1000 === 0 ? 9_000_000_000 : 1_000 + (i % 13); // a quiet 9 s now and then
    want.push(i % 777 === 0 ? ts - 50_000 : ts); // and an event printed out of order
  }
  want.push(2 ** 60, -0, NaN, 1.5, 0);
  for (const v of want) c.push(v);
  want.forEach((v, i) => assert.ok(Object.is(c.get(i), v), `#${i}: ${c.get(i)} !== ${v}`));
});

test('a dense trace keeps 2 bytes per timestamp (and a base per 256 events)', () => {
  const c = times();
  for (let i = 0; i < 65_536 * 3; i++) c.push(1e12 + i * 3_000);
  assert.equal(c.bytes(), 3 * (65_536 * 2 + 256 * 8));
});

test('every column kind survives a trip to another thread (structured clone, buffers transferred) and revives exactly', () => {
  const make = () => {
    const a = addresses();
    return { ts: times(), id: ids(), span: sparseIds(), ret: nearZero(-0x80000000), a, b: rangeEnds(a), line: lines(), offset: offsets() };
  };
  const cols = make();
  const want: Record<string, number[]> = { ts: [], id: [], span: [], ret: [], a: [], b: [], line: [], offset: [] };
  for (let i = 0; i < 70_000; i++) {
    const v = {
      ts: 5e12 + i * 1_000 - (i % 31 === 0 ? 40_000 : 0),
      id: i === 69_000 ? 300 : i % 7,
      span: i % 3 === 0 ? -1 : i >> 2,
      ret: i % 4 === 0 ? -0x80000000 : (i % 50) - 20,
      a: i % 2 ? NaN : 0x7f00_0000_0000 + i * 4096,
      b: i % 4 === 0 ? 0x7f00_0000_0000 + i * 4096 + 8192 : i % 4 === 2 ? 2 ** 64 : NaN,
      line: i * 3 + (i === 66_000 ? 100_000 : 0),
      offset: i * 170 + (i % 5000 === 0 ? 0.5 : 0),
    };
    for (const [k, x] of Object.entries(v)) {
      (cols as Record<string, Column>)[k].push(x);
      want[k].push(x);
    }
  }
  const sent = structuredClone(cols, { transfer: [...buffersOf(cols)] }) as unknown as Record<string, Column>;
  const like = make() as Record<string, Column>;
  for (const k of ['a', 'ts', 'id', 'span', 'ret', 'b', 'line', 'offset']) {
    const c = reviveColumn(sent[k], like[k]);
    assert.equal(c.size, want[k].length, k);
    want[k].forEach((v, i) => assert.ok(Object.is(c.get(i), v), `${k}#${i}: ${c.get(i)} !== ${v}`));
  }
});
