import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ProbeCatalog, parseProbeLine } from '../../../src/core/decode/probeCatalog';
import { discoverProbeFiles } from '../../../src/core/decode/probeDiscovery';
import { fixture, repoRoot } from '../helpers';
import { join } from 'node:path';

test('kprobe, kretprobe (with maxactive), fprobe and removal definitions parse to function and field types', () => {
  const c = new ProbeCatalog();
  c.addText(
    [
      'p:kprobes/mn_start __mmu_notifier_invalidate_range_start start=+16(%di):x64 end=+24(%di):x64 flags=+32(%di):u32 event=+36(%di):u32',
      'r10:kprobes/mvma_setup_ret migrate_vma_setup ret=$retval:s32',
      'f:hmm/mvs_x migrate_vma_setup%return ret=$retval',
      'p:hmm/nv_mni nouveau:nouveau_svm_range_invalidate start=+8($arg2):x64',
      "echo 'p:hmm/mew migration_entry_wait addr=$arg3:x64' >> kprobe_events",
      'p do_swap_page',
      '# a comment',
      'p:gone folio_migrate_mapping',
      '-:gone',
    ].join('\n'),
    'defs',
  );
  const mn = c.get('mn_start')!;
  assert.equal(mn.func, '__mmu_notifier_invalidate_range_start');
  assert.equal(mn.kind, 'entry');
  assert.deepEqual(mn.fields.get('start'), { kind: 'hex', bits: 64 });
  assert.deepEqual(mn.fields.get('event'), { kind: 'unsigned', bits: 32 });
  assert.equal(c.get('mvma_setup_ret')?.kind, 'return');
  assert.deepEqual(c.get('mvma_setup_ret')?.fields.get('ret'), { kind: 'signed', bits: 32 });
  assert.equal(c.get('mvs_x')?.kind, 'return');
  assert.equal(c.get('mvs_x')?.func, 'migrate_vma_setup');
  assert.equal(c.get('nv_mni')?.module, 'nouveau');
  assert.equal(c.get('mew')?.func, 'migration_entry_wait');
  assert.equal(c.get('p_do_swap_page_0')?.func, 'do_swap_page');
  assert.equal(c.get('gone'), undefined, '-: removes a probe');
  assert.deepEqual([...c.functionsWithReturn()], ['migrate_vma_setup']);
});

test('a probes-status file keeps OK definitions and drops FAILED ones', () => {
  const c = new ProbeCatalog();
  c.addText(readFileSync(fixture('traces', 'k6.1', '_guest-6.1-probes-status.txt'), 'utf8'), 'status');
  assert.equal(c.get('mn_start')?.func, '__mmu_notifier_invalidate_range_start');
  assert.equal(c.get('mvma_insert'), undefined);
  assert.equal(c.get('folio_mk_dev_excl'), undefined);
});

test('the 6.1 and 6.12 capture definitions differ in the mmu_notifier_range offsets only where the vma member went', () => {
  const a = new ProbeCatalog();
  a.addText(readFileSync(fixture('traces', 'k6.1', '_guest-6.1-kprobe_events.txt'), 'utf8'), '6.1');
  const b = new ProbeCatalog();
  b.addText(readFileSync(fixture('traces', 'k6.12', '_guest-6.12-kprobe_events.txt'), 'utf8'), '6.12');
  assert.equal(a.get('mn_start')?.func, b.get('mn_start')?.func);
  assert.equal(a.get('split_huge_page')?.func, 'split_huge_page_to_list');
  assert.equal(b.get('split_huge_page')?.func, 'split_huge_page_to_list_to_order');
  assert.equal(b.get('mn_inv_secondary_tlbs')?.func, '__mmu_notifier_arch_invalidate_secondary_tlbs');
});

test('malformed lines are reported with their source line, not thrown', () => {
  const c = new ProbeCatalog();
  c.addText('p:ok do_swap_page\nthis is not a probe\n-:\n', 'f.txt');
  assert.equal(c.size, 1);
  assert.equal(c.issues.length, 2);
  assert.equal(c.issues[0].source, 'f.txt:2');
  assert.equal(typeof parseProbeLine('zz', 'x'), 'string');
});

test('definitions are discovered next to a trace: <trace>.kprobe_events first, then kprobe_events files', () => {
  const ex = join(repoRoot(), 'examples', 'double_migrate.trace');
  const found = discoverProbeFiles(ex);
  if (found.length > 0) assert.ok(found[0].endsWith('double_migrate.trace.kprobe_events'), found.join(','));
  const fx = discoverProbeFiles(fixture('traces', 'k6.12', 'migrate_fault-ftrace-k6.12.txt'));
  assert.deepEqual(fx.map((f) => f.split('/').pop()), ['_guest-6.12-kprobe_events.txt']);
});
