import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ParamsOf, PagesResult, TimelineResult } from '../../../src/protocol';
import { LIMITS, type NoteView } from '../../../src/protocol';
import { RequestHandler, type RequestHost } from '../../../src/extension/webview/requestHandler';
import { pagesAtLine } from '../../../src/extension/webview/pagesAtLine';
import { syntheticAnalysis, type SyntheticOptions } from './syntheticAnalysis';

function host(o: SyntheticOptions, log: string[] = []): RequestHost {
  const { queries, summary } = syntheticAnalysis(o);
  const notes: NoteView[] = [];
  return {
    traceName: 'x.trace', summary, queries,
    revealLine: async (line) => void log.push(`reveal ${line}`),
    openPageTimeline: async (as, vpns) => void log.push(`open ${String(as)} ${vpns.join(',')}`),
    listNotes: async () => notes,
    upsertNote: async (n: ParamsOf<'upsertNote'>) => {
      const note = { ...n, id: n.id ?? `n${notes.length}`, created: 'c', updated: 'u' };
      notes.push(note);
      return note;
    },
    removeNote: async () => undefined,
    setFollow: (f) => void log.push(`follow ${f}`),
    createRecipe: async (include) => void log.push(`recipe ${include.join('|')}`),
  };
}

async function ask(h: RequestHandler, method: string, params: object): Promise<{ ok: boolean; result?: unknown; error?: string }> {
  const r = await h.handle({ kind: 'request', id: 7, method, params });
  assert.ok(r, 'a request gets a response');
  assert.equal(r.id, 7);
  return r as { ok: boolean; result?: unknown; error?: string };
}

test('a double_migrate page shows device-private, system, device-private in its timeline', async () => {
  const h = new RequestHandler(host({ pages: 2, cycles: 2 }));
  const vpn = 0x7f0000000000 / 4096;
  const r = await ask(h, 'timeline', { as: 1234, vpns: [vpn], width: 800 });
  assert.equal(r.ok, true);
  const t = r.result as TimelineResult;
  const seq = t.rows[0].intervals.map((i) => i.state).filter((s) => s === 'device-private' || s === 'system');
  assert.deepEqual(seq, ['system', 'device-private', 'system', 'device-private', 'system']);
  assert.equal(t.rows[0].bands.filter((b) => b.kind === 'migration').length, 4);
  assert.equal(t.reduced, false);
});

test('a timeline of a page with 54k events is cut to a few points per pixel', async () => {
  const h = new RequestHandler(host({ pages: 1, cycles: 6_000 }));
  const r = await ask(h, 'timeline', { as: 1234, vpns: [0x7f0000000000 / 4096], width: 1000 });
  const t = r.result as TimelineResult;
  assert.equal(t.rows[0].eventsInWindow, 54_000);
  assert.ok(t.rows[0].points.length <= 2000 * 8, `${t.rows[0].points.length} points`);
  assert.equal(t.reduced, true);
  const bytes = h.metrics[h.metrics.length - 1].bytes;
  assert.ok(bytes < 4_000_000, `timeline message ${bytes} bytes`);
});

test('rate buckets are clamped to the protocol cap', async () => {
  const h = new RequestHandler(host({ pages: 3, cycles: 1 }));
  const { summary } = host({ pages: 3, cycles: 1 });
  const r = await ask(h, 'aggregate', { fromTs: summary.firstTs, toTs: summary.lastTs, buckets: 1e9 });
  assert.equal((r.result as { counts: number[][] }).counts[0].length, LIMITS.maxBuckets);
});

test('pages carry their finding counts and are sorted and sliced by the extension', async () => {
  const h = new RequestHandler(host({ pages: 10, cycles: 1 }));
  const r = (await ask(h, 'pages', { sort: { column: 'findings', descending: true }, offset: 0, limit: 4 })).result as PagesResult;
  assert.equal(r.total, 10);
  assert.deepEqual(r.rows.map((x) => x.findings), [1, 1, 1, 0]);
});

test('bad parameters are answered with an error, never a crash', async () => {
  const h = new RequestHandler(host({ pages: 1, cycles: 1 }));
  const r = await ask(h, 'aggregate', { fromTs: 'x', toTs: 1, buckets: 10 });
  assert.equal(r.ok, false);
  assert.match(r.error ?? '', /fromTs/);
  assert.equal((await ask(h, 'timeline', { as: {}, vpns: [1], width: 100 })).ok, false);
  assert.equal((await ask(h, 'upsertNote', { line: 1, body: 5 })).ok, false);
  assert.equal(await h.handle({ kind: 'request', id: 1, method: 'constructor', params: {} }), undefined);
});

test('reveal, notes and open-timeline requests reach the editor side', async () => {
  const log: string[] = [];
  const h = new RequestHandler(host({ pages: 1, cycles: 1 }, log));
  await ask(h, 'revealLine', { line: 12 });
  await ask(h, 'openPageTimeline', { as: 1234, vpns: [5, 6] });
  await ask(h, 'setFollow', { follow: true });
  const saved = (await ask(h, 'upsertNote', { line: 3, findingKey: 'k0', body: '<b>not markup</b>' })).result as NoteView;
  assert.deepEqual(log, ['reveal 12', 'open 1234 5,6', 'follow true']);
  assert.equal(saved.body, '<b>not markup</b>');
  assert.deepEqual(((await ask(h, 'notes', {})).result as NoteView[]).map((n) => n.findingKey), ['k0']);
});

test('every answer is measured: method, milliseconds, bytes', async () => {
  const h = new RequestHandler(host({ pages: 1, cycles: 1 }));
  await ask(h, 'init', {});
  const m = (await ask(h, 'metrics', {})).result as { method: string; bytes: number }[];
  assert.equal(m[0].method, 'init');
  assert.ok(m[0].bytes > 100);
});

test('the page table gathers every page although the worker answers in slices', async () => {
  const h = new RequestHandler(host({ pages: 6_000, cycles: 1 }));
  const r = (await ask(h, 'pages', { sort: { column: 'page', descending: true }, offset: 0, limit: 1 })).result as PagesResult;
  assert.equal(r.total, 6_000);
  assert.equal(r.rows[0].vpn, 0x7f0000000000 / 4096 + 5_999);
});

test('a line names the pages of its first page-touching event', async () => {
  const { queries, events } = syntheticAnalysis({ pages: 3, cycles: 1 });
  const second = events.find((e) => e.addr === 0x7f0000001000);
  assert.ok(second);
  const hit = await pagesAtLine(queries, second.line);
  assert.deepEqual(hit, { as: 1234, vpns: [0x7f0000001000 / 4096], eventId: second.id });
  assert.equal(await pagesAtLine(queries, 10_000_000), undefined);
});

test('a range event shows the pages of its range that have events, not the first empty ones', async () => {
  const { queries } = syntheticAnalysis({ pages: 4, cycles: 1, base: 0x7f0000100000 });
  const first = 0x7f0000000000 / 4096;
  // a CLEAR over 512 pages of which the trace knows 4 (from the 257th on); pages outside it stay out
  const wide = { ...queries, eventsAtLine: async () => [{ id: 0 } as never], pagesOfEvent: async () => ({ as: 1234, vpns: Array.from({ length: 512 }, (_, i) => first + i) }) };
  assert.equal((await queries.pages({ as: 1234, start: 0, end: 0x7f0000100000 })).total, 0);
  const hit = await pagesAtLine(wide, 1);
  assert.deepEqual(hit?.vpns, [0, 1, 2, 3].map((i) => 0x7f0000100000 / 4096 + i));
});

test('a missing-evidence note opens the capture recipe with its rule and probes, size-capped', async () => {
  const log: string[] = [];
  const h = new RequestHandler(host({ pages: 1, cycles: 1 }, log));
  const probe = 'r:kprobes/mvma_setup_ret migrate_vma_setup ret=$retval:s32';
  const ok = await ask(h, 'createRecipe', { include: ['refcount/pages-not-collected', probe] });
  assert.equal(ok.ok, true);
  assert.deepEqual(log, [`recipe refcount/pages-not-collected|${probe}`]);
  const bad = await ask(h, 'createRecipe', { include: [42] });
  assert.equal(bad.ok, false);
  await ask(h, 'createRecipe', { include: Array.from({ length: 500 }, () => 'x'.repeat(5000)) });
  const last = log[log.length - 1].slice('recipe '.length).split('|');
  assert.equal(last.length, 64);
  assert.ok(last.every((x) => x.length === 1000));
});

test('findings slices cap evidence lines per finding, drop event ids and say how many lines there are', async () => {
  const base = host({ pages: 2, cycles: 1 });
  const real = await base.queries.findings();
  const many = Array.from({ length: 50_000 }, (_, i) => i + 1);
  const queries = { ...base.queries, findings: async () => ({ findings: real.findings.map((f) => ({ ...f, lines: many, eventIds: many })), missingEvidence: [] }) };
  const h = new RequestHandler({ ...base, queries });
  const rule = real.findings[0].rule;
  const r = await ask(h, 'findingsList', { rule, offset: 0, limit: 200 });
  const { findings } = r.result as { findings: { lines: number[]; linesTotal: number; eventIds?: number[] }[] };
  assert.ok(findings.length > 0);
  for (const f of findings) {
    assert.equal(f.lines.length, LIMITS.maxEvidenceLines);
    assert.deepEqual(f.lines.slice(0, 3), [1, 2, 3], 'the most telling (first) lines are kept');
    assert.equal(f.linesTotal, 50_000);
    assert.equal(f.eventIds, undefined);
  }
  assert.ok(h.metrics[h.metrics.length - 1].bytes < 100_000, `${h.metrics[h.metrics.length - 1].bytes} bytes`);
});
