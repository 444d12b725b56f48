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
 * A list of values where equal ones are stored once: pages share a handful of state sequences and rule
 * lists, so a page keeps a number into `values` (the value is made only for a key not seen before).
 */
class Interned<K, T> {
  readonly values: T[] = [];
  private readonly ids = new Map<K, number>();

  id(key: K, make: () => T): number {
    let id = this.ids.get(key);
    if (id === undefined) this.ids.set(key, (id = this.values.push(make()) - 1));
    return id;
  }
}

/** A number naming a state sequence (at most 7 distinct states, 3 bits each): no string per page. */
function statesKey(states: readonly PageState[]): number {
  let key = 0;
  for (const st of states) key = key * 8 + STATE_ORDER[st] + 1;
  return key;
}

/**
 * The pages of one analysis as columns, with one sorted index per column built on first use (or all at once
 * by `prepare()`, when the analysis arrives). A query filters by walking the sorted index (linear, no sort)
 * and testing numbers only: address-space rank, page address, and bit masks of the states a page passed
 * through and of the rules that name it (a text search first turns into the masks and address spaces it
 * matches, so only the page address is compared as text). The filtered view is cached until the filter
 * or the sort changes, so scrolling is a slice. Rows are materialised only for the slice sent.
 *
 * The summaries themselves are not kept: a page is typed-array entries, numbers into interned state and rule
 * lists, and its address in one joined text (the one the address search scans). 92.8k summary objects with
 * their address strings and state arrays kept beside the table held 34 MB of heap at 256 MiB (heap retained
 * after the analysis 67 -> 33 MB) and 135 MB at 1 GiB (370k pages: 240 -> 105 MB); the columns take ~50 bytes
 * a page.
 */
export class PageTable {
  readonly size: number;
  private readonly findings: Uint32Array;
  /** Index into ruleLists: the distinct rules naming the page (0: none). */
  private readonly ruleList: Uint32Array;
  private readonly ruleLists = new Interned<string, readonly string[]>();
  private readonly asRank: Float64Array;
  /** Distinct address spaces in sort order (asRank indexes this). */
  private readonly spaces: AddressSpace[];
  private readonly vpn: Float64Array;
  private readonly events: Float64Array;
  /** Index into stateLists: the distinct states in order of first appearance. */
  private readonly stateList: Uint32Array;
  private readonly stateLists = new Interned<number, readonly PageState[]>();
  /** Index into finals.values: the state the page ends in. */
  private readonly final: Uint32Array;
  private readonly finals = new Interned<PageState, PageState>();
  /** Bit STATE_ORDER[s] set when the page passed through state s. */
  private readonly stateBits: Uint8Array;
  /** Bit r set when a finding of ruleNames[r] names the page (rules beyond 32 are matched by name). */
  private readonly ruleBits: Uint32Array;
  private readonly ruleNames: string[];
  /** Every page address in lower case and id order, one per line, and where each line starts. */
  private readonly addresses: { text: string; starts: Int32Array };
  /** The addresses as given, when one is not all lower case (the model writes them so: never kept then). */
  private readonly pageText: string[] | undefined;
  private readonly orders = new Map<PageColumn, Uint32Array>();
  private view: { key: string; ids: Uint32Array } | undefined;

  constructor(pages: readonly PageSummary[], byPage: FindingsByPage) {
    const n = (this.size = pages.length);
    this.findings = new Uint32Array(n);
    this.ruleList = new Uint32Array(n);
    this.vpn = new Float64Array(n);
    this.events = new Float64Array(n);
    this.stateList = new Uint32Array(n);
    this.final = new Uint32Array(n);
    this.stateBits = new Uint8Array(n);
    this.ruleBits = new Uint32Array(n);
    const starts = new Int32Array(n + 1);
    const ruleNo = new Map<string, number>();
    this.ruleNames = [];
    this.ruleLists.id('', () => []);
    let at = 0;
    let mixedCase = false;
    pages.forEach((p, i) => {
      this.vpn[i] = p.vpn;
      this.events[i] = p.events;
      this.stateList[i] = this.stateLists.id(statesKey(p.states), () => p.states.slice());
      this.final[i] = this.finals.id(p.final, () => p.final);
      let bits = 0;
      for (const st of p.states) bits |= 1 << STATE_ORDER[st];
      this.stateBits[i] = bits;
      starts[i] = at;
      at += p.page.length + 1;
      if (!mixedCase && p.page !== p.page.toLowerCase()) mixedCase = true;
      const f = byPage.get(p.as, p.vpn);
      if (f) {
        this.findings[i] = f.count;
        if (f.rules.length > 0) this.ruleList[i] = this.ruleLists.id(f.rules.join('\n'), () => f.rules.slice());
        let rb = 0;
        for (const rule of f.rules) {
          let r = ruleNo.get(rule);
          if (r === undefined) ruleNo.set(rule, (r = this.ruleNames.push(rule) - 1));
          if (r < 32) rb |= 1 << r;
        }
        this.ruleBits[i] = rb;
      }
    });
    starts[n] = at;
    this.addresses = { text: pages.map((p) => p.page.toLowerCase()).join('\n'), starts };
    this.pageText = mixedCase ? pages.map((p) => p.page) : undefined;
    // address spaces are few: rank them once so sorting compares numbers
    this.spaces = [...new Set(pages.map((p) => p.as))].sort(compareAs);
    const rank = new Map<AddressSpace, number>(this.spaces.map((a, i) => [a, i]));
    this.asRank = Float64Array.from(pages, (p) => rank.get(p.as) ?? 0);
  }

  /** Page i's address space. */
  asOf(i: number): AddressSpace {
    return this.spaces[this.asRank[i]];
  }

  /** Page i's number. */
  vpnOf(i: number): number {
    return this.vpn[i];
  }

  /** The states page i passed through (shared by every page with the same list: do not change it). */
  statesOf(i: number): readonly PageState[] {
    return this.stateLists.values[this.stateList[i]];
  }

  /** Page i's address as the model wrote it. */
  pageOf(i: number): string {
    const { text, starts } = this.addresses;
    return this.pageText ? this.pageText[i] : text.slice(starts[i], starts[i + 1] - 1);
  }

  /** Page i's summary as the model gave it (a new object, with its own states array). */
  summaryAt(i: number): PageSummary {
    return { as: this.asOf(i), vpn: this.vpn[i], page: this.pageOf(i), events: this.events[i], states: this.statesOf(i).slice(), final: this.finals.values[this.final[i]] };
  }

  /** Builds every sort order now (when the analysis arrives) rather than on the first click on a column. */
  prepare(): void {
    for (const c of ['page', 'as', 'states', 'final', 'events', 'findings'] as const) this.order(c);
  }

  private order(column: PageColumn): Uint32Array {
    let ids = this.orders.get(column);
    if (ids) return ids;
    const n = this.size;
    const vpn = this.vpn;
    if (column === 'page' || column === 'as') {
      // by (page, address space) or (address space, page): the base order every other column refines
      const [major, minor] = column === 'page' ? [(i: number) => vpn[i], (i: number) => this.asRank[i]] : [(i: number) => this.asRank[i], (i: number) => vpn[i]];
      ids = sortByPacked(n, major, minor) ?? sortByCompare(n, (a, b) => major(a) - major(b) || minor(a) - minor(b));
    } else {
      const lengths = this.stateLists.values.map((l) => l.length);
      const finalOrder = this.finals.values.map((s) => STATE_ORDER[s]);
      const key = (i: number): number =>
        column === 'states' ? lengths[this.stateList[i]] : column === 'final' ? finalOrder[this.final[i]] : column === 'events' ? this.events[i] : this.findings[i];
      // ties keep page order, so every order is total and the same across queries
      const base = this.order('page');
      const pos = new Uint32Array(n);
      for (let k = 0; k < n; k++) pos[base[k]] = k;
      ids = sortByPacked(n, key, (i) => pos[i]) ?? sortByCompare(n, (a, b) => key(a) - key(b) || pos[a] - pos[b]);
    }
    this.orders.set(column, ids);
    return ids;
  }

  /**
   * Pages whose address contains `text` (lower case): one indexOf scan over all addresses joined, instead
   * of a string test per page in sort order (which, on 10^5 pages, is mostly cache misses).
   */
  private addressHits(text: string): Uint8Array {
    const { text: all, starts } = this.addresses;
    const hit = new Uint8Array(this.size);
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
      !q.rule ? undefined : ruleIdx >= 0 && ruleIdx < 32 ? (i: number) => (this.ruleBits[i] & (1 << ruleIdx)) !== 0 : (i: number) => this.ruleLists.values[this.ruleList[i]].includes(q.rule ?? '');
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
        (ruleByName && this.ruleLists.values[this.ruleList[i]].some((r) => r.includes(text)));
    }
    const { start, end } = q;
    return (i) => {
      if (asOk && asOk[this.asRank[i]] !== 1) return false;
      if (start !== undefined && this.vpn[i] * 4096 < start) return false;
      if (end !== undefined && this.vpn[i] * 4096 >= end) return false;
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
    for (const i of ids.subarray(from, from + count)) rows.push({ ...this.summaryAt(i), findings: this.findings[i], rules: this.ruleLists.values[this.ruleList[i]].slice() });
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
