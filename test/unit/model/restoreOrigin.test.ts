import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildModel } from '../../../src/core/model';
import { refine } from '../../../src/core/model/replayContext';
import type { InvalidationRecord } from '../../../src/core/model/types';
import { fixture } from '../helpers';

// A CPU fault on a device-exclusive entry goes do_swap_page → remove_device_exclusive_entry (static, inlined:
// no frame, no probe), which sends EXCLUSIVE owner NULL up to 6.14. Its only visible context is do_swap_page,
// which also leads to migrate_to_ram for device-private entries; the event and owner tell the two apart.
for (const form of ['exclusive-ftrace.txt', 'exclusive-ftracestack.txt', 'exclusive-tracecmd.txt', 'exclusive-perf.txt', 'exclusive-tracecmd.dat']) {
  test(`${form}: every CPU restore of a device-exclusive page is an invalidation from remove_device_exclusive_entry`, async () => {
    const file = fixture('traces', 'k6.1', form);
    const { model } = await buildModel(file, {});
    const restores = model.invalidations.filter((r) => r.origin === 'remove_device_exclusive_entry');
    // ground truth: the program's CPU touches of exclusive pages each hit restore_exclusive_pte once (3 in this run)
    const text = readFileSync(fixture('traces', 'k6.1', 'exclusive-ftrace.txt'), 'utf8');
    const restoreProbes = (text.match(/ restore_excl_pte: /g) ?? []).length;
    assert.equal(restoreProbes, 3);
    assert.equal(restores.length, restoreProbes);
    for (const r of restores) {
      assert.equal(r.event, 'EXCLUSIVE');
      assert.match(r.owner ?? '0x0', /^(0x)?0+$/);
    }
  });
}

function rec(event: InvalidationRecord['event'], owner: string): InvalidationRecord {
  return { id: 0, as: 1, pid: 1, comm: 't', start: 0x1000, end: 0x2000, event, owner, origin: 'unknown', originEvidence: [], startId: 0, startTs: 0, callbacks: [] };
}

test('do_swap_page alone: EXCLUSIVE or CLEAR with owner NULL is a device-exclusive restore (CLEAR from 6.15)', () => {
  const t = {} as Parameters<typeof refine>[2];
  const viaSwap = { origin: 'migrate_to_ram' as const, evidence: ['span', 'do_swap_page'] };
  assert.equal(refine(viaSwap, rec('EXCLUSIVE', '0x0'), t).origin, 'remove_device_exclusive_entry');
  assert.equal(refine(viaSwap, rec('CLEAR', '0x0'), t).origin, 'remove_device_exclusive_entry');
  // the driver's own migration back to RAM keeps its origin
  assert.equal(refine(viaSwap, rec('MIGRATE', '0xffffffffc0006440'), t).origin, 'migrate_to_ram');
  const viaDriver = { origin: 'migrate_to_ram' as const, evidence: ['stack', 'dmirror_devmem_fault'] };
  assert.equal(refine(viaDriver, rec('CLEAR', '0x0'), t).origin, 'migrate_to_ram');
});
