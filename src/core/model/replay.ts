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
import type { AddressSpace, InvalidationRecord, MigrationRecord } from './types';
import { type PageTable, vpnOf } from './pages';
import { DOMAIN_KINDS, S_EXCLUSIVE, S_SYSTEM, S_UNMAPPED } from './kinds';
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
const GENERIC = DOMAIN_KINDS.indexOf('generic');

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
  // events come in runs of one task: its context and address space are looked up once per run
  let lastPid = NaN;
  let lastTask: TaskContext | undefined;
  let lastAs: AddressSpace = 0;
  for (let id = 0; id < n; id++) {
    const ki = store.kind.get(id);
    // most events of a large trace (tlb flushes, function calls, unknown tracepoints) change nothing here: they
    // are passed over before their task is even read
    if (IGNORED[ki] === 1 && (ki !== GENERIC || store.extraIdx.get(id) < 0)) continue;
    const pid = store.pid.get(id);
    if (pid !== lastPid) {
      lastPid = pid;
      lastTask = r.tasks.get(pid);
      lastAs = spaces.of(pid);
    }
    const kind = DOMAIN_KINDS[ki];
    const t = lastTask ?? (lastTask = r.task(pid));
    const m = t.migration;
    r.id = id;
    r.ts = store.ts.get(id);
    r.pid = pid;
    r.as = lastAs;
    r.t = t;
    if (ON_PAGE[ki] === 1) {
      const addr = store.addrOf(id);
      r.addr = addr;
      r.page = addr !== undefined ? pages.get(lastAs, vpnOf(addr)) : -1;
    } else {
      r.addr = undefined;
      r.page = -1;
    }
    switch (kind) {
      case 'marker':
        markers.push(id);
        break;
      case 'migrate-setup':
        onMigrateSetup(r);
        break;
      case 'migrate-setup-ret':
        if (m) onSetupReturn(r, m);
        break;
      case 'migrate-unmap-ret':
        if (m) m.rec.unmapped = store.retOf(id);
        break;
      case 'migrate-pages':
        if (m) onMigratePages(r, m);
        break;
      case 'migrate-finalize':
        if (m) onFinalize(r, m);
        break;
      case 'migrate-device-range':
        onDeviceRange(r);
        break;
      case 'move-mapping-ret':
        if (m) onMoveMappingReturn(r, m);
        break;
      case 'migration-pte-remove':
      case 'migration-pmd-remove':
        onPteRemove(r, m);
        break;
      case 'migration-pte-set':
      case 'migration-pmd-set':
        onPteSet(r, m);
        break;
      case 'swap-fault':
        onSwapFault(r);
        break;
      case 'swap-fault-ret':
        t.inSwapFault = Math.max(0, t.inSwapFault - 1);
        if (m && m.rec.trigger === 'migrate-to-ram') closeMigration(r, t, id);
        break;
      case 'migrate-to-ram':
        onMigrateToRam(r);
        break;
      case 'migrate-to-ram-ret':
        t.inMigrateToRam = Math.max(0, t.inMigrateToRam - 1);
        closeMigration(r, t, id);
        break;
      case 'exclusive-make':
        t.inExclusive++;
        break;
      case 'exclusive-make-ret':
        t.inExclusive = Math.max(0, t.inExclusive - 1);
        break;
      case 'exclusive-one':
        onPageEvent(r, S_EXCLUSIVE);
        break;
      case 'exclusive-restore':
        onPageEvent(r, S_SYSTEM);
        break;
      case 'cpu-fault':
        onCpuFault(r);
        break;
      case 'invalidate-start':
        onInvalidation(r, m, false);
        break;
      case 'driver-invalidate':
        onInvalidation(r, m, true);
        break;
      case 'driver-invalidate-ret':
        onDriverReturn(r);
        break;
      case 'invalidate-end':
        onInvalidationEnd(r);
        break;
      case 'generic':
        onGeneric(r);
        break;
      case 'process-fork':
        onFork(r);
        break;
      case 'process-exit':
        closeMigration(r, t, id);
        break;
      case 'syscall': {
        t.syscall = store.funcOf(id);
        const range = store.rangeOf(id);
        t.munmapRange = t.syscall === 'munmap' && range ? range : undefined;
        break;
      }
      case 'syscall-ret':
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
