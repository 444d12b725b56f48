/** The DomainKind and RawEventKind lists, indexed for the one-byte `kind` columns. */

import type { RawEventKind } from '../ingest/types';
import type { DomainKind, InvalidationOrigin, PageState } from './types';

export const DOMAIN_KINDS: readonly DomainKind[] = [
  'generic', 'invalidate-start', 'invalidate-end', 'invalidate-secondary', 'driver-invalidate', 'driver-invalidate-ret',
  'migrate-setup', 'migrate-setup-ret', 'migrate-collect', 'migrate-unmap', 'migrate-unmap-ret', 'migrate-pages',
  'migrate-finalize', 'migrate-device-range', 'move-mapping', 'move-mapping-ret', 'migration-pte-set',
  'migration-pte-remove', 'migration-pmd-set', 'migration-pmd-remove', 'remove-migration-ptes', 'try-to-migrate',
  'cpu-fault', 'swap-fault', 'swap-fault-ret', 'migrate-to-ram', 'migrate-to-ram-ret', 'device-fault',
  'hmm-range-fault', 'hmm-range-fault-ret', 'exclusive-make', 'exclusive-make-ret', 'exclusive-one',
  'exclusive-restore', 'thp-split', 'thp-split-ret', 'migration-wait', 'sched-block', 'page-ref', 'tlb-flush',
  'change-protection', 'change-protection-ret', 'copy-page-range', 'syscall', 'syscall-ret', 'process-fork',
  'process-exit', 'device-free', 'unmap', 'marker', 'function',
];
export const KIND_INDEX = new Map<DomainKind, number>(DOMAIN_KINDS.map((k, i) => [k, i]));

export const RAW_KINDS: readonly RawEventKind[] = [
  'tracepoint', 'kprobe', 'kretprobe', 'function', 'funcgraph-entry', 'funcgraph-exit', 'marker', 'syscall-enter',
  'syscall-exit', 'driver-log',
];
export const RAW_KIND_INDEX = new Map<RawEventKind, number>(RAW_KINDS.map((k, i) => [k, i]));

export const STATES: readonly PageState[] = [
  'unknown', 'system', 'migrating-to-device', 'device-private', 'migrating-to-system', 'device-exclusive', 'unmapped',
];
export const S_UNKNOWN = 0;
export const S_SYSTEM = 1;
export const S_TO_DEVICE = 2;
export const S_DEVICE = 3;
export const S_TO_SYSTEM = 4;
export const S_EXCLUSIVE = 5;
export const S_UNMAPPED = 6;

/** Human words for the CLI. */
export const STATE_WORDS: Record<PageState, string> = {
  unknown: 'unknown',
  system: 'system RAM',
  'migrating-to-device': 'migrating to device',
  'device-private': 'device-private',
  'migrating-to-system': 'migrating to RAM',
  'device-exclusive': 'device-exclusive',
  unmapped: 'unmapped',
};

export const ORIGINS: readonly InvalidationOrigin[] = [
  'unknown', 'migrate_vma_setup', 'migrate_vma_pages', 'try_to_migrate_one', 'split_huge_pmd', 'migrate_to_ram',
  'zap', 'munmap', 'mprotect', 'fork', 'madvise', 'make_device_exclusive', 'remove_device_exclusive_entry',
  'wp_page_copy', 'exit',
];
