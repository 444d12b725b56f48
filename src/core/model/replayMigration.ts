/**
 * The replay of one migrate_vma sequence per task (mm/migrate_device.c): migrate_vma_setup opens a migration
 * record and moves the pages of its window to "migrating", setup's return, migrate_vma_pages and
 * migrate_vma_finalize fill the record in, the move-mapping returns count moved and -EAGAIN pages, and the
 * end of the sequence (a new setup, the return of the fault or syscall, exit, the end of the trace) closes
 * it: pages no PTE event decided land on the target state, or back where they were when it failed.
 * Eviction (migrate_device_range) opens a record with no window; its PTE removals give it one.
 */

import type { ReplayRun } from './replayRun';
import type { Migration } from './records/migrations';
import type { OpenMigration, TaskContext } from './replayContext';
import { MAX_WINDOW_PAGES, endVpn, vpnOf } from './pages';
import { S_DEVICE, S_EXCLUSIVE, S_SYSTEM, S_TO_DEVICE, S_TO_SYSTEM } from './kinds';
import { MIGRATE_VMA_SELECT_DEVICE_COHERENT, MIGRATE_VMA_SELECT_DEVICE_PRIVATE, MIGRATE_VMA_SELECT_SYSTEM } from '../decode/enums';
import { baseFunction } from '../decode/functions';

const MOVE_INNER = new Set(['folio_migrate_mapping', 'migrate_page_move_mapping', '__folio_migrate_mapping']);
function open(rec: Migration): OpenMigration {
  return { rec, pending: new Map(), removed: new Set(), sawPteRemove: false, inSetup: true, innerMoved: 0, innerEagain: 0, innerSeen: false, outerMoved: 0, outerEagain: 0 };
}

/** The end of the task's migration, if one is open: pending pages settle, counts are final. */
export function closeMigration(r: ReplayRun, t: TaskContext, id: number): void {
  const m = t.migration;
  if (!m) return;
  t.migration = undefined;
  const rec = m.rec;
  const failed = (rec.setupRet !== undefined && rec.setupRet < 0) || rec.cpages === 0;
  const target = rec.direction === 'to-device' ? S_DEVICE : S_SYSTEM;
  for (const [page, prev] of m.pending) {
    if (failed || m.sawPteRemove || rec.finalizeId === undefined) r.pages.setState(page, prev, id);
    else r.pages.setState(page, target, rec.finalizeId);
  }
  m.pending.clear();
  rec.closeId = id;
  rec.moved = m.innerSeen ? m.innerMoved : m.outerMoved > 0 || m.outerEagain > 0 ? m.outerMoved : rec.cpages === 0 ? 0 : rec.moved;
  rec.eagain = m.innerSeen ? m.innerEagain : m.outerEagain;
}

/** Setup failed or collected nothing: every pending page is back where it was. */
function revertPending(r: ReplayRun, m: OpenMigration, id: number): void {
  for (const [page, prev] of m.pending) r.pages.setState(page, prev, id);
  m.pending.clear();
}

export function onMigrateSetup(r: ReplayRun): void {
  const { store, t, id, as } = r;
  closeMigration(r, t, id);
  // store.rangeOf(id) and vpnRange() without their arrays (146k setups at 1 GiB)
  const start = store.a.get(id);
  const end = store.b.endAt(id, start);
  // the extra's values read one by one: no object, no BigInt
  const flags = store.selectFlagsOf(id);
  const owner = store.str(store.owner, id);
  if (owner && owner !== '0x0') r.driverOwners.add(owner);
  const toDev = flags !== undefined && (flags & MIGRATE_VMA_SELECT_SYSTEM) !== 0 && (flags & (MIGRATE_VMA_SELECT_DEVICE_PRIVATE | MIGRATE_VMA_SELECT_DEVICE_COHERENT)) === 0;
  const toSys = flags !== undefined && (flags & MIGRATE_VMA_SELECT_SYSTEM) === 0 && (flags & (MIGRATE_VMA_SELECT_DEVICE_PRIVATE | MIGRATE_VMA_SELECT_DEVICE_COHERENT)) !== 0;
  const faultPage = store.faultPageOf(id);
  // the task, command, owner, window and timestamp are read back from the setup event (records/migrations.ts)
  const rec = r.migrationTable.open({
    as,
    flags,
    direction: toDev ? 'to-device' : toSys ? 'to-system' : 'unknown',
    faultPage,
    trigger: (faultPage && faultPage !== '0x0') || t.inMigrateToRam > 0 ? 'migrate-to-ram' : 'driver',
    setupId: id,
  });
  const om = open(rec);
  t.migration = om;
  if (Number.isNaN(start) || Number.isNaN(end) || rec.direction === 'unknown') return;
  const s = vpnOf(start);
  const e = endVpn(s, end);
  const sp = r.pages.space(as);
  for (let v = s; v < Math.min(e, s + MAX_WINDOW_PAGES); v++) {
    const p = sp.ensure(v);
    const prev = r.pages.cur(p);
    if (toDev && prev !== S_DEVICE && prev !== S_EXCLUSIVE) {
      om.pending.set(p, prev);
      r.pages.setState(p, S_TO_DEVICE, id);
    } else if (toSys && prev !== S_SYSTEM && prev !== S_EXCLUSIVE) {
      om.pending.set(p, prev);
      r.pages.setState(p, S_TO_SYSTEM, id);
    }
  }
}

export function onSetupReturn(r: ReplayRun, m: OpenMigration): void {
  m.inSetup = false;
  r.migrationTable.setSetupReturn(m.rec.id, r.id);
  if (m.rec.setupRet !== undefined && m.rec.setupRet < 0) revertPending(r, m, r.id);
}

export function onMigratePages(r: ReplayRun, m: OpenMigration): void {
  m.inSetup = false;
  m.rec.pagesId = r.id;
  const c = r.store.cpagesOf(r.id);
  if (c !== undefined) m.rec.cpages = c;
  if (c === 0) revertPending(r, m, r.id);
}

export function onFinalize(r: ReplayRun, m: OpenMigration): void {
  m.inSetup = false;
  m.rec.finalizeId = r.id;
  const c = r.store.cpagesOf(r.id);
  if (c !== undefined && m.rec.cpages === undefined) m.rec.cpages = c;
}

/** migrate_device_range (device eviction): a migration back to system RAM with no window of its own. */
export function onDeviceRange(r: ReplayRun): void {
  const { t, id, as } = r;
  closeMigration(r, t, id);
  const rec = r.migrationTable.open({ as, flags: undefined, direction: 'to-system', faultPage: undefined, trigger: 'device-range', setupId: id });
  t.migration = open(rec);
}

/** folio_migrate_mapping and its callers return 0 for a moved page, -EAGAIN for one still referenced. */
export function onMoveMappingReturn(r: ReplayRun, m: OpenMigration): void {
  const ret = r.store.retOf(r.id);
  const inner = MOVE_INNER.has(baseFunction(r.store.funcOf(r.id) ?? ''));
  if (inner) m.innerSeen = true;
  if (ret === 0) {
    if (inner) m.innerMoved++;
    else m.outerMoved++;
  } else if (ret === -11) {
    if (inner) m.innerEagain++;
    else m.outerEagain++;
  }
}
