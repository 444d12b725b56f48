import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyOrigin, classifyStack, frameFunction } from '../../../src/core/decode/origin';
import { fixtureTraces, readAll } from '../ingest/helpers';

test('frames from ftrace, perf and BCC forms yield the function', () => {
  assert.equal(frameFunction(' => __split_huge_pmd'), '__split_huge_pmd');
  assert.equal(frameFunction('dmirror_interval_invalidate+0x1 [test_hmm]'), 'dmirror_interval_invalidate');
  assert.equal(frameFunction("b'migrate_vma_setup+0x20c [kernel]'"), 'migrate_vma_setup');
  assert.equal(frameFunction('ffffffff8126a0a0 migrate_vma_setup+0x20 ([kernel.kallsyms])'), 'migrate_vma_setup');
  assert.equal(frameFunction('dmirror_migrate_to_device.constprop.0'), 'dmirror_migrate_to_device');
  assert.equal(frameFunction('0xffffffffc000a0c8'), undefined);
});

test('the innermost issuer decides: a split CLEAR nested inside migrate_vma_setup is a split', () => {
  const stack = ['kprobe_trace_func', '0xffffffffc000a0c8', '__mmu_notifier_invalidate_range_start', '__split_huge_pmd', 'split_huge_pmd_address', 'split_huge_page_to_list', 'migrate_vma_collect_pmd', 'walk_page_range', 'migrate_vma_setup'];
  assert.equal(classifyStack(stack)?.origin, 'split_huge_pmd');
});

test('the three BCC origins of the reference (§3.8) classify as migrate_vma_setup, try_to_migrate_one and split', () => {
  assert.equal(classifyStack(['dmirror_interval_invalidate+0x1 [test_hmm]', 'migrate_vma_setup+0x20c [kernel]', 'dmirror_devmem_fault+0xc6 [test_hmm]', 'do_swap_page+0x7b3 [kernel]'])?.origin, 'migrate_vma_setup');
  assert.equal(classifyStack(['dmirror_interval_invalidate+0x1 [test_hmm]', 'try_to_migrate_one+0xbe7 [kernel]', 'rmap_walk_anon+0x16b [kernel]', 'try_to_migrate+0x9a [kernel]', 'migrate_device_unmap+0x399 [kernel]'])?.origin, 'try_to_migrate_one');
  assert.equal(classifyStack(['__mmu_notifier_invalidate_range_start+0x1a5 [kernel]', '__split_huge_pmd+0x298 [kernel]', 'vma_adjust_trans_huge+0x179 [kernel]', '__split_vma+0x1b7 [kernel]', 'do_mas_align_munmap+0x3e9 [kernel]'])?.origin, 'split_huge_pmd');
});

test('zap paths are told apart by the outer frames: exit, madvise, munmap', () => {
  assert.equal(classifyOrigin(['unmap_vmas', 'exit_mmap', 'mmput', 'do_exit'])?.origin, 'exit');
  assert.equal(classifyOrigin(['zap_page_range_single', 'do_madvise', '__x64_sys_madvise'])?.origin, 'madvise');
  assert.equal(classifyOrigin(['unmap_vmas', 'unmap_region'])?.origin, 'zap');
  assert.equal(classifyOrigin(['unmap_vmas', 'unmap_region', 'do_vmi_munmap'])?.origin, 'munmap');
  assert.equal(classifyOrigin(['unmap_vmas', 'do_vmi_align_munmap', '__vm_munmap'])?.origin, 'munmap');
  assert.equal(classifyOrigin(['change_protection', 'mprotect_fixup'])?.origin, 'mprotect');
  assert.equal(classifyOrigin(['copy_page_range', 'dup_mmap'])?.origin, 'fork');
  assert.equal(classifyOrigin(['page_make_device_exclusive_one', 'rmap_walk_anon', 'make_device_exclusive_range'])?.origin, 'make_device_exclusive');
  assert.equal(classifyOrigin(['something_else']), undefined);
});

test('classifyStack gives, for every stack of the fixtures (repeated, so the per-frame cache answers), what its frames give', async () => {
  let stacks = 0;
  for (const file of fixtureTraces()) {
    const { events } = await readAll(file);
    for (const e of events) {
      if (!e.stack || e.stack.length === 0) continue;
      stacks++;
      const expected = classifyOrigin(e.stack.map((f) => frameFunction(f)).filter((f): f is string => f !== undefined));
      for (let round = 0; round < 2; round++) assert.deepEqual(classifyStack(e.stack), expected, `${file}:${e.line}`);
      // a copy with one frame changed must not be answered from the cache of the original
      const changed = [...e.stack.slice(0, -1), 'exit_mmap+0x1/0x2'];
      const expectedChanged = classifyOrigin(changed.map((f) => frameFunction(f)).filter((f): f is string => f !== undefined));
      assert.deepEqual(classifyStack(changed), expectedChanged, `${file}:${e.line} changed`);
    }
  }
  assert.ok(stacks > 100, `${stacks} stacks`);
});
