/**
 * Pass B: replay the events in file order per task and rebuild what the kernel did: migration records
 * (migrate_vma_setup → unmap → pages → finalize), invalidation records (range_start → driver callbacks →
 * range_end, with their origin), and each page's state intervals, each opened by the event that proves it.
 *
 * Page state rules (kernel behaviour in mm/migrate_device.c, mm/rmap.c, mm/memory.c):
 * - migrate_vma_setup with SELECT_SYSTEM: pages not already device-private start migrating to the device;
 *   SELECT_DEVICE_PRIVATE: pages not in system RAM start migrating back. Device-private pages are skipped by
 *   SELECT_SYSTEM (so a second migration of a migrated range changes nothing).
 * - remove_migration_pte decides each page: a present PTE means system RAM (restored by the refcount check
 *   inside setup, or migrated back), a device-private swap entry means device-private.
 * - migrate_vma_pages with cpages=0, or setup failing, puts every pending page back where it was; so does
 *   the end of the migration for pages no PTE event decided when the trace shows such events at all.
 * - page_make_device_exclusive_one makes a page device-exclusive; restore_exclusive_pte (the CPU fault on the
 *   exclusive entry) gives it back to the CPU.
 * - an UNMAP invalidation (munmap, exit) and a CLEAR from madvise/zap unmap the pages of the range.
 * - a CPU fault maps a page of system RAM unless the page is device-private or device-exclusive.
 * - a fork copies every page's state to the child; remove_migration_pte runs for every mm mapping a shared
 *   page (rmap walk), so a repeated remove for one address inside one migration belongs to the relative.
 */

import type { AddressSpaces } from './addressSpaces';
import type { EventStore } from './store';
import type { SpanTable } from './spans';
import type { AddressSpace, InvalidationRecord, Marker, MigrationRecord } from './types';
import { type PageTable, MAX_WINDOW_PAGES, vpnOf, vpnRange } from './pages';
import { DOMAIN_KINDS, S_DEVICE, S_EXCLUSIVE, S_SYSTEM, S_TO_DEVICE, S_TO_SYSTEM, S_UNKNOWN, S_UNMAPPED } from './kinds';
import { classifyOrigin } from '../decode/origin';
import { HIGH_ADDR, NO_EVIDENCE, type OpenMigration, originOf, refine, sharedEvidence, type TaskContext } from './replayContext';
import { MIGRATE_VMA_SELECT_DEVICE_COHERENT, MIGRATE_VMA_SELECT_DEVICE_PRIVATE, MIGRATE_VMA_SELECT_SYSTEM } from '../decode/enums';
import { baseFunction, functionInfo } from '../decode/functions';

const MOVE_INNER = new Set(['folio_migrate_mapping', 'migrate_page_move_mapping', '__folio_migrate_mapping']);
/** Shared empty list for records without invalidations (read-only by contract: the model's arrays are views). */
const NO_IDS: number[] = [];
const THP_SPLIT = new Set(['split_huge_page_to_list', 'split_huge_page_to_list_to_order', '__split_huge_page', 'split_folio_to_list']);
const IGNORED_NAMES = new Set<string>(['generic', 'function', 'tlb-flush', 'page-ref', 'remove-migration-ptes', 'try-to-migrate', 'migrate-collect', 'migrate-unmap', 'move-mapping', 'device-free', 'invalidate-secondary', 'copy-page-range', 'change-protection', 'change-protection-ret', 'hmm-range-fault', 'hmm-range-fault-ret', 'thp-split', 'thp-split-ret', 'migration-wait', 'sched-block', 'device-fault', 'unmap', 'exclusive-one-ret']);
/** IGNORED_NAMES by kind index: one array read per event instead of a string-set lookup. */
const IGNORED = Uint8Array.from(DOMAIN_KINDS, (k) => (IGNORED_NAMES.has(k) ? 1 : 0));

export interface ReplayResult {
  migrations: MigrationRecord[];
  invalidations: InvalidationRecord[];
  markers: Marker[];
  forkedFrom: Map<AddressSpace, AddressSpace>;
  /** event id → invalidation record (start event) */
  invalidationByStart: Map<number, number>;
}

export function replay(store: EventStore, spaces: AddressSpaces, pages: PageTable, spans: SpanTable): ReplayResult {
  const migrations: MigrationRecord[] = [];
  const invalidations: InvalidationRecord[] = [];
  const markers: Marker[] = [];
  const tasks = new Map<number, TaskContext>();
  const forkedFrom = new Map<AddressSpace, AddressSpace>();
  const relatives = new Map<AddressSpace, AddressSpace[]>();
  const invalidationByStart = new Map<number, number>();
  const driverOwners = new Set<string>();
  const forkAt = new Map<number, { parent: AddressSpace; child: AddressSpace }>();
  for (const f of spaces.processForks()) {
    forkAt.set(f.eventId, f);
    forkedFrom.set(f.child, f.parent);
    relatives.set(f.parent, [...(relatives.get(f.parent) ?? []), f.child]);
    relatives.set(f.child, [...(relatives.get(f.child) ?? []), f.parent]);
  }

  const task = (pid: number): TaskContext => {
    let t = tasks.get(pid);
    if (!t) tasks.set(pid, (t = { invStack: [], inMigrateToRam: 0, inSwapFault: 0, inExclusive: 0 }));
    return t;
  };

  const closeMigration = (t: TaskContext, id: number, ts: number) => {
    const m = t.migration;
    if (!m) return;
    t.migration = undefined;
    const r = m.rec;
    const failed = (r.setupRet !== undefined && r.setupRet < 0) || r.cpages === 0;
    const target = r.direction === 'to-device' ? S_DEVICE : S_SYSTEM;
    for (const [page, prev] of m.pending) {
      if (failed || m.sawPteRemove || r.finalizeId === undefined) page.setState(prev, id, ts);
      else page.setState(target, r.finalizeId, r.finalizeTs ?? ts);
    }
    m.pending.clear();
    // exact-size arrays: a long trace holds hundreds of thousands of records
    r.eventIds = r.eventIds.slice();
    if (r.invalidationIds.length === 0) r.invalidationIds = NO_IDS;
    r.moved = m.innerSeen ? m.innerMoved : m.outerMoved > 0 || m.outerEagain > 0 ? m.outerMoved : r.cpages === 0 ? 0 : r.moved;
    r.eagain = m.innerSeen ? m.innerEagain : m.outerEagain;
  };

  const revertPending = (m: OpenMigration, id: number, ts: number) => {
    for (const [page, prev] of m.pending) page.setState(prev, id, ts);
    m.pending.clear();
  };

  const setRange = (space: AddressSpace, start: number, end: number, state: number, id: number, ts: number) => {
    const sp = pages.spaces.get(space);
    if (!sp) return;
    const [s, e] = end >= HIGH_ADDR ? [0, Number.MAX_SAFE_INTEGER] : vpnRange(start, end);
    for (const p of sp.inRange(s, e)) p.setState(state, id, ts);
  };

  const n = store.count;
  for (let id = 0; id < n; id++) {
    const ki = store.kind.get(id);
    const kind = DOMAIN_KINDS[ki];
    // most events of a large trace (tlb flushes, function calls, unknown tracepoints) change nothing here
    if (IGNORED[ki] === 1 && (kind !== 'generic' || store.extraIdx.get(id) < 0)) {
      const open = tasks.get(store.pid.get(id))?.migration;
      if (open && kind !== 'generic' && kind !== 'function' && kind !== 'tlb-flush') open.rec.eventIds.push(id);
      continue;
    }
    const pid = store.pid.get(id);
    const ts = store.ts.get(id);
    const as = spaces.of(pid);
    const t = task(pid);
    const m = t.migration;
    const addr = store.addrOf(id);
    const page = addr !== undefined ? pages.get(as, vpnOf(addr)) : undefined;
    if (m && kind !== 'marker' && kind !== 'syscall' && kind !== 'syscall-ret' && kind !== 'generic' && kind !== 'function' && kind !== 'tlb-flush') {
      if (kind !== 'migrate-setup') m.rec.eventIds.push(id);
    }
    switch (kind) {
      case 'marker': {
        markers.push({ id, line: store.line.get(id), ts, pid, text: store.extra(id)?.text ?? '' });
        break;
      }
      case 'migrate-setup': {
        closeMigration(t, id, ts);
        const range = store.rangeOf(id);
        const x = store.extra(id);
        const flags = x?.selectFlags;
        const owner = store.str(store.owner, id);
        if (owner && owner !== '0x0') driverOwners.add(owner);
        const toDev = flags !== undefined && (flags & MIGRATE_VMA_SELECT_SYSTEM) !== 0 && (flags & (MIGRATE_VMA_SELECT_DEVICE_PRIVATE | MIGRATE_VMA_SELECT_DEVICE_COHERENT)) === 0;
        const toSys = flags !== undefined && (flags & MIGRATE_VMA_SELECT_SYSTEM) === 0 && (flags & (MIGRATE_VMA_SELECT_DEVICE_PRIVATE | MIGRATE_VMA_SELECT_DEVICE_COHERENT)) !== 0;
        const faultPage = x?.faultPage;
        const rec: MigrationRecord = {
          id: migrations.length,
          as,
          pid,
          comm: store.str(store.comm, id) ?? '',
          start: range ? range[0] : 0,
          end: range ? range[1] : 0,
          npages: range ? Math.max(0, Math.round((range[1] - range[0]) / 4096)) : 0,
          flags,
          direction: toDev ? 'to-device' : toSys ? 'to-system' : 'unknown',
          pgmapOwner: owner,
          faultPage,
          trigger: (faultPage && faultPage !== '0x0') || t.inMigrateToRam > 0 ? 'migrate-to-ram' : 'driver',
          setupId: id,
          setupTs: ts,
          eagain: 0,
          restoredInSetup: 0,
          invalidationIds: [],
          eventIds: [id],
        };
        migrations.push(rec);
        const om: OpenMigration = { rec, pending: new Map(), removed: new Set(), sawPteRemove: false, inSetup: true, innerMoved: 0, innerEagain: 0, innerSeen: false, outerMoved: 0, outerEagain: 0 };
        t.migration = om;
        if (range && rec.direction !== 'unknown') {
          const [s, e] = vpnRange(range[0], range[1]);
          const sp = pages.space(as);
          for (let v = s; v < Math.min(e, s + MAX_WINDOW_PAGES); v++) {
            const p = sp.ensure(v);
            const prev = p.cur;
            if (toDev && prev !== S_DEVICE && prev !== S_EXCLUSIVE) {
              om.pending.set(p, prev);
              p.setState(S_TO_DEVICE, id, ts);
            } else if (toSys && prev !== S_SYSTEM && prev !== S_EXCLUSIVE) {
              om.pending.set(p, prev);
              p.setState(S_TO_SYSTEM, id, ts);
            }
          }
        }
        break;
      }
      case 'migrate-setup-ret': {
        if (!m) break;
        m.inSetup = false;
        m.rec.setupRetTs = ts;
        m.rec.setupRet = store.retOf(id);
        if (m.rec.setupRet !== undefined && m.rec.setupRet < 0) revertPending(m, id, ts);
        break;
      }
      case 'migrate-unmap-ret':
        if (m) m.rec.unmapped = store.retOf(id);
        break;
      case 'migrate-pages': {
        if (!m) break;
        m.inSetup = false;
        m.rec.pagesId = id;
        const c = store.extra(id)?.cpages;
        if (c !== undefined) m.rec.cpages = c;
        if (c === 0) revertPending(m, id, ts);
        break;
      }
      case 'migrate-finalize': {
        if (!m) break;
        m.inSetup = false;
        m.rec.finalizeId = id;
        m.rec.finalizeTs = ts;
        const c = store.extra(id)?.cpages;
        if (c !== undefined && m.rec.cpages === undefined) m.rec.cpages = c;
        break;
      }
      case 'migrate-device-range': {
        closeMigration(t, id, ts);
        const rec: MigrationRecord = {
          id: migrations.length, as, pid, comm: store.str(store.comm, id) ?? '', start: 0, end: 0, npages: 0,
          direction: 'to-system', trigger: 'device-range', setupId: id, setupTs: ts, eagain: 0, restoredInSetup: 0,
          invalidationIds: [], eventIds: [id],
        };
        migrations.push(rec);
        t.migration = { rec, pending: new Map(), removed: new Set(), sawPteRemove: false, inSetup: true, innerMoved: 0, innerEagain: 0, innerSeen: false, outerMoved: 0, outerEagain: 0 };
        break;
      }
      case 'move-mapping-ret': {
        if (!m) break;
        const r = store.retOf(id);
        const inner = MOVE_INNER.has(baseFunction(store.funcOf(id) ?? ''));
        if (inner) m.innerSeen = true;
        if (r === 0) {
          if (inner) m.innerMoved++;
          else m.outerMoved++;
        } else if (r === -11) {
          if (inner) m.innerEagain++;
          else m.outerEagain++;
        }
        break;
      }
      case 'migration-pte-remove':
      case 'migration-pmd-remove': {
        if (addr === undefined) break;
        const vpn = vpnOf(addr);
        // A THP split (split_huge_page_to_list inside collect) remaps every subpage through
        // remove_migration_ptes: the page did not move and the migration goes on, so this is no restore.
        const s0 = store.span.get(id);
        if (s0 >= 0 && spans.chainHas(store, s0, THP_SPLIT)) {
          if (page && !(m && m.pending.has(page))) page.setState(S_SYSTEM, id, ts);
          break;
        }
        let target = page;
        if (m && m.removed.has(vpn)) {
          // the rmap walk restores the entry in every mm that maps the page: the repeat is a relative's
          for (const rel of relatives.get(as) ?? []) {
            const rp = pages.get(rel, vpn);
            if (rp && rp.cur !== S_SYSTEM) {
              target = rp;
              rp.events.push(id);
              break;
            }
          }
        }
        const pte = store.pteOf(id);
        const next = pte?.kind === 'present' ? S_SYSTEM : pte?.kind === 'device-private' ? S_DEVICE : pte?.kind === 'device-exclusive' ? S_EXCLUSIVE : -1;
        if (m) {
          m.sawPteRemove = true;
          m.removed.add(vpn);
          if (m.inSetup && pte?.kind === 'present') m.rec.restoredInSetup++;
          if (target) m.pending.delete(target);
          if (m.rec.trigger === 'device-range') {
            m.rec.start = m.rec.npages === 0 ? vpn * 4096 : Math.min(m.rec.start, vpn * 4096);
            m.rec.end = Math.max(m.rec.end, (vpn + 1) * 4096);
            m.rec.npages = Math.round((m.rec.end - m.rec.start) / 4096);
          }
        }
        if (target && next >= 0) target.setState(next, id, ts);
        break;
      }
      case 'migration-pte-set':
      case 'migration-pmd-set':
        if (page && !m && page.cur === S_DEVICE) page.setState(S_TO_SYSTEM, id, ts);
        break;
      case 'swap-fault': {
        t.inSwapFault++;
        const pte = store.pteOf(id);
        if (page && page.cur === S_UNKNOWN) {
          if (pte?.kind === 'device-private') page.setState(S_DEVICE, id, ts);
          else if (pte?.kind === 'device-exclusive') page.setState(S_EXCLUSIVE, id, ts);
        }
        break;
      }
      case 'swap-fault-ret':
        t.inSwapFault = Math.max(0, t.inSwapFault - 1);
        if (m && m.rec.trigger === 'migrate-to-ram') closeMigration(t, id, ts);
        break;
      case 'migrate-to-ram':
        t.inMigrateToRam++;
        if (page && page.cur === S_UNKNOWN) page.setState(S_DEVICE, id, ts);
        break;
      case 'migrate-to-ram-ret':
        t.inMigrateToRam = Math.max(0, t.inMigrateToRam - 1);
        closeMigration(t, id, ts);
        break;
      case 'exclusive-make':
        t.inExclusive++;
        break;
      case 'exclusive-make-ret':
        t.inExclusive = Math.max(0, t.inExclusive - 1);
        break;
      case 'exclusive-one':
        if (page) page.setState(S_EXCLUSIVE, id, ts);
        break;
      case 'exclusive-restore':
        if (page) page.setState(S_SYSTEM, id, ts);
        break;
      case 'cpu-fault': {
        if (addr === undefined) break;
        const p = pages.get(as, vpnOf(addr));
        if (p && (p.cur === S_UNKNOWN || p.cur === S_UNMAPPED)) p.setState(S_SYSTEM, id, ts);
        break;
      }
      case 'invalidate-start':
      case 'driver-invalidate': {
        const range = store.rangeOf(id);
        if (!range) break;
        const ev = store.notifierOf(id) ?? 'UNKNOWN';
        const owner = store.str(store.owner, id);
        const blk = store.blockable.get(id);
        if (kind === 'driver-invalidate') {
          const top = t.invStack[t.invStack.length - 1];
          if (top && top.start <= range[0] && range[1] <= top.end && top.endId === undefined) {
            const driver = (functionInfo(store.funcOf(id))?.driver ?? 'unknown');
            const own = (ev === 'MIGRATE' || ev === 'EXCLUSIVE') && owner !== undefined && owner !== '0x0' && driverOwners.has(owner);
            top.callbacks.push({ driver, func: store.funcOf(id) ?? '', eventId: id, ownEvent: own });
            break;
          }
        }
        const rec: InvalidationRecord = {
          id: invalidations.length, as, pid, comm: store.str(store.comm, id) ?? '', start: range[0], end: range[1], event: ev,
          eventNum: store.extra(id)?.eventNum ?? (store.notifier.get(id) >= 0 ? store.notifier.get(id) : undefined),
          owner, blockable: blk < 0 ? undefined : blk === 1, origin: 'unknown', originEvidence: NO_EVIDENCE, startId: id, startTs: ts,
          callbacks: [], migrationId: m?.rec.id,
        };
        const o = refine(originOf(store, spans, id, t, rec), rec, t);
        rec.origin = o.origin;
        rec.originEvidence = sharedEvidence(o.evidence);
        if (kind === 'driver-invalidate') {
          const driver = (functionInfo(store.funcOf(id))?.driver ?? 'unknown');
          rec.callbacks.push({ driver, func: store.funcOf(id) ?? '', eventId: id });
        } else {
          t.invStack.push(rec);
        }
        invalidations.push(rec);
        invalidationByStart.set(id, rec.id);
        if (m) m.rec.invalidationIds.push(rec.id);
        if (ev === 'UNMAP' || (ev === 'CLEAR' && (rec.origin === 'madvise' || rec.origin === 'zap'))) setRange(as, range[0], range[1], S_UNMAPPED, id, ts);
        break;
      }
      case 'driver-invalidate-ret': {
        const top = t.invStack[t.invStack.length - 1];
        const func = store.funcOf(id);
        const cb = top ? [...top.callbacks].reverse().find((c) => c.func === func && c.ret === undefined) : undefined;
        if (cb) cb.ret = store.retOf(id);
        break;
      }
      case 'invalidate-end': {
        const range = store.rangeOf(id);
        let k = t.invStack.length - 1;
        if (range) while (k >= 0 && (t.invStack[k].start !== range[0] || t.invStack[k].end !== range[1])) k--;
        if (k < 0) k = t.invStack.length - 1;
        if (k >= 0) {
          const rec = t.invStack[k];
          rec.endId = id;
          rec.endTs = ts;
          t.invStack.splice(k, 1);
        }
        break;
      }
      case 'generic': {
        // the return of __mmu_notifier_invalidate_range_start names its caller: a better origin than a span
        const caller = store.extra(id)?.caller;
        if (caller && store.funcOf(id) === '__mmu_notifier_invalidate_range_start') {
          const s = store.span.get(id);
          const entry = s >= 0 ? spans.entryId.get(s) : -1;
          const ri = invalidationByStart.get(entry);
          if (ri !== undefined) {
            const rec = invalidations[ri];
            if (rec.originEvidence[0] !== 'stack') {
              const chain = [baseFunction(caller), ...(s >= 0 ? spans.chain(store, s) : [])];
              const c = classifyOrigin(chain);
              const o = c ? refine({ origin: c.origin, evidence: c.evidence }, rec, t) : undefined;
              if (o) {
                rec.origin = o.origin;
                rec.originEvidence = sharedEvidence(['caller', ...o.evidence]);
              }
            }
          }
        }
        break;
      }
      case 'process-fork': {
        const f = forkAt.get(id);
        if (!f) break;
        const parent = pages.spaces.get(f.parent);
        const child = pages.space(f.child);
        if (!parent) break;
        for (const [vpn, pp] of parent.pages) {
          if (pp.states.length === 0) continue;
          child.ensure(vpn).setState(pp.cur, id, ts);
        }
        break;
      }
      case 'process-exit':
        closeMigration(t, id, ts);
        break;
      case 'syscall': {
        t.syscall = store.funcOf(id);
        const r = store.rangeOf(id);
        t.munmapRange = t.syscall === 'munmap' && r ? r : undefined;
        break;
      }
      case 'syscall-ret': {
        if (t.munmapRange && store.retOf(id) === 0) setRange(as, t.munmapRange[0], t.munmapRange[1], S_UNMAPPED, id, ts);
        t.munmapRange = undefined;
        t.syscall = undefined;
        closeMigration(t, id, ts);
        break;
      }
      default:
        break;
    }
  }
  const endTs = n > 0 ? store.ts.get(n - 1) : 0;
  for (const t of tasks.values()) closeMigration(t, n - 1, endTs);
  // pages that no event ever proved a state for still get one interval, so every page has a timeline
  for (const sp of pages.spaces.values()) {
    for (const p of sp.pages.values()) {
      if (p.states.length === 0) {
        const first = p.events[0] ?? sp.ranges.stab(p.vpn)[0];
        if (first !== undefined) p.setState(S_UNKNOWN, first, store.ts.get(first));
      }
    }
  }
  return { migrations, invalidations, markers, forkedFrom, invalidationByStart };
}
