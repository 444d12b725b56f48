/**
 * The columns' push() fast paths (a value stored straight into the last chunk the column keeps at hand) must
 * store what the general path stores, and the chunk at hand must follow every change of the last chunk: a
 * value that does not fit (re-encode, wider width, Float64Array), set() of the last or an earlier value, a
 * joined part, a new chunk. Random sequences of those against the values pushed.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addresses, type Column, ids, lineCounts, lines, nearZero, offsets, rangeEnds, rare, reviveColumn, sparseIds, times } from '../../../src/core/model/columns';
import { buffersOf } from '../../../src/core/model/parallel';
import { seededRandom } from '../helpers';

const CHUNK = 65_536;

interface Kind {
  name: string;
  make: () => Column;
  /** A value that the fast path takes (near the one before), or an odd one now and then. */
  next: (prev: number, rnd: () => number) => number;
  /** Whether set() may change a value to `v` where `old` was (sparse columns neither insert nor remove). */
  settable?: (old: number, v: number) => boolean;
}

const ODD = [-0, 0.5, -7, 70_000, -70_000, 2 ** 33, 2 ** 40, 2 ** 53 + 2, NaN, 1e300];
const odd = (rnd: () => number): number => ODD[Math.floor(rnd() * ODD.length)];
const noneIs = (none: number) => (old: number, v: number) => Object.is(old, none) === Object.is(v, none) && !(Number.isNaN(none) && (Number.isNaN(old) !== Number.isNaN(v)));

const KINDS: Kind[] = [
  { name: 'offsets', make: offsets, next: (p, r) => (r() < 0.002 ? odd(r) : Math.max(0, (Number.isFinite(p) ? Math.floor(p) : 0) + Math.floor(r() * 300))) },
  { name: 'lines', make: lines, next: (p, r) => (r() < 0.002 ? odd(r) : (Number.isFinite(p) ? Math.floor(Math.abs(p)) : 0) + 1 + (r() < 0.01 ? 70_000 : 0)) },
  { name: 'times', make: times, next: (p, r) => (r() < 0.002 ? odd(r) : (Number.isFinite(p) ? Math.floor(Math.abs(p) / 1000) * 1000 : 5e12) + (r() < 0.9 ? 1000 * Math.floor(r() * 20) : Math.floor(r() * 99_999))) },
  // (-0 comes back as 0 or -0 depending on the width the column has by then: not pushed here)
  { name: 'ids', make: ids, next: (_p, r) => (r() < 0.003 ? odd(r) || 3 : r() < 0.05 ? Math.floor(r() * 70_000) : Math.floor(r() * 200)) },
  { name: 'small ids', make: ids, next: (_p, r) => Math.floor(r() * 200) },
  { name: 'sparseIds', make: sparseIds, next: (p, r) => (r() < 0.5 ? -1 : r() < 0.003 ? odd(r) : Math.max(0, (Number.isFinite(p) && p >= 0 ? Math.floor(p) : 0) + Math.floor(r() * 40) - (r() < 0.01 ? 90_000 : 0))) },
  { name: 'nearZero', make: () => nearZero(-4097), next: (_p, r) => (r() < 0.3 ? -4097 : r() < 0.003 ? odd(r) : Math.floor(r() * 40) - 20 - (r() < 0.01 ? 80_000 : 0)) },
  { name: 'rare', make: () => rare(-0x80000000), next: (_p, r) => (r() < 0.7 ? -0x80000000 : r() < 0.01 ? 2 ** 31 - 1 : Math.floor(r() * 30) - 11), settable: noneIs(-0x80000000) },
  { name: 'addresses', make: addresses, next: (_p, r) => (r() < 0.5 ? NaN : r() < 0.003 ? odd(r) : 0x7f00_0000_0000 + Math.floor(r() * 2 ** 36) * 4096), settable: noneIs(NaN) },
];

function sent(c: Column, like: Column): Column {
  const copy = structuredClone({ c }, { transfer: [...buffersOf({ c })] });
  return reviveColumn(copy.c, like);
}

function check(c: Column, want: number[], what: string): void {
  assert.equal(c.size, want.length, `${what}: size`);
  for (let i = 0; i < want.length; i++) if (!Object.is(c.get(i), want[i])) assert.fail(`${what} #${i}: ${c.get(i)} !== ${want[i]}`);
}

/** Applies `steps` to a fresh column and to a plain array; every value must read back. */
function run(kind: Kind, steps: ((c: Column, want: number[], next: () => number) => void)[], seed: number): void {
  const rnd = seededRandom(seed);
  let prev = 0;
  const next = (): number => (prev = kind.next(prev, rnd));
  const c = kind.make();
  const want: number[] = [];
  for (const step of steps) step(c, want, next);
  check(c, want, kind.name);
}

const pushes = (n: number) => (c: Column, want: number[], next: () => number) => {
  for (let k = 0; k < n; k++) {
    const v = next();
    c.push(v);
    want.push(v);
  }
};

/** Pushes, every other one then set() to `value(k)`: the push after a set() lands in the chunk the set() left. */
const setLast = (kind: Kind, n: number, value: (k: number) => number) => (c: Column, want: number[], next: () => number) => {
  const settable = kind.settable ?? (() => true);
  for (let k = 0; k < n; k++) {
    const v = next();
    c.push(v);
    want.push(v);
    const w = value(k);
    if (k % 2 === 0 && settable(v, w)) {
      c.set(want.length - 1, w);
      want[want.length - 1] = w;
    }
  }
};

const join = (kind: Kind, n: number) => (c: Column, want: number[], next: () => number) => {
  const part = kind.make();
  for (let k = 0; k < n; k++) {
    const v = next();
    part.push(v);
    want.push(v);
  }
  (c as unknown as { pushFrom(src: Column): void }).pushFrom(sent(part, kind.make()));
};

for (const kind of KINDS) {
  test(`${kind.name}: pushes after set() of the last value (wider, moved, exceptions, Float64Array), joins and new chunks read back`, () => {
    // ids: wider widths; the others: values far from the chunk's (a wider width, a moved base, more
    // exceptions than a chunk keeps), then ones no integer encoding holds
    const id = kind.name.endsWith('ids') && kind.name !== 'sparseIds';
    const wide = (k: number) => (id ? 300 + k * 40 : (70_000 + k) * (k % 4 === 0 ? -1 : 1));
    const worse = (k: number) => (id ? 2 ** 33 + k : ODD[k % ODD.length]);
    run(kind, [pushes(1_000), setLast(kind, 2_400, wide), pushes(3_000), setLast(kind, 40, worse), pushes(CHUNK), join(kind, 5_000), pushes(2_000), join(kind, CHUNK + 9), pushes(CHUNK)], 11);
    run(kind, [pushes(CHUNK - 1), setLast(kind, 3, wide), pushes(10), join(kind, 0), pushes(5), setLast(kind, 3, worse), pushes(CHUNK)], 12);
  });

  test(`${kind.name}: random pushes, set() of the last and earlier values and joins read back exactly`, () => {
    const rnd = seededRandom(kind.name.length * 7919);
    const settable = kind.settable ?? (() => true);
    const c = kind.make();
    const want: number[] = [];
    let prev = 0;
    while (want.length < 3 * CHUNK + 5_000) {
      const op = rnd();
      if (op < 0.002 && want.length > 0) {
        const i = rnd() < 0.5 ? want.length - 1 : Math.floor(rnd() * want.length);
        const v = rnd() < 0.5 ? kind.next(want[i], rnd) : kind.name.endsWith('ids') && kind.name !== 'sparseIds' ? 2 ** 20 + 0.5 : odd(rnd);
        if (settable(want[i], v)) {
          c.set(i, v);
          want[i] = v;
        }
      } else if (op < 0.0022) {
        const part = kind.make();
        const n = Math.floor(rnd() * 1.5 * CHUNK);
        for (let k = 0; k < n; k++) {
          prev = kind.next(prev, rnd);
          part.push(prev);
          want.push(prev);
        }
        (c as unknown as { pushFrom(src: Column): void }).pushFrom(sent(part, kind.make()));
      } else {
        prev = kind.next(prev, rnd);
        c.push(prev);
        want.push(prev);
      }
    }
    check(c, want, kind.name);
  });
}

test('line counts pushed with their lines are those pushed alone, through set(), joins and kept counts', () => {
  const rnd = seededRandom(4242);
  const lineA = lines();
  const countA = lineCounts(lineA);
  const lineB = lines();
  const countB = lineCounts(lineB);
  let line = 10;
  const want: number[] = [];
  for (let i = 0; i < 2 * CHUNK + 777; i++) {
    const n = rnd() < 0.05 ? 1 + Math.floor(rnd() * 30) : 1;
    line += rnd() < 0.01 ? -5 : rnd() < 0.02 ? n + 3 : want.length > 0 ? want[want.length - 1] : 1;
    lineA.push(line);
    countA.push(n);
    lineB.push(line);
    countB.pushWithLine(n, line);
    want.push(n);
    if (rnd() < 0.001) {
      const j = rnd() < 0.5 ? want.length - 1 : Math.floor(rnd() * want.length);
      want[j] = 1 + Math.floor(rnd() * 9);
      countA.set(j, want[j]);
      countB.set(j, want[j]);
    }
    if (i === CHUNK + 3) {
      // a joined part: its lines, then its counts, as importPart moves them (one copy of the part each)
      const partLines: number[] = [];
      for (let k = 0; k < 300; k++) {
        line += 2;
        partLines.push(line);
        want.push(2);
      }
      for (const [l, cnt] of [
        [lineA, countA],
        [lineB, countB],
      ] as const) {
        const pl = lines();
        const pc = lineCounts(pl);
        for (const x of partLines) {
          pl.push(x);
          pc.push(2);
        }
        l.pushFrom(sent(pl, lines()));
        cnt.pushFrom(pc);
      }
    }
  }
  for (let i = 0; i < want.length; i++) {
    assert.equal(countB.get(i), countA.get(i), `#${i}`);
    assert.equal(countB.get(i), want[i], `#${i}`);
  }
});

test('range ends pushed with their starts are those pushed alone (lengths, tables, wide chunks)', () => {
  const rnd = seededRandom(77);
  const a1 = addresses();
  const b1 = rangeEnds(a1);
  const a2 = addresses();
  const b2 = rangeEnds(a2);
  for (let i = 0; i < 2 * CHUNK + 99; i++) {
    const start = rnd() < 0.4 ? NaN : rnd() < 0.001 ? odd(rnd) : 0x7f00_0000_0000 + Math.floor(rnd() * 2 ** 30) * 4096;
    const end = rnd() < 0.1 ? NaN : rnd() < 0.01 ? 2 ** 64 - 1 : rnd() < 0.01 ? odd(rnd) : start + 4096 * (1 + Math.floor(rnd() * (i > CHUNK ? 400 : 20)));
    a1.push(start);
    b1.push(end);
    a2.push(start);
    b2.pushEnd(end, start);
  }
  for (let i = 0; i < b1.size; i++) if (!Object.is(b2.get(i), b1.get(i))) assert.fail(`#${i}: ${b2.get(i)} !== ${b1.get(i)}`);
});
