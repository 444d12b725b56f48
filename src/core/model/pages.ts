/**
 * The pages of every address space: a page exists once an event names it (a migrate_vma window, a
 * migration PTE, a fault on a device page, a device-exclusive conversion, a fork copying the parent's), and
 * carries its state intervals and the page-granular events that touched it. Range events are not copied
 * here: they live once in the per-address-space interval index and are joined on demand.
 *
 * A page is a number, its index in the table. While placement and the replay run, the table finds a page
 * by (space, vpn) in one hash for all spaces (pageHash.ts), keeps each page's current state and appends
 * (page, event) and (page, event, state) to chunked logs; compact() then numbers the pages again so each
 * address space's pages are contiguous and in vpn order, and groups both logs by page in place
 * (replayLog.ts), the grouped logs being the packed lists. An interval's start time is its event's
 * timestamp, so only the event id is kept.
 *
 * At 1 GiB (370k pages, 862k page events, 1.22 M state changes) the building state takes 28 MB of typed
 * arrays where doubling Int32 logs and a Map per space took 38 MB of arrays and 22.6 MB of JS heap at the end
 * of the replay, the build's peak; compact() then adds 6 MB (page numbers and offsets) where packing into
 * new arrays added 19.
 */

import type { AddressSpace } from './types';
import type { IntervalIndex } from './intervalIndex';
import { IntervalLog } from './intervalLog';
import { S_UNKNOWN } from './kinds';
import { lowerBoundBy } from '../sorted';
import { PageHash } from './pageHash';
import { Float64Log, Int32Log, Uint8Log, groupByPage, pageStarts } from './replayLog';

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 4096;
/** A migrate_vma window or exclusive range larger than this creates pages only for its first part. */
export const MAX_WINDOW_PAGES = 1 << 16;

/** The current state of a page no event has proved a state for yet (differs from every state). */
const NO_STATE = 255;

export class AddressSpacePages {
  readonly ranges: IntervalIndex;
  /** While building: the pages in the order they were made, a list through the table's next links. */
  private building = true;
  private head = -1;
  private tail = -1;
  /** While building: the pages by ascending vpn, made when asked and dropped when a page is added. */
  private sorted: Int32Array | undefined = undefined;
  /** After compact(): this space's pages are first .. first + count - 1, by ascending vpn. */
  private first = 0;
  private count = 0;

  constructor(
    readonly as: AddressSpace,
    private readonly table: PageTable,
    /** The space's number in the table (its pages' space in the page hash). */
    private readonly index: number,
  ) {
    this.ranges = table.intervals.index();
  }

  get size(): number {
    return this.count;
  }

  /** The first page of the space (after compact(): its pages are this one and the next size - 1). */
  get firstPage(): number {
    return this.first;
  }

  /** The page at `vpn`, made if it does not exist (while building). */
  ensure(vpn: number): number {
    let p = this.table.lookup(this.index, vpn);
    if (p < 0) {
      p = this.table.add(vpn, this.index);
      if (this.tail < 0) this.head = p;
      else this.table.link(this.tail, p);
      this.tail = p;
      this.count++;
      this.sorted = undefined;
    }
    return p;
  }

  /** The page at `vpn`, -1 when there is none. */
  find(vpn: number): number {
    if (this.building) return this.table.lookup(this.index, vpn);
    const i = this.first + lowerBoundBy(this.count, (k) => this.table.vpnOf(this.first + k), vpn);
    return i < this.first + this.count && this.table.vpnOf(i) === vpn ? i : -1;
  }

  /** Pages in [startVpn, endVpn), by ascending vpn. */
  inRange(startVpn: number, endVpn: number): number[] {
    const sorted = this.building ? this.sortedPages() : undefined;
    const first = this.first;
    const at = sorted ? (i: number) => sorted[i] : (i: number) => first + i;
    const n = this.size;
    const out: number[] = [];
    for (let i = lowerBoundBy(n, (k) => this.table.vpnOf(at(k)), startVpn); i < n; i++) {
      const p = at(i);
      if (this.table.vpnOf(p) >= endVpn) break;
      out.push(p);
    }
    return out;
  }

  /** While building: the vpns of the pages, in the order they were made. */
  vpns(): number[] {
    const out: number[] = [];
    for (let p = this.head; p >= 0; p = this.table.nextOf(p)) out.push(this.table.vpnOf(p));
    return out;
  }

  /** While building: [vpn, page] of every page, in the order they were made (pages made meanwhile included). */
  *entries(): IterableIterator<[number, number]> {
    for (let p = this.head; p >= 0; p = this.table.nextOf(p)) yield [this.table.vpnOf(p), p];
  }

  /**
   * While building: the pages by ascending vpn. A space's vpns nearly always span few enough pages that
   * (vpn - lowest) * count + position is an exact key: one native sort of the keys gives each page by its
   * position, where sorting the vpns and looking each page up again in the hash cost a few cache misses a page
   * (370k pages at 1 GiB).
   */
  sortedPages(): Int32Array {
    if (!this.sorted) {
      const n = this.count;
      const made = new Int32Array(n);
      const vpns = new Float64Array(n);
      let low = Infinity;
      let high = -Infinity;
      let i = 0;
      for (let p = this.head; p >= 0; p = this.table.nextOf(p)) {
        const v = this.table.vpnOf(p);
        if (v < low) low = v;
        if (v > high) high = v;
        made[i] = p;
        vpns[i++] = v;
      }
      const sorted = new Int32Array(n);
      if ((high - low + 1) * n <= Number.MAX_SAFE_INTEGER) {
        for (i = 0; i < n; i++) vpns[i] = (vpns[i] - low) * n + i;
        vpns.sort();
        for (i = 0; i < n; i++) sorted[i] = made[vpns[i] % n];
      } else {
        vpns.sort();
        for (i = 0; i < n; i++) sorted[i] = this.table.lookup(this.index, vpns[i]);
      }
      this.sorted = sorted;
    }
    return this.sorted;
  }

  /** Numbers this space's pages from `first` on by ascending vpn (renumber[old] = new); the next free number. */
  seal(first: number, renumber: Int32Array): number {
    const sorted = this.sortedPages();
    for (let i = 0; i < sorted.length; i++) renumber[sorted[i]] = first + i;
    this.first = first;
    this.building = false;
    this.head = this.tail = -1;
    this.sorted = undefined;
    return first + sorted.length;
  }
}

export class PageTable {
  readonly spaces = new Map<AddressSpace, AddressSpacePages>();
  /** The range events of all spaces (each space's IntervalIndex logs into it). */
  readonly intervals = new IntervalLog();
  private pageCount = 0;
  /** Per page, its vpn (by the numbers of compact() once it ran). */
  private vpnLog = new Float64Log();
  /** While building: each page's space (its number), the next page made in that space (-1: none yet), the hash. */
  private spaceLog = new Int32Log();
  private nextLog = new Int32Log();
  private byVpn: PageHash | undefined = new PageHash(this.vpnLog, this.spaceLog);
  /** While building: each page's current state (NO_STATE before its first). */
  private curLog = new Uint8Log();
  /**
   * (page, event) and (page, event, state) as logged; after compact() the event and state logs are grouped by
   * page (page p's are evStart[p] .. evStart[p + 1] - 1, its events ascending; likewise stStart).
   */
  private evPage = new Int32Log();
  private evId = new Int32Log();
  private stPage = new Int32Log();
  private stId = new Int32Log();
  private stState = new Uint8Log();
  private evStart: Int32Array = new Int32Array(1);
  private stStart: Int32Array = new Int32Array(1);
  private sealed = false;

  space(as: AddressSpace): AddressSpacePages {
    let s = this.spaces.get(as);
    if (!s) this.spaces.set(as, (s = new AddressSpacePages(as, this, this.spaces.size)));
    return s;
  }

  /** The page at (as, vpn), -1 when there is none. */
  get(as: AddressSpace, vpn: number): number {
    const s = this.spaces.get(as);
    return s ? s.find(vpn) : -1;
  }

  /** While building: the page of space number `space` at `vpn`, -1 when there is none. */
  lookup(space: number, vpn: number): number {
    return this.byVpn!.find(space, vpn);
  }

  /** A new page of space number `space` (AddressSpacePages.ensure). */
  add(vpn: number, space: number): number {
    this.vpnLog.push(vpn);
    this.curLog.push(NO_STATE);
    this.spaceLog.push(space);
    this.nextLog.push(-1);
    this.byVpn!.insert(this.pageCount);
    return this.pageCount++;
  }

  /** While building: page q was made after page p in their space. */
  link(p: number, q: number): void {
    this.nextLog.set(p, q);
  }

  /** While building: the page made after p in its space, -1 for none. */
  nextOf(p: number): number {
    return this.nextLog.get(p);
  }

  vpnOf(p: number): number {
    return this.vpnLog.get(p);
  }

  /** The page's current (after compact(): final) state. */
  cur(p: number): number {
    if (this.sealed) {
      const end = this.stStart[p + 1];
      return end > this.stStart[p] ? this.stState.get(end - 1) : S_UNKNOWN;
    }
    const c = this.curLog.get(p);
    return c === NO_STATE ? S_UNKNOWN : c;
  }

  /** While building: whether an event proved a state for the page. */
  hasState(p: number): boolean {
    return this.curLog.get(p) !== NO_STATE;
  }

  /** While building: the page enters `state`, proved by event `id` (a repeat of the current state is no change). */
  setState(p: number, state: number, id: number): void {
    if (this.curLog.get(p) === state) return;
    this.curLog.set(p, state);
    this.stPage.push(p);
    this.stId.push(id);
    this.stState.push(state);
  }

  /** While building: a page-granular event of the page. */
  addEvent(p: number, id: number): void {
    this.evPage.push(p);
    this.evId.push(id);
  }

  /** While building: the (page, event) entries logged so far (placement logs them in ascending event order). */
  placedEvents(): PlacedEvents {
    return new PlacedEvents(this.evPage, this.evId, this.evId.length);
  }

  /** While building: each page's first event in the order they were added, -1 for none. */
  firstEvents(): Int32Array {
    const first = new Int32Array(this.pageCount).fill(-1);
    const pages = this.evPage;
    const ids = this.evId;
    for (let i = pages.length - 1; i >= 0; i--) first[pages.get(i)] = ids.get(i);
    return first;
  }

  /** After placement: the interval indexes are sorted, the pages listed by vpn. */
  finish(): void {
    this.intervals.finish();
    for (const s of this.spaces.values()) s.sortedPages();
  }

  /** After the replay: no page gains events or states any more; pages are numbered by space and vpn and packed. */
  compact(): void {
    if (this.sealed) return;
    const n = this.pageCount;
    const renumber = new Int32Array(n);
    let next = 0;
    for (const s of this.spaces.values()) next = s.seal(next, renumber);
    this.byVpn = undefined;
    this.spaceLog = new Int32Log();
    this.nextLog = new Int32Log();
    this.curLog = new Uint8Log();

    // grouped in place in the logs (no order array, no second copy), the page columns let go
    this.evStart = pageStarts(this.evPage, renumber, n);
    groupByPage(this.evPage, renumber, this.evStart, this.evId);
    this.evPage = new Int32Log();
    // each page's own events ascending (a relative's migration PTE is added by the replay after placement)
    for (let p = 0; p < n; p++) sortRun(this.evId, this.evStart[p], this.evStart[p + 1]);
    this.stStart = pageStarts(this.stPage, renumber, n);
    groupByPage(this.stPage, renumber, this.stStart, this.stId, this.stState);
    this.stPage = new Int32Log();
    renumberVpns(this.vpnLog, renumber);
    this.sealed = true;
  }

  /** After compact(): the page's own (page-granular) events, ascending. */
  eventsOf(p: number): Int32Array {
    return this.evId.slice(this.evStart[p], this.evStart[p + 1]);
  }

  eventCount(p: number): number {
    return this.evStart[p + 1] - this.evStart[p];
  }

  /** After compact(): how many state intervals the page has. */
  stateCount(p: number): number {
    return this.stStart[p + 1] - this.stStart[p];
  }

  /** After compact(): the page's i-th state. */
  stateOf(p: number, i: number): number {
    return this.stState.get(this.stStart[p] + i);
  }

  /** After compact(): the event that proved the page's i-th state. */
  stateIdOf(p: number, i: number): number {
    return this.stId.get(this.stStart[p] + i);
  }

  /** After compact(): the state after all events up to and including `id` (S_UNKNOWN before the first proof). */
  stateAt(p: number, id: number, inclusive: boolean): number {
    let s = S_UNKNOWN;
    for (let i = this.stStart[p]; i < this.stStart[p + 1]; i++) {
      const at = this.stId.get(i);
      if (at < id || (inclusive && at === id)) s = this.stState.get(i);
      else break;
    }
    return s;
  }
}

/** Entries 0 .. length - 1 of a page table's event log, read by position while the log grows behind them. */
export class PlacedEvents {
  constructor(
    private readonly pages: Int32Log,
    private readonly ids: Int32Log,
    readonly length: number,
  ) {}

  id(i: number): number {
    return this.ids.get(i);
  }

  page(i: number): number {
    return this.pages.get(i);
  }
}

/** Sorts entries from .. to - 1 of the log ascending when they are not already (they nearly always are). */
function sortRun(log: Int32Log, from: number, to: number): void {
  for (let i = from + 1; i < to; i++) {
    if (log.get(i) < log.get(i - 1)) {
      // a view of one chunk sorts in place; a run across two chunks is a copy, written back
      const run = log.slice(from, to).sort();
      for (let k = 0; k < run.length; k++) log.set(from + k, run[k]);
      return;
    }
  }
}

/** Moves page p's vpn to renumber[p], in place (renumber is used up: positions are marked as they fill). */
function renumberVpns(vpns: Float64Log, renumber: Int32Array): void {
  for (let i = 0; i < renumber.length; i++) {
    for (let d = renumber[i]; d !== i; ) {
      const v = vpns.get(d);
      vpns.set(d, vpns.get(i));
      vpns.set(i, v);
      const next = renumber[d];
      renumber[d] = d;
      d = next;
    }
  }
}

export function vpnOf(addr: number): number {
  return Math.floor(addr / PAGE_SIZE);
}

/** [start, end) in bytes → [firstVpn, endVpn) */
export function vpnRange(start: number, end: number): [number, number] {
  const s = vpnOf(start);
  return [s, endVpn(s, end)];
}

/** The vpn past a range from page `firstVpn` to byte `end` (at least one page): vpnRange's end without its array. */
export function endVpn(firstVpn: number, end: number): number {
  return Math.max(firstVpn + 1, Math.ceil(end / PAGE_SIZE));
}

export function pageHex(vpn: number): string {
  return `0x${(vpn * PAGE_SIZE).toString(16)}`;
}
