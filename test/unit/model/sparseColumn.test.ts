/**
 * Return values, which most events have none of: every value must come back exactly by its rank among the
 * present ones (at word and chunk boundaries, all none, all present, wide values) and a part joined from
 * another thread must give the same values whatever the seam.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rare, reviveColumn } from '../../../src/core/model/columns';
import type { SparseColumn } from '../../../src/core/model/sparseColumn';
import type { PackedColumn } from '../../../src/core/model/packedColumn';

const CHUNK = 65_536;
const NONE = -0x80000000;

/** An errno on some events, a count on others, a pointer now and then, none on most. */
const value = (i: number, side: number): number =>
  i % 4 === 1 ? -(i % 30) : i % 7 === 0 ? (i + side) % 5_000 : i % 10_007 === 3 ? 2 ** 40 + i : i % CHUNK === 0 || i % 32 === 31 ? i : NONE;

function check(c: SparseColumn<PackedColumn>, want: number[], what: string): void {
  assert.equal(c.size, want.length, what);
  want.forEach((v, i) => assert.ok(Object.is(c.get(i), v), `${what} #${i}: ${c.get(i)} !== ${v}`));
}

test('values come back by their rank, at word and chunk boundaries, with none on most events', () => {
  for (const make of [(i: number) => value(i, 0), () => NONE, (i: number) => i * 3 - 7]) {
    const c = rare(NONE);
    const want: number[] = [];
    for (let i = 0; i < CHUNK * 2 + 33; i++) {
      want.push(make(i));
      c.push(make(i));
    }
    check(c, want, 'pushed');
  }
});

test('a presence bit per event plus 2 bytes per value; set() changes a value present and refuses to insert one', () => {
  const c = rare(NONE);
  for (let i = 0; i < CHUNK; i++) c.push(i % 5 === 0 ? i % 1_000 : NONE);
  assert.equal(c.bytes(), CHUNK * 0.1875 + CHUNK * 2);
  c.set(10, -22);
  c.set(11, NONE);
  assert.equal(c.get(10), -22);
  assert.equal(c.get(11), NONE);
  assert.throws(() => c.set(12, 5));
  assert.throws(() => c.set(15, NONE));
});

test('a joined part gives the same values wherever the seam falls, after a trip to another thread', () => {
  for (const m of [0, 1, 31, 32, 127, CHUNK - 1, CHUNK, 100_003]) {
    for (const n of [0, 1, 33, CHUNK - 3, CHUNK + 4_097]) {
      const into = rare(NONE);
      const part = rare(NONE);
      const want: number[] = [];
      for (let i = 0; i < m; i++) {
        into.push(value(i, 0));
        want.push(value(i, 0));
      }
      for (let i = 0; i < n; i++) {
        part.push(value(i, 1));
        want.push(value(i, 1));
      }
      into.pushFrom(reviveColumn(structuredClone(part), into));
      check(into, want, `seam ${m} part ${n}`);
      into.push(-5);
      into.push(NONE);
      assert.equal(into.get(m + n), -5);
      assert.equal(into.get(m + n + 1), NONE);
    }
  }
});
