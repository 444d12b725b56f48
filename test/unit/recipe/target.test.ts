import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecipeError, buildRecipe, makeTarget, parseDriver, parseKernelVersion, parseProbeDefinition, parseTool, formatProbeDefinition, parseProbeDefinitions } from '../../../src/core/recipe';
import { mmuNotifierRange } from '../../../src/core/recipe/layouts';

test('kernel releases as uname -r prints them reduce to major.minor', () => {
  for (const [text, major, minor] of [
    ['6.12', 6, 12],
    ['6.12.117-tracelab', 6, 12],
    ['6.1.0-28-amd64', 6, 1],
    ['6.8.0-45-generic', 6, 8],
    ['6.15-rc3', 6, 15],
    ['5.14.0-427.el9.x86_64', 5, 14],
    ['v6.6', 6, 6],
  ] as const) {
    const k = parseKernelVersion(text);
    assert.deepEqual([k.major, k.minor], [major, minor], text);
  }
});

test('versions we cannot write layouts for are refused with the reason', () => {
  assert.throws(() => parseKernelVersion('6'), /MAJOR\.MINOR/);
  assert.throws(() => parseKernelVersion('latest'), /MAJOR\.MINOR/);
  assert.throws(() => parseKernelVersion('5.10'), /older than 5\.14.*owner/);
  assert.throws(() => parseKernelVersion('9.1'), RecipeError);
});

test('driver and tool names accept the usual spellings and refuse the rest', () => {
  assert.equal(parseDriver('dmirror'), 'test_hmm');
  assert.equal(parseDriver('test-hmm'), 'test_hmm');
  assert.equal(parseDriver('AMDGPU'), 'amdkfd');
  assert.throws(() => parseDriver('i915'), /unknown driver 'i915'.*nouveau/);
  assert.equal(parseTool('tracecmd'), 'trace-cmd');
  assert.equal(parseTool('ftrace'), 'tracefs');
  assert.throws(() => parseTool('bpftrace'), /unknown tool/);
});

test('the workload comm must fit the kernel comm and be safe to paste into a filter', () => {
  assert.equal(makeTarget({ kernel: '6.12', driver: 'nouveau', comm: 'vectorAdd' }).workloadComm, 'vectorAdd');
  assert.throws(() => makeTarget({ kernel: '6.12', driver: 'nouveau', comm: 'a"; rm -rf /' }), /comm/);
  assert.throws(() => makeTarget({ kernel: '6.12', driver: 'nouveau', comm: 'a-name-longer-than-15' }), /15/);
});

test('--include refuses text that could break out of the script quoting', () => {
  assert.throws(() => makeTarget({ kernel: '6.12', driver: 'test_hmm', include: ["p:x foo a='$(reboot)'"] }), /include item/);
  assert.throws(() => makeTarget({ kernel: '6.12', driver: 'test_hmm', include: ['$(reboot)'] }), /include item/);
  assert.throws(() => buildRecipe(makeTarget({ kernel: '6.12', driver: 'test_hmm', include: ['refcount/no-such-rule'] })), /unknown rule/);
});

test('mmu_notifier_range loses its leading vma in 6.3: 6.2 reads event at 36, 6.3 at 28', () => {
  assert.equal(mmuNotifierRange(parseKernelVersion('6.2')).event, 36);
  assert.equal(mmuNotifierRange(parseKernelVersion('6.2')).start, 16);
  assert.equal(mmuNotifierRange(parseKernelVersion('6.3')).event, 28);
  assert.equal(mmuNotifierRange(parseKernelVersion('6.3')).mm, 0);
});

test('probe definitions of every form parse and print back the same', () => {
  for (const line of [
    'p:kprobes/mn_start __mmu_notifier_invalidate_range_start start=+8(%di):x64 end=+16(%di):x64 event=+28(%di):u32',
    'r:kprobes/mvma_setup_ret migrate_vma_setup ret=$retval:s32',
    'p:kprobes/dmirror_inval test_hmm:dmirror_interval_invalidate start=+8(%si):x64 cur_seq=%dx:u64',
    'p:kprobes/mvma_pages migrate_vma_pages src0=+0(+16(%di)):x64',
    'f:kprobes/mn_start __mmu_notifier_invalidate_range_start start=range->start:x64',
    'f:kprobes/mvma_setup_ret migrate_vma_setup%return ret=$retval:s32',
  ]) {
    const d = parseProbeDefinition(line);
    assert.ok(d, line);
    assert.equal(formatProbeDefinition(d, { withModule: true }), line);
  }
});

test('the kernel documentation forms parse: default groups and names, bare BTF args, r10:', () => {
  const f = parseProbeDefinition('f:fprobes/myprobe vfs_read count=count pos=pos');
  assert.deepEqual([f?.kind, f?.group, f?.event, f?.symbol, f?.args.map((a) => a.name)], ['fprobe', 'fprobes', 'myprobe', 'vfs_read', ['count', 'pos']]);
  const x = parseProbeDefinition('f vfs_read%return $retval');
  assert.deepEqual([x?.kind, x?.event, x?.args[0].fetch], ['fexit', 'vfs_read__exit', '$retval']);
  const r = parseProbeDefinition('r10:kprobes/mn_start_ret __mmu_notifier_invalidate_range_start ret=$retval:s32');
  assert.deepEqual([r?.kind, r?.maxactive, r?.args[0].type], ['kretprobe', 10, 's32']);
  assert.equal(parseProbeDefinition('-:kprobes/mn_start'), null);
  assert.equal(parseProbeDefinition('# comment'), null);
  assert.throws(() => parseProbeDefinition('q:bad thing'), /not a probe definition/);
});

test('probes-status text splits into accepted and failed definitions', () => {
  const s = parseProbeDefinitions('OK     p:a foo x=%di:x64\nFAILED p:b bar\n\nr:c baz ret=$retval\n');
  assert.deepEqual(s.accepted.map((d) => d.event), ['a', 'c']);
  assert.deepEqual(s.failed.map((d) => d.symbol), ['bar']);
});
