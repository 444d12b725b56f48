/**
 * Migration and invalidation records are handles on rows (src/core/model/records): they must read back what the
 * replay wrote and what their events printed, serialise exactly like the object literals they replace (same keys, same order, undefined ones
 * omitted), and leave the model only as plain objects, which survive a structured clone (worker postMessage).
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { fixture } from '../helpers';
import { buildModel } from '../../../src/core/model/build';
import { BLOCK, ValueIds } from '../../../src/core/model/records/rows';
import { InvalidationTable } from '../../../src/core/model/records/invalidations';
import { type Migration, MigrationTable } from '../../../src/core/model/records/migrations';
import { plainInvalidation, plainMigration } from '../../../src/core/model/records/plain';
import type { AddressSpace } from '../../../src/core/model/types';
import type { RecordEvents } from '../../../src/core/model/records/events';
import { analyzeFile, summarize } from '../../../src/core/analyze';
import { AnalysisHost } from '../../../src/extension/worker/host';
import type { AnalyzeResult, WorkerResponse } from '../../../src/extension/worker/messages';

/** The keys of the object literals the replay made, in their order. */
const MIGRATION_KEYS = [
  'id', 'as', 'pid', 'comm', 'start', 'end', 'npages', 'flags', 'direction', 'pgmapOwner', 'faultPage', 'trigger', 'setupId', 'setupTs',
  'setupRetTs', 'setupRet', 'unmapped', 'cpages', 'moved', 'eagain', 'restoredInSetup', 'pagesId', 'finalizeId', 'finalizeTs',
  'invalidationIds', 'closeId',
];
const INVALIDATION_KEYS = [
  'id', 'as', 'pid', 'comm', 'start', 'end', 'event', 'eventNum', 'owner', 'blockable', 'origin', 'originEvidence', 'startId', 'startTs',
  'callbacks', 'migrationId', 'endId', 'endTs',
];

/** Events the records read back (records/events.ts): plain arrays, strings interned with 0 for none. */
class FakeEvents implements RecordEvents {
  private readonly texts: (string | undefined)[] = [undefined];
  private readonly tsOf: number[] = [];
  private readonly aOf: number[] = [];
  private readonly bOf: number[] = [];
  private readonly pidOf: number[] = [];
  private readonly commOf: number[] = [];
  private readonly ownerOf: number[] = [];
  private readonly funcOfId: number[] = [];
  private readonly retOfId: (number | undefined)[] = [];
  private readonly notifierOf: number[] = [];
  private readonly eventNumOf: (number | undefined)[] = [];
  readonly ts = { get: (i: number) => this.tsOf[i] };
  readonly a = { get: (i: number) => this.aOf[i] ?? NaN };
  readonly b = { get: (i: number) => this.bOf[i] ?? NaN };
  readonly pid = { get: (i: number) => this.pidOf[i] };
  readonly comm = { get: (i: number) => this.commOf[i] ?? 0 };
  readonly owner = { get: (i: number) => this.ownerOf[i] ?? 0 };
  readonly strings = { get: (k: number) => this.texts[k] };
  readonly notifier = { get: (i: number) => this.notifierOf[i] ?? -1 };

  private intern(v: string | undefined): number {
    if (v === undefined) return 0;
    const k = this.texts.indexOf(v);
    return k > 0 ? k : this.texts.push(v) - 1;
  }
  /** Event `id` with what the trace printed. */
  set(id: number, e: { ts: number; pid?: number; comm?: string; range?: [number, number]; owner?: string; func?: string; ret?: number; notifier?: number; eventNum?: number }): void {
    this.tsOf[id] = e.ts;
    this.pidOf[id] = e.pid ?? 0;
    this.commOf[id] = this.intern(e.comm);
    this.aOf[id] = e.range ? e.range[0] : NaN;
    this.bOf[id] = e.range ? e.range[1] : NaN;
    this.ownerOf[id] = this.intern(e.owner);
    this.funcOfId[id] = this.intern(e.func);
    this.retOfId[id] = e.ret;
    this.notifierOf[id] = e.notifier ?? -1;
    this.eventNumOf[id] = e.eventNum;
  }
  extra(id: number): { eventNum?: number } | undefined {
    return this.eventNumOf[id] === undefined ? undefined : { eventNum: this.eventNumOf[id] };
  }
  funcOf(id: number): string | undefined {
    return this.texts[this.funcOfId[id] ?? 0];
  }
  retOf(id: number): number | undefined {
    return this.retOfId[id];
  }
}

function tables() {
  const values = new ValueIds<AddressSpace>();
  const events = new FakeEvents();
  const invalidations = new InvalidationTable(values, events);
  const migrations = new MigrationTable(values, invalidations, events);
  return { migrations, invalidations, events };
}

const setup = { as: 'mm0xffff8881' as AddressSpace, direction: 'to-device' as const, trigger: 'driver' as const };
const window: [number, number] = [0x7f0000000000, 0x7f0000008000];

test('a migration handle reads back what the replay wrote and its events printed, and serialises like the literal it replaces', () => {
  const { migrations, events } = tables();
  events.set(40, { ts: 1_000_000_123, pid: 7, comm: 'hmm-test', range: window, owner: '0xffff888100c8' });
  events.set(41, { ts: 1_000_000_200, pid: 7, comm: 'hmm-test', ret: -16 });
  events.set(42, { ts: 2 ** 53 - 1, pid: 7, comm: 'hmm-test' });
  const m = migrations.open({ ...setup, flags: 1, faultPage: undefined, setupId: 40 });
  assert.equal(m.id, 0);
  assert.deepEqual([m.as, m.pid, m.comm, m.start, m.end, m.npages, m.flags, m.direction, m.trigger], [setup.as, 7, 'hmm-test', window[0], window[1], 8, 1, 'to-device', 'driver']);
  assert.deepEqual([m.pgmapOwner, m.faultPage, m.setupId, m.setupTs, m.closeId], ['0xffff888100c8', undefined, 40, 1_000_000_123, 40]);
  assert.deepEqual([m.setupRetTs, m.setupRet, m.unmapped, m.cpages, m.moved, m.pagesId, m.finalizeId, m.finalizeTs], new Array(8).fill(undefined));
  migrations.setSetupReturn(m.id, 41);
  m.cpages = 0;
  m.restoredInSetup++;
  m.restoredInSetup++;
  m.eagain = 3;
  m.finalizeId = 42;
  m.closeId = 99;
  assert.deepEqual([m.setupRet, m.setupRetTs, m.cpages, m.restoredInSetup, m.eagain, m.finalizeId, m.finalizeTs, m.closeId], [-16, 1_000_000_200, 0, 2, 3, 42, 2 ** 53 - 1, 99]);
  m.cpages = undefined;
  assert.equal(m.cpages, undefined);
  const plain = plainMigration(m);
  assert.deepEqual(Object.keys(plain), MIGRATION_KEYS);
  assert.equal(JSON.stringify(m), JSON.stringify(plain));
  const literal = { id: 0, as: setup.as, pid: 7, comm: 'hmm-test', start: window[0], end: window[1], npages: 8, flags: 1, direction: 'to-device', pgmapOwner: '0xffff888100c8', faultPage: undefined, trigger: 'driver', setupId: 40, setupTs: 1_000_000_123, setupRetTs: 1_000_000_200, setupRet: -16, unmapped: undefined, cpages: undefined, moved: undefined, eagain: 3, restoredInSetup: 2, pagesId: undefined, finalizeId: 42, finalizeTs: 2 ** 53 - 1, invalidationIds: [], closeId: 99 };
  assert.equal(JSON.stringify(m), JSON.stringify(literal));
  assert.deepStrictEqual(structuredClone(plain), literal);
});

test('a setup that printed no range has an empty window; an eviction has no owner and grows its window from the pages it removes', () => {
  const { migrations, events } = tables();
  events.set(1, { ts: 10, pid: 3, comm: 'a', owner: '0xffff1' });
  events.set(2, { ts: 20, pid: 4, comm: 'kworker', range: [4096, 8192], owner: '0xffff2' });
  const s = migrations.open({ ...setup, flags: undefined, faultPage: '0x0', setupId: 1 });
  const e = migrations.open({ as: 5, flags: undefined, direction: 'to-system', faultPage: undefined, trigger: 'device-range', setupId: 2 });
  assert.deepEqual([s.start, s.end, s.npages, s.pgmapOwner], [0, 0, 0, '0xffff1']);
  assert.deepEqual([e.start, e.end, e.npages, e.pgmapOwner, e.pid, e.comm, e.setupTs], [0, 0, 0, undefined, 4, 'kworker', 20], 'the printed range is not its window');
  // the replay's rule before: start = npages === 0 ? vpn * 4096 : min(start, vpn * 4096); end = max(end, (vpn + 1) * 4096)
  let ref = { start: 0, end: 0, npages: 0 };
  for (const vpn of [0x7f00000, 0x7effffe, 0x7f00003, 0x7f00001, 2 ** 52 - 1]) {
    migrations.widen(e.id, vpn);
    const start = ref.npages === 0 ? vpn * 4096 : Math.min(ref.start, vpn * 4096);
    const end = Math.max(ref.end, (vpn + 1) * 4096);
    ref = { start, end, npages: Math.round((end - start) / 4096) };
    assert.deepEqual([e.start, e.end, e.npages], [ref.start, ref.end, ref.npages]);
  }
  const v0 = migrations.open({ as: 5, flags: undefined, direction: 'to-system', faultPage: undefined, trigger: 'device-range', setupId: 2 });
  migrations.widen(v0.id, 0);
  assert.deepEqual([v0.start, v0.end, v0.npages], [0, 4096, 1], 'page 0 opens a window too');
});

test('optional numbers keep exactly what was set, an Int32 or not', () => {
  const { migrations, events } = tables();
  events.set(0, { ts: 0 });
  const m = migrations.open({ ...setup, flags: undefined, faultPage: undefined, setupId: 0 });
  const values = [0, 1, -1, -11, 2 ** 31 - 1, -(2 ** 31), -(2 ** 31) + 1, -(2 ** 31) + 2, 2 ** 31, 2 ** 53 - 1, 2 ** 64, -(2 ** 63), 0.5, -0, Infinity, -Infinity, 0xffff888100c80000];
  for (const v of values) {
    m.unmapped = v;
    m.moved = -v;
    assert.ok(Object.is(m.unmapped, v), `unmapped ${v}`);
    assert.ok(Object.is(m.moved, -v), `moved ${-v}`);
  }
  m.unmapped = 2 ** 40;
  m.unmapped = 7;
  assert.equal(m.unmapped, 7, 'a narrow value replaces a wide one');
  m.unmapped = NaN;
  assert.equal(m.unmapped, undefined, 'NaN reads back as not captured, as from a Float64 field');
  m.unmapped = undefined;
  assert.equal(m.unmapped, undefined);
});

test('an invalidation handle reads back its events, callbacks, returns and evidence; a migration lists the invalidations naming it', () => {
  const { migrations, invalidations, events } = tables();
  events.set(1, { ts: 1 });
  events.set(2, { ts: 2 });
  const m0 = migrations.open({ ...setup, flags: undefined, faultPage: '0x0', setupId: 1 });
  const m1 = migrations.open({ ...setup, flags: undefined, faultPage: undefined, setupId: 2 });
  const open = (startId: number, migrationId: number | undefined) => {
    events.set(startId, { ts: startId * 10, pid: 7, comm: 'hmm-test', range: [0, 2 ** 64], owner: '0x0' });
    return invalidations.open({ as: 12, event: 'MIGRATE', blockable: true, startId, migrationId });
  };
  const a = open(3, m1.id);
  const b = open(4, undefined);
  const c = open(5, m1.id);
  assert.deepEqual([a.as, a.pid, a.comm, a.start, a.end, a.event, a.eventNum, a.owner, a.blockable, a.origin, a.originEvidence, a.callbacks, a.startTs, a.endId, a.endTs], [12, 7, 'hmm-test', 0, 2 ** 64, 'MIGRATE', undefined, '0x0', true, 'unknown', [], [], 30, undefined, undefined]);
  const evidence = ['span', 'migrate_vma_setup'];
  a.origin = 'migrate_vma_setup';
  a.originEvidence = evidence;
  assert.equal(a.origin, 'migrate_vma_setup');
  assert.equal(a.originEvidence, evidence, 'the shared list itself');
  events.set(10, { ts: 100, func: 'dmirror_interval_invalidate' });
  events.set(11, { ts: 110, func: 'nouveau_svmm_invalidate' });
  events.set(12, { ts: 120, func: 'dmirror_interval_invalidate' });
  events.set(20, { ts: 200, func: 'dmirror_interval_invalidate' });
  events.set(21, { ts: 210, func: 'dmirror_interval_invalidate', ret: 1 });
  events.set(22, { ts: 220, func: 'other', ret: 0 });
  events.set(23, { ts: 230, func: 'dmirror_interval_invalidate', ret: NaN });
  events.set(13, { ts: 130 });
  invalidations.addCallback(a.id, 'dmirror', 10, true);
  invalidations.addCallback(c.id, 'nouveau', 11, undefined);
  invalidations.addCallback(a.id, 'dmirror', 12, false);
  invalidations.settleCallback(a.id, 'dmirror_interval_invalidate', 20);
  assert.deepEqual(a.callbacks.map((x) => x.ret), [undefined, undefined], 'a return that printed no value settles nothing');
  invalidations.settleCallback(a.id, 'dmirror_interval_invalidate', 23);
  assert.deepEqual(a.callbacks.map((x) => x.ret), [undefined, undefined], 'nor one that printed NaN');
  invalidations.settleCallback(a.id, 'dmirror_interval_invalidate', 21);
  invalidations.settleCallback(a.id, 'other', 22);
  a.endId = 13;
  assert.deepStrictEqual(a.callbacks, [
    { driver: 'dmirror', func: 'dmirror_interval_invalidate', eventId: 10, ret: undefined, ownEvent: true },
    { driver: 'dmirror', func: 'dmirror_interval_invalidate', eventId: 12, ret: 1, ownEvent: false },
  ]);
  assert.deepStrictEqual(c.callbacks, [{ driver: 'nouveau', func: 'nouveau_svmm_invalidate', eventId: 11, ret: undefined, ownEvent: undefined }]);
  assert.deepEqual([a.callbackCount, b.callbackCount, c.callbackCount], [2, 0, 1], 'counted without the list');
  assert.deepEqual([a.anyOwnCallback, b.anyOwnCallback, c.anyOwnCallback], [true, false, false], 'ownEvent true only (undefined and false are not own)');
  assert.deepEqual([a.endId, a.endTs, b.migrationId, c.migrationId], [13, 130, undefined, 1]);
  assert.deepEqual(m0.invalidationIds, []);
  assert.deepEqual(m1.invalidationIds, [0, 2]);
  const d = open(6, m0.id);
  assert.deepEqual([m0.invalidationIds, m1.invalidationIds], [[d.id], [0, 2]], 'records added later are listed too');
  const plain = plainInvalidation(a);
  assert.deepEqual(Object.keys(plain), INVALIDATION_KEYS);
  assert.equal(JSON.stringify(a), JSON.stringify(plain));
  assert.deepStrictEqual(structuredClone(plain), plain);
});

test('rows fill block after block without changing a field', () => {
  const { migrations, invalidations, events } = tables();
  assert.deepEqual([migrations.count, migrations.i32.length, migrations.list, invalidations.count, invalidations.list, Array.from(invalidations.ofMigration(0, 0))], [0, 0, [], 0, [], []], 'empty tables');
  const ms: Migration[] = [];
  for (let i = 0; i < 3000; i++) {
    events.set(i, { ts: i * 3, pid: i, comm: 'c', range: [window[0] + i * 4096, window[1] + i * 4096], owner: `0x${i % 7}`, notifier: i % 3 === 0 ? 6 : -1, eventNum: i % 2 ? i : undefined });
    ms.push(migrations.open({ ...setup, flags: i % 3 === 0 ? undefined : i * 2 ** 20, faultPage: undefined, setupId: i }));
    invalidations.open({ as: i % 5, event: 'CLEAR', blockable: i % 2 === 0 ? undefined : false, startId: i, migrationId: i % 4 === 0 ? i : undefined });
  }
  assert.equal(migrations.i32.length, Math.ceil(3000 / BLOCK));
  for (let i = 0; i < 3000; i++) {
    const m = ms[i];
    assert.deepEqual([m.id, m.start, m.setupTs, m.flags, m.pgmapOwner, m.setupId, m.closeId], [i, window[0] + i * 4096, i * 3, i % 3 === 0 ? undefined : i * 2 ** 20, `0x${i % 7}`, i, i]);
    const r = invalidations.list[i];
    assert.deepEqual([r.id, r.as, r.pid, r.end, r.eventNum, r.blockable, r.migrationId], [i, i % 5, i, window[1] + i * 4096, i % 2 ? i : i % 3 === 0 ? 6 : undefined, i % 2 === 0 ? undefined : false, i % 4 === 0 ? i : undefined]);
    assert.deepEqual(m.invalidationIds, i % 4 === 0 ? [i] : []);
  }
});

const captures = ['k6.1', 'k6.12'].flatMap((k) => readdirSync(fixture('traces', k)).filter((f) => /-(ftrace|ftracestack|perf)(-k6\.12)?\.txt$/.test(f)).map((f) => fixture('traces', k, f)));

test('on every real capture the records read like their plain form and survive a structured clone', async () => {
  let migrations = 0;
  let invalidations = 0;
  let callbacks = 0;
  for (const file of captures) {
    const { model } = await buildModel(file);
    const viaMigration = new Map<number, number[]>();
    for (const r of model.invalidations) {
      const plain = plainInvalidation(r);
      assert.equal(JSON.stringify(r), JSON.stringify(plain));
      assert.deepStrictEqual(structuredClone(plain), plain);
      for (const k of INVALIDATION_KEYS) assert.deepStrictEqual((r as unknown as Record<string, unknown>)[k], (plain as unknown as Record<string, unknown>)[k], `${file} invalidation ${r.id} ${k}`);
      if (r.migrationId !== undefined) viaMigration.set(r.migrationId, [...(viaMigration.get(r.migrationId) ?? []), r.id]);
      callbacks += r.callbacks.length;
      assert.equal(r.callbackCount, r.callbacks.length);
      assert.equal(r.anyOwnCallback, r.callbacks.some((c) => c.ownEvent === true));
      invalidations++;
    }
    for (const m of model.migrations) {
      const plain = plainMigration(m);
      assert.equal(JSON.stringify(m), JSON.stringify(plain));
      assert.deepStrictEqual(structuredClone(plain), plain);
      assert.deepEqual(m.invalidationIds, viaMigration.get(m.id) ?? [], 'a migration lists the invalidations naming it, in order');
      migrations++;
    }
  }
  assert.ok(migrations > 100 && invalidations > 100 && callbacks > 10, `${migrations} migrations, ${invalidations} invalidations, ${callbacks} callbacks`);
});

test('the analysis host answers record queries with plain objects (what a worker can post)', async () => {
  const file = fixture('traces', 'k6.1', 'pinned-ftracestack.txt');
  const answers: WorkerResponse[] = [];
  const host = new AnalysisHost({ analyzeFile, summarize }, (m) => answers.push(structuredClone(m)));
  const reply = async (req: Record<string, unknown>): Promise<unknown> => {
    await host.handle(req as never);
    for (;;) {
      const a = answers.find((x) => x.id === req.id && x.type !== 'progress');
      if (a) return a.type === 'result' ? a.value : assert.fail(JSON.stringify(a));
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const r = (await reply({ type: 'analyze', id: 1, file, options: {} })) as AnalyzeResult;
  const ms = await reply({ type: 'query', id: 2, key: r.key, method: 'migrations', args: [] });
  const invs = await reply({ type: 'query', id: 3, key: r.key, method: 'invalidations', args: [] });
  const { model } = await analyzeFile(file);
  assert.ok(model.migrations.length > 0 && model.invalidations.length > 0);
  assert.deepStrictEqual(ms, model.migrations.map(plainMigration));
  assert.deepStrictEqual(invs, model.invalidations.map(plainInvalidation));
});
