/**
 * The record index answers "which migration windows overlap this time" by window-length class, so one
 * migration stalled for seconds does not make every query walk back over seconds of short ones. The answers
 * must be exactly the brute-force ones, in setup order, whatever the mix of window lengths.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InvalidationRecord, MigrationRecord } from '../../../src/core/model/types';
import { RecordIndex, windowEnd } from '../../../src/core/detect/records';
import { seededRandom } from '../helpers';

function migration(id: number, pid: number, setupTs: number, window: number, finalized: boolean): MigrationRecord {
  const m: MigrationRecord = {
    id,
    pid,
    comm: 'hmmtrace',
    as: pid,
    start: 0x7f0000000000,
    end: 0x7f0000001000,
    npages: 1,
    direction: 'to-device',
    trigger: 'driver',
    setupId: id * 3,
    setupTs,
    eagain: 0,
    restoredInSetup: 0,
    invalidationIds: [],
    closeId: id * 3,
  };
  // a finalized window ends at finalize; one without finalize ends when setup returned
  if (finalized) {
    m.finalizeTs = setupTs + window;
    m.finalizeId = id * 3 + 2;
  } else m.setupRetTs = setupTs + window;
  return m;
}

function bruteOverlapping(all: readonly MigrationRecord[], from: number, to: number): number[] {
  return all
    .filter((m) => m.setupTs <= to && windowEnd(m) >= from)
    .sort((a, b) => a.setupTs - b.setupTs || a.id - b.id)
    .map((m) => m.id);
}

test('migrationsOverlapping gives the brute-force answer, in setup order, with stalled windows among short ones', () => {
  const r = seededRandom(7);
  const ms: MigrationRecord[] = [];
  for (let i = 0; i < 600; i++) {
    // mostly µs windows, some ms, a few stalled for seconds, some of zero length (setup only), equal setup times
    const p = r();
    const window = p < 0.01 ? 3e9 * r() : p < 0.1 ? 5e7 * r() : p < 0.15 ? 0 : 2e4 * r();
    const setupTs = Math.floor(r() * 2e9);
    ms.push(migration(i, 100 + (i % 7), i % 40 === 0 && i > 0 ? ms[i - 1].setupTs : setupTs, Math.floor(window), r() < 0.8));
  }
  const idx = new RecordIndex(ms, []);
  for (let q = 0; q < 400; q++) {
    const from = Math.floor(r() * 2.2e9) - 1e8;
    const to = from + (r() < 0.5 ? 0 : Math.floor(r() * 1e8));
    assert.deepEqual(
      idx.migrationsOverlapping(from, to).map((m) => m.id),
      bruteOverlapping(ms, from, to),
      `query [${from}, ${to}]`,
    );
  }
});

test('nextSetupOfTask is the same task\'s next migration in setup order (Infinity for its last)', () => {
  const ms = [migration(1, 100, 1000, 10, true), migration(2, 200, 1500, 10, true), migration(3, 100, 2000, 10, true), migration(4, 100, 2000, 10, true)];
  const idx = new RecordIndex(ms, []);
  assert.equal(idx.nextSetupOfTask(ms[0]), 2000);
  assert.equal(idx.nextSetupOfTask(ms[2]), 2000, 'equal setup times: the later id comes next');
  assert.equal(idx.nextSetupOfTask(ms[3]), Infinity);
  assert.equal(idx.nextSetupOfTask(ms[1]), Infinity, 'another task\'s migrations do not bound this one');
});

function invalidation(id: number, startTs: number, migrationId: number | undefined): InvalidationRecord {
  return { id, startTs, migrationId, callbacks: [] } as unknown as InvalidationRecord;
}

test('invalidationsOfMigration: each migration\'s records in start order, with model ids (indexes) and with any other ids', () => {
  const r = seededRandom(11);
  for (const idOf of [(i: number) => i, (i: number) => 1000 + 7 * i]) {
    const ms: MigrationRecord[] = [];
    for (let i = 0; i < 50; i++) ms.push(migration(idOf(i), 100, i * 1000, 10, true));
    const invs: InvalidationRecord[] = [];
    for (let i = 0; i < 400; i++) invs.push(invalidation(i, i * 10, r() < 0.3 ? undefined : idOf(Math.floor(r() * 50))));
    const idx = new RecordIndex(ms, invs);
    for (let i = 0; i < 50; i++) {
      const want = invs.filter((x) => x.migrationId === idOf(i)).map((x) => x.id);
      assert.deepEqual(idx.invalidationsOfMigration(idOf(i))?.map((x) => x.id) ?? [], want, `migration ${idOf(i)}`);
    }
  }
});

test('the walks by index give what the list answers give: setups and starts strictly after a time', () => {
  const ms = [migration(0, 100, 1000, 10, true), migration(1, 100, 2000, 10, true), migration(2, 200, 2000, 10, true), migration(3, 100, 3000, 10, true)];
  const invs = [invalidation(0, 1000, undefined), invalidation(1, 2000, 1), invalidation(2, 2000, undefined), invalidation(3, 5000, undefined)];
  const idx = new RecordIndex(ms, invs);
  assert.equal(idx.firstSetupAfter(999), 0);
  assert.equal(idx.firstSetupAfter(2000), 3);
  assert.equal(idx.setupTsAt(1), 2000);
  assert.equal(idx.firstSetupAfter(3000), 4);
  assert.equal(idx.firstStartAfter(1000), 1);
  assert.equal(idx.startTsAt(3), 5000);
  assert.deepEqual(idx.invalidationsBetween(1000, 5000).map((x) => x.id), [1, 2]);
});
