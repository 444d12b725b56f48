/**
 * The range events of every address space of a page table, logged as placement meets them, then grouped by
 * space and sorted once into the shared arrays the spaces' IntervalIndexes search (intervalIndex.ts).
 *
 * Why one log for all spaces: 4860 address spaces at 1 GiB each grew their own three doubling logs (start,
 * end, id: 20 bytes an interval plus up to as much spare, and a dead copy at each growth) for 1.62 M
 * intervals. One chunked log (replayLog.ts) keeps per interval the low 32 bits of the first page, the length
 * and the id (10 bytes), and the space and the high 32 bits once per run of intervals sharing both (placement
 * meets events in runs of one task: 2.4k runs for 408k intervals at 256 MiB). finish() copies each run to its
 * space's group (the same 10 bytes, which become the sorted arrays) and releases the log chunks as it goes,
 * then sorts each group in place with a scratch of 26 bytes an interval of that space.
 */

import { BLOCK_SHIFT, HI, IntervalIndex, LONG, type SortedRanges } from './intervalIndex';
import { CHUNK, Int32Log, Uint16Log, copyRange } from './replayLog';

export class IntervalLog {
  private readonly indexes: IntervalIndex[] = [];
  /** Per interval: start - hi * 2^32 (as int32), length (LONG: see longLen), event id. */
  private lo = new Int32Log();
  private lens = new Uint16Log();
  private ids = new Int32Log();
  /** Per run of intervals of one space and one hi: its first interval, the space and hi. */
  private runAt = new Int32Log();
  private runOwner = new Int32Log();
  private runHi = new Int32Log();
  private lastOwner = -1;
  private lastHi = NaN;
  /** The lengths of LONG pages or more, by position in the log (ascending, as added). */
  private longLen = new Map<number, number>();

  /** The index of a new address space. */
  index(): IntervalIndex {
    const ix = new IntervalIndex(this, this.indexes.length);
    this.indexes.push(ix);
    return ix;
  }

  /** Interval [start, start + len) of the space `owner` (IntervalIndex.add). */
  add(owner: number, start: number, len: number, id: number): void {
    const hi = Math.floor(start / HI);
    if (owner !== this.lastOwner || hi !== this.lastHi) {
      this.runAt.push(this.ids.length);
      this.runOwner.push((this.lastOwner = owner));
      this.runHi.push((this.lastHi = hi));
    }
    if (len >= LONG) {
      this.longLen.set(this.ids.length, len);
      len = LONG;
    }
    this.lo.push(start - hi * HI);
    this.lens.push(len);
    this.ids.push(id);
  }

  /** After placement: every space's intervals sorted by (start, id) into one SortedRanges; the log let go. */
  finish(): void {
    const n = this.ids.length;
    const runs = this.runAt.length;
    const spaces = this.indexes.length;
    const runEnd = (r: number) => (r + 1 < runs ? this.runAt.get(r + 1) : n);
    // where each space's group starts, and where each of its runs lands in it
    const first = new Int32Array(spaces + 1);
    const firstRun = new Int32Array(spaces + 1);
    for (let r = 0; r < runs; r++) {
      first[this.runOwner.get(r) + 1] += runEnd(r) - this.runAt.get(r);
      firstRun[this.runOwner.get(r) + 1]++;
    }
    for (let o = 0; o < spaces; o++) {
      first[o + 1] += first[o];
      firstRun[o + 1] += firstRun[o];
    }
    const groupAt = new Int32Array(runs);
    const groupHi = new Float64Array(runs);
    const lo = new Uint32Array(n);
    const len = new Uint16Array(n);
    const id = new Int32Array(n);
    const groupedLong = new Map<number, number>();
    const fill = first.slice(0, spaces);
    const fillRun = firstRun.slice(0, spaces);
    const long = this.longLen.entries();
    let nextLong = long.next();
    let released = 0;
    for (let r = 0; r < runs; r++) {
      const o = this.runOwner.get(r);
      const a = this.runAt.get(r);
      const b = runEnd(r);
      const at = fill[o];
      fill[o] += b - a;
      groupAt[fillRun[o]] = at;
      groupHi[fillRun[o]++] = this.runHi.get(r);
      copyRange(this.lo.chunks, a, b, lo, at);
      copyRange(this.lens.chunks, a, b, len, at);
      copyRange(this.ids.chunks, a, b, id, at);
      for (; !nextLong.done && nextLong.value[0] < b; nextLong = long.next()) groupedLong.set(at + nextLong.value[0] - a, nextLong.value[1]);
      for (; (released + 1) * CHUNK <= b; released++) {
        this.lo.release(released);
        this.lens.release(released);
        this.ids.release(released);
      }
    }
    this.lo = new Int32Log();
    this.lens = new Uint16Log();
    this.ids = new Int32Log();
    this.runAt = new Int32Log();
    this.runOwner = new Int32Log();
    this.runHi = new Int32Log();
    this.longLen = new Map();

    // each group sorted in place; first pages split again into runs of equal hi, now in sorted order
    const sorted: SortedRanges = { lo, len, id, maxEnd: new Float64Array((n >> BLOCK_SHIFT) + 1), runStart: new Int32Array(0), runHi: new Float64Array(0), longLen: new Map() };
    const runStart: number[] = [];
    const runHi: number[] = [];
    const spaceRuns = new Int32Array(spaces + 1);
    for (let o = 0; o < spaces; o++) {
      spaceRuns[o] = runStart.length;
      sortGroup(sorted, groupedLong, first[o], first[o + 1], groupAt.subarray(firstRun[o], firstRun[o + 1]), groupHi.subarray(firstRun[o], firstRun[o + 1]), runStart, runHi);
    }
    spaceRuns[spaces] = runStart.length;
    runStart.push(n);
    sorted.runStart = Int32Array.from(runStart);
    sorted.runHi = Float64Array.from(runHi);
    for (let o = 0; o < spaces; o++) this.indexes[o].seal(sorted, spaceRuns[o], spaceRuns[o + 1]);
  }
}

/**
 * Sorts one space's group from .. to - 1 of `s` by (start, id) in place, its runs (first position, hi) given
 * in `at`/`hi`; appends the sorted runs of equal hi, sets the group's long lengths and its maxEnd blocks.
 */
function sortGroup(s: SortedRanges, groupedLong: Map<number, number>, from: number, to: number, at: Int32Array, hi: Float64Array, runStart: number[], runHi: number[]): void {
  const count = to - from;
  if (count === 0) return;
  const starts = new Float64Array(count);
  for (let r = 0; r < at.length; r++) {
    const base = hi[r] * HI;
    const end = r + 1 < at.length ? at[r + 1] : to;
    for (let i = at[r]; i < end; i++) starts[i - from] = base + s.lo[i];
  }
  const order = byStartThenId(starts, s.id.subarray(from, to), count);
  const lens = s.len.slice(from, to);
  const ids = s.id.slice(from, to);
  let h = NaN;
  let m = -Infinity;
  for (let k = 0; k < count; k++) {
    const src = order[k];
    const i = from + k;
    const start = starts[src];
    let l = lens[src];
    s.len[i] = l;
    s.id[i] = ids[src];
    if (l === LONG) {
      l = groupedLong.get(from + src)!;
      s.longLen.set(i, l);
    }
    const sh = Math.floor(start / HI);
    if (sh !== h) {
      runStart.push(i);
      runHi.push((h = sh));
    }
    s.lo[i] = start - sh * HI;
    m = Math.max(m, start + l);
    // a block shared with the previous space keeps the larger bound
    if (m > s.maxEnd[i >> BLOCK_SHIFT]) s.maxEnd[i >> BLOCK_SHIFT] = m;
  }
}

/**
 * Positions 0..n-1 ordered by (start, id). Placement adds ranges in id order, so ties keep their position:
 * the order is then one native sort of (start - min) * n + position (the 411k ranges of 256 MiB: 51 → 37 ms
 * cpu against a comparator sort). Falls back to a comparator when ids are not ascending or the key would
 * not be exact.
 */
function byStartThenId(starts: Float64Array, ids: Int32Array, n: number): Int32Array {
  const order = new Int32Array(n);
  let min = Infinity;
  let max = -Infinity;
  let ascending = true;
  for (let i = 0; i < n; i++) {
    if (starts[i] < min) min = starts[i];
    if (starts[i] > max) max = starts[i];
    if (i > 0 && ids[i] < ids[i - 1]) ascending = false;
  }
  if (!ascending || (max - min + 1) * n > Number.MAX_SAFE_INTEGER) {
    for (let i = 0; i < n; i++) order[i] = i;
    return order.sort((x, y) => starts[x] - starts[y] || ids[x] - ids[y]);
  }
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = (starts[i] - min) * n + i;
  keys.sort();
  for (let i = 0; i < n; i++) order[i] = keys[i] % n;
  return order;
}
