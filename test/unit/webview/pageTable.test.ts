import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../../../src/core/detect/types';
import type { PageSummary } from '../../../src/core/model/types';
import { LIMITS } from '../../../src/protocol';
import { indexFindingsByPage, PageTable } from '../../../src/extension/webview/pageTable';

const base = 0x7f0000000000 / 4096;
function page(as: number | string, i: number, states: PageSummary['states'], events: number): PageSummary {
  const vpn = base + i;
  return { as, vpn, page: `0x${(vpn * 4096).toString(16)}`, events, states, final: states[states.length - 1] };
}

const pages = [
  page(10, 0, ['system', 'migrating-to-device', 'device-private'], 5),
  page(10, 1, ['system'], 9),
  page(10, 2, ['device-private', 'system'], 1),
  page('0xffff888003c4d000', 0, ['unknown'], 3),
];
const finding: Finding = {
  rule: 'invalidation/duplicate', severity: 'info', title: 't', message: 'm', explanation: 'e', as: 10,
  pages: [pages[1].page], fromTs: 0, toTs: 1, lines: [1], eventIds: [0], key: 'k',
};

test('findings are counted on the pages they name, per address space', () => {
  const t = new PageTable(pages, indexFindingsByPage([finding, { ...finding, rule: 'refcount/fault-livelock', key: 'k2' }]));
  const rows = t.query({ sort: { column: 'page', descending: false }, as: 10, offset: 0, limit: 10 }).rows;
  assert.deepEqual(rows.map((r) => r.findings), [0, 2, 0]);
  assert.deepEqual(rows[1].rules, ['invalidation/duplicate', 'refcount/fault-livelock']);
});

test('filters: state passed through, address range, rule, text', () => {
  const t = new PageTable(pages, indexFindingsByPage([finding]));
  assert.equal(t.query({ state: 'device-private', offset: 0, limit: 10 }).total, 2);
  assert.deepEqual(t.query({ start: pages[1].vpn * 4096, end: pages[2].vpn * 4096, offset: 0, limit: 10 }).rows.map((r) => r.page), [pages[1].page]);
  assert.equal(t.query({ rule: 'invalidation/duplicate', offset: 0, limit: 10 }).rows[0].page, pages[1].page);
  assert.equal(t.query({ text: 'FFFF888', offset: 0, limit: 10 }).total, 1);
  assert.equal(t.query({ as: 10, offset: 0, limit: 10 }).total, 3);
});

test('sorting by events descending, then slicing the sorted view', () => {
  const t = new PageTable(pages, indexFindingsByPage([]));
  const r = t.query({ sort: { column: 'events', descending: true }, offset: 1, limit: 2 });
  assert.equal(r.total, 4);
  assert.equal(r.offset, 1);
  assert.deepEqual(r.rows.map((x) => x.events), [5, 3]);
});

test('numeric address spaces sort before pointer ones, pages by number', () => {
  const t = new PageTable(pages, indexFindingsByPage([]));
  assert.deepEqual(t.query({ offset: 0, limit: 10 }).rows.map((r) => String(r.as)), ['10', '10', '10', '0xffff888003c4d000']);
});

test('a slice never exceeds the protocol cap, whatever the webview asks', () => {
  const many = Array.from({ length: 5000 }, (_, i) => page(1, i, ['system'], 1));
  const t = new PageTable(many, indexFindingsByPage([]));
  const r = t.query({ offset: 0, limit: 1_000_000 });
  assert.equal(r.rows.length, LIMITS.maxPageRows);
  assert.equal(r.total, 5000);
  assert.equal(t.query({ offset: 10_000, limit: 10 }).rows.length, 0);
});

test('descending and ascending views are mirror images, ties broken by page number', () => {
  const t = new PageTable(pages, indexFindingsByPage([]));
  const up = t.query({ sort: { column: 'final', descending: false }, offset: 0, limit: 10 }).rows.map((r) => r.page);
  const down = t.query({ sort: { column: 'final', descending: true }, offset: 0, limit: 10 }).rows.map((r) => r.page);
  assert.deepEqual(down, [...up].reverse());
});

test('every sort order equals a plain comparison sort, packed or not', () => {
  // page numbers far apart (a 57-bit address next to a low one) force the comparison fallback
  const spread = [0x10, 0x7f0000000, 0xfffffffffff, 0x7f0000001].map((v, i) => ({ ...page(i % 2 ? 'mm' : 7, 0, ['system'], (i * 7) % 3), vpn: v }));
  const dense = Array.from({ length: 300 }, (_, i) => page(i % 3 === 0 ? '0xffff8880' : i % 3, (i * 37) % 100, i % 2 ? ['system'] : ['system', 'device-private'], (i * 13) % 7));
  for (const set of [spread, dense]) {
    const t = new PageTable(set, indexFindingsByPage([]));
    const rank = (as: number | string) => (typeof as === 'number' ? as : 1e9);
    for (const column of ['page', 'events', 'states'] as const) {
      const got = t.query({ sort: { column, descending: false }, offset: 0, limit: 500 }).rows.map((r) => `${String(r.as)}:${r.vpn}`);
      const key = (p: PageSummary) => (column === 'page' ? p.vpn : column === 'events' ? p.events : p.states.length);
      const want = set
        .map((p, i) => ({ p, i }))
        .sort((a, b) => key(a.p) - key(b.p) || a.p.vpn - b.p.vpn || rank(a.p.as) - rank(b.p.as) || a.i - b.i)
        .map(({ p }) => `${String(p.as)}:${p.vpn}`);
      assert.deepEqual(got, want, `${column} order`);
    }
  }
});
