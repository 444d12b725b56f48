/**
 * What the decoder keeps per event name (nameState.ts: the function a shared probe site resolved to, the
 * definition, the fields' layout) must decode every event as resolving it afresh does: on every fixture,
 * against the same events with copies of their probe sites (never kept), and when the catalog changes
 * between two events of a name.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { Decoder } from '../../../src/core/decode/decoder';
import { ProbeCatalog } from '../../../src/core/decode/probeCatalog';
import { parseProbeHead } from '../../../src/core/ingest/probeSite';
import type { RawEvent } from '../../../src/core/ingest/types';
import { catalogOf, probeTextsFor } from '../../../src/core/model/build';
import { fixtureTraces, readAll } from '../ingest/helpers';

/** The event with copies of its probe sites: not frozen, so the decoder keeps nothing of them. */
function fresh(e: RawEvent): RawEvent {
  return { ...e, body: e.body, fields: { ...e.fields }, probe: e.probe && { ...e.probe }, retFrom: e.retFrom && { ...e.retFrom } };
}

for (const file of fixtureTraces()) {
  test(`${basename(file)}: events of a name and site decode as resolved afresh`, async () => {
    const { events } = await readAll(file);
    const probes = probeTextsFor(file, {});
    const kept = new Decoder(catalogOf(probes));
    const afresh = new Decoder(catalogOf(probes));
    for (const e of events) {
      const b = afresh.decode(fresh(e));
      assert.deepEqual(kept.decode(e), b, `line ${e.line}: ${e.body}`);
    }
    assert.deepEqual(kept.resolvedCounts, afresh.resolvedCounts);
    assert.deepEqual(kept.unresolved, afresh.unresolved);
  });
}

function ev(p: Partial<RawEvent>): RawEvent {
  return { line: 1, offset: 0, lineCount: 1, ts: 0, cpu: 0, pid: 1, comm: 'a', name: '', kind: 'tracepoint', body: '', fields: {}, ...p };
}

test('a definition added or removed between two events of a name changes how the next one decodes', () => {
  const head = parseProbeHead('(dmirror_migrate_to_device+0x1c3/0x300 <- migrate_vma_setup) ret=0xfffffff4', false)!;
  const ret = () => ev({ kind: 'kretprobe', name: 'mvs_x', probe: head.probe, retFrom: head.retFrom, fields: { ret: '0xfffffff4' } });
  const entryHead = parseProbeHead('(migrate_vma_setup+0x0/0x220) start=7f0000000000 end=7f0000008000', false)!;
  const entry = () => ev({ kind: 'kprobe', name: 'mvs', probe: entryHead.probe, fields: { start: '7f0000000000', end: '7f0000008000' } });
  const catalog = new ProbeCatalog();
  const d = new Decoder(catalog);
  const before = [d.decode(ret()), d.decode(entry())];
  catalog.addText('r:kprobes/mvs_x migrate_vma_setup ret=$retval:x32\np:kprobes/mvs migrate_vma_setup start=+0(%di):u64 end=+8(%di):u64', 'defs');
  const typed = [d.decode(ret()), d.decode(entry())];
  const other = new Decoder(catalog);
  assert.deepEqual(typed, [other.decode(ret()), other.decode(entry())]);
  assert.notDeepEqual(typed, before);
  assert.equal(typed[0].retVal, -12, 'a :x32 return is a negative errno');
  assert.equal(before[0].retVal, 0xfffffff4);
  catalog.addText('-:kprobes/mvs_x\n-:kprobes/mvs', 'undo');
  assert.deepEqual([d.decode(ret()), d.decode(entry())], before);
});

test('a site shared by events whose fields change keeps reading the fields of each', () => {
  const head = parseProbeHead('(__mmu_notifier_invalidate_range_start+0x0/0x190) start=0x1000', false)!;
  const d = new Decoder(new ProbeCatalog());
  const a = d.decode(ev({ kind: 'kprobe', name: 'mn', probe: head.probe, fields: { start: '0x1000', end: '0x3000', event: '6', mm: '0xff11' } }));
  const b = d.decode(ev({ kind: 'kprobe', name: 'mn', probe: head.probe, fields: { range_start: '0x2000', range_end: '0x4000', ev: 'MMU_NOTIFY_UNMAP' } }));
  const c = d.decode(ev({ kind: 'kprobe', name: 'mn', probe: head.probe, fields: { start: '0x5000', end: '0x6000', event: '0x7' } }));
  assert.deepEqual([a.start, a.end, a.notifierEvent, a.mm], [0x1000, 0x3000, 'MIGRATE', '0xff11']);
  assert.deepEqual([b.start, b.end, b.notifierEvent, b.eventNum, b.mm], [0x2000, 0x4000, 'UNMAP', 0, undefined]);
  assert.deepEqual([c.start, c.end, c.notifierEvent, c.eventNum], [0x5000, 0x6000, 'EXCLUSIVE', 7]);
  assert.equal(d.resolvedCounts.symbol, 3);
});
