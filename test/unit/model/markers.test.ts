/** The marker table answers as the plain marker list it replaces: length, at, slice, and a time window. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Marker } from '../../../src/core/model/types';
import { markerTableOf } from '../detect/fakeModel';

const make = (ts: number[]): Marker[] => ts.map((t, i) => ({ id: i * 3, line: i * 4 + 1, ts: t, pid: 7, text: `m${i}` }));

function windowOf(all: Marker[], from: number, to: number, cap: number): { total: number; markers: Marker[] } {
  const inw = all.filter((m) => m.ts >= from && m.ts <= to);
  return { total: inw.length, markers: inw.slice(0, cap) };
}

test('length, at and slice as an array, Array.prototype.slice arguments included', () => {
  for (const all of [make([]), make([5]), make([1, 2, 2, 3, 9, 9, 10])]) {
    const t = markerTableOf(all);
    assert.equal(t.length, all.length);
    for (const i of [-1, 0, 1, all.length - 1, all.length, 2.5, NaN]) assert.deepEqual(t.at(i), Number.isInteger(i) && i >= 0 ? all[i] : undefined, `at ${i}`);
    assert.deepEqual(t.slice(), all);
    const args: [number?, number?][] = [[0], [2], [1, 3], [-2], [-100, 100], [3, 1], [0, -1], [NaN, 2], [1, Infinity], [0.5, 2.7]];
    for (const [a, b] of args) assert.deepEqual(t.slice(a, b), all.slice(a, b), `slice(${a}, ${b})`);
  }
});

test('a window counts every marker in it and lists the first `cap`, sorted or not', () => {
  const sorted = make(Array.from({ length: 1000 }, (_, i) => 100 + Math.floor(i / 4) * 10));
  const unsorted = make(Array.from({ length: 1000 }, (_, i) => 100 + ((i * 7919) % 1000)));
  for (const all of [sorted, unsorted, [...sorted].reverse(), make([])]) {
    const t = markerTableOf(all);
    for (const [from, to] of [[0, 1e12], [100, 100], [105, 195], [110, 110], [2000, 3000], [500, 400], [-Infinity, Infinity]]) {
      for (const cap of [0, 1, 7, 500, 5000]) assert.deepEqual(t.inWindow(from, to, cap), windowOf(all, from, to, cap), `[${from}, ${to}] cap ${cap}`);
    }
  }
});
