/**
 * Migration and invalidation records are handles on rows (src/core/model/records): they must read back what the
 * replay wrote, serialise exactly like the object literals they replace (same keys, same order, undefined ones
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

function tables() {
  const values = new ValueIds<AddressSpace>();
  const invalidations = new InvalidationTable(values);
  const migrations = new MigrationTable(values, invalidations);
  return { migrations, invalidations };
}

const setup = { as: 'mm0xffff8881' as AddressSpace, pid: 7, comm: 'hmm-test', start: 0x7f0000000000, end: 0x7f0000008000, npages: 8, direction: 'to-device' as const, trigger: 'driver' as const, setupTs: 1_000_000_123 };

test('a migration handle reads back what the replay wrote, and serialises like the literal it replaces', () => {
  const { migrations } = tables();
  const m = migrations.open({ ...setup, flags: 1, pgmapOwner: '0xffff888100c8', faultPage: undefined, setupId: 40 });
  assert.equal(m.id, 0);
  assert.deepEqual([m.as, m.pid, m.comm, m.start, m.end, m.npages, m.flags, m.direction, m.trigger], [setup.as, 7, 'hmm-test', setup.start, setup.end, 8, 1, 'to-device', 'driver']);
  assert.deepEqual([m.pgmapOwner, m.faultPage, m.setupId, m.setupTs, m.closeId], ['0xffff888100c8', undefined, 40, setup.setupTs, 40]);
  assert.deepEqual([m.setupRetTs, m.setupRet, m.unmapped, m.cpages, m.moved, m.pagesId, m.finalizeId, m.finalizeTs], new Array(8).fill(undefined));
  m.setupRet = -16;
  m.setupRetTs = 1_000_000_200;
  m.cpages = 0;
  m.restoredInSetup++;
  m.restoredInSetup++;
  m.eagain = 3;
  m.finalizeId = 0;
  m.finalizeTs = 2 ** 53 - 1;
  m.closeId = 99;
  assert.deepEqual([m.setupRet, m.setupRetTs, m.cpages, m.restoredInSetup, m.eagain, m.finalizeId, m.finalizeTs, m.closeId], [-16, 1_000_000_200, 0, 2, 3, 0, 2 ** 53 - 1, 99]);
  m.setupRet = undefined;
  assert.equal(m.setupRet, undefined);
  const plain = plainMigration(m);
  assert.deepEqual(Object.keys(plain), MIGRATION_KEYS);
  assert.equal(JSON.stringify(m), JSON.stringify(plain));
  const literal = { id: 0, as: setup.as, pid: 7, comm: 'hmm-test', start: setup.start, end: setup.end, npages: 8, flags: 1, direction: 'to-device', pgmapOwner: '0xffff888100c8', faultPage: undefined, trigger: 'driver', setupId: 40, setupTs: setup.setupTs, setupRetTs: 1_000_000_200, setupRet: undefined, unmapped: undefined, cpages: 0, moved: undefined, eagain: 3, restoredInSetup: 2, pagesId: undefined, finalizeId: 0, finalizeTs: 2 ** 53 - 1, invalidationIds: [], closeId: 99 };
  assert.equal(JSON.stringify(m), JSON.stringify(literal));
  assert.deepStrictEqual(structuredClone(plain), literal);
});

test('an invalidation handle reads back its callbacks, returns and evidence; a migration lists the invalidations naming it', () => {
  const { migrations, invalidations } = tables();
  const m0 = migrations.open({ ...setup, flags: undefined, pgmapOwner: undefined, faultPage: '0x0', setupId: 1 });
  const m1 = migrations.open({ ...setup, flags: undefined, pgmapOwner: undefined, faultPage: undefined, setupId: 2 });
  const open = (startId: number, migrationId: number | undefined) =>
    invalidations.open({ as: 12, pid: 7, comm: 'hmm-test', start: 0, end: 2 ** 64, event: 'MIGRATE', eventNum: undefined, owner: '0x0', blockable: true, startId, startTs: startId * 10, migrationId });
  const a = open(3, m1.id);
  const b = open(4, undefined);
  const c = open(5, m1.id);
  assert.deepEqual([a.as, a.end, a.event, a.eventNum, a.owner, a.blockable, a.origin, a.originEvidence, a.callbacks, a.endId, a.endTs], [12, 2 ** 64, 'MIGRATE', undefined, '0x0', true, 'unknown', [], [], undefined, undefined]);
  const evidence = ['span', 'migrate_vma_setup'];
  a.origin = 'migrate_vma_setup';
  a.originEvidence = evidence;
  assert.equal(a.origin, 'migrate_vma_setup');
  assert.equal(a.originEvidence, evidence, 'the shared list itself');
  invalidations.addCallback(a.id, 'dmirror', 'dmirror_interval_invalidate', 10, true);
  invalidations.addCallback(c.id, 'nouveau', 'nouveau_svmm_invalidate', 11, undefined);
  invalidations.addCallback(a.id, 'dmirror', 'dmirror_interval_invalidate', 12, false);
  invalidations.settleCallback(a.id, 'dmirror_interval_invalidate', 1);
  invalidations.settleCallback(a.id, 'other', 0);
  a.endId = 13;
  a.endTs = 130;
  assert.deepStrictEqual(a.callbacks, [
    { driver: 'dmirror', func: 'dmirror_interval_invalidate', eventId: 10, ret: undefined, ownEvent: true },
    { driver: 'dmirror', func: 'dmirror_interval_invalidate', eventId: 12, ret: 1, ownEvent: false },
  ]);
  assert.deepStrictEqual(c.callbacks, [{ driver: 'nouveau', func: 'nouveau_svmm_invalidate', eventId: 11, ret: undefined, ownEvent: undefined }]);
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
  const { migrations, invalidations } = tables();
  const ms: Migration[] = [];
  for (let i = 0; i < 3000; i++) ms.push(migrations.open({ ...setup, start: setup.start + i * 4096, flags: i % 3 === 0 ? undefined : i, pgmapOwner: `0x${i % 7}`, faultPage: undefined, setupId: i }));
  for (let i = 0; i < 3000; i++) invalidations.open({ as: i % 5, pid: i, comm: 'c', start: i, end: i + 1, event: 'CLEAR', eventNum: i % 2 ? i : undefined, owner: undefined, blockable: i % 2 === 0 ? undefined : false, startId: i, startTs: i, migrationId: i % 4 === 0 ? i : undefined });
  assert.equal(migrations.f64.length, Math.ceil(3000 / BLOCK));
  for (let i = 0; i < 3000; i++) {
    const m = ms[i];
    assert.deepEqual([m.id, m.start, m.flags, m.pgmapOwner, m.setupId, m.closeId], [i, setup.start + i * 4096, i % 3 === 0 ? undefined : i, `0x${i % 7}`, i, i]);
    const r = invalidations.list[i];
    assert.deepEqual([r.id, r.as, r.pid, r.end, r.eventNum, r.blockable, r.migrationId], [i, i % 5, i, i + 1, i % 2 ? i : undefined, i % 2 === 0 ? undefined : false, i % 4 === 0 ? i : undefined]);
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
