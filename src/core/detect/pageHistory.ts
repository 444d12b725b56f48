/**
 * The proven states of pages (pagestate.ts): each step is a finalize PTE that showed where a page went, at a
 * time and event id, in replay order (migrations by setup time, their PTE lines in time order). Steps are added
 * while the migrations replay, then sealed into columns sorted by page, so "the page's state before this time"
 * is a binary search over pages and one over the page's steps.
 *
 * Columns, not a list per page: the 256 MiB bench proves ~100k steps; lists of [ts, state, id] grown step by
 * step held ~24 bytes a step plus a Map entry a page, and their outgrown copies were promoted garbage (~4 MB
 * sampled there, ~4× at 1 GiB). Sealed, a step is 13 bytes (time, state, event id).
 */

import type { AddressSpace } from '../model/types';
import { lowerBound } from '../sorted';

/** Page keys are exact up to these bounds (space × 2^37 + vpn < 2^53); beyond them the rows are sorted by comparison. */
const MAX_SPACE = 2 ** 15;
const MAX_VPN = 2 ** 37;

/**
 * Row indexes ordered by page (space, vpn), a page's rows in add order. A comparator sort calls back into JS ~20
 * times a row (the 400k steps of the 1 GiB bench); here the distinct page keys sort natively (a Float64Array
 * sorted without a comparator) and the rows are placed by a counting sort over their page's rank, which is stable.
 */
export function rowsByPage(space: Int32Array, vpn: Float64Array, n: number): Int32Array {
  const order = new Int32Array(n);
  // the keys, sorted in place and made distinct; a row's key is computed again when it is ranked
  const pages = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = vpn[i];
    if (!(space[i] >= 0 && space[i] < MAX_SPACE && v >= 0 && v < MAX_VPN && Number.isInteger(v))) {
      for (let k = 0; k < n; k++) order[k] = k;
      return order.sort((a, b) => space[a] - space[b] || vpn[a] - vpn[b] || a - b);
    }
    pages[i] = space[i] * MAX_VPN + v;
  }
  pages.sort();
  let distinct = 0;
  for (let k = 0; k < n; k++) if (k === 0 || pages[k] !== pages[distinct - 1]) pages[distinct++] = pages[k];
  // rank of each row's page, then the first slot of each rank
  const rank = new Int32Array(n);
  const slot = new Int32Array(distinct + 1);
  for (let i = 0; i < n; i++) {
    const r = (rank[i] = lowerBound(pages, space[i] * MAX_VPN + vpn[i], false, distinct));
    slot[r + 1]++;
  }
  for (let r = 0; r < distinct; r++) slot[r + 1] += slot[r];
  for (let i = 0; i < n; i++) order[slot[rank[i]]++] = i;
  return order;
}

/** A growing typed column while steps are added. */
function grow<T extends Float64Array | Int32Array | Uint8Array>(a: T, make: (n: number) => T): T {
  const b = make(a.length * 2);
  b.set(a);
  return b;
}

export class PageHistory {
  private readonly spaceCode = new Map<AddressSpace, number>();
  // while adding: one row per step, in replay order
  private space: Int32Array;
  private vpn: Float64Array;
  private ts: Float64Array;
  private code: Uint8Array;
  private id: Int32Array;
  private n = 0;
  // sealed: pages sorted by (space, vpn), each with its steps [first[p], first[p + 1]) in replay order
  private pageSpace = new Int32Array(0);
  private pageVpn = new Float64Array(0);
  private first = new Int32Array(1);
  /** 1 when the page's steps were not added in (ts, event id) order: searched linearly. */
  private unordered = new Uint8Array(0);

  /**
   * `capacity`: how many steps will likely be added (every finalize PTE line at most, nearly always): the add-time
   * columns are then not grown by doubling, which allocated ~3× their final size (25 bytes a step).
   */
  constructor(capacity = 256) {
    const n = Math.max(1, capacity);
    this.space = new Int32Array(n);
    this.vpn = new Float64Array(n);
    this.ts = new Float64Array(n);
    this.code = new Uint8Array(n);
    this.id = new Int32Array(n);
  }

  add(as: AddressSpace, vpn: number, ts: number, code: number, eventId: number): void {
    if (this.n === this.ts.length) {
      this.space = grow(this.space, (k) => new Int32Array(k));
      this.vpn = grow(this.vpn, (k) => new Float64Array(k));
      this.ts = grow(this.ts, (k) => new Float64Array(k));
      this.code = grow(this.code, (k) => new Uint8Array(k));
      this.id = grow(this.id, (k) => new Int32Array(k));
    }
    let c = this.spaceCode.get(as);
    if (c === undefined) this.spaceCode.set(as, (c = this.spaceCode.size));
    const i = this.n++;
    this.space[i] = c;
    this.vpn[i] = vpn;
    this.ts[i] = ts;
    this.code[i] = code;
    this.id[i] = eventId;
  }

  /** Every step is in: rows sorted by page (replay order kept within a page), the add-time columns dropped. */
  seal(): void {
    const n = this.n;
    const { space, vpn } = this;
    const order = rowsByPage(space, vpn, n);
    const ts = new Float64Array(n);
    const code = new Uint8Array(n);
    const id = new Int32Array(n);
    let pages = 0;
    for (let k = 0; k < n; k++) if (k === 0 || space[order[k]] !== space[order[k - 1]] || vpn[order[k]] !== vpn[order[k - 1]]) pages++;
    this.pageSpace = new Int32Array(pages);
    this.pageVpn = new Float64Array(pages);
    this.first = new Int32Array(pages + 1);
    this.unordered = new Uint8Array(pages);
    let p = -1;
    for (let k = 0; k < n; k++) {
      const i = order[k];
      const newPage = k === 0 || space[i] !== space[order[k - 1]] || vpn[i] !== vpn[order[k - 1]];
      if (newPage) {
        p++;
        this.pageSpace[p] = space[i];
        this.pageVpn[p] = vpn[i];
        this.first[p] = k;
      } else if (this.ts[i] < ts[k - 1] || (this.ts[i] === ts[k - 1] && this.id[i] < id[k - 1])) {
        // migrations replay in setup order and their PTE lines in time order, so a page's steps nearly always
        // come in (ts, event id) order; the rare page whose steps do not is searched linearly
        this.unordered[p] = 1;
      }
      ts[k] = this.ts[i];
      code[k] = this.code[i];
      id[k] = this.id[i];
    }
    this.first[pages] = n;
    this.ts = ts;
    this.code = code;
    this.id = id;
    this.space = new Int32Array(0);
    this.vpn = new Float64Array(0);
  }

  /** The page's index among the sealed pages, or -1. */
  private page(as: AddressSpace, vpn: number): number {
    const c = this.spaceCode.get(as);
    if (c === undefined) return -1;
    let lo = 0;
    let hi = this.pageSpace.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.pageSpace[mid] < c || (this.pageSpace[mid] === c && this.pageVpn[mid] < vpn)) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.pageSpace.length && this.pageSpace[lo] === c && this.pageVpn[lo] === vpn ? lo : -1;
  }

  /**
   * The state code of the page's last step (in replay order) that precedes (ts, beforeId), or -1 when the page
   * has no proven step before then.
   */
  codeBefore(as: AddressSpace, vpn: number, ts: number, beforeId: number): number {
    const p = this.page(as, vpn);
    if (p < 0) return -1;
    const from = this.first[p];
    const to = this.first[p + 1];
    const precedes = (k: number) => this.ts[k] < ts || (this.ts[k] === ts && this.id[k] < beforeId);
    if (this.unordered[p]) {
      let best = -1;
      for (let k = from; k < to; k++) if (precedes(k)) best = this.code[k];
      return best;
    }
    // a page migrated back and forth all through a long capture has one step per migration
    let lo = from;
    let hi = to;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (precedes(mid)) lo = mid + 1;
      else hi = mid;
    }
    return lo > from ? this.code[lo - 1] : -1;
  }
}
