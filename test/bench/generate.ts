/**
 * Synthetic ftrace text shaped like the real captures in test/fixtures/traces/k6.1 (same header, the same
 * mix of kprobe/kretprobe lines on the HMM paths, tlb_flush and migration-PTE tracepoints, syscalls,
 * trace_marker lines and `<stack trace>` blocks, two CPUs, monotonic secs.usecs timestamps), written in
 * large blocks until the requested size. Used by the bench only; never by tests.
 */

import { closeSync, existsSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

const HEADER = `# tracer: nop
#
# entries-in-buffer/entries-written: 0/0   #P:2
#
#                                _-----=> irqs-off/BH-disabled
#                               / _----=> need-resched
#                              | / _---=> hardirq/softirq
#                              || / _--=> preempt-depth
#                              ||| / _-=> migrate-disable
#                              |||| /     delay
#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION
#              | |         |   |||||     |         |
`;

const TASKS = ['        hmmtrace-250 ', '              sh-82  ', '          <idle>-0   ', ' kworker/u4:1-51219 ', '     migration/1-18  '];

/** Bodies after "name: ", in roughly the proportions of the captures (tlb_flush and migration PTEs dominate). */
function body(i: number, addr: string): string {
  switch (i % 16) {
    case 0:
    case 1:
    case 2:
      return `tlb_flush: pages:1 reason:local mm shootdown (3)`;
    case 3:
      return `tlb_flush: pages:-1 reason:flush on task switch (0)`;
    case 4:
    case 5:
      return `remove_migration_pte: addr=${addr} folio=0xffd400000007c980 order=0`;
    case 6:
      return `rm_mig_ptes: (remove_migration_ptes+0x0/0x90) src=0xffd40003f3fffd80 dst=0xffd400000007c980 locked=0`;
    case 7:
      return `mn_start: (__mmu_notifier_invalidate_range_start+0x0/0x190) start=${addr} end=0x7f8ead693000 flags=1 event=6 owner=0xffffffffc0006440 mm=0xff1100000345d400`;
    case 8:
      return `dmirror_inval: (dmirror_interval_invalidate+0x0/0x100 [test_hmm]) start=${addr} end=0x7f8ead693000 event=6 owner=0xffffffffc0006440 flags=1 cur_seq=93`;
    case 9:
      return `dmirror_inval_ret: (__mmu_notifier_invalidate_range_start+0x137/0x190 <- dmirror_interval_invalidate) ret=1`;
    case 10:
      return `mn_start_ret: (migrate_vma_setup+0x201/0x220 <- __mmu_notifier_invalidate_range_start) ret=0`;
    case 11:
      return `folio_mig_mapping: (folio_migrate_mapping+0x0/0x4d0) newfolio=0xffd400000007c980 folio=0xffd40003f3fffd80 extra=1`;
    case 12:
      return `page_fault_user: address=${addr} ip=0x4015e0 error_code=0x6`;
    case 13:
      return `mvma_setup: (migrate_vma_setup+0x0/0x220) start=${addr} end=0x7f8ead693000 flags=0x1 pgmap_owner=0xffffffffc0006440 fault_page=0x0`;
    case 14:
      return `tracing_mark_write: hmmtrace[bench] ioctl MIGRATE_TO_DEV begin addr=${addr} npages=16`;
    default:
      return `devmem_fault: (dmirror_devmem_fault+0x0/0x2a0 [test_hmm]) addr=${addr} page=0xffd40003f3fffd80`;
  }
}

const STACK = ` => kprobe_trace_func
 => kprobe_dispatcher
 => aggr_pre_handler
 => kprobe_ftrace_handler
 => 0xffffffffc000a0c8
 => __mmu_notifier_invalidate_range_start
 => migrate_vma_setup
 => dmirror_migrate_to_device.constprop.0
 => dmirror_fops_unlocked_ioctl
 => __x64_sys_ioctl
 => do_syscall_64
 => entry_SYSCALL_64_after_hwframe
`;

/** Writes `bytes` (at least) of synthetic trace to `path` unless a file of that size class is already there. */
export function generateTrace(path: string, bytes: number): { path: string; bytes: number; reused: boolean } {
  if (existsSync(path) && statSync(path).size >= bytes && statSync(path).size < bytes + (1 << 20)) {
    return { path, bytes: statSync(path).size, reused: true };
  }
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'w');
  let written = writeSync(fd, HEADER);
  let us = 5_000_000_000; // 5000 s in microseconds... as integer micro-ticks
  let i = 0;
  try {
    while (written < bytes) {
      const parts: string[] = [];
      let blockBytes = 0;
      while (blockBytes < 4 << 20) {
        us += 1 + (i % 7);
        const cpu = i % 5 === 0 ? 0 : 1;
        const secs = Math.floor(us / 1e6);
        const frac = String(us % 1e6).padStart(6, '0');
        const addr = `0x7f8ead${(0x68b000 + ((i * 4096) & 0xffffff)).toString(16)}`;
        const flags = i % 3 === 0 ? 'd..2.' : '.....';
        const line = `${TASKS[i % TASKS.length]}    [00${cpu}] ${flags} ${String(secs).padStart(5)}.${frac}: ${body(i, addr)}\n`;
        parts.push(line);
        blockBytes += line.length;
        if (i % 97 === 7) {
          const st = `${TASKS[i % TASKS.length]}    [00${cpu}] ..... ${String(secs).padStart(5)}.${frac}: <stack trace>\n${STACK}`;
          parts.push(st);
          blockBytes += st.length;
        }
        i++;
      }
      written += writeSync(fd, parts.join(''));
    }
  } finally {
    closeSync(fd);
  }
  return { path, bytes: written, reused: false };
}
