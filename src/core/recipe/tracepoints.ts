/**
 * Static tracepoints worth recording next to the probes (reference §3). They are indirect evidence: the
 * migration-PTE events fire only on the try_to_migrate fallback and in finalize, tlb_flush shows real PTE
 * changes, exceptions:page_fault_user counts CPU re-faults (the livelock signature), sched_switch with
 * prev_state D shows tasks sleeping on migration entries, and the syscalls tell which user action (mprotect,
 * munmap, madvise, the driver ioctl) an invalidation belongs to. Syscalls and faults are filtered to the
 * workload's comm: unfiltered they drown the capture.
 */

import type { RecipeDriver } from './target';

export interface TracepointSpec {
  system: string;
  /** Event name, or undefined for the whole system. */
  event?: string;
  /** Filter on the workload comm (high-volume events). */
  filterComm?: boolean;
  /** Not present on every kernel/config (arch, CONFIG_*): enabling may fail, the script carries on. */
  mayBeMissing?: string;
  /** Stack trigger when stacks are on: `stacktrace if <cond>` (undefined = no stacks for this event). */
  stackIf?: string;
  drivers?: readonly RecipeDriver[];
  why: string;
}

/** The syscalls whose effects show up as invalidations (enter and exit both, for the call window). */
export const WORKLOAD_SYSCALLS = ['mmap', 'munmap', 'mprotect', 'madvise', 'mremap', 'ioctl', 'clone', 'clone3', 'exit_group'] as const;

export const TRACEPOINTS: TracepointSpec[] = [
  { system: 'migrate', why: 'set/remove_migration_pte (try_to_migrate fallback, finalize, restores) and LRU migrations' },
  { system: 'thp', mayBeMissing: 'thp events (set/remove_migration_pmd) exist since 5.18', why: 'PMD migration entries: real THP activity on a split range' },
  { system: 'huge_memory', mayBeMissing: 'CONFIG_TRANSPARENT_HUGEPAGE', why: 'khugepaged collapses that CLEAR a range' },
  { system: 'tlb', event: 'tlb_flush', mayBeMissing: 'x86 only', why: 'a PTE really changed (tells a no-op invalidation from a real one)' },
  { system: 'exceptions', event: 'page_fault_user', filterComm: true, mayBeMissing: 'x86 only', why: 'CPU faults per address: repeated faults on one page are the fault-retry spin' },
  {
    system: 'sched', event: 'sched_switch', stackIf: 'prev_state & 2',
    why: 'tasks going to sleep uninterruptibly (D): waits on migration entries and folio locks, with their stack',
  },
  { system: 'sched', event: 'sched_process_fork', why: 'fork: COW of device-private and exclusive entries' },
  { system: 'sched', event: 'sched_process_exit', why: 'exit: the final UNMAP/RELEASE invalidations' },
  { system: 'printk', event: 'console', mayBeMissing: 'printk:console needs CONFIG_PRINTK', why: 'driver debug messages on the trace clock (merged with the events)' },
  { system: 'xe', event: 'xe_vma_invalidate', drivers: ['xe'], mayBeMissing: 'xe tracepoints need the xe module loaded', why: 'xe VMA invalidations' },
  { system: 'xe', event: 'xe_vma_userptr_invalidate', drivers: ['xe'], mayBeMissing: 'xe tracepoints need the xe module loaded', why: 'xe userptr invalidations' },
  { system: 'xe', event: 'xe_vma_pagefault', drivers: ['xe'], mayBeMissing: 'xe tracepoints need the xe module loaded', why: 'xe GPU page faults' },
  { system: 'xe', event: 'xe_bo_move', drivers: ['xe'], mayBeMissing: 'xe tracepoints need the xe module loaded', why: 'xe buffer moves between VRAM and system memory' },
];

export function tracepointsFor(driver: RecipeDriver): TracepointSpec[] {
  return TRACEPOINTS.filter((t) => t.drivers === undefined || t.drivers.includes(driver));
}

/** `system/event` or `system` as tracefs paths and trace-cmd/perf `-e` arguments use it. */
export function tracepointPath(t: TracepointSpec): string {
  return t.event ? `${t.system}/${t.event}` : t.system;
}
export function tracepointName(t: TracepointSpec): string {
  return t.event ? `${t.system}:${t.event}` : t.system;
}
