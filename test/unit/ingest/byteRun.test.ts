/** ByteRun compares words through a DataView and then bytes: it must answer as a byte-by-byte compare. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteRun } from '../../../src/core/ingest/byteRun';
import { Interner } from '../../../src/core/ingest/bytes';
import { seededRandom } from '../helpers';

function sameBytes(a: Uint8Array, as: number, b: Uint8Array, bs: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (a[as + k] !== b[bs + k]) return false;
  return true;
}

test('a run matches exactly the places holding its bytes, at any offset of any buffer view', () => {
  const rnd = seededRandom(3);
  // a small alphabet so that near misses (one byte off, in any position of a word) are common
  const pool = Buffer.from(Array.from({ length: 4096 }, () => 97 + Math.floor(rnd() * 3)));
  let hits = 0;
  for (let i = 0; i < 20000; i++) {
    const n = Math.floor(rnd() * 70);
    const from = Math.floor(rnd() * (pool.length - n));
    const run = new ByteRun(pool, from, from + n);
    // a view with its own byteOffset, as the read buffers' subarrays have
    const cut = Math.floor(rnd() * 7);
    const view = pool.subarray(cut);
    const at = Math.floor(rnd() * (view.length - n));
    const probe = rnd() < 0.3 ? from - cut : at;
    if (probe < 0) continue;
    const want = sameBytes(pool, from, view, probe, n);
    assert.equal(run.matches(view, probe), want, JSON.stringify([n, from, cut, probe]));
    if (want) hits++;
  }
  assert.ok(hits > 5000, `${hits} matches`);
});

test('the interner gives one string per distinct run and the right string for every run', () => {
  const rnd = seededRandom(5);
  const words = ['sh', 'kworker/u16:3', 'hmmtrace', 'migrate_vma_setup+0x201/0x220', 'é-ü', 'a', '', 'dmirror_interval_invalidate.constprop.0'];
  const interner = new Interner();
  const seen = new Map<string, string>();
  for (let i = 0; i < 5000; i++) {
    const w = words[Math.floor(rnd() * words.length)];
    const pad = ' '.repeat(Math.floor(rnd() * 5));
    const buf = Buffer.from(`${pad}${w}|`);
    const got = interner.get(buf, pad.length, pad.length + Buffer.byteLength(w));
    assert.equal(got, w);
    const first = seen.get(w) ?? got;
    seen.set(w, first);
    assert.ok(Object.is(got, first));
  }
});
