import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFile, summarize } from '../../../src/core/analyze';
import { QueryAnswerer } from '../../../src/extension/worker/queries';
import { reducePoints } from '../../../src/extension/webview/lod';
import type { PageTimeline } from '../../../src/core/model/types';
import { fixture } from '../helpers';

/**
 * A model's timeline events work out their one-line summary only when it is read (a busy page has 10^5
 * events and a view shows a few hundred). Every way an event leaves the model must still carry it: JSON (the
 * CLI), the points a view draws, and the worker's answer, which crosses a structured clone.
 */
test('timeline event summaries survive JSON, the drawn points and the worker boundary', async () => {
  const a = await analyzeFile(fixture('traces', 'k6.1', 'double_migrate-ftrace.txt'), {});
  const page = a.model.pages()[0];
  const t = a.model.timeline(page.as, page.vpn)!;
  assert.ok(t.events.length > 10);
  const summaries = t.events.map((e) => e.summary);
  assert.ok(summaries.every((s) => typeof s === 'string' && s.length > 0));
  const json = JSON.parse(JSON.stringify(t)) as PageTimeline;
  assert.deepEqual(json.events.map((e) => e.summary), summaries);
  const w = { fromTs: a.model.firstTs, toTs: a.model.lastTs };
  for (const width of [4, 4000]) {
    const points = reducePoints(t.events, w, width, 5000);
    assert.ok(points.length > 0);
    for (const p of points) assert.ok(typeof p.summary === 'string' && p.summary.length > 0, `point ${p.id} at width ${width}`);
  }
  const crossed = structuredClone(new QueryAnswerer(a, summarize).answer('timeline', [page.as, page.vpn])) as PageTimeline;
  assert.deepEqual(crossed.events.map((e) => e.summary), summaries);
});
