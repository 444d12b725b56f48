import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PageTable } from '../../../src/core/model/pages';
import { S_DEVICE, S_SYSTEM, S_TO_DEVICE, S_UNKNOWN } from '../../../src/core/model/kinds';
import { CHUNK, Float64Log, Int32Log, Uint8Log, groupByPage, pageStarts } from '../../../src/core/model/replayLog';

const BASE = 0x7f0000000; // a vpn above 2^31, as user addresses have

/** Every page's states, their events and its own events, read back after compact(). */
function readBack(t: PageTable): Record<string, { states: number[]; ids: number[]; events: number[]; cur: number }> {
  const out: Record<string, { states: number[]; ids: number[]; events: number[]; cur: number }> = {};
  for (const sp of t.spaces.values()) {
    for (let p = sp.firstPage; p < sp.firstPage + sp.size; p++) {
      const states: number[] = [];
      const ids: number[] = [];
      for (let i = 0; i < t.stateCount(p); i++) {
        states.push(t.stateOf(p, i));
        ids.push(t.stateIdOf(p, i));
      }
      out[`${sp.as}:${t.vpnOf(p) - BASE}`] = { states, ids, events: [...t.eventsOf(p)], cur: t.cur(p) };
    }
  }
  return out;
}

test('a page reads back the states and events recorded for it, its events ascending, pages by space and vpn', () => {
  const t = new PageTable();
  const a = t.space(1);
  const b = t.space(2);
  const a5 = a.ensure(BASE + 5);
  const a1 = a.ensure(BASE + 1);
  const b3 = b.ensure(BASE + 3);
  const a9 = a.ensure(BASE + 9);
  t.addEvent(a5, 10);
  t.addEvent(a1, 11);
  t.addEvent(a5, 14);
  t.addEvent(b3, 12);
  t.finish();
  assert.equal(t.cur(a5), S_UNKNOWN);
  assert.equal(t.hasState(a5), false);
  t.setState(a5, S_TO_DEVICE, 20);
  t.setState(a5, S_TO_DEVICE, 21); // a repeat is no change
  t.setState(b3, S_SYSTEM, 22);
  t.setState(a5, S_DEVICE, 23);
  t.addEvent(a5, 13); // a relative's PTE removal, added by the replay after placement
  t.setState(a1, S_UNKNOWN, 24); // an unknown first state is still an interval
  assert.equal(t.cur(a5), S_DEVICE);
  assert.deepEqual(a.inRange(BASE + 2, BASE + 10), [a5, a9]);
  assert.deepEqual([...t.firstEvents()], [10, 11, 12, -1]);
  t.compact();
  assert.deepEqual(readBack(t), {
    '1:1': { states: [S_UNKNOWN], ids: [24], events: [11], cur: S_UNKNOWN },
    '1:5': { states: [S_TO_DEVICE, S_DEVICE], ids: [20, 23], events: [10, 13, 14], cur: S_DEVICE },
    '1:9': { states: [], ids: [], events: [], cur: S_UNKNOWN },
    '2:3': { states: [S_SYSTEM], ids: [22], events: [12], cur: S_SYSTEM },
  });
  // after compact() pages are found by binary search
  const p5 = a.find(BASE + 5);
  assert.equal(t.vpnOf(p5), BASE + 5);
  assert.equal(a.find(BASE + 4), -1);
  assert.equal(t.get(2, BASE + 3), b.firstPage);
  assert.equal(t.get(3, BASE + 3), -1);
  assert.deepEqual(a.inRange(BASE + 2, BASE + 10).map((p) => t.vpnOf(p) - BASE), [5, 9]);
  assert.equal(t.stateAt(p5, 20, false), S_UNKNOWN);
  assert.equal(t.stateAt(p5, 20, true), S_TO_DEVICE);
  assert.equal(t.stateAt(p5, 23, false), S_TO_DEVICE);
  assert.equal(t.stateAt(p5, 99, true), S_DEVICE);
});

test('while building, pages are found by space and vpn and listed in the order they were made', () => {
  const t = new PageTable();
  const a = t.space(1);
  const b = t.space(2);
  const made = [BASE + 7, BASE + 2, 2 ** 52 - 1, BASE + 9];
  const pa = made.map((v) => a.ensure(v));
  const pb = b.ensure(BASE + 7);
  assert.notEqual(pb, pa[0]);
  assert.equal(a.ensure(BASE + 7), pa[0]);
  assert.equal(a.find(BASE + 2), pa[1]);
  assert.equal(t.get(1, 2 ** 52 - 1), pa[2]);
  assert.equal(a.find(BASE + 3), -1);
  assert.equal(b.find(BASE + 2), -1);
  assert.equal(t.get(3, BASE + 7), -1);
  assert.deepEqual(a.vpns(), made);
  assert.deepEqual([...a.entries()], made.map((v, i) => [v, pa[i]]));
  assert.equal(a.size, 4);
  assert.equal(b.size, 1);
  // a page made while the pages are listed is listed too, as a Map lists an entry set meanwhile
  const seen: number[] = [];
  for (const [v] of a.entries()) {
    seen.push(v);
    if (v === BASE + 9) a.ensure(BASE + 1);
  }
  assert.deepEqual(seen, [...made, BASE + 1]);
  assert.deepEqual([...a.sortedPages()].map((p) => t.vpnOf(p)), [BASE + 1, BASE + 2, BASE + 7, BASE + 9, 2 ** 52 - 1]);
  t.compact();
  assert.deepEqual(a.inRange(0, 2 ** 53).map((p) => t.vpnOf(p)), [BASE + 1, BASE + 2, BASE + 7, BASE + 9, 2 ** 52 - 1]);
  assert.equal(a.find(2 ** 52 - 1), a.firstPage + 4);
  assert.equal(b.find(BASE + 7), b.firstPage);
});

test('packed in place: runs across a chunk seam read back whole and ascending, vpns follow the new page numbers', () => {
  const t = new PageTable();
  const a = t.space(1);
  const b = t.space(2);
  const made = [b.ensure(BASE + 1), a.ensure(BASE + 9), a.ensure(BASE + 3)];
  const want = made.map(() => [] as number[]);
  for (let i = 0; i < CHUNK + 100; i++) {
    const k = i % 7 === 0 ? 1 : i % 2 === 0 ? 0 : 2;
    t.addEvent(made[k], i + 10);
    want[k].push(i + 10);
  }
  t.finish();
  // after renumbering space 2's page comes last: its run crosses the first chunk's end; an earlier event joins it
  t.addEvent(made[0], 5);
  want[0].unshift(5);
  for (let k = 0; k < 3; k++) for (let s = 0; s < 3; s++) t.setState(made[k], s % 2 === 0 ? S_DEVICE : S_SYSTEM, 100 + 3 * k + s);
  t.compact();
  const found = [b.find(BASE + 1), a.find(BASE + 9), a.find(BASE + 3)];
  assert.deepEqual(found, [2, 1, 0]);
  found.forEach((p, k) => {
    assert.deepEqual([...t.eventsOf(p)], want[k]);
    assert.equal(t.eventCount(p), want[k].length);
    assert.deepEqual([0, 1, 2].map((i) => [t.stateOf(p, i), t.stateIdOf(p, i)]), [[S_DEVICE, 100 + 3 * k], [S_SYSTEM, 101 + 3 * k], [S_DEVICE, 102 + 3 * k]]);
    assert.equal(t.cur(p), S_DEVICE);
    assert.equal(t.stateAt(p, 101 + 3 * k, false), S_DEVICE);
    assert.equal(t.stateAt(p, 101 + 3 * k, true), S_SYSTEM);
  });
  assert.deepEqual([0, 1, 2].map((p) => t.vpnOf(p) - BASE), [3, 9, 1]);
});

test('a log grows past its capacity and groups stably by page', () => {
  const pages = new Int32Log();
  const ids = new Int32Log();
  const want: number[][] = [[], [], []];
  for (let i = 0; i < 100; i++) {
    const p = (i * 7) % 3;
    pages.push(p);
    ids.push(i);
    want[p].push(i);
  }
  const start = pageStarts(pages, Int32Array.of(0, 1, 2), 3);
  assert.equal(ids.length, 100);
  assert.deepEqual(Array.from({ length: 100 }, (_, i) => ids.get(i)), want.flat().sort((x, y) => x - y));
  groupByPage(pages, Int32Array.of(0, 1, 2), start, ids);
  const got = [0, 1, 2].map((p) => [...ids.slice(start[p], start[p + 1])]);
  assert.deepEqual(got, want);
});

test('chunked logs read back what was pushed and set across chunk boundaries, and group ids with states by page in place', () => {
  for (const n of [0, 1, 63, 64, 65, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17]) {
    const pages = new Int32Log();
    const ids = new Int32Log();
    const states = new Uint8Log();
    const vpns = new Float64Log();
    const want: [number, number][][] = Array.from({ length: 5 }, () => []);
    for (let i = 0; i < n; i++) {
      const p = (i * 2654435761) % 5;
      pages.push(p);
      ids.push(i === 7 ? -(2 ** 31) : i);
      states.push(i & 255);
      vpns.push(2 ** 52 - i);
    }
    for (let i = 0; i < n; i += 3) states.set(i, 255 - (i & 255));
    for (let i = 0; i < n; i++) {
      assert.equal(vpns.get(i), 2 ** 52 - i);
      want[pages.get(i)].push([ids.get(i), states.get(i)]);
    }
    const renumber = Int32Array.of(4, 3, 2, 1, 0);
    const start = pageStarts(pages, renumber, 5);
    groupByPage(pages, renumber, start, ids, states);
    for (let p = 0; p < 5; p++) {
      const g = renumber[p];
      const got = [...ids.slice(start[g], start[g + 1])].map((id, k) => [id, states.get(start[g] + k)]);
      assert.deepEqual(got, want[p], `n ${n} page ${p}`);
    }
    // a run across a chunk seam reads back as one copy, one inside a chunk as a view
    if (n > CHUNK + 1) {
      assert.deepEqual([...ids.slice(CHUNK - 1, CHUNK + 1)], [ids.get(CHUNK - 1), ids.get(CHUNK)]);
      assert.equal(ids.slice(1, 3).buffer, ids.chunks[0].buffer);
    }
  }
});

test('while building, a space lists its pages by vpn whether its vpns span little (one keyed sort) or much (sort, then lookups)', () => {
  let seed = 11;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
  for (const spread of [64, 5000, 2 ** 40]) {
    const t = new PageTable();
    const other = t.space(9);
    const a = t.space(1);
    const want = new Set<number>();
    for (let i = 0; i < 3000; i++) {
      const v = BASE + rand(spread);
      want.add(v);
      a.ensure(v);
      // pages of another space in between: the page numbers of `a` are not consecutive
      if (i % 3 === 0) other.ensure(v);
    }
    const sorted = [...want].sort((x, y) => x - y);
    const pages = [...a.sortedPages()];
    assert.deepEqual(pages.map((p) => t.vpnOf(p)), sorted);
    assert.deepEqual(pages, sorted.map((v) => a.find(v)));
    // a page made afterwards is listed in its place
    a.ensure(BASE - 1);
    assert.equal(t.vpnOf(a.sortedPages()[0]), BASE - 1);
  }
});
