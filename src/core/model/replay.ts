/**
 * Pass B: replay the events in file order per task and rebuild what the kernel did: migration records
 * (migrate_vma_setup → unmap → pages → finalize: replayMigration.ts), invalidation records (range_start →
 * driver callbacks → range_end, with their origin: replayInvalidation.ts), and each page's state intervals,
 * each opened by the event that proves it (replayPages.ts). This loop reads each event once, sets the shared
 * state (replayRun.ts) and hands the event to its family.
 *
 * Page state rules beyond those of replayPages.ts:
 * - migrate_vma_setup with SELECT_SYSTEM: pages not already device-private start migrating to the device;
 *   SELECT_DEVICE_PRIVATE: pages not in system RAM start migrating back. Device-private pages are skipped by
 *   SELECT_SYSTEM (so a second migration of a migrated range changes nothing).
 * - migrate_vma_pages with cpages=0, or setup failing, puts every pending page back where it was; so does
 *   the end of the migration for pages no PTE event decided when the trace shows such events at all.
 * - an UNMAP invalidation (munmap, exit), a CLEAR from madvise/zap and a successful munmap unmap the pages
 *   of the range.
 */

import type { AddressSpaces } from './addressSpaces';
import type { EventStore } from './store';
import type { SpanTable } from './spans';
import type { AddressSpace, DomainKind, InvalidationRecord, MigrationRecord } from './types';
import { type PageTable, vpnOf } from './pages';
import { DOMAIN_KINDS, KIND_INDEX, S_EXCLUSIVE, S_SYSTEM, S_UNMAPPED } from './kinds';
import { ReplayRun } from './replayRun';
import type { TaskContext } from './replayContext';
import { closeMigration, onDeviceRange, onFinalize, onMigratePages, onMigrateSetup, onMoveMappingReturn, onSetupReturn } from './replayMigration';
import { onCpuFault, onFork, onMigrateToRam, onPageEvent, onPteRemove, onPteSet, onSwapFault, proveUnknownPages } from './replayPages';
import { onDriverReturn, onGeneric, onInvalidation, onInvalidationEnd } from './replayInvalidation';

const IGNORED_NAMES = new Set<string>(['generic', 'function', 'tlb-flush', 'page-ref', 'remove-migration-ptes', 'try-to-migrate', 'migrate-collect', 'migrate-unmap', 'move-mapping', 'device-free', 'invalidate-secondary', 'copy-page-range', 'change-protection', 'change-protection-ret', 'hmm-range-fault', 'hmm-range-fault-ret', 'thp-split', 'thp-split-ret', 'migration-wait', 'sched-block', 'device-fault', 'unmap', 'exclusive-one-ret']);
/** IGNORED_NAMES by kind index: one array read per event instead of a string-set lookup. */
const IGNORED = Uint8Array.from(DOMAIN_KINDS, (k) => (IGNORED_NAMES.has(k) ? 1 : 0));
const PAGE_NAMES = new Set<string>(['migration-pte-remove', 'migration-pmd-remove', 'migration-pte-set', 'migration-pmd-set', 'swap-fault', 'migrate-to-ram', 'exclusive-one', 'exclusive-restore', 'cpu-fault']);
/** By kind index: the families that read the event's page (the others need no address lookup). */
const ON_PAGE = Uint8Array.from(DOMAIN_KINDS, (k) => (PAGE_NAMES.has(k) ? 1 : 0));
const k = (x: DomainKind): number => KIND_INDEX.get(x)!;
const GENERIC = k('generic');
const MARKER = k('marker');
const MIGRATE_SETUP = k('migrate-setup');
const MIGRATE_SETUP_RET = k('migrate-setup-ret');
const MIGRATE_UNMAP_RET = k('migrate-unmap-ret');
const MIGRATE_PAGES = k('migrate-pages');
const MIGRATE_FINALIZE = k('migrate-finalize');
const MIGRATE_DEVICE_RANGE = k('migrate-device-range');
const MOVE_MAPPING_RET = k('move-mapping-ret');
const PTE_REMOVE = k('migration-pte-remove');
const PMD_REMOVE = k('migration-pmd-remove');
const PTE_SET = k('migration-pte-set');
const PMD_SET = k('migration-pmd-set');
const SWAP_FAULT = k('swap-fault');
const SWAP_FAULT_RET = k('swap-fault-ret');
const MIGRATE_TO_RAM = k('migrate-to-ram');
const MIGRATE_TO_RAM_RET = k('migrate-to-ram-ret');
const EXCLUSIVE_MAKE = k('exclusive-make');
const EXCLUSIVE_MAKE_RET = k('exclusive-make-ret');
const EXCLUSIVE_ONE = k('exclusive-one');
const EXCLUSIVE_RESTORE = k('exclusive-restore');
const CPU_FAULT = k('cpu-fault');
const INVALIDATE_START = k('invalidate-start');
const DRIVER_INVALIDATE = k('driver-invalidate');
const DRIVER_INVALIDATE_RET = k('driver-invalidate-ret');
const INVALIDATE_END = k('invalidate-end');
const PROCESS_FORK = k('process-fork');
const PROCESS_EXIT = k('process-exit');
const SYSCALL = k('syscall');
const SYSCALL_RET = k('syscall-ret');

export interface ReplayResult {
  /** Handles on the replay's record rows (records/migrations.ts, records/invalidations.ts). */
  migrations: readonly MigrationRecord[];
  invalidations: readonly InvalidationRecord[];
  /** The ids of the marker events, ascending (markers.ts). */
  markers: Int32Array;
  forkedFrom: Map<AddressSpace, AddressSpace>;
}

export function replay(store: EventStore, spaces: AddressSpaces, pages: PageTable, spans: SpanTable): ReplayResult {
  const r = new ReplayRun(store, spaces, pages, spans);
  // 132k markers at 1 GiB: their ids as small integers, packed once the replay is done
  const markers: number[] = [];
  const n = store.count;
  // the page of a page-granular event is the one placement listed it on (placement.ts): the replay meets
  // those events in the order placement logged them, so a cursor over that log gives each one's page without
  // reading the address again or looking the page up (3.4 M handled events at 1 GiB)
  const placed = pages.placedEvents();
  let cursor = 0;
  // events come in runs of one task: its pid is read, its context and address space looked up, once per run
  let lastTaskId = -1;
  let lastPid = NaN;
  let lastTask: TaskContext | undefined;
  let lastAs: AddressSpace = 0;
  for (let id = 0; id < n; id++) {
    const ki = store.kindOfType(store.typeAt(id));
    // most events of a large trace (tlb flushes, function calls, unknown tracepoints) change nothing here: they
    // are passed over before their task is even read
    if (IGNORED[ki] === 1 && (ki !== GENERIC || store.extraIdx.get(id) < 0)) continue;
    const taskId = store.taskAt(id);
    if (taskId !== lastTaskId) {
      lastTaskId = taskId;
      const pid = store.pidOfTask(taskId);
      if (pid !== lastPid) {
        lastPid = pid;
        lastTask = r.tasks.get(pid);
        lastAs = spaces.of(pid);
      }
    }
    const t = lastTask ?? (lastTask = r.task(lastPid));
    const m = t.migration;
    r.id = id;
    r.as = lastAs;
    r.t = t;
    r.page = -1;
    if (ON_PAGE[ki] === 1) {
      if (ki === CPU_FAULT) {
        // a CPU fault creates no page: its page, if another event made one
        const addr = store.addrOf(id);
        if (addr !== undefined) r.page = pages.get(lastAs, vpnOf(addr));
      } else {
        while (cursor < placed.length && placed.id(cursor) < id) cursor++;
        if (cursor < placed.length && placed.id(cursor) === id) r.page = placed.page(cursor);
      }
    }
    switch (ki) {
      case MARKER:
        markers.push(id);
        break;
      case MIGRATE_SETUP:
        onMigrateSetup(r);
        break;
      case MIGRATE_SETUP_RET:
        if (m) onSetupReturn(r, m);
        break;
      case MIGRATE_UNMAP_RET:
        if (m) m.rec.unmapped = store.retOf(id);
        break;
      case MIGRATE_PAGES:
        if (m) onMigratePages(r, m);
        break;
      case MIGRATE_FINALIZE:
        if (m) onFinalize(r, m);
        break;
      case MIGRATE_DEVICE_RANGE:
        onDeviceRange(r);
        break;
      case MOVE_MAPPING_RET:
        if (m) onMoveMappingReturn(r, m);
        break;
      case PTE_REMOVE:
      case PMD_REMOVE:
        onPteRemove(r, m);
        break;
      case PTE_SET:
      case PMD_SET:
        onPteSet(r, m);
        break;
      case SWAP_FAULT:
        onSwapFault(r);
        break;
      case SWAP_FAULT_RET:
        t.inSwapFault = Math.max(0, t.inSwapFault - 1);
        if (m && m.rec.trigger === 'migrate-to-ram') closeMigration(r, t, id);
        break;
      case MIGRATE_TO_RAM:
        onMigrateToRam(r);
        break;
      case MIGRATE_TO_RAM_RET:
        t.inMigrateToRam = Math.max(0, t.inMigrateToRam - 1);
        closeMigration(r, t, id);
        break;
      case EXCLUSIVE_MAKE:
        t.inExclusive++;
        break;
      case EXCLUSIVE_MAKE_RET:
        t.inExclusive = Math.max(0, t.inExclusive - 1);
        break;
      case EXCLUSIVE_ONE:
        onPageEvent(r, S_EXCLUSIVE);
        break;
      case EXCLUSIVE_RESTORE:
        onPageEvent(r, S_SYSTEM);
        break;
      case CPU_FAULT:
        onCpuFault(r);
        break;
      case INVALIDATE_START:
        onInvalidation(r, m, false);
        break;
      case DRIVER_INVALIDATE:
        onInvalidation(r, m, true);
        break;
      case DRIVER_INVALIDATE_RET:
        onDriverReturn(r);
        break;
      case INVALIDATE_END:
        onInvalidationEnd(r);
        break;
      case GENERIC:
        onGeneric(r);
        break;
      case PROCESS_FORK:
        onFork(r);
        break;
      case PROCESS_EXIT:
        closeMigration(r, t, id);
        break;
      case SYSCALL: {
        t.syscall = store.funcOf(id);
        const range = store.rangeOf(id);
        t.munmapRange = t.syscall === 'munmap' && range ? range : undefined;
        break;
      }
      case SYSCALL_RET:
        if (t.munmapRange && store.retOf(id) === 0) r.setRange(lastAs, t.munmapRange[0], t.munmapRange[1], S_UNMAPPED, id);
        t.munmapRange = undefined;
        t.syscall = undefined;
        closeMigration(r, t, id);
        break;
      default:
        break;
    }
  }
  for (const t of r.tasks.values()) closeMigration(r, t, n - 1);
  proveUnknownPages(r);
  return { migrations: r.migrations, invalidations: r.invalidations, markers: Int32Array.from(markers), forkedFrom: r.forkedFrom };
}
