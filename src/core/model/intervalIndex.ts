/**
 * Range events (an invalidation, a migrate_vma window, a 2 MiB split CLEAR) stored once and resolved per
 * page on demand: sorted by first page, with a running maximum of last pages so a stabbing query walks back
 * only over intervals that can still cover the page. The running maximum is kept per block of 16 intervals
 * (a walk looks at most 16 intervals more; 8 bytes per block instead of per interval: 3.1 MB less at 256 MiB). Whole-address-space ranges (exit's UNMAP [0, ~0))
 * would defeat the running maximum, so very large ranges sit in a short separate list.
 */

import { lowerBound } from '../sorted';
import { Float64Log, Int32Log } from './replayLog';

const HUGE_PAGES = 1 << 18; // 1 GiB of 4 KiB pages
const BLOCK_SHIFT = 4;

export class IntervalIndex {
  /** While building, in typed logs: 411k ranges at 256 MiB held about 23 MB of boxed vpns in JS arrays. */
  private starts = new Float64Log(16);
  private ends = new Float64Log(16);
  private ids = new Int32Log(16);
  private readonly huge: { s: number; e: number; id: number }[] = [];
  private sStart?: Float64Array;
  /** end - start: at most HUGE_PAGES, so 4 bytes instead of a second vpn (1.6 MB less at 256 MiB). */
  private sLen?: Uint32Array;
  private sId?: Int32Array;
  /** maxEnd[b]: the largest end of the intervals before block b + 1. */
  private maxEnd?: Float64Array;

  /** [startVpn, endVpn) */
  add(startVpn: number, endVpn: number, id: number): void {
    if (endVpn <= startVpn) endVpn = startVpn + 1;
    if (endVpn - startVpn > HUGE_PAGES) {
      this.huge.push({ s: startVpn, e: endVpn, id });
      return;
    }
    this.starts.push(startVpn);
    this.ends.push(endVpn);
    this.ids.push(id);
  }

  finish(): void {
    const n = this.starts.length;
    const starts = this.starts.data;
    const ends = this.ends.data;
    const ids = this.ids.data;
    const order = byStartThenId(starts, ids, n);
    this.sStart = new Float64Array(n);
    this.sLen = new Uint32Array(n);
    this.sId = new Int32Array(n);
    this.maxEnd = new Float64Array((n >> BLOCK_SHIFT) + 1);
    let m = -Infinity;
    for (let i = 0; i < n; i++) {
      const o = order[i];
      this.sStart[i] = starts[o];
      this.sLen[i] = ends[o] - starts[o];
      this.sId[i] = ids[o];
      m = Math.max(m, ends[o]);
      this.maxEnd[i >> BLOCK_SHIFT] = m;
    }
    this.starts = new Float64Log(1);
    this.ends = new Float64Log(1);
    this.ids = new Int32Log(1);
  }

  /** Ids of intervals covering the page, ascending. */
  stab(vpn: number): number[] {
    const out: number[] = [];
    for (const h of this.huge) if (h.s <= vpn && vpn < h.e) out.push(h.id);
    // intervals are sorted by start: the ones over vpn start at or before it
    const lo = lowerBound(this.sStart!, vpn, true);
    for (let i = lo - 1; i >= 0 && this.maxEnd![i >> BLOCK_SHIFT] > vpn; i--) {
      if (this.sStart![i] + this.sLen![i] > vpn) out.push(this.sId![i]);
    }
    return out.sort((a, b) => a - b);
  }

  /** How many intervals contain `vpn` (stab(vpn).length without making the list). */
  stabCount(vpn: number): number {
    let n = 0;
    for (const h of this.huge) if (h.s <= vpn && vpn < h.e) n++;
    // intervals are sorted by start: the ones over vpn start at or before it
    const lo = lowerBound(this.sStart!, vpn, true);
    for (let i = lo - 1; i >= 0 && this.maxEnd![i >> BLOCK_SHIFT] > vpn; i--) if (this.sStart![i] + this.sLen![i] > vpn) n++;
    return n;
  }

  get size(): number {
    return (this.sStart?.length ?? this.starts.length) + this.huge.length;
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
