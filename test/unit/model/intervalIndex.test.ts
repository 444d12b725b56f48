import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IntervalIndex } from '../../../src/core/model/intervalIndex';

test('a range is stored once and found from every page it covers, and only from those', () => {
  const ix = new IntervalIndex();
  const base = 0x7f0000000; // vpn
  ix.add(base, base + 512, 1); // a 2 MiB CLEAR
  ix.add(base + 10, base + 11, 2); // one page
  ix.add(base + 600, base + 608, 3);
  ix.add(0, 2 ** 52, 4); // exit's UNMAP of the whole address space
  ix.finish();
  assert.equal(ix.size, 4);
  assert.deepEqual(ix.stab(base), [1, 4]);
  assert.deepEqual(ix.stab(base + 10), [1, 2, 4]);
  assert.deepEqual(ix.stab(base + 511), [1, 4]);
  assert.deepEqual(ix.stab(base + 512), [4]);
  assert.deepEqual(ix.stab(base + 607), [3, 4]);
  assert.deepEqual(ix.stab(base - 1), [4]);
});

test('stabbing stays correct when a long range precedes many short ones', () => {
  const ix = new IntervalIndex();
  ix.add(0, 1000, 0);
  for (let i = 1; i <= 500; i++) ix.add(i * 2, i * 2 + 1, i);
  ix.finish();
  assert.deepEqual(ix.stab(999), [0]);
  assert.deepEqual(ix.stab(500), [0, 250]);
});

test('ranges added out of id order, or spread too far for one sort key, are ordered by start then id all the same', () => {
  const outOfOrder = new IntervalIndex();
  outOfOrder.add(10, 20, 7);
  outOfOrder.add(10, 12, 3);
  outOfOrder.add(5, 11, 9);
  outOfOrder.finish();
  assert.deepEqual(outOfOrder.stab(10), [3, 7, 9]);
  assert.deepEqual(outOfOrder.stab(15), [7]);
  const far = new IntervalIndex();
  const top = 2 ** 51; // (top - 0 + 1) * 3 ranges exceeds 2^53
  far.add(top, top + 2, 1);
  far.add(0, 2, 2);
  far.add(top, top + 1, 3);
  far.finish();
  assert.deepEqual(far.stab(top), [1, 3]);
  assert.deepEqual(far.stab(top + 1), [1]);
  assert.deepEqual(far.stab(1), [2]);
});

test('stabbing finds exactly the intervals a scan of every interval finds', () => {
  let seed = 7;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
  const ix = new IntervalIndex();
  const all: [number, number, number][] = [];
  for (let id = 0; id < 3000; id++) {
    const s = rand(5000);
    const e = s + 1 + (rand(10) === 0 ? rand(2000) : rand(8));
    all.push([s, e, id]);
    ix.add(s, e, id);
  }
  ix.finish();
  for (let vpn = 0; vpn < 7100; vpn += 3) {
    const want = all.filter(([s, e]) => s <= vpn && vpn < e).map(([, , id]) => id);
    assert.deepEqual(ix.stab(vpn), want);
    assert.equal(ix.stabCount(vpn), want.length);
  }
});
