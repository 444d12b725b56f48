import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModelBuilder } from '../../../src/core/model/build';
import { ProbeCatalog } from '../../../src/core/decode/probeCatalog';
import type { RawEvent } from '../../../src/core/ingest/types';
import { fixture } from '../helpers';
import { buildModel } from '../../../src/core/model';

let line = 0;
function ev(pid: number, p: Partial<RawEvent>): RawEvent {
  line++;
  return { line, offset: line * 100, lineCount: 1, ts: line * 1000, cpu: 0, pid, comm: 't', name: 'x', kind: 'kprobe', body: '', fields: {}, ...p };
}
const entry = (pid: number, sym: string, fields: Record<string, string> = {}) => ev(pid, { kind: 'kprobe', probe: { symbol: sym, offset: 0 }, fields });
const exit = (pid: number, caller: string, sym: string, ret = '0') => ev(pid, { kind: 'kretprobe', probe: { symbol: caller, offset: 0x10 }, retFrom: { symbol: sym }, fields: { ret } });

test('entry/return pairs nest per task: a CLEAR inside a MIGRATE inside migrate_vma_setup inside a fault', () => {
  const b = new ModelBuilder(new ProbeCatalog(), { keepFields: true });
  const ids = [
    b.add(entry(7, 'do_swap_page', { address: '0x7f0000001000', orig_pte: '0xdfffffe060001e00' })),
    b.add(entry(7, 'dmirror_devmem_fault', { address: '0x7f0000001000' })),
    b.add(entry(9, 'migrate_vma_setup', { start: '0x1000', end: '0x2000', flags: '0x1' })), // another task interleaved
    b.add(entry(7, 'migrate_vma_setup', { start: '0x7f0000001000', end: '0x7f0000002000', flags: '0x2' })),
    b.add(entry(7, '__mmu_notifier_invalidate_range_start', { start: '0x7f0000001000', end: '0x7f0000002000', event: '6', owner: '0xffffffffc0006440' })),
    b.add(exit(7, 'migrate_vma_setup', '__mmu_notifier_invalidate_range_start')),
    b.add(entry(7, 'migrate_device_unmap', {})),
    b.add(entry(7, '__mmu_notifier_invalidate_range_start', { start: '0x7f0000001000', end: '0x7f0000002000', event: '1', owner: '0x0' })),
    b.add(exit(7, 'try_to_migrate_one', '__mmu_notifier_invalidate_range_start')),
    b.add(exit(7, 'migrate_vma_setup', 'migrate_device_unmap', '1')),
    b.add(exit(7, 'dmirror_devmem_fault', 'migrate_vma_setup')),
    b.add(exit(9, 'x', 'migrate_vma_setup', '-22')),
    b.add(exit(7, 'do_swap_page', 'dmirror_devmem_fault')),
    b.add(exit(7, '__handle_mm_fault', 'do_swap_page')),
  ];
  const m = b.finish();
  const clearSpan = m.spanOf(ids[7])!;
  assert.equal(clearSpan.func, '__mmu_notifier_invalidate_range_start');
  const chain: string[] = [];
  for (let s: number | undefined = clearSpan.id; s !== undefined; s = m.spans[s].parentId) chain.push(m.spans[s].func);
  assert.deepEqual(chain, ['__mmu_notifier_invalidate_range_start', 'migrate_device_unmap', 'migrate_vma_setup', 'dmirror_devmem_fault', 'do_swap_page']);
  assert.equal(m.spanOf(ids[9])?.ret, 1);
  assert.equal(m.spanOf(ids[11])?.ret, -22, 'the other task pairs with its own entry');
  assert.equal(m.spanOf(ids[11])?.pid, 9);
  const setup = m.spanOf(ids[3])!;
  assert.equal(setup.exitId, ids[10], 'migrate_vma_setup closes at its own return, not the other task\'s');
  // the invalidations: MIGRATE from migrate_vma_setup, CLEAR from try_to_migrate_one (the kretprobe's caller)
  const [mig, clear] = m.invalidations;
  assert.equal(mig.event, 'MIGRATE');
  assert.equal(mig.origin, 'migrate_vma_setup');
  assert.equal(clear.event, 'CLEAR');
  assert.equal(clear.origin, 'try_to_migrate_one');
  assert.equal(clear.migrationId, m.migrations.find((r) => r.pid === 7)?.id);
  assert.equal(m.migrations.find((r) => r.pid === 7)?.trigger, 'migrate-to-ram');
});

test('a return without its entry (lost) does not break the stack; an entry whose return is lost is popped by an outer return', () => {
  const b = new ModelBuilder(new ProbeCatalog(), { keepFields: true });
  const a = b.add(entry(1, 'migrate_vma_setup', { start: '0x1000', end: '0x2000' }));
  b.add(exit(1, 'x', 'hmm_range_fault'));
  const inner = b.add(entry(1, 'migrate_device_unmap'));
  b.add(exit(1, 'y', 'migrate_vma_setup'));
  b.add(exit(1, 'z', 'migrate_device_unmap')); // never seen as a return when the entry was popped
  const m = b.finish();
  assert.equal(m.spanOf(a)?.exitId !== undefined, true);
  assert.equal(m.spans[m.spanOf(inner)!.id].endTs, undefined);
});

test('function_graph captures give nested spans with durations (6.12 exclusive)', async () => {
  const { model } = await buildModel(fixture('traces', 'k6.12', 'exclusive-funcgraph-k6.12.txt'));
  const mde = model.spans.filter((s) => s.func === 'make_device_exclusive_range');
  assert.ok(mde.length > 0, 'make_device_exclusive_range calls are spans');
  assert.ok(mde.every((s) => s.endTs !== undefined && s.endTs >= s.startTs));
  const inner = model.spans.find((s) => s.func === '__mmu_notifier_invalidate_range_start' && s.parentId !== undefined);
  assert.ok(inner, 'notifier calls nest under their callers');
});

test('address spaces: the tgid when printed, else the pid merged with threads that show the same mm', () => {
  const b = new ModelBuilder(new ProbeCatalog(), { keepFields: true });
  const mig = (pid: number, tgid: number | undefined, mm?: string) =>
    b.add({ ...entry(pid, '__mmu_notifier_invalidate_range_start', { start: '0x7f0000000000', end: '0x7f0000001000', event: '6', owner: '0xffffffffc0006440', ...(mm ? { mm } : {}) }), ...(tgid !== undefined ? { tgid } : {}) });
  const withTgid = mig(11, 10);
  mig(20, undefined, '0xff11000000001000');
  const thread = mig(21, undefined, '0xff11000000001000');
  const other = mig(30, undefined, '0xff11000000002000');
  const m = b.finish();
  assert.equal(m.event(withTgid).as, 10);
  assert.equal(m.event(thread).as, 20, 'a thread joins the task first seen with its mm');
  assert.equal(m.event(other).as, 30);
});
