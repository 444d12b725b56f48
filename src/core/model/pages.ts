/**
 * The pages of every address space: a page exists once an event names it (a migrate_vma window, a
 * migration PTE, a fault on a device page, a device-exclusive conversion, a fork copying the parent's), and
 * carries its state intervals and the page-granular events that touched it. Range events are not copied
 * here: they live once in the per-address-space interval index and are joined on demand.
 */

import type { AddressSpace } from './types';
import { IntervalIndex } from './intervalIndex';
import { S_UNKNOWN } from './kinds';
import { lowerBound } from '../sorted';

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 4096;
/** A migrate_vma window or exclusive range larger than this creates pages only for its first part. */
export const MAX_WINDOW_PAGES = 1 << 16;

export class PageRec {
  events: number[] = [];
  states: number[] = [];
  fromTs: number[] = [];
  ids: number[] = [];
  cur = S_UNKNOWN;

  constructor(
    readonly as: AddressSpace,
    readonly vpn: number,
  ) {}

  setState(state: number, id: number, ts: number): void {
    if (state === this.cur && this.states.length > 0) return;
    this.states.push(state);
    this.fromTs.push(ts);
    this.ids.push(id);
    this.cur = state;
  }

  /**
   * Once the replay is done the lists stop growing: exact-length copies drop the spare capacity a growing
   * array keeps (a page has a handful of entries, so the spare room was most of its memory).
   */
  compact(): void {
    this.events = this.events.slice();
    this.states = this.states.slice();
    this.fromTs = this.fromTs.slice();
    this.ids = this.ids.slice();
  }

  /** The state after all events up to and including `id` (S_UNKNOWN before the first proof). */
  stateAt(id: number, inclusive: boolean): number {
    let s = S_UNKNOWN;
    for (let i = 0; i < this.ids.length; i++) {
      if (this.ids[i] < id || (inclusive && this.ids[i] === id)) s = this.states[i];
      else break;
    }
    return s;
  }
}

export class AddressSpacePages {
  readonly pages = new Map<number, PageRec>();
  readonly ranges = new IntervalIndex();
  private sorted?: number[];

  constructor(readonly as: AddressSpace) {}

  ensure(vpn: number): PageRec {
    let p = this.pages.get(vpn);
    if (!p) {
      p = new PageRec(this.as, vpn);
      this.pages.set(vpn, p);
      this.sorted = undefined;
    }
    return p;
  }

  sortedVpns(): number[] {
    if (!this.sorted) this.sorted = [...this.pages.keys()].sort((a, b) => a - b);
    return this.sorted;
  }

  /** Pages in [startVpn, endVpn). */
  inRange(startVpn: number, endVpn: number): PageRec[] {
    const v = this.sortedVpns();
    const lo = lowerBound(v, startVpn);
    const out: PageRec[] = [];
    for (let i = lo; i < v.length && v[i] < endVpn; i++) out.push(this.pages.get(v[i])!);
    return out;
  }
}

export class PageTable {
  readonly spaces = new Map<AddressSpace, AddressSpacePages>();

  space(as: AddressSpace): AddressSpacePages {
    let s = this.spaces.get(as);
    if (!s) this.spaces.set(as, (s = new AddressSpacePages(as)));
    return s;
  }

  get(as: AddressSpace, vpn: number): PageRec | undefined {
    return this.spaces.get(as)?.pages.get(vpn);
  }

  finish(): void {
    for (const s of this.spaces.values()) {
      s.ranges.finish();
      s.sortedVpns();
    }
  }

  /** After the replay: no page gains events or states any more (see PageRec.compact). */
  compact(): void {
    for (const s of this.spaces.values()) for (const p of s.pages.values()) p.compact();
  }
}

export function vpnOf(addr: number): number {
  return Math.floor(addr / PAGE_SIZE);
}

/** [start, end) in bytes → [firstVpn, endVpn) */
export function vpnRange(start: number, end: number): [number, number] {
  const s = vpnOf(start);
  const e = Math.max(s + 1, Math.ceil(end / PAGE_SIZE));
  return [s, e];
}

export function pageHex(vpn: number): string {
  return `0x${(vpn * PAGE_SIZE).toString(16)}`;
}
