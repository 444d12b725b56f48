/**
 * The analysis worker (dist/worker.js) on real captures: analyze with progress, editor data resolved to
 * trace lines, bounded queries, cancellation, errors with the file's name, and the same answers in-process.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { analyzeFile, summarize } from '../../../src/core/analyze';
import { AnalysisHost } from '../../../src/extension/worker/host';
import { analysisCore } from '../../../src/extension/worker/coreBinding';
import type { EditorData } from '../../../src/extension/worker/editorData';
import type { AnalyzeResult, WorkerRequest, WorkerResponse } from '../../../src/extension/worker/messages';
import type { DomainEvent } from '../../../src/core/model/types';
import { fixture, repoRoot } from '../helpers';

/** A tiny client over a message port: request → the final result or error, progress collected. */
function client(send: (m: WorkerRequest) => void, onMessage: (cb: (m: WorkerResponse) => void) => void) {
  let next = 1;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; progress: number[] }>();
  onMessage((m) => {
    const w = waiting.get(m.id);
    if (!w) return;
    if (m.type === 'progress') w.progress.push(m.bytesDone);
    else {
      waiting.delete(m.id);
      if (m.type === 'result') w.resolve(m.value);
      else w.reject(Object.assign(new Error(m.message), { cancelled: m.cancelled }));
    }
  });
  return {
    request<T>(req: Record<string, unknown>): { id: number; result: Promise<T>; progress: number[] } {
      const id = next++;
      const progress: number[] = [];
      const result = new Promise<T>((resolve, reject) => waiting.set(id, { resolve: resolve as (v: unknown) => void, reject, progress }));
      send({ ...req, id } as WorkerRequest);
      return { id, result, progress };
    },
    send,
  };
}

test('dist/worker.js analyses a real capture and answers queries and editor data by line', async () => {
  const worker = new Worker(join(repoRoot(), 'dist', 'worker.js'));
  try {
    const c = client((m) => worker.postMessage(m), (cb) => worker.on('message', cb));
    const file = fixture('traces', 'k6.1', 'mprotect-ftrace.txt');
    const a = c.request<AnalyzeResult>({ type: 'analyze', file, options: { chunkSize: 4096 } });
    const r = await a.result;
    assert.equal(r.summary.format, 'ftrace');
    assert.ok(r.summary.events > 300);
    assert.ok(a.progress.length > 0, 'progress was reported');
    const data = await c.request<EditorData>({ type: 'editorData', key: r.key }).result;
    assert.ok(data.findings.some((f) => f.rule === 'invalidation/permission-upgrade'));
    const inv = data.invalidations.find((i) => i.event === 'PROTECTION_VMA');
    assert.ok(inv && inv.line > 0);
    const events = await c.request<DomainEvent[]>({ type: 'query', key: r.key, method: 'eventsAtLine', args: [inv.line] }).result;
    assert.equal(events[0].line, inv.line);
    assert.equal(events[0].notifierEvent, 'PROTECTION_VMA');
    const window = await c.request<DomainEvent[]>({ type: 'query', key: r.key, method: 'eventsInWindow', args: [0, Number.MAX_SAFE_INTEGER, 10_000_000] }).result;
    assert.equal(window.length, r.summary.events, 'the limit is clamped, not trusted, and the whole small trace fits');
    await assert.rejects(c.request({ type: 'query', key: r.key, method: 'event', args: ['x'] }).result, /argument 1 must be a number/);
    c.send({ type: 'release', key: r.key });
    await assert.rejects(c.request({ type: 'query', key: r.key, method: 'summary', args: [] }).result, /no longer held/);
  } finally {
    await worker.terminate();
  }
});

test('an unreadable file is an error naming the file, not a crash of the worker', async () => {
  const worker = new Worker(join(repoRoot(), 'dist', 'worker.js'));
  try {
    const c = client((m) => worker.postMessage(m), (cb) => worker.on('message', cb));
    await assert.rejects(c.request({ type: 'analyze', file: '/nonexistent/trace.txt', options: {} }).result, /\/nonexistent\/trace\.txt/);
    const ok = await c.request<AnalyzeResult>({ type: 'analyze', file: fixture('traces', 'k6.1', 'munmap-perf.txt'), options: {} }).result;
    assert.equal(ok.summary.format, 'perf-script');
  } finally {
    await worker.terminate();
  }
});

test('cancelling an analysis ends it with a cancelled error (in-process host, same code as the worker)', async () => {
  const listeners: ((m: WorkerResponse) => void)[] = [];
  const host = new AnalysisHost({ analyzeFile, summarize }, (m) => listeners.forEach((l) => l(m)));
  const c = client((m) => host.handle(m), (cb) => listeners.push(cb));
  const req = c.request({ type: 'analyze', file: fixture('traces', 'k6.1', 'pinned-ftracestack.txt'), options: { chunkSize: 1024 } });
  c.send({ type: 'cancel', id: req.id });
  await assert.rejects(req.result, (e: Error & { cancelled?: boolean }) => e.cancelled === true && /cancelled/.test(e.message));
  // the host is still usable afterwards
  const again = await c.request<AnalyzeResult>({ type: 'analyze', file: fixture('traces', 'k6.1', 'munmap-ftrace.txt'), options: {} }).result;
  assert.ok(again.summary.events > 0);
});

test('reports: Markdown, SARIF and JSON come from the core, with notes and expected findings as suppressions', async () => {
  const listeners: ((m: WorkerResponse) => void)[] = [];
  const host = new AnalysisHost(analysisCore, (m) => listeners.forEach((l) => l(m)));
  const c = client((m) => host.handle(m), (cb) => listeners.push(cb));
  const r = await c.request<AnalyzeResult>({ type: 'analyze', file: fixture('traces', 'k6.1', 'mprotect-ftrace.txt'), options: {} }).result;
  const data = await c.request<EditorData>({ type: 'editorData', key: r.key }).result;
  const f = data.findings[0];
  const notes = [{ id: 'n1', line: f.lines[0], findingKey: f.key, body: 'upgrade is expected here', expected: true, created: 'c', updated: 'u' }];
  const md = await c.request<string>({ type: 'report', key: r.key, format: 'markdown', notes }).result;
  assert.match(md, /upgrade is expected here/);
  assert.match(md, /permission-upgrade/);
  const sarif = JSON.parse(await c.request<string>({ type: 'report', key: r.key, format: 'sarif', notes }).result);
  assert.equal(sarif.version, '2.1.0');
  const results = sarif.runs[0].results as { ruleId: string; suppressions?: unknown[] }[];
  assert.equal(results.length, data.findings.length);
  assert.equal(results.filter((x) => x.suppressions && x.suppressions.length > 0).length, 1);
  const json = JSON.parse(await c.request<string>({ type: 'report', key: r.key, format: 'json', notes: [] }).result);
  assert.ok(JSON.stringify(json).includes(f.rule));
});
