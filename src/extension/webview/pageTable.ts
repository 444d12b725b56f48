/**
 * The Pages table's data: filter, sort and slice the model's page summaries for one visible window of the
 * virtualised table, and count the findings that name each page. Pure (no vscode), so it is unit-tested.
 *
 * The model answers `pages()` once per analysis; the table then asks for slices of a filtered, sorted view
 * of that list, which is cached per (filter, sort) so scrolling costs a slice and nothing else.
 */

import type { Finding } from '../../core/detect/types';
import type { PageState, PageSummary } from '../../core/model/types';
import { pageKey, parseAddress, LIMITS, type PageColumn, type PageQuery, type PageRow, type PagesResult } from '../../protocol';

export interface FindingsByPage {
  get(key: string): { count: number; rules: string[] } | undefined;
}

/** Which findings name which pages (`as:vpn` → count and distinct rules). */
export function indexFindingsByPage(findings: readonly Finding[]): FindingsByPage {
  const map = new Map<string, { count: number; rules: string[] }>();
  for (const f of findings) {
    if (f.as === null) continue;
    for (const p of f.pages) {
      const addr = parseAddress(p);
      if (addr === undefined) continue;
      const key = pageKey(f.as, Math.floor(addr / 4096));
      const e = map.get(key) ?? { count: 0, rules: [] };
      e.count++;
      if (!e.rules.includes(f.rule)) e.rules.push(f.rule);
      map.set(key, e);
    }
  }
  return map;
}

/** Page rows with their finding counts, in model order. */
export function toRows(pages: readonly PageSummary[], byPage: FindingsByPage): PageRow[] {
  return pages.map((p) => {
    const f = byPage.get(pageKey(p.as, p.vpn));
    return { ...p, findings: f?.count ?? 0, rules: f?.rules ?? [] };
  });
}

function matches(r: PageRow, q: Omit<PageQuery, 'offset' | 'limit'>, text: string | undefined): boolean {
  if (q.as !== undefined && String(r.as) !== String(q.as)) return false;
  const addr = r.vpn * 4096;
  if (q.start !== undefined && addr < q.start) return false;
  if (q.end !== undefined && addr >= q.end) return false;
  if (q.state !== undefined && !r.states.includes(q.state)) return false;
  if (q.rule !== undefined && !r.rules.includes(q.rule)) return false;
  if (text) {
    const hay = `${r.page} ${String(r.as)} ${r.states.join(' ')} ${r.rules.join(' ')}`.toLowerCase();
    if (!hay.includes(text)) return false;
  }
  return true;
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

function compareAs(a: PageRow, b: PageRow): number {
  if (typeof a.as === 'number' && typeof b.as === 'number') return a.as - b.as;
  if (typeof a.as === 'number') return -1;
  if (typeof b.as === 'number') return 1;
  return a.as < b.as ? -1 : a.as > b.as ? 1 : 0;
}

const COMPARE: Record<PageColumn, (a: PageRow, b: PageRow) => number> = {
  as: (a, b) => compareAs(a, b) || a.vpn - b.vpn,
  page: (a, b) => a.vpn - b.vpn || compareAs(a, b),
  states: (a, b) => a.states.length - b.states.length || a.vpn - b.vpn,
  final: (a, b) => STATE_ORDER[a.final] - STATE_ORDER[b.final] || a.vpn - b.vpn,
  events: (a, b) => a.events - b.events || a.vpn - b.vpn,
  findings: (a, b) => a.findings - b.findings || a.vpn - b.vpn,
};

/** Filters and sorts (without the slice): the view a query's offset/limit index into. */
export function filterAndSort(rows: readonly PageRow[], q: Omit<PageQuery, 'offset' | 'limit'>): PageRow[] {
  const text = q.text?.trim().toLowerCase() || undefined;
  const out = rows.filter((r) => matches(r, q, text));
  const column = q.sort?.column ?? 'as';
  const cmp = COMPARE[column];
  const sign = q.sort?.descending ? -1 : 1;
  out.sort((a, b) => sign * cmp(a, b));
  return out;
}

/** A cache of filtered+sorted views, keyed by the query without its window. */
export class PageTable {
  private view: { key: string; rows: PageRow[] } | undefined;

  constructor(private readonly rows: readonly PageRow[]) {}

  get size(): number {
    return this.rows.length;
  }

  query(q: PageQuery): PagesResult {
    const { offset, limit, ...filter } = q;
    const key = JSON.stringify(filter);
    if (this.view?.key !== key) this.view = { key, rows: filterAndSort(this.rows, filter) };
    const from = Math.max(0, Math.min(Math.floor(offset) || 0, this.view.rows.length));
    const count = Math.max(0, Math.min(Math.floor(limit) || 0, LIMITS.maxPageRows));
    return { total: this.view.rows.length, offset: from, rows: this.view.rows.slice(from, from + count) };
  }

  /** Index of a page in the current view (to scroll the table to a page selected elsewhere). */
  indexOf(as: string, vpn: number): number {
    return this.view?.rows.findIndex((r) => String(r.as) === as && r.vpn === vpn) ?? -1;
  }
}
