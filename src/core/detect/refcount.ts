/**
 * Refcount stalls in device migration (reference §4.5, §4.8, §7.4 A2–A4): pages a migration selected but could
 * not take, moves refused because the page count changed, and migration windows held open too long.
 */

import type { MigrationRecord, PageState } from '../model/types';
import { defineRule, type DetectContext } from './context';
import type { Finding } from './types';
import { Facts } from './facts';
import { RangeMap } from './rangeMap';
import { PROBES } from './probes';
import { EAGAIN, makeFinding, msText, overlaps, pagesOfVpns, rangeText, taskText, timeText, vpnOf } from './util';

const SELECT_SYSTEM = 1;
const SELECT_DEVICE_PRIVATE = 2;
/** Ranges larger than this are not walked page by page (a 1 GiB range would cost 262144 lookups). */
const MAX_WALK_PAGES = 4096;

/** The migration's MIGRATE_VMA_SELECT_* flags, else the ones its direction implies. */
function selectFlags(m: MigrationRecord): number {
  return m.flags ?? (m.direction === 'to-device' ? SELECT_SYSTEM : m.direction === 'to-system' ? SELECT_DEVICE_PRIVATE : 0);
}

/**
 * Whether migrate_vma_collect_pmd() would pick this page under the migration's flags (selectFlags): present RAM
 * pages only under SELECT_SYSTEM, device-private entries only under SELECT_DEVICE_PRIVATE. A page whose state the
 * trace does not prove is `undefined`; an anonymous hole (never touched) is always collected (cpages++) in 6.x.
 */
function selectable(flags: number, state: PageState): boolean | undefined {
  if (state === 'unknown') return flags & SELECT_SYSTEM ? true : undefined;
  if (state === 'system' || state === 'unmapped') return (flags & SELECT_SYSTEM) !== 0 || state === 'unmapped';
  if (state === 'device-private') return (flags & SELECT_DEVICE_PRIVATE) !== 0;
  // migration entries, device-exclusive entries: not present, not device-private: collect skips them
  return false;
}

/** Other tasks' migrations of overlapping pages whose windows overlap this one (they own those pages). */
function concurrentPages(d: DetectContext, m: MigrationRecord): Set<number> {
  const out = new Set<number>();
  const mEnd = Facts.windowEnd(m);
  for (const o of d.facts.migrationsOverlapping(m.setupTs, mEnd)) {
    if (o.id === m.id || o.as !== m.as || o.pid === m.pid) continue;
    if (Facts.windowEnd(o) < m.setupTs || !overlaps(o.start, o.end, m.start, m.end)) continue;
    const lo = Math.max(vpnOf(o.start), vpnOf(m.start));
    const hi = Math.min(Math.ceil(o.end / 4096), Math.ceil(m.end / 4096));
    for (let v = lo; v < hi; v++) out.add(v);
  }
  return out;
}

export const pagesNotCollected = defineRule(
  {
    id: 'refcount/pages-not-collected',
    title: 'Migration could not collect selected pages',
    severity: 'warning',
    thresholds: [{ name: 'minPages', default: 1, unit: 'pages', description: 'Report when at least this many selectable pages were dropped.' }],
    help:
      'migrate_vma_setup() selected pages that were present and selectable under its MIGRATE_VMA_SELECT_* flags, but fewer were unmapped and collected (`cpages`/`unmapped` < selectable). ' +
      'Collection drops a page silently when `folio_trylock()` fails or a pinned anonymous page cannot be shared, and migrate_device_unmap() restores it when `migrate_vma_check_page()` sees more references than mappings (`folio_ref_count - extra > folio_mapcount`). ' +
      'Pages that were simply not selectable (already device-private under SELECT_SYSTEM, already in RAM under SELECT_DEVICE_PRIVATE, or owned by a concurrent migration) are not counted.',
  },
  (d) => {
    const minPages = d.threshold('minPages');
    // back-to-back failures on one range (a retry loop) are one finding with a count, not one per attempt
    const bursts = new Map<string, { finding: Finding; lastTs: number; count: number; dropped: number }>();
    let undecided = 0;
    let noCount = 0;
    for (const m of d.facts.migrations) {
      // read once: a record's getters decode the model's columns on every read (146k migrations at 1 GiB)
      const npages = m.npages;
      if (npages <= 0 || m.trigger === 'device-range') continue;
      const collected = m.unmapped ?? m.cpages;
      if (collected === undefined) {
        noCount++;
        continue;
      }
      if (collected >= npages && !d.pages.hadRestoreInSetup(m)) continue;
      const outcome = d.pages.outcome(m);
      const restored = outcome.restoredInSetup;
      if (npages > MAX_WALK_PAGES) continue;
      const raced = concurrentPages(d, m);
      const first = vpnOf(m.start);
      let notSelectable = 0;
      let unknown = 0;
      const candidates: number[] = [];
      const as = m.as;
      const setupTs = m.setupTs;
      const setupId = m.setupId;
      const flags = selectFlags(m);
      for (let v = first; v < first + npages; v++) {
        if (raced.has(v)) {
          notSelectable++;
          continue;
        }
        const sel = selectable(flags, d.pages.stateBefore(as, v, setupTs, setupId));
        if (sel === false) notSelectable++;
        else if (sel === undefined) unknown++;
        else candidates.push(v);
      }
      const expected = npages - notSelectable - unknown;
      // restores are counted only when the kernel's own count is short: a THP split inside collect also
      // remaps its pages with remove_migration_pte (split_huge_page → remap_page) without dropping any
      const shortfall = expected - collected;
      if (shortfall < Math.max(1, minPages)) {
        if (npages - notSelectable - collected > 0 && unknown > 0) undecided++;
        continue;
      }
      // the dropped pages: restored in setup, else selectable pages that did not move (still where they were)
      const dropped = new Set<number>(restored.keys());
      if (outcome.sawPteEvents) for (const v of candidates) if (!outcome.moved.has(v) && !outcome.restoredAtFinalize.has(v)) dropped.add(v);
      const droppedList = pagesOfVpns(dropped);
      const evidence = [m.setupId, ...restored.values()];
      if (m.pagesId !== undefined) evidence.push(m.pagesId);
      if (m.finalizeId !== undefined) evidence.push(m.finalizeId);
      const where = droppedList.length > 0 ? `; dropped: ${droppedList.slice(0, 8).join(', ')}${droppedList.length > 8 ? ', …' : ''}` : '';
      const burstKey = `${String(m.as)}|${m.start}|${m.end}`;
      const burst = bursts.get(burstKey);
      if (burst && m.setupTs - burst.lastTs < 100e6) {
        burst.count++;
        burst.lastTs = Facts.windowEnd(m);
        burst.finding.toTs = burst.lastTs;
        burst.finding.message = burst.finding.message.replace(/( \(again in \d+ later attempt\(s\)\))?$/, ` (again in ${burst.count - 1} later attempt(s))`);
        if (burst.finding.lines.length < 24) {
          burst.finding.eventIds.push(m.setupId);
          burst.finding.lines.push(d.facts.lineOf(m.setupId));
        }
        continue;
      }
      const finding = makeFinding(d.facts, {
          rule: 'refcount/pages-not-collected',
          severity: 'warning',
          title: 'Migration could not collect selected pages',
          message:
            `${taskText(m.comm, m.pid)} at ${timeText(m.setupTs)}: migrate_vma_setup ${m.direction} of ${rangeText(m.start, m.end)} ` +
            `selected ${expected} page(s) but only ${collected} were collected/unmapped (${shortfall} dropped` +
            `${restored.size > 0 ? `, ${restored.size} restored by the refcount check inside setup` : ''})${where}`,
          explanation:
            'The pages were selectable for this migration but the kernel gave them up. migrate_vma_collect_pmd() skips a page whose folio_trylock() fails (another migration or a fault holds the lock) and restores a pinned anonymous page it cannot share (FOLL_PIN/FOLL_LONGTERM, io_uring fixed buffers, RDMA); migrate_device_unmap() then restores every page for which migrate_vma_check_page() finds more references than mappings (vmsplice/pipe buffers, get_user_pages users, a concurrent fault holding the page). ' +
            'Those pages keep their old mapping (a remove_migration_pte inside the setup window is the restore). Check who holds references on the listed pages at that time: capture page_ref tracepoints (CONFIG_DEBUG_PAGE_REF) or stacks on get_user_pages/pin_user_pages for the range, and retry the migration after the holder drops its reference.',
          as: m.as,
          start: m.start,
          end: m.end,
          pages: droppedList.length > 0 ? droppedList : undefined,
          fromTs: m.setupTs,
          toTs: Facts.windowEnd(m),
          eventIds: evidence,
          pid: m.pid,
          comm: m.comm,
        });
      d.findings.push(finding);
      bursts.set(burstKey, { finding, lastTs: Facts.windowEnd(m), count: 1, dropped: shortfall });
    }
    if (noCount > 0)
      d.note(`${noCount} migration(s) have no collected-page count; capture migrate_device_unmap's return or migrate_vma_pages' cpages to compare with npages.`, [PROBES.mdevUnmapRet, PROBES.mvPages]);
    if (undecided > 0)
      d.note(
        `${undecided} migration(s) collected fewer pages than they covered, but the trace does not show whether the missing pages were device-private or in RAM before (so whether they were selectable); capture the remove_migration_pte tracepoint (migrate:remove_migration_pte) and the migration probes from the start of the workload.`,
        [PROBES.mvSetup, PROBES.mdevUnmapRet, PROBES.mvFinalize],
      );
  },
);

export const moveMappingEagain = defineRule(
  {
    id: 'refcount/move-mapping-eagain',
    title: 'Page move refused: reference count changed (-EAGAIN)',
    severity: 'warning',
    thresholds: [],
    help:
      '`folio_migrate_mapping()` (before 5.16 `migrate_page_move_mapping()`, reached through `migrate_folio()`/`migrate_folio_extra()` on 6.1–6.9) returned -EAGAIN: ' +
      '`folio_ref_count()` did not equal the expected count (1 + extra for an anonymous folio, +1 for the fault page). Someone took a reference after migrate_vma_check_page() passed, so __migrate_device_pages() cleared MIGRATE_PFN_MIGRATE and finalize put the page back.',
  },
  (d) => {
    // the returns are scanned by id (no object per return); only -EAGAIN ones are kept as facts, checked anyway
    const facts = d.facts;
    const rets = facts.idsOf('move-mapping-ret');
    let anyEagain = false;
    for (let i = 0; i < rets.length && !anyEagain; i++) anyEagain = facts.retOf(rets[i]) === EAGAIN;
    if (!anyEagain) {
      if (facts.migrations.length > 0 && !facts.moveReturnsSeen && !facts.migrations.some((m) => m.eagain > 0))
        d.note('No return values of folio_migrate_mapping/migrate_folio* were captured, so moves refused with -EAGAIN cannot be seen.', [PROBES.fmmRet, PROBES.mfolioExtraRet]);
      return;
    }
    // one finding per range and burst: nested migrate_folio_extra/folio_migrate_mapping returns are one failure,
    // and the same page refused again by successive retries is one story (reference §7.4 A3: aggregate by address)
    type Group = { ms: MigrationRecord[]; msSeen: Set<number>; ids: number[]; returns: number; pid: number; comm: string; ts: number; lastTs: number; as: string | number; start: number; end: number; tasks: Set<string>; lastPid: number; lastComm: string };
    const groups: Group[] = [];
    // the open group of each migrated range, and of each task for returns outside any captured migration
    const openOfRange = new RangeMap<Group>();
    const openOfTask = new Map<number, Group>();
    const burstNs = 100e6;
    for (let i = 0; i < rets.length; i++) {
      const id = rets[i];
      if (facts.retOf(id) !== EAGAIN) continue;
      const pid = facts.pidOf(id);
      const ts = facts.tsOf(id);
      const m = facts.migrationOfTaskAt(pid, ts);
      // the migration's range read once (its getters decode the model's columns)
      const mAs = m ? m.as : undefined;
      const mStart = m ? m.start : 0;
      const mEnd = m ? m.end : 0;
      let g = mAs !== undefined ? openOfRange.get(mAs, mStart, mEnd) : openOfTask.get(pid);
      const comm = facts.commOf(id);
      if (!g || ts - g.lastTs > burstNs) {
        g = { ms: [], msSeen: new Set(), ids: [], returns: 0, pid, comm, ts, lastTs: ts, as: mAs ?? facts.asOf(id), start: mStart, end: mEnd, tasks: new Set(), lastPid: NaN, lastComm: '' };
        if (mAs !== undefined) openOfRange.set(mAs, mStart, mEnd, g);
        else openOfTask.set(pid, g);
        groups.push(g);
      }
      if (m && !g.msSeen.has(m.id)) {
        g.msSeen.add(m.id);
        g.ms.push(m);
      }
      // the first 16 are the evidence; the others are counted only
      if (g.ids.length < 16) g.ids.push(id);
      g.returns++;
      g.lastTs = ts;
      // the same task as the group's last return names the same text: no string to build and hash again
      if (g.lastPid !== pid || g.lastComm !== comm) {
        g.tasks.add(taskText(comm, pid));
        g.lastPid = pid;
        g.lastComm = comm;
      }
    }
    for (const g of groups) {
      const m = g.ms[0];
      const failures = m ? g.ms.length : g.returns;
      const range = m ? rangeText(m.start, m.end) : 'an unknown range (no migrate_vma_setup probe around it)';
      d.findings.push(
        makeFinding(d.facts, {
          rule: 'refcount/move-mapping-eagain',
          severity: 'warning',
          title: 'Page move refused: reference count changed (-EAGAIN)',
          message:
            `${[...g.tasks].join(', ')} at ${timeText(g.ts)}: folio_migrate_mapping returned -EAGAIN in ${failures} migration attempt(s) of ${range}` +
            `${m ? ` ${m.direction}${m.trigger === 'migrate-to-ram' ? ' from CPU faults (migrate_to_ram)' : ''}` : ''}` +
            `${g.lastTs > g.ts ? ` over ${msText(g.lastTs - g.ts)}` : ''}; the page stayed where it was each time`,
          explanation:
            'The page passed migrate_vma_check_page() during setup, but by the time migrate_vma_pages() moved it, its reference count no longer matched the expected count, so folio_migrate_mapping() refused with -EAGAIN and the migration of that page was abandoned (finalize restores the source). ' +
            'Typical holders are a second CPU fault on the same device-private page (do_swap_page takes a reference before calling migrate_to_ram; fixed in 6.15 by trylocking the page), a GUP user, or a driver that keeps its own reference. ' +
            'If the same address repeats, look for other tasks faulting it at the same time; capture stacks on do_swap_page for the page and page_ref tracepoints to name the holder.',
          as: g.as,
          start: g.start,
          end: g.end,
          pages: m ? undefined : [],
          fromTs: g.ts,
          toTs: g.lastTs,
          eventIds: [...g.ids, ...g.ms.slice(0, 4).map((x) => x.setupId)],
          pid: g.pid,
          comm: g.comm,
        }),
      );
    }
  },
);

export const longMigrationWindow = defineRule(
  {
    id: 'refcount/long-migration-window',
    title: 'Migration window open too long',
    severity: 'warning',
    thresholds: [{ name: 'windowMs', default: 50, unit: 'ms', description: 'Report migrations whose setup → finalize window exceeds this.' }],
    help:
      'Between migrate_vma_setup() and migrate_vma_finalize() the collected pages are locked and their PTEs are migration entries: every CPU access sleeps in migration_entry_wait() and every device fault on them waits. ' +
      'A long window usually means a slow copy (DMA fence wait), lru_add_drain_all() on a busy system, or a driver lock taken between migrate_vma_pages() and finalize.',
  },
  (d) => {
    const limit = d.thresholdNs('windowMs');
    let unfinished = 0;
    // a window without finalize is "still open" only when finalize calls were captured at all and the task
    // did not start another migration (drivers migrate chunk by chunk: setup → pages → finalize, in sequence)
    const finalizeCaptured = d.facts.migrations.some((m) => m.finalizeId !== undefined);
    const lastSetupOfPid = new Map<number, number>();
    for (const m of d.facts.migrations) lastSetupOfPid.set(m.pid, m.setupTs);
    for (const m of d.facts.migrations) {
      const end = m.finalizeTs;
      if (end === undefined) {
        if (m.setupRet !== undefined && m.setupRet < 0) continue;
        if ((m.cpages ?? m.unmapped ?? 1) === 0) continue;
        unfinished++;
        if (!finalizeCaptured || lastSetupOfPid.get(m.pid) !== m.setupTs) continue;
        if (d.model.lastTs - m.setupTs <= limit) continue;
      }
      const to = end ?? d.model.lastTs;
      if (to - m.setupTs <= limit) continue;
      d.findings.push(
        makeFinding(d.facts, {
          rule: 'refcount/long-migration-window',
          severity: 'warning',
          title: 'Migration window open too long',
          message:
            `${taskText(m.comm, m.pid)}: migration ${m.direction} of ${rangeText(m.start, m.end)} ${end === undefined ? 'still open at the end of the trace' : 'held'} ` +
            `${msText(to - m.setupTs)} (setup ${timeText(m.setupTs)}${end !== undefined ? ` → finalize ${timeText(end)}` : ''}; threshold ${msText(limit)})`,
          explanation:
            'While a migration is open its collected pages are locked and mapped by migration entries, so CPU faults on them sleep in migration_entry_wait() and device faults retry. ' +
            'Look at what the migrating task did inside the window: a wait on the copy fence, lru_add_drain_all(), a driver mutex, or being descheduled (capture sched_switch with stacks for that task). Other tasks touching the range in the window are the ones that paid for it.',
          as: m.as,
          start: m.start,
          end: m.end,
          fromTs: m.setupTs,
          toTs: to,
          eventIds: [m.setupId, ...(m.pagesId !== undefined ? [m.pagesId] : []), ...(m.finalizeId !== undefined ? [m.finalizeId] : [])],
          pid: m.pid,
          comm: m.comm,
        }),
      );
    }
    if (unfinished > 0 && !d.facts.migrations.some((m) => m.finalizeId !== undefined))
      d.note('No migrate_vma_finalize calls were captured, so migration windows have no end; add the finalize probe.', [PROBES.mvFinalize]);
  },
);

