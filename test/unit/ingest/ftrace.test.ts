/** tracefs text peculiarities, each on lines in the kernel's exact format (reference §1). */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture } from '../helpers';
import { accounted, readAll, readText } from './helpers';

const HDR = '# tracer: nop\n#\n';

test('tgid column: (tgid) and (-------) are read, pid is the thread', async () => {
  const { events, summary } = await readText(
    HDR +
      '#           TASK-PID       TGID    CPU#  |||||  TIMESTAMP  FUNCTION\n' +
      '        hmmtrace-131     (    130) [001] ..... 5.899547: mn_start: (__mmu_notifier_invalidate_range_start+0x0/0x190) start=0x7f829c9ba000 end=0x7f829c9bc000 event=6\n' +
      '          <idle>-0       (-------) [000] d..2. 5.899600: tlb_flush: pages:-1 reason:flush on task switch (0)\n',
  );
  assert.equal(events[0].pid, 131);
  assert.equal(events[0].tgid, 130);
  assert.equal(events[1].tgid, undefined);
  assert.equal(events[1].comm, '<idle>');
  assert.match(summary.formatDetail, /tgid/);
});

test('counter clock: a bare integer timestamp is kept raw and the clock is "counter"', async () => {
  const { events, summary } = await readText(HDR + '            bash-1994  [002] ....  1234567890123: tlb_flush: pages:1 reason:remote shootdown (1)\n');
  assert.equal(events[0].ts, 1234567890123);
  assert.equal(summary.clock, 'counter');
});

test('secs.usecs timestamps become exact integer ns (no float drift)', async () => {
  const { events } = await readText(HDR + '              sh-82      [000] .....  9007.199254: tlb_flush: pages:1 reason:x (3)\n');
  assert.equal(events[0].ts, 9007199254000);
});

test('task names with spaces, dashes, colons and slashes: the pid is the last -digits before [cpu]', async () => {
  const { events } = await readText(
    HDR +
      '   kworker/u36:1-51219   [000] d..2. 162583.266957: tlb_flush: pages:1 reason:x (3)\n' +
      '  my-app  two-3-1234     [001] ..... 162583.266958: tlb_flush: pages:1 reason:x (3)\n' +
      '           <...>-332     [000] .....    62.406844: tracing_mark_write: hello1\n',
  );
  assert.deepEqual(events.map((e) => [e.comm, e.pid]), [['kworker/u36:1', 51219], ['my-app  two-3', 1234], ['<...>', 332]]);
  assert.equal(events[2].kind, 'marker');
  assert.equal(events[2].message, 'hello1');
});

test('4- and 5-character latency flags, hex digits included, and no flags at all (irq-info off)', async () => {
  const { events } = await readText(
    HDR +
      '              sh-82      [000] d..a.     5.894139: tlb_flush: pages:-1 reason:x (3)\n' +
      '              sh-82      [000] dNh2      5.894140: tlb_flush: pages:-1 reason:x (3)\n' +
      '           <...>-1447  [001] 1038282.286875: tlb_flush: pages:-1 reason:x (3)\n',
  );
  assert.deepEqual(events.map((e) => e.flags), ['d..a.', 'dNh2', undefined]);
});

test('kprobe head (sym+0x0/0x190) with key=value fields, module symbols kept', async () => {
  const { events } = await readAll(fixture('traces', 'k6.1', 'double_migrate-ftrace.txt'));
  const inval = events.find((e) => e.name === 'dmirror_inval');
  assert.ok(inval);
  assert.equal(inval.kind, 'kprobe');
  assert.deepEqual(inval.probe, { symbol: 'dmirror_interval_invalidate', offset: 0, size: 0x100, module: 'test_hmm' });
  assert.equal(inval.fields.event, '6');
});

test('kretprobe (caller+off/size <- callee): probe is the return site, retFrom the function that returned', async () => {
  const { events } = await readAll(fixture('ingest', 'ref-1.6-kprobetrace.txt'));
  const ret = events[1];
  assert.equal(ret.kind, 'kretprobe');
  assert.deepEqual(ret.probe, { symbol: 'sys_openat', offset: 0xc, size: 0xe });
  assert.deepEqual(ret.retFrom, { symbol: 'do_sys_open' });
  assert.equal(ret.fields.$retval, 'fffffffffffffffe');
  assert.equal(events[0].fields.filename, '7fffd1ec4440');
});

test('fprobe entry/exit and tprobe heads parse as kprobe/kretprobe', async () => {
  const { events } = await readAll(fixture('ingest', 'ref-1.6-fprobe.txt'));
  assert.deepEqual(events.map((e) => e.kind), ['kprobe', 'kretprobe', 'kprobe']);
  assert.equal(events[1].retFrom?.symbol, 'vfs_read');
  assert.equal(events[1].probe?.symbol, 'ksys_read');
});

test('syscall events in both forms: sys_mmap(args) and sys_mmap -> ret', async () => {
  const { events } = await readAll(fixture('traces', 'k6.1', 'double_migrate-ftrace.txt'));
  const enter = events.find((e) => e.name === 'sys_mmap' && e.kind === 'syscall-enter');
  const exit = events.find((e) => e.name === 'sys_mmap' && e.kind === 'syscall-exit');
  assert.deepEqual(enter?.fields, { addr: '0', len: '8000', prot: '3', flags: '22', fd: 'ffffffff', off: '0' });
  assert.equal(exit?.fields.ret, '0x7f829c9ba000');
});

test('function tracer: func <-parent with .constprop suffixes and [module] tags', async () => {
  const { events } = await readText(
    HDR +
      '            <idle>-0     [003] dN.1  4228.547805: hrtimer_start_range_ns <-hrtimer_start_expires.constprop.11\n' +
      '        hmmtrace-250     [001] ..... 12.160845: dmirror_fops_unlocked_ioctl [test_hmm] <-__x64_sys_ioctl\n' +
      '             cat-117     [002] ...1.     1.602243: __bio_try_merge_page <-bio_add_page (repeats: 2, last_ts: 1.602250)\n',
  );
  assert.deepEqual(events.map((e) => [e.name, e.kind, e.probe?.symbol, e.parent?.symbol]), [
    ['function', 'function', 'hrtimer_start_range_ns', 'hrtimer_start_expires.constprop.11'],
    ['function', 'function', 'dmirror_fops_unlocked_ioctl', '__x64_sys_ioctl'],
    ['function', 'function', '__bio_try_merge_page', 'bio_add_page'],
  ]);
  assert.equal(events[1].probe?.module, 'test_hmm');
});

test('<stack trace> and => frames attach to the event before on the same CPU', async () => {
  const { events, summary } = await readText(
    HDR +
      '        hmmtrace-294     [000] .....    14.526000: folio_mig_mapping: (folio_migrate_mapping+0x0/0x4d0) extra=1\n' +
      '        hmmtrace-293     [001] .....    14.526100: mn_start: (__mmu_notifier_invalidate_range_start+0x0/0x190) event=6\n' +
      '        hmmtrace-294     [000] .....    14.526200: tlb_flush: pages:1 reason:x (3)\n' +
      '        hmmtrace-293     [001] .....    14.526219: <stack trace>\n' +
      ' => __mmu_notifier_invalidate_range_start\n' +
      ' => migrate_vma_setup\n',
  );
  assert.equal(events.length, 3);
  assert.deepEqual(events[1].stack, ['__mmu_notifier_invalidate_range_start', 'migrate_vma_setup']);
  assert.equal(events[1].lineCount, 4);
  assert.equal(events[0].stack, undefined);
  assert.ok(accounted(summary));
});

test('LOST markers are counted per CPU; buffer-started annotations are recorded', async () => {
  const { summary } = await readText(
    HDR +
      '##### CPU 1 buffer started ####\n' +
      'CPU:1 [LOST 1234 EVENTS]\n' +
      '              sh-82      [001] .....     5.894139: tlb_flush: pages:-1 reason:x (3)\n' +
      'CPU:0 [LOST EVENTS]\n',
  );
  assert.equal(summary.lostEvents, 1234);
  assert.deepEqual(summary.lost, [
    { cpu: 1, count: 1234, line: 4 },
    { cpu: 0, count: undefined, line: 6 },
  ]);
  assert.deepEqual(summary.bufferStarts, [{ cpu: 1, line: 3 }]);
  assert.ok(accounted(summary));
});

test('quoted string and array fetchargs keep their spaces; tlb_flush key:value form', async () => {
  const { events } = await readText(
    HDR +
      '              sh-82      [001] .....     5.894139: openat: (do_sys_openat2+0x0/0x100) name="/tmp/a b" arr={1,2,3} n=3\n' +
      '              sh-82      [001] d..2.     5.894140: tlb_flush: pages:-1 reason:flush on task switch (0)\n',
  );
  assert.deepEqual(events[0].fields, { name: '/tmp/a b', arr: '{1,2,3}', n: '3' });
  assert.deepEqual(events[1].fields, { pages: '-1', reason: 'flush on task switch (0)' });
});

test('reference §1.2 header-only file: an ftrace trace with zero events, every line a comment', async () => {
  const { events, summary } = await readAll(fixture('ingest', 'ref-1.2-header-variantA.txt'));
  assert.equal(events.length, 0);
  assert.equal(summary.format, 'ftrace');
  assert.equal(summary.declaredCpus, 8);
  assert.equal(summary.tracer, 'nop');
  assert.equal(summary.commentLines, summary.lines);
});

test('reference §1.2 latency format (irqsoff): CPU glued to flags, relative us times, stack attached', async () => {
  const { events, summary } = await readAll(fixture('ingest', 'ref-1.2-latency-irqsoff.txt'));
  assert.equal(summary.unparsedLines, 0);
  assert.deepEqual(events.map((e) => [e.cpu, e.flags, e.ts, e.probe?.symbol]), [
    [0, 'd.s2', 0, '_raw_spin_lock_irq'],
    [0, 'dNs3', 17000, '_raw_spin_unlock_irq'],
    [0, 'dNs3', 17000, 'trace_hardirqs_on'],
  ]);
  assert.deepEqual(events[2].stack, ['_raw_spin_unlock_irq', 'run_timer_softirq', '__do_softirq']);
});

test('reference §1.5 function tracer, 4-flag header: every line a function event', async () => {
  const { events, summary } = await readAll(fixture('ingest', 'ref-1.5-function-4flags.txt'));
  assert.equal(events.length, 8);
  assert.ok(events.every((e) => e.kind === 'function'));
  assert.match(summary.formatDetail, /4 flags/);
});

test('reference §1.6 tracepoint lines: names without system, known systems filled in', async () => {
  const { events } = await readAll(fixture('ingest', 'ref-1.6-tracepoints.txt'));
  assert.deepEqual(events.map((e) => [e.name, e.kind]), [
    ['tasklet_entry', 'tracepoint'],
    ['hrtimer_cancel', 'tracepoint'],
    ['tracing_mark_write', 'marker'],
  ]);
  assert.equal(events[0].fields.function, 'tcp_tasklet_func');
  assert.equal(events[2].system, 'ftrace');
});

test('out-of-order timestamps keep file order and are counted', async () => {
  const { events, summary } = await readAll(fixture('ingest', 'ref-1.6-tracepoints.txt'));
  assert.deepEqual(events.map((e) => e.line), [2, 3, 4]);
  assert.equal(summary.outOfOrder, 1);
  assert.ok(summary.warnings.some((w) => /earlier/.test(w)));
});
