import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IntervalLog } from '../../../src/core/model/intervalLog';

test('a range is stored once and found from every page it covers, and only from those', () => {
  const log = new IntervalLog();
  const ix = log.index();
  const base = 0x7f0000000; // vpn
  ix.add(base, base + 512, 1); // a 2 MiB CLEAR
  ix.add(base + 10, base + 11, 2); // one page
  ix.add(base + 600, base + 608, 3);
  ix.add(0, 2 ** 52, 4); // exit's UNMAP of the whole address space
  log.finish();
  assert.equal(ix.size, 4);
  assert.deepEqual(ix.stab(base), [1, 4]);
  assert.deepEqual(ix.stab(base + 10), [1, 2, 4]);
  assert.deepEqual(ix.stab(base + 511), [1, 4]);
  assert.deepEqual(ix.stab(base + 512), [4]);
  assert.deepEqual(ix.stab(base + 607), [3, 4]);
  assert.deepEqual(ix.stab(base - 1), [4]);
});

test('stabbing stays correct when a long range precedes many short ones', () => {
  const log = new IntervalLog();
  const ix = log.index();
  ix.add(0, 1000, 0);
  for (let i = 1; i <= 500; i++) ix.add(i * 2, i * 2 + 1, i);
  log.finish();
  assert.deepEqual(ix.stab(999), [0]);
  assert.deepEqual(ix.stab(500), [0, 250]);
});

test('ranges added out of id order, or spread too far for one sort key, are ordered by start then id all the same', () => {
  const outLog = new IntervalLog();
  const outOfOrder = outLog.index();
  outOfOrder.add(10, 20, 7);
  outOfOrder.add(10, 12, 3);
  outOfOrder.add(5, 11, 9);
  outLog.finish();
  assert.deepEqual(outOfOrder.stab(10), [3, 7, 9]);
  assert.deepEqual(outOfOrder.stab(15), [7]);
  const farLog = new IntervalLog();
  const far = farLog.index();
  const top = 2 ** 51; // (top - 0 + 1) * 3 ranges exceeds 2^53
  far.add(top, top + 2, 1);
  far.add(0, 2, 2);
  far.add(top, top + 1, 3);
  farLog.finish();
  assert.deepEqual(far.stab(top), [1, 3]);
  assert.deepEqual(far.stab(top + 1), [1]);
  assert.deepEqual(far.stab(1), [2]);
});

test('stabbing finds exactly the intervals a scan of every interval finds', () => {
  let seed = 7;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
  const log = new IntervalLog();
  const ix = log.index();
  const all: [number, number, number][] = [];
  for (let id = 0; id < 3000; id++) {
    const s = rand(5000);
    const e = s + 1 + (rand(10) === 0 ? rand(2000) : rand(8));
    all.push([s, e, id]);
    ix.add(s, e, id);
  }
  log.finish();
  for (let vpn = 0; vpn < 7100; vpn += 3) {
    const want = all.filter(([s, e]) => s <= vpn && vpn < e).map(([, , id]) => id);
    assert.deepEqual(ix.stab(vpn), want);
    assert.equal(ix.stabCount(vpn), want.length);
  }
});

test('spaces sharing one log, added interleaved across chunk boundaries, each find exactly their own intervals', () => {
  let seed = 11;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
  const log = new IntervalLog();
  const spaces = [log.index(), log.index(), log.index(), log.index()]; // the last one stays empty
  const all: [number, number, number, number][] = [];
  // user space (high bits 0 to 7), the top of a 64-bit address space, and both sides of a 2^32-page boundary
  const bases = [0x7f0000000, 2 ** 52 - 5000, 2 ** 33 - 3000];
  for (let id = 0; id < 70_000; id++) {
    const sp = rand(3);
    const s = bases[sp] + rand(6000);
    const r = rand(200);
    const len = r === 0 ? 0xffff + rand(3) - 1 : r === 1 ? 70_000 + rand(1000) : 1 + rand(8);
    all.push([sp, s, s + len, id]);
    spaces[sp].add(s, s + len, id);
  }
  log.finish();
  for (let sp = 0; sp < 3; sp++) {
    for (let vpn = bases[sp] - 2; vpn < bases[sp] + 6000 + 71_100; vpn += vpn < bases[sp] + 6100 ? 7 : 997) {
      const want = all.filter(([o, s, e]) => o === sp && s <= vpn && vpn < e).map(([, , , id]) => id);
      assert.deepEqual(spaces[sp].stab(vpn), want, `space ${sp} vpn ${vpn}`);
      assert.equal(spaces[sp].stabCount(vpn), want.length);
    }
  }
  assert.deepEqual(spaces[3].stab(bases[0] + 10), []);
  assert.equal(spaces[3].size, 0);
  assert.equal(spaces[0].size + spaces[1].size + spaces[2].size, all.length);
});

test('lengths at the 2-byte limit and the huge limit, and a range over the last page of a 64-bit space', () => {
  const log = new IntervalLog();
  const ix = log.index();
  const top = 2 ** 52; // the vpn of address 2^64 (0xffffffffffffffff as a double)
  ix.add(100, 100 + 0xfffe, 1);
  ix.add(100, 100 + 0xffff, 2);
  ix.add(100, 100 + 0x10000, 3);
  ix.add(100, 100 + 2 ** 18, 4); // the longest that is not huge
  ix.add(100, 100 + 2 ** 18 + 1, 5); // huge
  ix.add(top - 1, top, 6);
  ix.add(top - 2 ** 18, top, 7);
  ix.add(7, 7, 8); // empty: one page
  log.finish();
  assert.equal(ix.size, 8);
  assert.deepEqual(ix.stab(100 + 0xfffd), [1, 2, 3, 4, 5]);
  assert.deepEqual(ix.stab(100 + 0xfffe), [2, 3, 4, 5]);
  assert.deepEqual(ix.stab(100 + 0xffff), [3, 4, 5]);
  assert.deepEqual(ix.stab(100 + 2 ** 18 - 1), [4, 5]);
  assert.deepEqual(ix.stab(100 + 2 ** 18), [5]);
  assert.deepEqual(ix.stab(top - 1), [6, 7]);
  assert.deepEqual(ix.stab(top - 2), [7]);
  assert.deepEqual(ix.stab(top), []);
  assert.deepEqual(ix.stab(7), [8]);
  assert.deepEqual(ix.stab(8), []);
});

test('an index with nothing sorted yet, or made after the log was finished, finds only its huge ranges', () => {
  const log = new IntervalLog();
  const before = log.index();
  before.add(0, 2 ** 40, 1);
  assert.deepEqual(before.stab(5), [1]);
  log.finish();
  const after = log.index();
  assert.deepEqual(after.stab(5), []);
  assert.equal(after.stabCount(5), 0);
  assert.deepEqual(before.stab(5), [1]);
  const empty = new IntervalLog();
  empty.finish();
  assert.deepEqual(empty.index().stab(0), []);
});
