/** function_graph, trace-cmd report, perf script and kernel-log peculiarities (reference §1.7, §2, §3.5–3.8). */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture } from '../helpers';
import { accounted, readAll, readText } from './helpers';

test('function_graph nesting: exits resolve their function from the per-CPU nesting (reference §1.7)', async () => {
  const { events, summary } = await readAll(fixture('ingest', 'ref-1.7-funcgraph.txt'));
  assert.equal(summary.format, 'ftrace-function-graph');
  assert.equal(summary.unparsedLines, 0);
  const calls = events.map((e) => [e.kind === 'funcgraph-exit' ? '}' : '{', e.graph?.func, e.graph?.depth, e.graph?.leaf, e.graph?.durationNs]);
  assert.deepEqual(calls, [
    ['{', 'sys_open', 0, false, undefined],
    ['{', 'do_sys_open', 1, false, undefined],
    ['{', 'getname', 2, false, undefined],
    ['{', 'kmem_cache_alloc', 3, false, undefined],
    ['{', '__might_sleep', 4, true, 1382],
    ['}', 'kmem_cache_alloc', 3, false, 2478],
    ['{', 'strncpy_from_user', 3, false, undefined],
    ['{', 'might_fault', 4, false, undefined],
    ['{', '__might_sleep', 5, true, 1389],
    ['}', 'might_fault', 4, false, 2553],
    ['}', 'strncpy_from_user', 3, false, 3807],
    ['}', 'getname', 2, false, 7876],
  ]);
});

test('function_graph durations with overhead marks and funcgraph-tail names (reference §1.7)', async () => {
  const { events } = await readAll(fixture('ingest', 'ref-1.7-funcgraph-marks.txt'));
  const exits = events.filter((e) => e.kind === 'funcgraph-exit');
  assert.deepEqual(exits.map((e) => [e.graph?.mark, e.graph?.durationNs]), [
    ['#', 1837709],
    [undefined, 3177],
    ['#', 1889063],
    ['!', 140417],
    ['#', 2034948],
    ['*', 33998590],
    ['+', 61770],
    ['@', 119760200],
    ['$', 3594274000],
  ]);
  assert.equal(exits[0].graph?.func, '__switch_to');
  assert.equal(exits[1].graph?.func, 'finish_task_switch');
});

test('function_graph with abstime + proc columns (real capture): task, CPU, module tags, markers as comments', async () => {
  const { events } = await readAll(fixture('traces', 'k6.12', 'migrate_fault-funcgraph-k6.12.txt'));
  const first = events[0];
  assert.equal(first.kind, 'marker');
  assert.equal(first.name, 'tracing_mark_write');
  assert.match(first.message ?? '', /^hmmtrace\[migrate_fault\] scenario migrate_fault start$/);
  assert.equal(first.ts, 21302801000);
  assert.deepEqual([first.cpu, first.comm, first.pid], [1, 'hmmtrac', 335]);
  const inval = events.find((e) => e.graph?.func === 'dmirror_interval_invalidate [test_hmm]');
  assert.ok(inval);
  assert.equal(inval.graph?.leaf, true);
  assert.equal(inval.graph?.durationNs, 2334);
});

test('function_graph irq markers, context-switch blocks and tracepoint comments', async () => {
  const { events, summary } = await readText(
    '# tracer: function_graph\n' +
      '#\n' +
      ' ------------------------------------------\n' +
      ' 1)  migration/0-1    =>   hmmtrace-130\n' +
      ' ------------------------------------------\n' +
      '\n' +
      ' 1)               |  migrate_vma_setup() {\n' +
      ' 1)   ==========> |\n' +
      ' 1)   0.500 us    |    irq_enter();\n' +
      ' 1)   <========== |\n' +
      ' 1)               |    /* tlb_flush: pages:1 reason:local mm shootdown (3) */\n' +
      ' 1)               |    /* step one: user text */\n' +
      ' 1) + 12.100 us   |  }\n',
  );
  assert.equal(summary.unparsedLines, 0);
  assert.ok(accounted(summary));
  assert.deepEqual(events.map((e) => [e.name, e.comm, e.pid]), [
    ['funcgraph', 'hmmtrace', 130],
    ['funcgraph', 'hmmtrace', 130],
    ['tlb_flush', 'hmmtrace', 130],
    ['tracing_mark_write', 'hmmtrace', 130],
    ['funcgraph_exit', 'hmmtrace', 130],
  ]);
  assert.equal(events[2].fields.pages, '1');
  assert.equal(events[3].message, 'step one: user text');
  assert.equal(events[4].graph?.func, 'migrate_vma_setup');
  assert.equal(events[4].graph?.mark, '+');
});

test('trace-cmd report: cpus= preamble, padded names, plugin function lines, raw-address kretprobes', async () => {
  const { events, summary } = await readAll(fixture('ingest', 'ref-2.1-tracecmd-report.txt'));
  assert.equal(summary.format, 'trace-cmd-report');
  assert.equal(summary.declaredCpus, 8);
  assert.equal(summary.unparsedLines, 0);
  assert.equal(events[0].name, 'function');
  assert.equal(events[0].probe?.symbol, 'mutex_unlock');
  assert.equal(events[2].body, '0xffffffff855e7448 trace_types_lock');
  assert.equal(events[3].fields.caller, 'vfs_write+0x147');
  assert.equal(events[9].comm, 'kworker/u36:1');
  // the sched plugin's rewritten forms get the kernel's field names
  assert.deepEqual(events[6].fields, { prev_comm: 'swapper/0', prev_pid: '0', prev_prio: '120', prev_state: 'R', next_comm: 'trace-cmd', next_pid: '89135', next_prio: '120' });
  assert.deepEqual(events[5].fields, { comm: 'trace-cmd', pid: '89992', prio: '120', target_cpu: '005' });
  assert.equal(events[9].fields.prev_comm, 'kworker/u36:1');
  // kmalloc's "(call_site+0x84)" is a tracepoint, not a probe
  const kmalloc = events.find((e) => e.name === 'kmalloc');
  assert.equal(kmalloc?.kind, 'tracepoint');

  const real = await readAll(fixture('traces', 'k6.1', 'exclusive-tracecmd.txt'));
  const ret = real.events.find((e) => e.name === 'dmirror_inval_ret');
  // "(ffffffffc0000060 <- ffffffff81249f97)": trace-cmd prints func <- ret_ip
  assert.deepEqual(ret?.retFrom, { address: 'ffffffffc0000060' });
  assert.deepEqual(ret?.probe, { address: 'ffffffff81249f97' });
  const mark = real.events.find((e) => e.name === 'print');
  assert.equal(mark?.kind, 'marker');
  assert.match(mark?.message ?? '', /^hmmtrace\[exclusive\] scenario exclusive start$/);
  const ioctl = real.events.find((e) => e.name === 'sys_enter_ioctl');
  assert.deepEqual(ioctl?.fields, { fd: '0x00000004', cmd: '0xc0284805', arg: '0x7ffc56c2c930' });
  assert.equal(real.events.find((e) => e.name === 'sys_exit_ioctl')?.fields.ret, '0x0');
});

test('trace-cmd report without flags: version preamble, funcgraph_entry/exit, kernel_stack frames with addresses', async () => {
  const { events, summary } = await readAll(fixture('ingest', 'ref-2.1-tracecmd-noflags.txt'));
  assert.equal(summary.unparsedLines, 0);
  assert.ok(accounted(summary));
  const entry = events.find((e) => e.name === 'funcgraph_entry');
  const exit = events.find((e) => e.name === 'funcgraph_exit');
  assert.deepEqual(entry?.graph, { func: 'do_IRQ', depth: 0, leaf: false });
  assert.equal(exit?.graph?.func, 'do_IRQ');
  assert.equal(exit?.graph?.durationNs, 36358);
  assert.equal(exit?.graph?.startTs, entry?.ts);
  const fn = events.find((e) => e.name === 'function');
  assert.equal(fn?.parent?.symbol, 'do_page_fault');
  // the stack's event (CPU 3) is the last one on CPU 3 before it
  const onCpu3 = events.filter((e) => e.cpu === 3);
  assert.deepEqual(onCpu3[onCpu3.length - 1].stack, ['schedule', 'cpu_idle']);
});

test('trace-cmd report -l: CPU glued to the flags', async () => {
  const { events } = await readAll(fixture('ingest', 'ref-2.1-tracecmd-latency.txt'));
  assert.deepEqual([events[0].cpu, events[0].flags, events[0].probe?.symbol, events[0].parent?.symbol], [0, 'd.h1.', 'ktime_get', 'tick_check_idle']);
});

test('trace-cmd report -t: nanosecond timestamps are exact', async () => {
  const { events } = await readText('cpus=1\n        hmmtrace-410   [000]    31.378510123: tlb_flush:            pages=-1 reason=flush on task switch (0)\n');
  assert.equal(events[0].ts, 31378510123);
  assert.equal(events[0].fields.reason, 'flush on task switch (0)');
});

test('perf script: comm with spaces, sys:event names, raw kprobe bodies, callchains attached (reference §2.2)', async () => {
  const { events, summary } = await readAll(fixture('ingest', 'ref-2.2-perf-script.txt'));
  assert.equal(summary.format, 'perf-script');
  assert.equal(summary.unparsedLines, 0);
  assert.deepEqual(events.map((e) => [e.system, e.name, e.comm, e.pid, e.cpu]), [
    ['probe', 'do_sys_open', 'perf', 12886, 0],
    ['probe', 'do_sys_open', 'teamviewerd', 1940, 1],
    ['sched', 'sched_switch', 'perf', 232, 0],
  ]);
  assert.deepEqual(events[0].probe, { address: 'ffffffffa807b290' });
  assert.equal(events[1].fields.filename_string, '/dev/fb0');
  assert.deepEqual(events[2].stack, ['__schedule+0x8e0']);
  const spaced = await readText('  Web Content  4242/4243 [001]    66.846217: tlb:tlb_flush: pages:1 reason:x (3)\n');
  assert.deepEqual([spaced.events[0].comm, spaced.events[0].tgid, spaced.events[0].pid], ['Web Content', 4242, 4243]);
});

test('perf script real capture: kretprobe (func <- ret_ip) order and syscall fields', async () => {
  const { events } = await readAll(fixture('traces', 'k6.1', 'mprotect-perf.txt'));
  const ret = events.find((e) => e.name === 'change_prot_ret');
  assert.equal(ret?.kind, 'kretprobe');
  assert.deepEqual(ret?.retFrom, { address: 'ffffffff8120fc60' });
  assert.equal(ret?.fields.pages, '4');
  const mp = events.find((e) => e.name === 'sys_enter_mprotect');
  assert.equal(mp?.kind, 'syscall-enter');
  assert.equal(mp?.fields.prot, '0x00000001');
});

test('nouveau SVM debug lines in dmesg: driver, svmm pointer and the invalidated range (reference §3.5)', async () => {
  const { events, summary } = await readAll(fixture('ingest', 'ref-3.5-nouveau-dmesg.txt'));
  assert.equal(summary.format, 'dmesg');
  assert.ok(events.every((e) => e.kind === 'driver-log' && e.driver === 'nouveau' && e.cpu === -1));
  assert.deepEqual(events[3].fields, { svmm: '00000000c0ffee42', start: '00007f3a5c201000', end: '00007f3a5c202000' });
  assert.equal(events[3].ts, 812331480000);
  assert.deepEqual(events[2].fields, { svmm: '00000000c0ffee42', addr: '00007f3a5c201000' });
});

test('amdkfd, xe and test_hmm kernel log lines; journalctl -k form', async () => {
  const { events, summary } = await readText(
    '[  100.000001] svm_range_cpu_invalidate_pagetables: [0x7f00 0x7f0f] range[0x7f00 0x7f0f] notifier[0x7f00 0x7fff] 6\n' +
      '[  100.000002] xe 0000:00:02.0: [drm:xe_svm_invalidate [xe]] INVALIDATE: asid=3, gpusvm=ffff888100000000, seqno=12, start=0x00007f0000000000, end=0x00007f0000200000, event=6\n' +
      '[  100.000003] test_hmm: loading out-of-tree module taints kernel.\n' +
      '[  100.000004] added new 256 MB chunk (total 1 chunks, 256 MB) PFNs [0xfcf0000 0xfd00000)\n' +
      'Nov 21 05:24:01 host kernel: nouveau 0000:01:00.0: DRM: svm: fault handler\n',
  );
  assert.equal(summary.unparsedLines, 0);
  assert.deepEqual(events.map((e) => e.driver), ['amdkfd', 'xe', 'test_hmm', 'test_hmm', 'nouveau']);
  assert.equal(events[0].fields.event, '6');
  assert.equal(events[0].fields.notifier_last, '0x7fff');
  assert.equal(events[1].fields.asid, '3');
  assert.equal(events[1].fields.start, '0x00007f0000000000');
  assert.equal(events[1].fields.event, '6');
});

test('function_graph in trace-cmd and the sniffer: format chosen by content, not by extension', async () => {
  const { summary } = await readAll(fixture('traces', 'k6.1', '_guest-6.1-dmesg.txt'));
  assert.equal(summary.format, 'dmesg');
  assert.equal(summary.unparsedLines, 0);
});
