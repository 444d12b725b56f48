/**
 * A migration's events are listed on demand (migrationEvents.ts): its setup, then its task's migration steps up
 * to the event that ended the sequence. On every real ftrace capture each migrate_vma sequence must list its
 * own pages/finalize steps, and nothing of another task (fork's child, io_uring workers, kworkers) or after
 * its end.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { fixture } from '../helpers';
import { buildModel } from '../../../src/core/model/build';

const captures = ['k6.1', 'k6.12'].flatMap((k) => readdirSync(fixture('traces', k)).filter((f) => /-ftrace(stack)?(-k6\.12)?\.txt$/.test(f)).map((f) => fixture('traces', k, f)));

for (const file of captures) test(`a migration lists its setup, its own steps up to where it ended, and nothing else: ${file.split('/').pop()}`, async () => {
  const { model } = await buildModel(file);
  for (const m of model.migrations) {
    const ids = model.migrationEvents(m.id);
    assert.equal(ids[0], m.setupId, 'the setup comes first');
    for (let i = 1; i < ids.length; i++) assert.ok(ids[i] > ids[i - 1], 'ascending');
    assert.ok(ids[ids.length - 1] <= m.closeId, 'nothing after the sequence ended');
    for (const id of ids) assert.equal(model.event(id).pid, m.pid, 'only the migrating task');
    const kinds = new Set(ids.map((id) => model.event(id).kind));
    assert.ok(!kinds.has('marker') && !kinds.has('tlb-flush'), 'markers and TLB flushes belong to no migration');
    if (m.pagesId !== undefined) assert.ok(ids.includes(m.pagesId), 'migrate_vma_pages is one of its steps');
    if (m.finalizeId !== undefined) assert.ok(ids.includes(m.finalizeId), 'migrate_vma_finalize is one of its steps');
  }
  // the sequences of one task do not overlap: each step belongs to one migration
  const seen = new Set<number>();
  for (const m of model.migrations) for (const id of model.migrationEvents(m.id)) {
    assert.ok(!seen.has(id), `event ${id} listed by two migrations`);
    seen.add(id);
  }
  assert.deepEqual(model.migrationEvents(model.migrations.length), []);
});

test('the captures hold migrations whose windows other tasks interleave', async () => {
  let interleaved = 0;
  for (const file of captures) {
    const { model } = await buildModel(file);
    for (const m of model.migrations) {
      for (let id = m.setupId; id <= m.closeId; id++) if (model.event(id).pid !== m.pid) interleaved++;
    }
  }
  assert.ok(interleaved > 0, 'no capture tests the task filter');
});
