/**
 * The Pages table and the `pages` query against a plain reference on real captures: the table keeps pages
 * as columns (typed arrays, interned state and rule lists) and rebuilds rows for the slice it sends, so every
 * answer must equal the one made from the model's summaries by filtering and sorting them directly.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFile } from '../../../src/core/analyze';
import type { AddressSpace, PageState, PageSummary } from '../../../src/core/model/types';
import type { PageColumn, PageQuery, PageRow } from '../../../src/protocol';
import { indexFindingsByPage, PageTable } from '../../../src/extension/webview/pageTable';
import { filterPages } from '../../../src/extension/worker/queries';
import { fixture } from '../helpers';

const CAPTURES = [['traces', 'k6.1', 'pinned-tracecmd.txt'], ['traces', 'k6.1', 'thp_migrate-ftracestack.txt'], ['traces', 'k6.1', 'exclusive-ftracestack.txt']];
const ORDER: PageState[] = ['unknown', 'system', 'migrating-to-device', 'device-private', 'migrating-to-system', 'device-exclusive', 'unmapped'];

const asCmp = (a: AddressSpace, b: AddressSpace): number =>
  typeof a === 'number' && typeof b === 'number' ? a - b : typeof a === 'number' ? -1 : typeof b === 'number' ? 1 : a < b ? -1 : a > b ? 1 : 0;

/** The rows the table must answer, made from the summaries themselves. */
function reference(pages: PageSummary[], rows: PageRow[], q: PageQuery): { total: number; rows: PageRow[] } {
  const text = q.text?.trim().toLowerCase();
  const byPage = (a: number, b: number) => pages[a].vpn - pages[b].vpn || asCmp(pages[a].as, pages[b].as) || a - b;
  const key = (c: PageColumn, i: number): number =>
    c === 'states' ? pages[i].states.length : c === 'final' ? ORDER.indexOf(pages[i].final) : c === 'events' ? pages[i].events : rows[i].findings;
  const column = q.sort?.column ?? 'as';
  const ids = pages.map((_, i) => i).sort(
    column === 'page' ? byPage : column === 'as' ? (a, b) => asCmp(pages[a].as, pages[b].as) || pages[a].vpn - pages[b].vpn || a - b : (a, b) => key(column, a) - key(column, b) || byPage(a, b),
  );
  if (q.sort?.descending) ids.reverse();
  const hit = ids.filter((i) => {
    const r = rows[i];
    if (q.as !== undefined && String(r.as) !== String(q.as)) return false;
    if (q.start !== undefined && r.vpn * 4096 < q.start) return false;
    if (q.end !== undefined && r.vpn * 4096 >= q.end) return false;
    if (q.state && !r.states.includes(q.state)) return false;
    if (q.rule && !r.rules.includes(q.rule)) return false;
    const fields = [r.page, String(r.as), ...r.states, ...r.rules].map((s) => s.toLowerCase());
    return !text || fields.some((s) => s.includes(text));
  });
  return { total: hit.length, rows: hit.slice(q.offset, q.offset + q.limit).map((i) => rows[i]) };
}

for (const capture of CAPTURES) {
  test(`Pages table and pages query equal the reference on ${capture[2]}`, async () => {
    const a = await analyzeFile(fixture(...capture), {});
    const pages = a.model.pages();
    const byPage = indexFindingsByPage(a.findings);
    const rows: PageRow[] = pages.map((p) => ({ ...p, findings: byPage.get(p.as, p.vpn)?.count ?? 0, rules: byPage.get(p.as, p.vpn)?.rules ?? [] }));
    assert.ok(pages.length > 10 && rows.some((r) => r.findings > 0), 'a capture with pages and findings');
    const table = new PageTable(pages, byPage);
    const spaces = [...new Set(pages.map((p) => p.as))];
    const rules = [...new Set(rows.flatMap((r) => r.rules))];
    const mid = pages[pages.length >> 1].vpn * 4096;
    const filters: Omit<PageQuery, 'offset' | 'limit' | 'sort'>[] = [
      {}, { state: 'device-private' }, { state: 'system' }, { text: pages[3].page.slice(2, 7).toUpperCase() }, { text: 'device' }, { text: 'ref' },
      { start: mid }, { end: mid, state: 'migrating-to-device' }, ...spaces.map((as) => ({ as })), ...rules.map((rule) => ({ rule })),
    ];
    for (const f of filters)
      for (const column of ['page', 'as', 'states', 'final', 'events', 'findings'] as const)
        for (const descending of [false, true])
          for (const offset of [0, 7]) {
            const q: PageQuery = { ...f, sort: { column, descending }, offset, limit: 50 };
            const want = reference(pages, rows, q);
            assert.deepEqual(table.query(q), { total: want.total, offset: Math.min(offset, want.total), rows: want.rows }, JSON.stringify(q));
          }
    const pageFilters: Parameters<typeof filterPages>[1][] = [{}, { as: spaces[0], offset: 3, limit: 20 }, { text: 'device', limit: 5000 }, { state: 'system', start: mid }];
    for (const f of pageFilters) {
      const all = pages.filter(
        (p) =>
          (f.as === undefined || p.as === f.as) &&
          (f.start === undefined || p.vpn * 4096 >= f.start) &&
          (!f.state || p.states.includes(f.state)) &&
          (!f.text || `${p.page} ${String(p.as)} ${p.states.join(' ')}`.toLowerCase().includes(f.text)),
      );
      const offset = f.offset ?? 0;
      assert.deepEqual(filterPages(table, f), { total: all.length, pages: all.slice(offset, offset + (f.limit ?? 1000)) }, JSON.stringify(f));
    }
  });
}
