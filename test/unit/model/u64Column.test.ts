/** 64-bit values kept as a low word and a high-word id read back exactly: edges, many high words, joins at chunk seams. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { U64Column } from '../../../src/core/model/u64Column';
import { seededRandom } from '../helpers';

const CHUNK = 1 << 14;

function filled(values: bigint[]): U64Column {
  const c = new U64Column();
  for (const v of values) c.push(v);
  return c;
}

function readAll(c: U64Column): bigint[] {
  return Array.from({ length: c.size }, (_, i) => c.get(i));
}

/** PTE-like values (a few high words) mixed with `spread` random 64-bit values (as many high words). */
function sample(seed: number, n: number, spread: number): bigint[] {
  const rnd = seededRandom(seed);
  const word = () => BigInt(Math.floor(rnd() * 2 ** 32));
  const highs = [0n, 0x8000_0000n, 0xdfff_ffe0n, 0xffff_ffffn];
  return Array.from({ length: n }, (_, i) => (i % Math.max(1, Math.floor(n / Math.max(1, spread))) === 0 && spread > 0 ? (word() << 32n) | word() : (highs[i % highs.length] << 32n) | word()));
}

test('an empty column holds nothing', () => {
  const c = new U64Column();
  assert.equal(c.size, 0);
  assert.equal(c.bytes(), 0);
  c.pushFrom(new U64Column());
  assert.equal(c.size, 0);
});

test('values read back exactly: 0, 2^32 - 1, 2^32, 2^63, 2^64 - 1, and more high words than a byte holds', () => {
  const edges = [0n, 1n, 0xffff_ffffn, 0x1_0000_0000n, 1n << 63n, 0xffff_ffff_ffff_ffffn, 0x8000_0000_1234_5067n, 0xffd4_0003_f3ff_ffc0n];
  assert.deepEqual(readAll(filled(edges)), edges);
  for (const spread of [0, 300, 70000]) {
    const vs = sample(spread + 1, 3 * CHUNK + 17, spread);
    assert.deepEqual(readAll(filled(vs)), vs, `spread ${spread}`);
  }
});

test('a join (through a thread boundary) maps the other column high words and appends at any seam', () => {
  for (const [n1, n2] of [[0, 10], [10, 0], [CHUNK, CHUNK], [CHUNK - 1, 2], [CHUNK + 5, 2 * CHUNK + 9], [3, 400]]) {
    const a = sample(n1 + 7, n1, 3);
    const b = sample(n2 + 11, n2, 300);
    const c = filled(a);
    c.pushFrom(U64Column.revive(structuredClone(filled(b))));
    const more = [0xdead_beef_0000_0001n, 5n];
    for (const v of more) c.push(v);
    assert.deepEqual(readAll(c), [...a, ...b, ...more], `${n1} + ${n2}`);
  }
});
