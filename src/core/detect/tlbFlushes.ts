/**
 * tlb:tlb_flush events, often the most frequent line of a trace (every context switch and every flush of a
 * range prints one), kept as two growing typed columns instead of objects: the detectors only ask "did a task
 * of this mm flush its TLB in this window". The event carries no mm, so the flushing task's address space
 * stands in for it.
 */

import type { AddressSpace } from '../model/types';
import { lowerBound } from '../sorted';

export class TlbFlushes {
  private ts: Float64Array;
  /** Index into `spaces` of each flush's address space. */
  private space: Int32Array;
  private readonly spaces: AddressSpace[] = [];
  private readonly spaceIndex = new Map<AddressSpace, number>();
  private n = 0;
  private lastSpace: AddressSpace | undefined;
  private lastIndex = -1;

  /**
   * `capacity`: how many flushes will be added, when known (the columns are then never grown: doubling them
   * allocated ~3× the 9.6 MB the 800k flushes of the 1 GiB bench need).
   */
  constructor(capacity = 1024) {
    this.ts = new Float64Array(Math.max(1, capacity));
    this.space = new Int32Array(Math.max(1, capacity));
  }

  add(ts: number, as: AddressSpace): void {
    if (this.n === this.ts.length) {
      const t = new Float64Array(this.n * 2);
      t.set(this.ts);
      this.ts = t;
      const s = new Int32Array(this.n * 2);
      s.set(this.space);
      this.space = s;
    }
    // flushes come in runs of one mm: the last one's index needs no lookup
    let k = this.lastIndex;
    if (as !== this.lastSpace || k < 0) {
      k = this.spaceIndex.get(as) ?? -1;
      if (k < 0) {
        k = this.spaces.length;
        this.spaces.push(as);
        this.spaceIndex.set(as, k);
      }
      this.lastSpace = as;
      this.lastIndex = k;
    }
    this.ts[this.n] = ts;
    this.space[this.n] = k;
    this.n++;
  }

  get count(): number {
    return this.n;
  }

  /** Whether a task of `as` flushed its TLB in [fromTs, toTs]. */
  flushed(as: AddressSpace, fromTs: number, toTs: number): boolean {
    const k = this.spaceIndex.get(as);
    if (k === undefined) return false;
    const ts = this.ts;
    // binary search over file order, like every fact list (Facts.inWindow): ftrace and trace-cmd print merged per-CPU
    // buffers in time order
    const lo = lowerBound(ts, fromTs, false, this.n);
    for (let i = lo; i < this.n && ts[i] <= toTs; i++) if (this.space[i] === k) return true;
    return false;
  }
}
