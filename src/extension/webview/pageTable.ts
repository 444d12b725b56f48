/**
 * The Pages table's data: filter, sort and slice the model's page summaries for one visible window of the
 * virtualised table, and count the findings that name each page. Pure (no vscode), so it is unit-tested.
 *
 * The model answers `pages()` once per analysis; the table then asks for slices of a filtered, sorted view
 * of that list, which is cached per (filter, sort) so scrolling costs a slice and nothing else.
 */

import type { Finding } from '../../core/detect/types';
import type { AddressSpace, PageState, PageSummary } from '../../core/model/types';
import { parseAddress, LIMITS, type PageColumn, type PageQuery, type PageRow, type PagesResult } from '../../protocol';

export interface FindingsByPage {
  get(as: AddressSpace, vpn: number): { count: number; rules: string[] } | undefined;
}

/**
 * Which findings name which pages (address space → page number → count and distinct rules). Keyed by
 * numbers, not `as:vpn` strings: the table looks up every page of the trace, 10^5 and more.
 */
export function indexFindingsByPage(findings: readonly Finding[]): FindingsByPage {
  const spaces = new Map<string, Map<number, { count: number; rules: string[] }>>();
  for (const f of findings) {
    if (f.as === null) continue;
    const asKey = String(f.as);
    let pages = spaces.get(asKey);
    if (!pages) spaces.set(asKey, (pages = new Map()));
    for (const p of f.pages) {
      const addr = parseAddress(p);
      if (addr === undefined) continue;
      const vpn = Math.floor(addr / 4096);
      let e = pages.get(vpn);
      if (!e) pages.set(vpn, (e = { count: 0, rules: [] }));
      e.count++;
      if (!e.rules.includes(f.rule)) e.rules.push(f.rule);
    }
  }
  return { get: (as, vpn) => spaces.get(String(as))?.get(vpn) };
}

/** State order for sorting: the order a page goes through when it migrates to the device and back. */
const STATE_ORDER: Record<PageState, number> = {
  unknown: 0,
  system: 1,
  'migrating-to-device': 2,
  'device-private': 3,
  'migrating-to-system': 4,
  'device-exclusive': 5,
  unmapped: 6,
};

function compareAs(a: AddressSpace, b: AddressSpace): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

type Filter = Omit<PageQuery, 'offset' | 'limit' | 'sort'>;

/**
 * The pages of one analysis as columns, with one sorted index per column built on first use (or all at once
 * by `prepare()`, when the analysis arrives). A query filters by walking the sorted index (linear, no sort)
 * and testing numbers only: address-space rank, page address, and bit masks of the states a page passed
 * through and of the rules that name it (a text search first turns into the masks and address spaces it
 * matches, so only the page address is compared as text). The filtered view is cached until the filter
 * or the sort changes, so scrolling is a slice. Rows are materialised only for the slice sent.
 */
export class PageTable {
  private readonly findings: Uint32Array;
  private readonly rules: (string[] | undefined)[];
  private readonly asRank: Float64Array;
  /** Distinct address spaces in sort order (asRank indexes this). */
  private readonly spaces: AddressSpace[];
  private readonly addr: Float64Array;
  /** Bit STATE_ORDER[s] set when the page passed through state s. */
  private readonly stateBits: Uint8Array;
  /** Bit r set when a finding of ruleNames[r] names the page (rules beyond 32 are matched by name). */
  private readonly ruleBits: Uint32Array;
  private readonly ruleNames: string[];
  private readonly orders = new Map<PageColumn, Uint32Array>();
  private view: { key: string; ids: Uint32Array } | undefined;

  constructor(
    private readonly pages: readonly PageSummary[],
    byPage: FindingsByPage,
  ) {
    const n = pages.length;
    this.findings = new Uint32Array(n);
    this.rules = new Array<string[] | undefined>(n);
    this.addr = new Float64Array(n);
    this.stateBits = new Uint8Array(n);
    this.ruleBits = new Uint32Array(n);
    const ruleNo = new Map<string, number>();
    this.ruleNames = [];
    pages.forEach((p, i) => {
      this.addr[i] = p.vpn * 4096;
      let bits = 0;
      for (const st of p.states) bits |= 1 << STATE_ORDER[st];
      this.stateBits[i] = bits;
      const f = byPage.get(p.as, p.vpn);
      if (f) {
        this.findings[i] = f.count;
        this.rules[i] = f.rules;
        let rb = 0;
        for (const rule of f.rules) {
          let r = ruleNo.get(rule);
          if (r === undefined) ruleNo.set(rule, (r = this.ruleNames.push(rule) - 1));
          if (r < 32) rb |= 1 << r;
        }
        this.ruleBits[i] = rb;
      }
    });
    // address spaces are few: rank them once so sorting compares numbers
    this.spaces = [...new Set(pages.map((p) => p.as))].sort(compareAs);
    const rank = new Map<AddressSpace, number>(this.spaces.map((a, i) => [a, i]));
    this.asRank = Float64Array.from(pages, (p) => rank.get(p.as) ?? 0);
  }

  get size(): number {
    return this.pages.length;
  }

  /** Builds every sort order now (when the analysis arrives) rather than on the first click on a column. */
  prepare(): void {
    for (const c of ['page', 'as', 'states', 'final', 'events', 'findings'] as const) this.order(c);
    this.addressLines();
  }

  private order(column: PageColumn): Uint32Array {
    let ids = this.orders.get(column);
    if (ids) return ids;
    const p = this.pages;
    const n = p.length;
    if (column === 'page' || column === 'as') {
      // by (page, address space) or (address space, page): the base order every other column refines
      const [major, minor] = column === 'page' ? [(i: number) => p[i].vpn, (i: number) => this.asRank[i]] : [(i: number) => this.asRank[i], (i: number) => p[i].vpn];
      ids = sortByPacked(n, major, minor) ?? sortByCompare(n, (a, b) => major(a) - major(b) || minor(a) - minor(b));
    } else {
      const key = (i: number): number =>
        column === 'states' ? p[i].states.length : column === 'final' ? STATE_ORDER[p[i].final] : column === 'events' ? p[i].events : this.findings[i];
      // ties keep page order, so every order is total and the same across queries
      const base = this.order('page');
      const pos = new Uint32Array(n);
      for (let k = 0; k < n; k++) pos[base[k]] = k;
      ids = sortByPacked(n, key, (i) => pos[i]) ?? sortByCompare(n, (a, b) => key(a) - key(b) || pos[a] - pos[b]);
    }
    this.orders.set(column, ids);
    return ids;
  }

  /** Every page address in id order, one per line, and where each starts: built on the first text search. */
  private addresses: { text: string; starts: Int32Array } | undefined;

  /**
   * Pages whose address contains `text` (lower case): one indexOf scan over all addresses joined, instead
   * of a string test per page in sort order (which, on 10^5 pages, is mostly cache misses).
   */
  private addressLines(): { text: string; starts: Int32Array } {
    if (!this.addresses) {
      const starts = new Int32Array(this.pages.length + 1);
      let at = 0;
      this.pages.forEach((p, i) => {
        starts[i] = at;
        at += p.page.length + 1;
      });
      starts[this.pages.length] = at;
      this.addresses = { text: this.pages.map((p) => p.page.toLowerCase()).join('\n'), starts };
    }
    return this.addresses;
  }

  private addressHits(text: string): Uint8Array {
    const { text: all, starts } = this.addressLines();
    const hit = new Uint8Array(this.pages.length);
    if (text.includes('\n')) return hit;
    let page = 0;
    for (let at = all.indexOf(text); at !== -1; ) {
      // the page whose line holds this occurrence (lines are in id order, so the search only moves forward)
      while (starts[page + 1] <= at) page++;
      hit[page] = 1;
      at = all.indexOf(text, starts[page + 1]);
    }
    return hit;
  }

  /**
   * The filter as a test on page numbers. Text is matched case-insensitively against the page address,
   * the address space, the states passed through and the rules naming the page: all but the address are
   * resolved once per query into masks, so a page costs a few integer tests.
   */
  private matcher(q: Filter): ((i: number) => boolean) | undefined {
    const text = q.text?.trim().toLowerCase() || undefined;
    if (q.as === undefined && q.start === undefined && q.end === undefined && !q.state && !q.rule && !text) return undefined;
    const spaceOk = (pred: (a: AddressSpace) => boolean): Uint8Array => Uint8Array.from(this.spaces, (a) => (pred(a) ? 1 : 0));
    const asOk = q.as === undefined ? undefined : spaceOk((a) => String(a) === String(q.as));
    const stateBit = q.state ? 1 << (STATE_ORDER[q.state] ?? 8) : 0;
    const ruleIdx = q.rule ? this.ruleNames.indexOf(q.rule) : -1;
    const ruleTest =
      !q.rule ? undefined : ruleIdx >= 0 && ruleIdx < 32 ? (i: number) => (this.ruleBits[i] & (1 << ruleIdx)) !== 0 : (i: number) => this.rules[i]?.includes(q.rule ?? '') ?? false;
    let textTest: ((i: number) => boolean) | undefined;
    if (text) {
      const asText = spaceOk((a) => (typeof a === 'number' ? String(a) : a.toLowerCase()).includes(text));
      let stateMask = 0;
      for (const [st, bit] of Object.entries(STATE_ORDER)) if (st.includes(text)) stateMask |= 1 << bit;
      let ruleMask = 0;
      let ruleByName = false;
      this.ruleNames.forEach((r, k) => {
        if (!r.includes(text)) return;
        if (k < 32) ruleMask |= 1 << k;
        else ruleByName = true;
      });
      const pageHit = this.addressHits(text);
      textTest = (i) =>
        pageHit[i] === 1 ||
        (this.stateBits[i] & stateMask) !== 0 ||
        (this.ruleBits[i] & ruleMask) !== 0 ||
        asText[this.asRank[i]] === 1 ||
        (ruleByName && (this.rules[i]?.some((r) => r.includes(text)) ?? false));
    }
    const { start, end } = q;
    return (i) => {
      if (asOk && asOk[this.asRank[i]] !== 1) return false;
      if (start !== undefined && this.addr[i] < start) return false;
      if (end !== undefined && this.addr[i] >= end) return false;
      if (stateBit && (this.stateBits[i] & stateBit) === 0) return false;
      if (ruleTest && !ruleTest(i)) return false;
      if (textTest && !textTest(i)) return false;
      return true;
    };
  }

  /** Page ids of the filtered, sorted view (cached per filter and sort). */
  viewOf(q: Omit<PageQuery, 'offset' | 'limit'>): Uint32Array {
    const { sort, ...filter } = q;
    const key = JSON.stringify([sort ?? null, filter]);
    if (this.view?.key === key) return this.view.ids;
    const order = this.order(sort?.column ?? 'as');
    const match = this.matcher(filter);
    const n = order.length;
    let ids: Uint32Array;
    if (!match) {
      ids = sort?.descending ? order.slice().reverse() : order;
    } else {
      const out = new Uint32Array(n);
      let m = 0;
      for (let k = 0; k < n; k++) {
        const i = order[sort?.descending ? n - 1 - k : k];
        if (match(i)) out[m++] = i;
      }
      ids = out.subarray(0, m);
    }
    this.view = { key, ids };
    return ids;
  }

  query(q: PageQuery): PagesResult {
    const { offset, limit, ...rest } = q;
    const ids = this.viewOf(rest);
    const from = Math.max(0, Math.min(Math.floor(offset) || 0, ids.length));
    const count = Math.max(0, Math.min(Math.floor(limit) || 0, LIMITS.maxPageRows));
    const rows: PageRow[] = [];
    for (const i of ids.subarray(from, from + count)) rows.push({ ...this.pages[i], findings: this.findings[i], rules: this.rules[i] ?? [] });
    return { total: ids.length, offset: from, rows };
  }
}

/**
 * Sorts 0..n-1 by (major, minor, id) with one native numeric sort of packed integer keys
 * `(major − min) · 2^(minorBits+idBits) + (minor − min) · 2^idBits + id`, when that stays exact below 2^53
 * (counts, ranks, page numbers of one trace). undefined when it does not fit (the caller compares).
 */
function sortByPacked(n: number, major: (i: number) => number, minor: (i: number) => number): Uint32Array | undefined {
  let [minMajor, maxMajor, minMinor, maxMinor] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < n; i++) {
    const a = major(i);
    const b = minor(i);
    if (!Number.isInteger(a) || !Number.isInteger(b)) return undefined;
    if (a < minMajor) minMajor = a;
    if (a > maxMajor) maxMajor = a;
    if (b < minMinor) minMinor = b;
    if (b > maxMinor) maxMinor = b;
  }
  if (n === 0) return new Uint32Array(0);
  // keys are offsets from the minima: pages of one trace span a small part of the 2^35 page numbers
  const minorBits = Math.ceil(Math.log2(maxMinor - minMinor + 1));
  const idBits = Math.ceil(Math.log2(n + 1));
  const scale = 2 ** (minorBits + idBits);
  if ((maxMajor - minMajor + 1) * scale > Number.MAX_SAFE_INTEGER) return undefined;
  const packed = new Float64Array(n);
  const idScale = 2 ** idBits;
  for (let i = 0; i < n; i++) packed[i] = (major(i) - minMajor) * scale + (minor(i) - minMinor) * idScale + i;
  packed.sort();
  const ids = new Uint32Array(n);
  for (let k = 0; k < n; k++) ids[k] = packed[k] % idScale;
  return ids;
}

function sortByCompare(n: number, cmp: (a: number, b: number) => number): Uint32Array {
  const ids = new Uint32Array(n);
  for (let i = 0; i < n; i++) ids[i] = i;
  return ids.sort(cmp);
}
