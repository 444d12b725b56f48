/**
 * Range events (an invalidation, a migrate_vma window, a 2 MiB split CLEAR) of one address space, stored once
 * and resolved per page on demand: sorted by first page, with a running maximum of last pages so a stabbing
 * query walks back only over intervals that can still cover the page. Whole-address-space ranges (exit's
 * UNMAP [0, ~0)) would defeat the running maximum, so very large ranges sit in a short separate list.
 *
 * The sorted intervals of all address spaces share one set of arrays (SortedRanges, built by intervalLog.ts),
 * this space's being its runs'. They keep 10 bytes an interval where each space's own arrays kept 16
 * (1.62 M intervals in 4860 spaces at 1 GiB: 25.5 → 16.2 MB, kept from placement on):
 * - a first page is up to 2^52 (a 64-bit address), but the first pages of a space ascend, so the high 32 bits
 *   change only a few times (user space: 0 to 7; 9.7k runs for 1.62 M intervals at 1 GiB): they are kept
 *   once per run, the low 32 bits per interval;
 * - a length is at most HUGE_PAGES but nearly always under 2^16 pages: 2 bytes, the few longer ones (1080 of
 *   1.62 M at 1 GiB) by position in a map;
 * - the running maximum is kept per block of 16 intervals (a walk looks at most 16 intervals more). A block
 *   may hold the end of one space and the start of the next: its maximum is the larger of theirs, still a
 *   bound for each, so a walk looks at most one block more.
 */

import type { IntervalLog } from './intervalLog';

export const HUGE_PAGES = 1 << 18; // 1 GiB of 4 KiB pages
export const BLOCK_SHIFT = 4;
/** A length stored as this is looked up in SortedRanges.longLen by position. */
export const LONG = 0xffff;
export const HI = 2 ** 32;

/** The sorted intervals of all spaces. Run r (hi bits runHi[r]) covers runStart[r] .. runStart[r + 1] - 1. */
export interface SortedRanges {
  lo: Uint32Array;
  len: Uint16Array;
  id: Int32Array;
  /** maxEnd[b]: a bound on the end of the intervals up to block b's end, in the space of each. */
  maxEnd: Float64Array;
  runStart: Int32Array;
  runHi: Float64Array;
  /** The lengths stored as LONG, by position. */
  longLen: Map<number, number>;
}

const NONE: SortedRanges = { lo: new Uint32Array(0), len: new Uint16Array(0), id: new Int32Array(0), maxEnd: new Float64Array(0), runStart: new Int32Array(1), runHi: new Float64Array(0), longLen: new Map() };

export class IntervalIndex {
  private readonly huge: { s: number; e: number; id: number }[] = [];
  private logged = 0;
  private sorted = NONE;
  private from = 0;
  private rFrom = 0;
  private rTo = 0;

  constructor(
    private readonly log: IntervalLog,
    private readonly owner: number,
  ) {}

  /** [startVpn, endVpn) */
  add(startVpn: number, endVpn: number, id: number): void {
    if (endVpn <= startVpn) endVpn = startVpn + 1;
    if (endVpn - startVpn > HUGE_PAGES) {
      this.huge.push({ s: startVpn, e: endVpn, id });
      return;
    }
    this.logged++;
    this.log.add(this.owner, startVpn, endVpn - startVpn, id);
  }

  /** Called by IntervalLog.finish(): this space's runs of `sorted` are rFrom .. rTo - 1. */
  seal(sorted: SortedRanges, rFrom: number, rTo: number): void {
    this.sorted = sorted;
    this.from = sorted.runStart[rFrom];
    this.rFrom = rFrom;
    this.rTo = rTo;
  }

  /** Ids of intervals covering the page, ascending. */
  stab(vpn: number): number[] {
    const out: number[] = [];
    for (const h of this.huge) if (h.s <= vpn && vpn < h.e) out.push(h.id);
    this.walk(vpn, out);
    return out.sort((a, b) => a - b);
  }

  /** How many intervals contain `vpn` (stab(vpn).length without making the list). */
  stabCount(vpn: number): number {
    let n = 0;
    for (const h of this.huge) if (h.s <= vpn && vpn < h.e) n++;
    return n + this.walk(vpn, undefined);
  }

  get size(): number {
    return this.logged + this.huge.length;
  }

  /** The sorted intervals over vpn, pushed to `out` when given; how many. */
  private walk(vpn: number, out: number[] | undefined): number {
    const s = this.sorted;
    const runStart = s.runStart;
    const runHi = s.runHi;
    const lo = s.lo;
    const hi = Math.floor(vpn / HI);
    // the first interval starting after vpn: past the runs of lower high bits, then by the low bits in vpn's run
    let r = this.rFrom;
    while (r < this.rTo && runHi[r] < hi) r++;
    let pos = runStart[r];
    if (r < this.rTo && runHi[r] === hi) {
      const low = vpn - hi * HI;
      let a = pos;
      let b = runStart[r + 1];
      while (a < b) {
        const mid = (a + b) >>> 1;
        if (lo[mid] <= low) a = mid + 1;
        else b = mid;
      }
      pos = a;
    }
    // intervals are sorted by start: the ones over vpn start before pos. Within a run, an interval covers vpn
    // when lo + len > vpn - the run's base (one integer comparison an interval).
    const from = this.from;
    const maxEnd = s.maxEnd;
    const len = s.len;
    const id = s.id;
    let floor = r < this.rTo ? runStart[r] : Infinity;
    let over = r < this.rTo ? vpn - runHi[r] * HI : 0;
    let n = 0;
    for (let i = pos - 1; i >= from && maxEnd[i >> BLOCK_SHIFT] > vpn; i--) {
      if (i < floor) {
        floor = runStart[--r];
        over = vpn - runHi[r] * HI;
      }
      const l = len[i];
      if (lo[i] + (l === LONG ? s.longLen.get(i)! : l) > over) {
        n++;
        if (out) out.push(id[i]);
      }
    }
    return n;
  }
}
