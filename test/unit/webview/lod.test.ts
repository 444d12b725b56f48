import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TimelineEvent } from '../../../src/core/model/types';
import { bandsOf, clipIntervals, mergeBands, mergeIntervals, reducePoints } from '../../../src/extension/webview/lod';

function ev(id: number, ts: number, kind: TimelineEvent['kind'], pid = 1): TimelineEvent {
  return { id, line: id + 1, ts, kind, summary: `${kind} ${id}`, pid, comm: 't' };
}

test('invalidation spans nest per task: the inner start closes first', () => {
  const bands = bandsOf([
    ev(0, 10, 'invalidate-start'),
    ev(1, 20, 'invalidate-start'),
    ev(2, 30, 'invalidate-end'),
    ev(3, 40, 'invalidate-end'),
  ]);
  assert.deepEqual(bands.map((b) => [b.fromTs, b.toTs]), [[10, 40], [20, 30]]);
});

test('spans of different tasks do not close each other', () => {
  const bands = bandsOf([ev(0, 10, 'invalidate-start', 1), ev(1, 15, 'invalidate-start', 2), ev(2, 20, 'invalidate-end', 2)]);
  assert.deepEqual(bands.map((b) => [b.fromTs, b.toTs]), [[10, 10], [15, 20]]);
});

test('a migration window runs from migrate_vma_setup to migrate_vma_finalize', () => {
  const bands = bandsOf([ev(0, 100, 'migrate-setup'), ev(1, 110, 'invalidate-start'), ev(2, 120, 'invalidate-end'), ev(3, 200, 'migrate-finalize')]);
  const m = bands.find((b) => b.kind === 'migration');
  assert.deepEqual([m?.fromTs, m?.toTs, m?.line], [100, 200, 1]);
});

test('points are sent as they are while they fit two per pixel', () => {
  const events = Array.from({ length: 100 }, (_, i) => ev(i, i * 10, 'cpu-fault'));
  const pts = reducePoints(events, { fromTs: 0, toTs: 1000 }, 100, 10000);
  assert.equal(pts.length, 100);
  assert.ok(pts.every((p) => p.count === 1));
});

test('dense points merge per pixel column and kind, and the counts add up', () => {
  const events = Array.from({ length: 100_000 }, (_, i) => ev(i, i, i % 2 ? 'cpu-fault' : 'invalidate-start'));
  const pts = reducePoints(events, { fromTs: 0, toTs: 99_999 }, 500, 4000);
  assert.ok(pts.length <= 1000, `${pts.length} points for 500 px`);
  assert.equal(pts.reduce((n, p) => n + p.count, 0), 100_000);
  assert.deepEqual(new Set(pts.map((p) => p.kind)), new Set(['cpu-fault', 'invalidate-start']));
  assert.match(pts[0].summary, /^\d+ × /);
});

test('points outside the window are not sent', () => {
  const pts = reducePoints([ev(0, 5, 'marker'), ev(1, 50, 'marker'), ev(2, 500, 'marker')], { fromTs: 10, toTs: 100 }, 100, 100);
  assert.deepEqual(pts.map((p) => p.id), [1]);
});

test('intervals overlapping the window are kept, an open one lasts to the end of the trace', () => {
  const kept = clipIntervals(
    [
      { state: 'system', fromTs: 0, toTs: 10, eventId: 0, line: 1 },
      { state: 'device-private', fromTs: 10, toTs: null, eventId: 1, line: 2 },
    ],
    { fromTs: 50, toTs: 60 },
    1000,
  );
  assert.deepEqual(kept.map((i) => i.state), ['device-private']);
});

test('sub-pixel intervals merge per pixel column into the state that lasted longest there', () => {
  const ivs = Array.from({ length: 10_000 }, (_, i) => ({
    state: (i % 2 ? 'device-private' : 'system') as 'system' | 'device-private',
    fromTs: i * 10,
    toTs: i * 10 + 10,
    eventId: i,
    line: i + 1,
  }));
  const merged = mergeIntervals(ivs, { fromTs: 0, toTs: 100_000 }, 100, 100_000);
  assert.ok(merged.length <= 100, `${merged.length} intervals for 100 px`);
  assert.equal(merged[0].fromTs, 0);
  assert.equal(merged[merged.length - 1].toTs, 100_000);
  // wide intervals survive untouched
  const wide = mergeIntervals(ivs.slice(0, 3), { fromTs: 0, toTs: 30 }, 3, 30);
  assert.deepEqual(wide.map((i) => i.state), ['system', 'device-private', 'system']);
});

test('bands closer than a pixel are drawn as one that says how many it holds', () => {
  const bands = Array.from({ length: 1000 }, (_, i) => ({ kind: 'invalidation' as const, fromTs: i * 10, toTs: i * 10 + 5, id: i, line: i + 1, label: 'x' }));
  const merged = mergeBands(bands, { fromTs: 0, toTs: 10_000 }, 10);
  assert.equal(merged.length, 1);
  assert.match(merged[0].label, /^1000 invalidation spans from line 1$/);
  assert.equal(mergeBands(bands.slice(0, 3), { fromTs: 0, toTs: 30 }, 30).length, 3);
});
