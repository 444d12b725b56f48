/**
 * The worker's view indexes (src/extension/worker/viewIndex.ts, rateIndex.ts) answer exactly what the model
 * and the extension-side code answered before, on the real captures: the rate chart for any window and
 * width, the Pages table for every sort and filter, findings and markers, and the whole webview request
 * path byte for byte with and without the worker's view queries.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFile, summarize } from '../../../src/core/analyze';
import type { Analysis, AnalysisQueries } from '../../../src/core/api';
import type { DomainKind, LodAggregate, Marker, PageState } from '../../../src/core/model/types';
import { DOMAIN_KINDS } from '../../../src/core/model/kinds';
import { KindTimeIndex } from '../../../src/extension/worker/rateIndex';
import { ViewIndex } from '../../../src/extension/worker/viewIndex';
import { QueryAnswerer } from '../../../src/extension/worker/queries';
import { QUERY_METHODS, type QueryMethod } from '../../../src/extension/worker/messages';
import { buildEditorData } from '../../../src/extension/worker/editorData';
import { RequestHandler, type RequestHost } from '../../../src/extension/webview/requestHandler';
import { LIMITS, parseAddress, type PageColumn, type PageQuery, type ResponseMessage } from '../../../src/protocol';
import { findingsList, findingsOverview } from '../../../src/extension/webview/findingsQuery';
import { fixture, seededRandom } from '../helpers';
import { syntheticAnalysis } from './syntheticAnalysis';
import { markerTableOf } from '../detect/fakeModel';
import { PageLodCache, pageLod, timelineAsk, timelineResult } from '../../../src/extension/webview/timelineQuery';

const CAPTURES = [
  ['k6.1', 'double_migrate-ftrace.txt'],
  ['k6.1', 'exclusive-funcgraph.txt'],
  ['k6.1', 'fork-ftracestack.txt'],
  ['k6.1', 'migrate_fault-perf.txt'],
  ['k6.12', 'migrate_fault-ftracestack-k6.12.txt'],
] as const;

const analyses = new Map<string, Promise<Analysis>>();
function analysis(dir: string, name: string): Promise<Analysis> {
  const key = `${dir}/${name}`;
  let a = analyses.get(key);
  if (!a) analyses.set(key, (a = analyzeFile(fixture('traces', dir, name), { discoverProbes: false })));
  return a;
}

test('the rate index answers every window and width exactly as the model aggregate does (real captures)', async () => {
  const rand = seededRandom(7);
  for (const [dir, name] of CAPTURES) {
    const a = await analysis(dir, name);
    const view = new ViewIndex(a);
    assert.equal(view.rateIndexed, true, 'the model is read through its columns, not asked to walk the window');
    const { firstTs, lastTs } = a.model;
    const span = Math.max(1, lastTs - firstTs);
    const windows: [number, number, number][] = [
      [firstTs, lastTs, 600],
      [firstTs, lastTs, 1],
      [firstTs, lastTs, 4000],
      [lastTs, lastTs, 10],
      [firstTs - span, firstTs - 1, 50],
      [lastTs + 1, lastTs + span, 50],
    ];
    for (let i = 0; i < 200; i++) {
      const w = Math.max(1, span * Math.pow(10, -rand() * 6));
      const from = firstTs - span * 0.1 + rand() * span * 1.2;
      windows.push([from, from + w, 1 + Math.floor(rand() * 3000)]);
    }
    for (const [from, to, buckets] of windows) {
      assert.deepEqual(view.aggregate(from, to, buckets), a.model.aggregate(from, to, buckets), `${name} [${from}, ${to}] × ${buckets}`);
    }
  }
});

/** The model's aggregate over plain arrays: the reference for an index built from synthetic columns. */
function naiveAggregate(kinds: number[], ts: number[], fromTs: number, toTs: number, buckets: number): LodAggregate {
  const nb = Math.max(1, Math.min(100000, Math.floor(buckets)));
  const bucketNs = Math.max(1, toTs - fromTs) / nb;
  const per = new Map<number, number[]>();
  let total = 0;
  ts.forEach((t, i) => {
    if (t < fromTs || t > toTs) return;
    let c = per.get(kinds[i]);
    if (!c) per.set(kinds[i], (c = new Array<number>(nb).fill(0)));
    c[Math.min(nb - 1, Math.floor((t - fromTs) / bucketNs))]++;
    total++;
  });
  const ks = [...per.keys()].sort((x, y) => x - y);
  return { fromTs, toTs, bucketNs, kinds: ks.map((k) => DOMAIN_KINDS[k] as DomainKind), counts: ks.map((k) => per.get(k) ?? []), total };
}

test('the rate index counts events of a trace whose CPU buffers were merged out of time order, ties and runs of one timestamp included', () => {
  const rand = seededRandom(99);
  for (const n of [0, 1, 63, 64, 65, 5000]) {
    const kinds = Array.from({ length: n }, () => Math.floor(rand() * 6) * 7);
    // bursts of identical timestamps (one ftrace microsecond) and a shuffled order
    const ts = Array.from({ length: n }, () => 1e12 + Math.floor(rand() * 400) * 1000);
    const index = new KindTimeIndex({ count: n, kind: (i) => kinds[i], ts: (i) => ts[i] }, DOMAIN_KINDS);
    const cases: [number, number, number][] = [[1e12, 1e12 + 400_000, 997], [1e12 + 5000, 1e12 + 5000, 3], [1e12 + 1000, 1e12 + 2000, 1], [0, 2e12, 64]];
    for (let i = 0; i < 50; i++) {
      const from = 1e12 + rand() * 400_000;
      cases.push([from, from + rand() * 200_000, 1 + Math.floor(rand() * 2500)]);
    }
    for (const [from, to, b] of cases) assert.deepEqual(index.aggregate(from, to, b), naiveAggregate(kinds, ts, from, to, b), `n=${n} [${from}, ${to}] × ${b}`);
  }
});

const COLUMNS: PageColumn[] = ['as', 'page', 'states', 'final', 'events', 'findings'];
const STATES: PageState[] = ['system', 'device-private', 'migrating-to-device', 'migrating-to-system', 'device-exclusive', 'unmapped', 'unknown'];

test('the Pages table: every sort and filter keeps the rows a plain filter over the page summaries keeps, in the sorted order', async () => {
  const rand = seededRandom(3);
  for (const [dir, name] of CAPTURES) {
    const a = await analysis(dir, name);
    const view = new ViewIndex(a);
    const pages = a.model.pages();
    if (pages.length === 0) {
      assert.deepEqual(view.pageView({ text: 'x', offset: 0, limit: 10 }), { total: 0, offset: 0, rows: [] });
      continue;
    }
    const rulesOf = new Map<string, string[]>();
    for (const f of a.findings) {
      if (f.as === null) continue;
      for (const p of f.pages) {
        const k = `${String(f.as)}:${Math.floor((parseAddress(p) ?? -4096) / 4096)}`;
        const rs = rulesOf.get(k) ?? [];
        if (!rs.includes(f.rule)) rs.push(f.rule);
        rulesOf.set(k, rs);
      }
    }
    const rules = [...new Set(a.findings.map((f) => f.rule)), 'invalidation/none-such'];
    for (let i = 0; i < 60; i++) {
      const p = pages[Math.floor(rand() * pages.length)];
      const q: PageQuery = { sort: { column: COLUMNS[i % COLUMNS.length], descending: rand() < 0.5 }, offset: 0, limit: 500 };
      const kind = i % 6;
      if (kind === 1) q.state = STATES[Math.floor(rand() * STATES.length)];
      if (kind === 2) q.rule = rules[Math.floor(rand() * rules.length)];
      if (kind === 3) q.text = [p.page.slice(4, 9).toUpperCase(), 'device', 'fault', String(p.as).slice(0, 2), 'zzz'][Math.floor(rand() * 5)];
      if (kind === 4) q.as = p.as;
      if (kind === 5) [q.start, q.end] = [p.vpn * 4096, p.vpn * 4096 + 64 * 4096];
      const text = q.text?.toLowerCase();
      const expected = pages.filter((r) => {
        const rs = rulesOf.get(`${String(r.as)}:${r.vpn}`) ?? [];
        if (q.as !== undefined && String(r.as) !== String(q.as)) return false;
        if (q.start !== undefined && r.vpn * 4096 < q.start) return false;
        if (q.end !== undefined && r.vpn * 4096 >= q.end) return false;
        if (q.state !== undefined && !r.states.includes(q.state)) return false;
        if (q.rule !== undefined && !rs.includes(q.rule)) return false;
        if (text && !`${r.page} ${String(r.as).toLowerCase()} ${r.states.join(' ')} ${rs.join(' ')}`.includes(text)) return false;
        return true;
      });
      const got = view.pageView(q);
      assert.equal(got.total, expected.length, `${name} ${JSON.stringify(q)}`);
      const keys = (rows: { as: unknown; vpn: number }[]) => rows.map((r) => `${String(r.as)}:${r.vpn}`).sort();
      const all = new Set(keys(expected));
      assert.equal(got.rows.length, Math.min(500, expected.length));
      if (expected.length <= 500) assert.deepEqual(keys(got.rows), keys(expected), `${name} ${JSON.stringify(q)}`);
      else assert.ok(keys(got.rows).every((k) => all.has(k)), `${name} ${JSON.stringify(q)}: rows outside the filter`);
      const col = q.sort?.column ?? 'as';
      const value = (r: (typeof got.rows)[number]): number =>
        col === 'events' ? r.events : col === 'states' ? r.states.length : col === 'findings' ? r.findings : col === 'page' ? r.vpn : 0;
      for (let k = 1; k < got.rows.length; k++) {
        const d = value(got.rows[k]) - value(got.rows[k - 1]);
        assert.ok(q.sort?.descending ? d <= 0 : d >= 0, `${name} ${col} order at row ${k}`);
      }
    }
  }
});

test('markers in a window: all of them counted, the first 500 listed in trace order, by binary search when in time order', () => {
  const markers: Marker[] = Array.from({ length: 1200 }, (_, i) => ({ id: i, line: i + 1, ts: 1000 + Math.floor(i / 3) * 10, pid: 1, text: `m${i}` }));
  const view = new ViewIndex({ model: { markers: markerTableOf(markers) } } as unknown as Analysis);
  const naive = (from: number, to: number) => {
    const inw = markers.filter((m) => m.ts >= from && m.ts <= to);
    return { total: inw.length, markers: inw.slice(0, 500) };
  };
  for (const [from, to] of [[0, 1e9], [1000, 1000], [1005, 1015], [1010, 2000], [5000, 9000], [9000, 100]]) assert.deepEqual(view.markersIn({ fromTs: from, toTs: to }), naive(from, to), `[${from}, ${to}]`);
  assert.deepEqual(view.markersIn(undefined), { total: 1200, markers: markers.slice(0, 500) });
  const shuffled = [...markers].reverse();
  const unsorted = new ViewIndex({ model: { markers: markerTableOf(shuffled) } } as unknown as Analysis);
  assert.deepEqual(unsorted.markersIn({ fromTs: 1100, toTs: 1200 }).markers, shuffled.filter((m) => m.ts >= 1100 && m.ts <= 1200));
});

test('editor data names each record by the first line of its event, as event(id) does', async () => {
  const a = await analysis('k6.1', 'double_migrate-ftrace.txt');
  const d = buildEditorData(a, summarize(a));
  assert.ok(d.migrations.length > 0 && d.invalidations.length > 0);
  d.migrations.forEach((m, i) => assert.equal(m.line, a.model.event(a.model.migrations[i].setupId).line));
  d.invalidations.forEach((r, i) => assert.equal(r.line, a.model.event(a.model.invalidations[i].startId).line));
});

/** The worker's query proxy as the extension builds it (every QUERY_METHODS name), over an in-thread answerer. */
function proxy(answerer: QueryAnswerer, withViews: boolean): AnalysisQueries {
  const q: Partial<Record<QueryMethod, (...args: unknown[]) => Promise<unknown>>> = {};
  for (const m of QUERY_METHODS) {
    if (!withViews && (m === 'pageView' || m === 'findingViews' || m === 'markersIn' || m === 'findingsOverview' || m === 'findingsList' || m === 'timelineView')) continue;
    q[m] = async (...args: unknown[]) => structuredClone(answerer.answer(m, args));
  }
  return q as unknown as AnalysisQueries;
}

function handler(queries: AnalysisQueries, a: Analysis): RequestHandler {
  const none = async () => undefined;
  const host: RequestHost = {
    traceName: 't', summary: summarize(a), queries, revealLine: none, openPageTimeline: none, listNotes: async () => [],
    upsertNote: () => Promise.reject(new Error('no notes')), removeNote: none, setFollow: () => undefined, createRecipe: none,
  };
  return new RequestHandler(host);
}

test('the webview gets byte-identical answers whether the worker answers its view queries or the extension computes them', async () => {
  for (const [dir, name] of CAPTURES) {
    const a = await analysis(dir, name);
    const answerer = new QueryAnswerer(a, summarize);
    answerer.view.prepare();
    const fast = handler(proxy(answerer, true), a);
    const slow = handler(proxy(answerer, false), a);
    const { firstTs, lastTs } = a.model;
    const requests: { method: string; params: object }[] = [
      ...[...new Set(a.findings.map((f) => f.rule))].map((rule) => ({ method: 'findingsList', params: { rule, offset: 0, limit: 200 } })),
      { method: 'findingsOverview', params: { width: 900 } },
      { method: 'markers', params: {} },
      { method: 'markers', params: { window: { fromTs: firstTs, toTs: (firstTs + lastTs) / 2 } } },
      { method: 'aggregate', params: { fromTs: firstTs, toTs: lastTs, buckets: 700 } },
      { method: 'pages', params: { offset: 0, limit: 200 } },
      { method: 'pages', params: { offset: 3, limit: 5000, sort: { column: 'events', descending: true } } },
      { method: 'pages', params: { offset: 0, limit: 50, state: 'device-private', sort: { column: 'final', descending: false } } },
      { method: 'pages', params: { offset: 0, limit: 50, text: '0x7', sort: { column: 'findings', descending: true } } },
      { method: 'pages', params: { offset: 0, limit: 50, rule: a.findings[0]?.rule ?? 'x', sort: { column: 'states', descending: false } } },
      { method: 'timeline', params: { as: 1, vpns: 'x', width: 100 } },
    ];
    // timelines of the first pages, whole lifetime and zoomed, narrow and wide, with a page that does not exist
    const pages = a.model.pages().slice(0, 70);
    if (pages.length > 0) {
      const as = pages[0].as;
      const vpns = pages.filter((p) => p.as === as).map((p) => p.vpn);
      requests.push(
        { method: 'timeline', params: { as, vpns: vpns.slice(0, 1), width: 800 } },
        { method: 'timeline', params: { as, vpns: [...vpns, 12345], width: 60 } },
        { method: 'timeline', params: { as, vpns, width: 3000, window: { fromTs: firstTs, toTs: firstTs + (lastTs - firstTs) / 3 } } },
        { method: 'timeline', params: { as: String(as), vpns: vpns.slice(0, 2), width: 500, window: { fromTs: lastTs, toTs: lastTs + 1 } } },
      );
    }
    for (const r of requests) {
      const ask = async (h: RequestHandler): Promise<string> => JSON.stringify((await h.handle({ kind: 'request', id: 1, ...r })) as ResponseMessage);
      assert.equal(await ask(fast), await ask(slow), `${name} ${r.method} ${JSON.stringify(r.params)}`);
    }
  }
});

test('a malformed page query from the webview is refused with a clear message by the worker', async () => {
  const a = await analysis('k6.1', 'double_migrate-ftrace.txt');
  const answerer = new QueryAnswerer(a, summarize);
  assert.throws(() => answerer.answer('pageView', [{ offset: 0, limit: 5, sort: { column: 'nope' } }]), /sort.column must be one of/);
  assert.throws(() => answerer.answer('pageView', [{ offset: 'x', limit: 5 }]), /offset must be a finite number/);
  assert.throws(() => answerer.answer('pageView', [{ offset: 0, limit: 5, state: 'gone' }]), /state must be one of/);
  assert.throws(() => answerer.answer('markersIn', [{ fromTs: 0 }]), /window.toTs must be a finite number/);
});

test('findings for the view come in bounded pieces: counts per rule in a window, merged chart points, one rule a slice at a time', async () => {
  const a = await analysis('k6.1', 'double_migrate-ftrace.txt');
  assert.ok(a.findings.length > 0, 'the capture has findings');
  // a trace's worth of findings: the capture's, repeated 6000 times a microsecond apart
  const many = Array.from({ length: 6000 }, (_, i) => a.findings.map((f) => ({ ...f, key: `${f.key}#${i}`, fromTs: f.fromTs + i * 1000, toTs: f.toTs + i * 1000 }))).flat();
  const views = many.map(({ eventIds: _e, ...f }) => ({ ...f, linesTotal: f.lines.length }));
  const w = { fromTs: many[0].fromTs, toTs: many[0].fromTs + 4_999_999 };
  const ov = findingsOverview(views, [], w, 800);
  const inW = views.filter((f) => f.toTs >= w.fromTs && f.fromTs <= w.toTs);
  assert.equal(ov.total, views.length);
  assert.equal(ov.inWindow, inW.length);
  assert.equal(ov.rules.reduce((n, r) => n + r.inWindow, 0), inW.length);
  assert.equal(ov.reduced, true);
  assert.ok(ov.points.length <= 800 * 3 && ov.points.length <= LIMITS.maxFindingPoints, `${ov.points.length} points`);
  assert.equal(ov.points.reduce((n, p) => n + p.count, 0), views.filter((f) => f.fromTs >= w.fromTs && f.fromTs <= w.toTs).length, 'every finding on the axis is counted in a point');
  assert.ok(JSON.stringify(ov).length < 400_000, `overview message ${JSON.stringify(ov).length} bytes`);

  const rule = ov.rules[0].rule;
  const ofRule = inW.filter((f) => f.rule === rule);
  const page = findingsList(views, { rule, window: w, offset: 10, limit: 5000 });
  assert.equal(page.total, ofRule.length);
  assert.equal(page.findings.length, Math.min(LIMITS.maxFindingRows, ofRule.length - 10));
  assert.deepEqual(page.findings.map((f) => f.key), ofRule.slice(10, 10 + LIMITS.maxFindingRows).map((f) => f.key));
  const last = ofRule[ofRule.length - 1];
  const focused = findingsList(views, { rule, window: w, offset: 0, limit: 50, focusKey: last.key });
  assert.deepEqual(focused.focus && { index: focused.focus.index, key: focused.focus.finding.key }, { index: ofRule.length - 1, key: last.key });
  assert.equal(findingsList(views, { rule, window: { fromTs: 0, toTs: 1 }, offset: 0, limit: 50 }).total, 0);
});

test('the findings overview and lists are the same whether the worker or the extension computes them', async () => {
  for (const [dir, name] of CAPTURES) {
    const a = await analysis(dir, name);
    const answerer = new QueryAnswerer(a, summarize);
    const fast = handler(proxy(answerer, true), a);
    const slow = handler(proxy(answerer, false), a);
    const { firstTs, lastTs } = a.model;
    const rule = a.findings[0]?.rule ?? 'refcount/fault-livelock';
    const requests: { method: string; params: object }[] = [
      { method: 'findingsOverview', params: {} },
      { method: 'findingsOverview', params: { window: { fromTs: firstTs, toTs: (firstTs + lastTs) / 2 }, width: 300 } },
      { method: 'findingsList', params: { rule, offset: 0, limit: 50 } },
      { method: 'findingsList', params: { rule, offset: 1, limit: 2, focusKey: a.findings[0]?.key, window: { fromTs: firstTs, toTs: lastTs } } },
      { method: 'findingsList', params: { rule: 5, offset: 0, limit: 1 } },
    ];
    for (const r of requests) {
      const ask = async (h: RequestHandler): Promise<string> => JSON.stringify((await h.handle({ kind: 'request', id: 1, ...r })) as ResponseMessage);
      assert.equal(await ask(fast), await ask(slow), `${name} ${r.method} ${JSON.stringify(r.params)}`);
    }
  }
});

test('a busy page (54k events) is drawn from its whole timeline in the worker, kept for zoom within an event budget', async () => {
  const { queries } = syntheticAnalysis({ pages: 3, cycles: 6_000 });
  const vpn0 = 0x7f0000000000 / 4096;
  const timelines = await Promise.all([0, 1, 2].map((i) => queries.timeline(1234, vpn0 + i)));
  let built = 0;
  const model = { timeline: (_as: unknown, vpn: number) => (built++, timelines[vpn - vpn0]) };
  const view = new ViewIndex({ model } as unknown as Analysis);
  const r = view.timeline({ as: 1234, vpns: [vpn0], width: 1000, truncated: false }, 2e9);
  assert.equal(r.rows[0].eventsInWindow, 54_000, 'every event of the page, not the first 20000 the timeline query carries');
  assert.equal(r.reduced, true);
  assert.ok(JSON.stringify(r).length < 1_000_000, `${JSON.stringify(r).length} bytes`);
  const zoom = view.timeline({ as: 1234, vpns: [vpn0], width: 1000, truncated: false, window: { fromTs: r.fromTs, toTs: r.fromTs + (r.toTs - r.fromTs) / 100 } }, 2e9);
  assert.equal(built, 1, 'zoom reuses the page built for the first answer');
  assert.ok(zoom.rows[0].eventsInWindow > 0 && zoom.rows[0].eventsInWindow < 54_000);

  const cache = new PageLodCache(8, 100_000);
  const seen: number[] = [];
  for (const i of [0, 1, 2, 0]) cache.get(1234, vpn0 + i, () => (seen.push(i), pageLod(timelines[i])));
  assert.deepEqual(seen, [0, 1, 2, 0], 'two pages of 54k events exceed a 100k budget: the least recent one goes, the page just built stays');
});

test('busy pages asked together share the kept-events budget: each keeps its first events, the answer says it is reduced, zoom rebuilds nothing', async () => {
  const { queries } = syntheticAnalysis({ pages: 3, cycles: 6_000 });
  const vpn0 = 0x7f0000000000 / 4096;
  const timelines = await Promise.all([0, 1, 2].map((i) => queries.timeline(1234, vpn0 + i)));
  let built = 0;
  const model = { timeline: (_as: unknown, vpn: number) => (built++, timelines[vpn - vpn0]) };
  const view = new ViewIndex({ model } as unknown as Analysis, 60_000);
  const vpns = [vpn0, vpn0 + 1, vpn0 + 2];
  const r = view.timeline({ as: 1234, vpns, width: 800, truncated: false }, 2e9);
  assert.deepEqual(r.rows.map((x) => x.eventsInWindow), [20_000, 20_000, 20_000]);
  assert.equal(r.reduced, true);
  for (let i = 0; i < 5; i++) view.timeline({ as: 1234, vpns, width: 800, truncated: false, window: { fromTs: r.fromTs + i * 1e6, toTs: r.fromTs + (i + 1) * 1e7 } }, 2e9);
  assert.equal(built, 3, 'the three pages fit the budget together and are built once');
});

test('64 busy pages in one timeline answer share the bands and intervals budget; a row alone keeps its own', async () => {
  const { queries } = syntheticAnalysis({ pages: 64, cycles: 300 });
  const vpn0 = 0x7f0000000000 / 4096;
  const vpns = Array.from({ length: 64 }, (_, i) => vpn0 + i);
  const lods = await Promise.all(vpns.map(async (v) => pageLod(await queries.timeline(1234, v))));
  const wide = timelineResult(timelineAsk({ as: 1234, vpns, width: 8000 }), lods, 2e12);
  const bands = wide.rows.reduce((n, r) => n + r.bands.length, 0);
  const intervals = wide.rows.reduce((n, r) => n + r.intervals.length, 0);
  assert.ok(bands <= LIMITS.maxBandsTotal, `${bands} bands`);
  assert.ok(intervals <= LIMITS.maxIntervalsTotal, `${intervals} intervals`);
  assert.equal(wide.reduced, true);
  const alone = timelineResult(timelineAsk({ as: 1234, vpns: [vpn0], width: 8000 }), [lods[0]], 2e12);
  assert.ok(alone.rows[0].bands.length > LIMITS.maxBandsTotal / 64 && alone.rows[0].intervals.length > LIMITS.maxIntervalsTotal / 64, 'one page alone is not squeezed');
});
