/** Decoding hand-built RawEvents whose text is copied from the real captures. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decoder } from '../../../src/core/decode/decoder';
import { ProbeCatalog } from '../../../src/core/decode/probeCatalog';
import type { RawEvent } from '../../../src/core/ingest/types';

function ev(p: Partial<RawEvent>): RawEvent {
  return { line: 1, offset: 0, lineCount: 1, ts: 0, cpu: 0, pid: 130, comm: 'hmmtrace', name: '', kind: 'tracepoint', body: '', fields: {}, ...p };
}

const DEFS = [
  'p:kprobes/mn_start __mmu_notifier_invalidate_range_start start=+16(%di):x64 end=+24(%di):x64 flags=+32(%di):u32 event=+36(%di):u32 owner=+40(%di):x64 mm=+8(%di):x64',
  'r10:kprobes/mn_start_ret __mmu_notifier_invalidate_range_start ret=$retval:s32',
  'p:kprobes/mvma_setup migrate_vma_setup start=+40(%di):x64 end=+48(%di):x64 flags=+64(%di):x64 pgmap_owner=+56(%di):x64 fault_page=+72(%di):x64',
  'r10:kprobes/mvma_setup_ret migrate_vma_setup ret=$retval:s32',
  'r10:kprobes/do_swap_page_ret do_swap_page vm_fault_ret=$retval:x32',
].join('\n');

test('a text-ftrace kprobe is recognised by the probed symbol, whatever the user named it', () => {
  const d = new Decoder(new ProbeCatalog()).decode(
    ev({
      kind: 'kprobe',
      name: 'my_odd_name',
      probe: { symbol: '__mmu_notifier_invalidate_range_start', offset: 0, size: 0x190 },
      fields: { start: '0x7f829c9ba000', end: '0x7f829c9c2000', flags: '1', event: '6', owner: '0xffffffffc0006440', mm: '0xff1100000345f400' },
    }),
  );
  assert.equal(d.kind, 'invalidate-start');
  assert.equal(d.resolvedBy, 'symbol');
  assert.equal(d.start, 0x7f829c9ba000);
  assert.equal(d.end, 0x7f829c9c2000);
  assert.equal(d.notifierEvent, 'MIGRATE');
  assert.equal(d.owner, '0xffffffffc0006440');
  assert.equal(d.blockable, true);
  assert.equal(d.mm, '0xff1100000345f400');
});

test('a text-ftrace kretprobe is recognised by `caller <- callee`', () => {
  const d = new Decoder(new ProbeCatalog()).decode(
    ev({ kind: 'kretprobe', name: 'x', probe: { symbol: 'dmirror_migrate_to_device.constprop.0', offset: 0x1c3, module: 'test_hmm' }, retFrom: { symbol: 'migrate_vma_setup' }, fields: { ret: '0' } }),
  );
  assert.equal(d.kind, 'migrate-setup-ret');
  assert.equal(d.func, 'migrate_vma_setup');
  assert.equal(d.retVal, 0);
});

test('trace-cmd/perf raw addresses are resolved through the user definitions, with their radix', () => {
  const c = new ProbeCatalog();
  c.addText(DEFS, 'defs');
  const dec = new Decoder(c);
  const setup = dec.decode(ev({ kind: 'kprobe', name: 'mvma_setup', probe: { address: 'ffffffff81255ba0' }, fields: { start: '0x7f222f2ea000', end: '0x7f222f2f2000', flags: '0x1', pgmap_owner: '0xffffffffc0006440', fault_page: '0x0' } }));
  assert.equal(setup.kind, 'migrate-setup');
  assert.equal(setup.resolvedBy, 'definition');
  assert.equal(setup.selectFlags, 1);
  const ret = dec.decode(ev({ kind: 'kretprobe', name: 'do_swap_page_ret', probe: { address: 'ffffffff811f0a2d' }, retFrom: { address: 'ffffffff811eff00' }, fields: { vm_fault_ret: '0x400' } }));
  assert.equal(ret.kind, 'swap-fault-ret');
  assert.equal(ret.retVal, 0x400);
  // an address learned from an entry resolves a return whose name is unknown
  const other = dec.decode(ev({ kind: 'kretprobe', name: 'renamed_ret', probe: { address: 'ffffffff81255ba0' }, retFrom: { address: 'ffffffffc0001e43' }, fields: { ret: '-22' } }));
  assert.equal(other.func, 'migrate_vma_setup');
  assert.equal(other.resolvedBy, 'address');
  assert.equal(other.retVal, -22);
});

test('without definitions well-known probe names are the fallback, and unknown probes are reported unresolved', () => {
  const dec = new Decoder(new ProbeCatalog());
  const d = dec.decode(ev({ kind: 'kprobe', name: 'mvma_pages', probe: { address: 'ffffffff81255c00' }, fields: { start: '0x7f0000000000', end: '0x7f0000008000', cpages: '8', npages: '8', src0: '0x7e74b', dst0: '0x3f3fffc09' } }));
  assert.equal(d.kind, 'migrate-pages');
  assert.equal(d.resolvedBy, 'well-known');
  assert.equal(d.cpages, 8);
  assert.equal(d.src0, 0x7e74bn);
  const perf = dec.decode(ev({ kind: 'kretprobe', name: 'folio_migrate_mapping__return', probe: { address: '1' }, retFrom: { address: '2' }, fields: { arg1: '-11' } }));
  assert.equal(perf.kind, 'move-mapping-ret');
  assert.equal(perf.retVal, -11);
  const u = dec.decode(ev({ kind: 'kprobe', name: 'zz_custom', probe: { address: 'ffffffff81000000' }, fields: {} }));
  assert.equal(u.kind, 'generic');
  assert.deepEqual(dec.unresolved, { zz_custom: 1 });
});

test('field spellings and user aliases map onto the canonical fields', () => {
  const dec = new Decoder(new ProbeCatalog(), { start: ['lo'], end: ['hi'] });
  const d = dec.decode(ev({ kind: 'kprobe', name: 'x', probe: { symbol: 'dmirror_interval_invalidate' }, fields: { lo: '0x1000', hi: '0x3000', event: '1', owner: '0x0' } }));
  assert.equal(d.kind, 'driver-invalidate');
  assert.equal(d.start, 0x1000);
  assert.equal(d.end, 0x3000);
  assert.equal(d.notifierEvent, 'CLEAR');
  const r = dec.decode(ev({ kind: 'kprobe', name: 'x', probe: { symbol: 'restore_exclusive_pte' }, fields: { address: '0x7f2dbeaa9000' } }));
  assert.equal(r.kind, 'exclusive-restore');
  assert.equal(r.addr, 0x7f2dbeaa9000);
});

test('tracepoints use their TP_printk radix: migration PTE addr/pte are hex without 0x', () => {
  const dec = new Decoder(new ProbeCatalog());
  const d = dec.decode(ev({ name: 'remove_migration_pte', fields: { addr: '7f829c9ba000', pte: 'dfffffe060001e00', order: '0' } }));
  assert.equal(d.kind, 'migration-pte-remove');
  assert.equal(d.addr, 0x7f829c9ba000);
  assert.equal(d.pte?.kind, 'device-private');
  const f = dec.decode(ev({ name: 'sched_process_fork', fields: { comm: 'hmmtrace', pid: '193', child_comm: 'hmmtrace', child_pid: '194' } }));
  assert.equal(f.kind, 'process-fork');
  assert.equal(f.childPid, 194);
  const s = dec.decode(ev({ kind: 'syscall-enter', name: 'sys_munmap', fields: { addr: '7f829c9ba000', len: '8000' } }));
  assert.equal(s.start, 0x7f829c9ba000);
  assert.equal(s.end, 0x7f829c9c2000);
  const x = dec.decode(ev({ kind: 'syscall-exit', name: 'sys_mmap', body: 'sys_mmap -> 0x7f829c9ba000' }));
  assert.equal(x.retVal, 0x7f829c9ba000);
});

test('driver log forms: nouveau invalidate (hex without 0x), amdkfd page numbers, xe INVALIDATE', () => {
  const dec = new Decoder(new ProbeCatalog());
  const nv = dec.decode(ev({ kind: 'driver-log', name: 'nouveau', body: 'nouveau 0000:01:00.0: DRM: svm-00000000c0ffee42: invalidate 00007f3a5c201000-00007f3a5c202000' }));
  assert.equal(nv.kind, 'driver-invalidate');
  assert.equal(nv.start, 0x7f3a5c201000);
  assert.equal(nv.end, 0x7f3a5c202000);
  const amd = dec.decode(ev({ kind: 'driver-log', name: 'amdkfd', body: 'svm_range_cpu_invalidate_pagetables: [0x7f3a5c201 0x7f3a5c202] range[0x7f3a5c200 0x7f3a5c2ff] notifier[0x7f3a5c200 0x7f3a5c2ff] 6' }));
  assert.equal(amd.start, 0x7f3a5c201000);
  assert.equal(amd.end, 0x7f3a5c203000);
  assert.equal(amd.notifierEvent, 'MIGRATE');
  const xe = dec.decode(ev({ kind: 'driver-log', name: 'xe', body: 'INVALIDATE: asid=3, gpusvm=00000000deadbeef, seqno=12, start=0x00007f0000000000, end=0x00007f0000200000, event=1' }));
  assert.equal(xe.notifierEvent, 'CLEAR');
  assert.equal(xe.end, 0x7f0000200000);
});
