/**
 * Range events (an invalidation, a migrate_vma window, a 2 MiB split CLEAR) stored once and resolved per
 * page on demand: sorted by first page, with a running maximum of last pages so a stabbing query walks back
 * only over intervals that can still cover the page. Whole-address-space ranges (exit's UNMAP [0, ~0))
 * would defeat the running maximum, so very large ranges sit in a short separate list.
 */

import { lowerBound } from '../sorted';

const HUGE_PAGES = 1 << 18; // 1 GiB of 4 KiB pages

export class IntervalIndex {
  private starts: number[] = [];
  private ends: number[] = [];
  private ids: number[] = [];
  private readonly huge: { s: number; e: number; id: number }[] = [];
  private sStart?: Float64Array;
  private sEnd?: Float64Array;
  private sId?: Int32Array;
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
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((x, y) => this.starts[x] - this.starts[y] || this.ids[x] - this.ids[y]);
    this.sStart = new Float64Array(n);
    this.sEnd = new Float64Array(n);
    this.sId = new Int32Array(n);
    this.maxEnd = new Float64Array(n);
    let m = -Infinity;
    for (let i = 0; i < n; i++) {
      const o = order[i];
      this.sStart[i] = this.starts[o];
      this.sEnd[i] = this.ends[o];
      this.sId[i] = this.ids[o];
      m = Math.max(m, this.ends[o]);
      this.maxEnd[i] = m;
    }
    this.starts = [];
    this.ends = [];
    this.ids = [];
  }

  /** Ids of intervals covering the page, ascending. */
  stab(vpn: number): number[] {
    const out: number[] = [];
    for (const h of this.huge) if (h.s <= vpn && vpn < h.e) out.push(h.id);
    // intervals are sorted by start: the ones over vpn start at or before it
    const lo = lowerBound(this.sStart!, vpn, true);
    for (let i = lo - 1; i >= 0 && this.maxEnd![i] > vpn; i--) {
      if (this.sEnd![i] > vpn) out.push(this.sId![i]);
    }
    return out.sort((a, b) => a - b);
  }

  /** How many intervals contain `vpn` (stab(vpn).length without making the list). */
  stabCount(vpn: number): number {
    let n = 0;
    for (const h of this.huge) if (h.s <= vpn && vpn < h.e) n++;
    // intervals are sorted by start: the ones over vpn start at or before it
    const lo = lowerBound(this.sStart!, vpn, true);
    for (let i = lo - 1; i >= 0 && this.maxEnd![i] > vpn; i--) if (this.sEnd![i] > vpn) n++;
    return n;
  }

  get size(): number {
    return (this.sStart?.length ?? this.starts.length) + this.huge.length;
  }
}
