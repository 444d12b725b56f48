/** The TraceModel queries the views rely on, on a real capture (double_migrate, 6.1 ftrace). */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixture } from '../helpers';
import { buildModel } from '../../../src/core/model';

const FILE = fixture('traces', 'k6.1', 'double_migrate-ftrace.txt');

test('events are addressable by id and by line, with fields, summary and address space', async () => {
  const { model } = await buildModel(FILE);
  const lines = readFileSync(FILE, 'utf8').split('\n');
  const setupLine = lines.findIndex((l) => l.includes('mvma_setup: (migrate_vma_setup')) + 1;
  const [id] = model.eventsAtLine(setupLine);
  const e = model.event(id);
  assert.equal(e.kind, 'migrate-setup');
  assert.equal(e.line, setupLine);
  assert.equal(e.fields['flags'], '0x1');
  assert.equal(e.as, 130);
  assert.match(e.summary, /migrate_vma_setup \[0x7f829c9ba000, 0x7f829c9c2000\) \(8 pages\) SELECT_SYSTEM/);
  assert.throws(() => model.event(model.eventCount), RangeError);
});

test('a range event is stored once and resolved to the pages it covers', async () => {
  const { model } = await buildModel(FILE);
  const inv = model.invalidations.find((r) => r.event === 'MIGRATE')!;
  const pages = model.pagesOfEvent(inv.startId);
  assert.equal(pages.as, 130);
  assert.equal(pages.vpns.length, 8);
  assert.deepEqual(model.pagesInRange(130, inv.start, inv.end).map((p) => p.page), pages.vpns.map((v) => `0x${(v * 4096).toString(16)}`));
  const tl = model.timeline(130, pages.vpns[3])!;
  assert.ok(tl.events.some((e) => e.id === inv.startId));
  // each state interval is opened by an event of the page's timeline
  for (const i of tl.intervals) assert.ok(tl.events.some((e) => e.id === i.eventId), `interval ${i.state} line ${i.line}`);
});

test('stateAround gives the state just before and after an event', async () => {
  const { model } = await buildModel(FILE);
  const vpn = 0x7f829c9ba000 / 4096;
  const tl = model.timeline(130, vpn)!;
  const dev = tl.intervals.find((i) => i.state === 'device-private')!;
  assert.deepEqual(model.stateAround(130, vpn, dev.eventId), { before: 'migrating-to-device', after: 'device-private' });
});

test('window and level-of-detail queries count every event once', async () => {
  const { model } = await buildModel(FILE);
  const agg = model.aggregate(model.firstTs, model.lastTs, 50);
  assert.equal(agg.total, model.eventCount);
  assert.equal(agg.counts.reduce((s, c) => s + c.reduce((a, b) => a + b, 0), 0), model.eventCount);
  assert.equal(agg.counts[0].length, 50);
  const mid = model.firstTs + (model.lastTs - model.firstTs) / 2;
  const a = model.eventsInWindow(model.firstTs, mid, 1e6).length;
  const b = model.eventsInWindow(mid + 1, model.lastTs, 1e6).length;
  assert.equal(a + b, model.eventCount);
  assert.equal(model.eventsInWindow(model.firstTs, model.lastTs, 5).length, 5);
});

test('address spaces, markers and migration records are summarised', async () => {
  const { model, probes } = await buildModel(FILE);
  const as = model.addressSpaces().find((a) => a.as === 130)!;
  assert.equal(as.pages, 8);
  assert.equal(as.migrations, 4);
  assert.ok(model.markers.slice().some((m) => m.text.includes('hmmtrace[double_migrate] scenario double_migrate start')));
  assert.equal(model.migrations.length, 4);
  assert.deepEqual(model.migrations.map((m) => m.cpages), [8, 0, 8, 8]);
  assert.deepEqual(model.migrations.map((m) => m.moved), [8, 0, 8, 8]);
  assert.deepEqual(model.migrations.map((m) => m.direction), ['to-device', 'to-device', 'to-system', 'to-device']);
  assert.ok(model.migrations.every((m) => m.invalidationIds.length === 1 && m.setupRet === 0));
  // migrate_vma_setup calls migrate_vma_unmap only when collect found pages
  assert.deepEqual(model.migrations.map((m) => m.unmapped), [8, undefined, 8, 8]);
  const mig = model.invalidations.find((r) => r.event === 'MIGRATE')!;
  assert.equal(mig.callbacks.length, 1);
  assert.equal(mig.callbacks[0].driver, 'dmirror');
  assert.equal(mig.callbacks[0].ret, 1);
  assert.equal(mig.callbacks[0].ownEvent, true, "dmirror's own MIGRATE (owner == its pgmap owner)");
  assert.ok(mig.endId !== undefined);
  assert.deepEqual(probes.unresolved, {});
});

test('without any definitions the well-known probe names still rebuild a trace-cmd report', async () => {
  const { model, probes } = await buildModel(fixture('traces', 'k6.1', 'double_migrate-tracecmd.txt'), { discoverProbes: false });
  assert.ok(probes.sources.includes('well-known probe names'));
  assert.deepEqual(probes.unresolved, {});
  assert.deepEqual(model.migrations.map((m) => m.cpages), [8, 0, 8, 8]);
});

test('a renamed probe without definitions is reported unresolved instead of guessed', async () => {
  const { ModelBuilder } = await import('../../../src/core/model/build');
  const { ProbeCatalog } = await import('../../../src/core/decode/probeCatalog');
  const b = new ModelBuilder(new ProbeCatalog(), { keepFields: true });
  b.add({ line: 1, offset: 0, lineCount: 1, ts: 1, cpu: 0, pid: 1, comm: 'a', name: 'my_probe_17', kind: 'kprobe', probe: { address: 'ffffffff81249e60' }, body: '', fields: { start: '0x1000' } });
  assert.deepEqual(b.resolution().unresolved, { my_probe_17: 1 });
  assert.deepEqual(b.finish().unresolved, { my_probe_17: 1 });
});
