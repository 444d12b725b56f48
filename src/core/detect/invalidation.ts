/**
 * Spurious or redundant invalidations (reference §4.7, §7.4 B1–B3): `__split_huge_pmd` CLEARs that change no
 * translation, CLEARs a task's own migration sends to its own mirror, MIGRATE invalidations of migrations that
 * collected nothing.
 */

import type { DomainEvent, InvalidationRecord, MigrationRecord } from '../model/types';
import { defineRule, type DetectContext } from './context';
import { callbackCount } from './callbacks';
import { Facts } from './facts';
import { MN_START_BOTH } from './probes';
import { RangeMap } from './rangeMap';
import { HPAGE_PMD_SIZE, makeFinding, msText, ownerIsNull, rangeText, taskText, timeText } from './util';

/** How long before a CLEAR a `__split_huge_pmd` entry may be and still be its issuer (same task). */
const SPLIT_LOOKBACK_NS = 2_000_000;

/** The `__split_huge_pmd`/`split_huge_pmd_address` entry that issued this CLEAR, if captured. */
export function splitCall(d: DetectContext, r: InvalidationRecord): DomainEvent | undefined {
  const calls = d.facts.inWindow('thp-split', r.startTs - SPLIT_LOOKBACK_NS, r.startTs);
  for (let i = calls.length - 1; i >= 0; i--) {
    const c = calls[i];
    if (c.pid !== r.pid || c.id > r.startId) continue;
    const a = c.addr ?? c.start;
    if (a === undefined || (a >= r.start && a < r.end)) return c;
  }
  return undefined;
}

/** A CLEAR issued by the THP split path: the model's origin, else a split entry right before a 2 MiB CLEAR. */
export function isSplitClear(d: DetectContext, r: InvalidationRecord): DomainEvent | true | undefined {
  if (r.event !== 'CLEAR') return undefined;
  const call = splitCall(d, r);
  const pmdRange = r.end - r.start === HPAGE_PMD_SIZE && r.start % HPAGE_PMD_SIZE === 0;
  if (call && pmdRange) return call;
  if (r.origin === 'split_huge_pmd' || r.originEvidence.some((f) => /split_huge_pmd/.test(f))) return call ?? true;
  return undefined;
}

/** Whether driver callbacks were captured anywhere in the trace (so "no callback" means "no mirror"). */
function driverCallbacksCaptured(d: DetectContext): boolean {
  return d.facts.callbacksCaptured;
}

/**
 * Spurious invalidations cost something only when a mirror handled them. With driver callbacks in the trace and
 * none for this one, nobody paid: information. Without callback probes we cannot tell, so it stays a warning.
 */
export function costSeverity(d: DetectContext, r: InvalidationRecord): 'warning' | 'info' {
  if (callbackCount(r) > 0) return 'warning';
  return driverCallbacksCaptured(d) ? 'info' : 'warning';
}

function callbackText(r: InvalidationRecord): string {
  if (callbackCount(r) === 0) return 'no driver callback ran';
  return `handled by ${[...new Set(r.callbacks.map((c) => c.func))].join(', ')}`;
}

/** Migration window of the same task that contains this invalidation (the model's link, else by time). */
export function enclosingMigration(d: DetectContext, r: InvalidationRecord): MigrationRecord | undefined {
  if (r.migrationId !== undefined) return d.facts.migrationOfId(r.migrationId);
  const m = d.facts.migrationOfTaskAt(r.pid, r.startTs);
  return m && m.as === r.as ? m : undefined;
}

export const splitClear = defineRule(
  {
    id: 'invalidation/split-clear',
    title: 'THP split sent a 2 MiB CLEAR without changing any translation',
    severity: 'warning',
    thresholds: [],
    help:
      '`__split_huge_pmd()` initialises a MMU_NOTIFY_CLEAR range for the whole 2 MiB PMD (owner NULL) and calls invalidate_range_start before it takes the PMD lock and re-checks the PMD. ' +
      'Splitting a huge PMD into a PTE table (freeze=0, e.g. GUP with FOLL_SPLIT_PMD in make_device_exclusive, vma_adjust_trans_huge on mprotect/munmap boundaries) maps the same pages with the same permissions, and when the PMD is not huge at all `split_huge_pmd_address()` sends the CLEAR anyway. ' +
      'Drivers cannot filter a CLEAR, so every overlapping mirror tears down 2 MiB and every interval notifier bumps its sequence, forcing hmm_range_fault/make_device_exclusive retries.',
  },
  (d) => {
    let splitWithoutStart = 0;
    for (const r of d.facts.invalidations) {
      const split = isSplitClear(d, r);
      if (!split) continue;
      const call = split === true ? undefined : split;
      if (enclosingMigration(d, r)) continue;
      // freeze=1 replaces the PMD by migration entries: a real change, done for a migration (see self-during-migration);
      // read after the migration check: a split's fields are read back from the trace file
      if (call?.fields.freeze === '1') continue;
      const sev = costSeverity(d, r);
      d.findings.push(
        makeFinding(d.facts, {
          rule: 'invalidation/split-clear',
          severity: sev,
          title: 'THP split sent a 2 MiB CLEAR without changing any translation',
          message:
            `${taskText(r.comm, r.pid)} at ${timeText(r.startTs)}: __split_huge_pmd${call?.addr !== undefined ? ` at ${'0x' + call.addr.toString(16)}` : ''} sent CLEAR ${rangeText(r.start, r.end)} owner NULL; ${callbackText(r)}` +
            `${r.origin !== 'unknown' && r.origin !== 'split_huge_pmd' ? ` (during ${r.origin})` : ''}`,
          explanation:
            'A PMD split keeps every page mapped at the same physical address with the same permissions, or (split_huge_pmd_address on a PMD that is not huge) changes nothing at all, yet __split_huge_pmd() notifies MMU_NOTIFY_CLEAR for the whole 2 MiB before it even checks. ' +
            'A mirror cannot filter CLEAR (owner is NULL), so it drops its device mappings for 512 pages and every interval notifier on the range bumps its sequence, making concurrent hmm_range_fault() or make_device_exclusive() loops retry. ' +
            'Typical callers: GUP with FOLL_SPLIT_PMD from make_device_exclusive, vma_adjust_trans_huge() when mprotect/munmap/mremap cut a VMA at a non-2 MiB boundary. Avoid THP-backed ranges for device atomics, align VMA boundaries to 2 MiB, or capture stacks on the notifier hook to name the caller.',
          as: r.as,
          start: r.start,
          end: r.end,
          fromTs: r.startTs,
          toTs: r.endTs ?? r.startTs,
          eventIds: [r.startId, ...(call ? [call.id] : []), ...r.callbacks.map((c) => c.eventId), ...(r.endId !== undefined ? [r.endId] : [])],
          pid: r.pid,
          comm: r.comm,
        }),
      );
    }
    if (d.facts.has('thp-split') && d.facts.invalidations.length === 0) splitWithoutStart++;
    if (splitWithoutStart > 0)
      d.note('THP splits were captured but no invalidations; add the notifier hook (pick the layout of your kernel) to see the CLEARs they send.', MN_START_BOTH);
  },
);

export const selfDuringMigration = defineRule(
  {
    id: 'invalidation/self-during-migration',
    title: 'CLEAR sent to the mirror by its own migration',
    severity: 'info',
    thresholds: [],
    help:
      'Inside migrate_vma_setup(), migrate_device_unmap() → try_to_migrate() → try_to_migrate_one() and the THP split in migrate_vma_collect_pmd() issue MMU_NOTIFY_CLEAR with owner NULL. ' +
      'The driver that is migrating receives them for its own pages and cannot filter them (range->owner cannot mean "we are the invalidator"). This is expected upstream behaviour; it is reported with its cost.',
  },
  (d) => {
    const byMigration = new Map<number, { m: MigrationRecord; clears: InvalidationRecord[] }>();
    for (const r of d.facts.invalidations) {
      if (r.event !== 'CLEAR' || (r.owner !== undefined && !ownerIsNull(r.owner))) continue;
      const m = enclosingMigration(d, r);
      if (!m) continue;
      let g = byMigration.get(m.id);
      if (!g) byMigration.set(m.id, (g = { m, clears: [] }));
      g.clears.push(r);
    }
    for (const { m, clears } of byMigration.values()) {
      const splits = clears.filter((r) => isSplitClear(d, r));
      const handled = clears.filter((r) => callbackCount(r) > 0).length;
      const first = clears[0];
      const last = clears[clears.length - 1];
      d.findings.push(
        makeFinding(d.facts, {
          rule: 'invalidation/self-during-migration',
          severity: 'info',
          title: 'CLEAR sent to the mirror by its own migration',
          message:
            `${taskText(m.comm, m.pid)}: ${clears.length} CLEAR invalidation(s) owner NULL inside its own migration of ${rangeText(m.start, m.end)} ` +
            `(${timeText(m.setupTs)} → ${timeText(Facts.windowEnd(m))})${splits.length > 0 ? `, ${splits.length} from a THP split of ${rangeText(splits[0].start, splits[0].end)}` : ''}; ${handled} handled by a driver callback`,
          explanation:
            'migrate_vma_setup() sends one MMU_NOTIFY_MIGRATE with the driver\'s owner, which the driver filters; but when it must split a THP (split_huge_page → __split_huge_pmd, freeze) or unmap a page still mapped elsewhere (try_to_migrate_one), the kernel sends MMU_NOTIFY_CLEAR with owner NULL, which nobody can filter. ' +
            'The migrating driver then invalidates its own mirror for pages it is about to move, and a THP split widens that to 2 MiB. Upstream considers this expected (using the owner to mean "ourselves" was rejected); the cost is avoidable by migrating 2 MiB-aligned THP ranges whole, or by not mixing device and THP-backed memory.',
          as: m.as,
          start: m.start,
          end: m.end,
          fromTs: first.startTs,
          toTs: last.endTs ?? last.startTs,
          eventIds: [...clears.slice(0, 16).map((r) => r.startId), m.setupId],
          pid: m.pid,
          comm: m.comm,
        }),
      );
    }
  },
);

/** What the page states say about an empty collection (flags vs. where the pages already were). */
function whyNothing(d: DetectContext, m: MigrationRecord): string | undefined {
  if (m.npages > 4096) return undefined;
  const first = Math.floor(m.start / 4096);
  const counts = new Map<string, number>();
  // the record's values read once: its getters decode the model's columns on every read
  const pages = m.npages;
  const as = m.as;
  const setupTs = m.setupTs;
  const setupId = m.setupId;
  for (let v = first; v < first + pages; v++) {
    const st = d.pages.stateBefore(as, v, setupTs, setupId);
    counts.set(st, (counts.get(st) ?? 0) + 1);
  }
  const flags = m.flags ?? 0;
  if ((flags & 1) !== 0 && (flags & 2) === 0 && counts.get('device-private') === m.npages) return `all ${m.npages} page(s) were already device-private and MIGRATE_VMA_SELECT_SYSTEM does not select them`;
  if ((flags & 2) !== 0 && (flags & 1) === 0 && counts.get('system') === m.npages) return `all ${m.npages} page(s) were already in system RAM and MIGRATE_VMA_SELECT_DEVICE_PRIVATE does not select them`;
  return undefined;
}

export const noOpMigration = defineRule(
  {
    id: 'invalidation/no-op-migration',
    title: 'MIGRATE invalidation for a migration that collected nothing',
    severity: 'info',
    thresholds: [{ name: 'repeats', default: 8, unit: 'count', description: 'Back-to-back no-op migrations of one range that make a MIGRATE storm (warning).' }],
    help:
      'migrate_vma_collect() sends MMU_NOTIFY_MIGRATE for the whole range before it walks the page tables. When nothing in the range is selectable (already device-private under MIGRATE_VMA_SELECT_SYSTEM, already in RAM under SELECT_DEVICE_PRIVATE, locked by another migration), the migration collects 0 pages: every mirror on the range paid for an invalidation and nothing moved.',
  },
  (d) => {
    const storm = d.threshold('repeats');
    type Group = { ms: MigrationRecord[]; invs: InvalidationRecord[] };
    const groups: Group[] = [];
    const open = new RangeMap<Group>();
    for (const m of d.facts.migrations) {
      const collected = m.unmapped ?? m.cpages;
      if (collected === undefined || collected > 0 || m.trigger === 'device-range') {
        if (collected !== undefined && collected > 0) open.delete(m.as, m.start, m.end);
        continue;
      }
      const linked = d.facts.invalidationsOfMigration(m.id);
      const invs = (linked ?? d.facts.invalidationsBetween(m.setupTs - 1, Facts.windowEnd(m) + 1).filter((r) => r.pid === m.pid && r.start === m.start)).filter((r) => r.event === 'MIGRATE');
      if (invs.length === 0 && d.facts.invalidations.length > 0) continue;
      let g = open.get(m.as, m.start, m.end);
      if (!g) {
        g = { ms: [], invs: [] };
        open.set(m.as, m.start, m.end, g);
        groups.push(g);
      }
      g.ms.push(m);
      g.invs.push(...invs);
    }
    for (const g of groups) {
      const m = g.ms[0];
      const last = g.ms[g.ms.length - 1];
      const n = g.ms.length;
      const handled = g.invs.filter((r) => callbackCount(r) > 0).length;
      const why = whyNothing(d, m);
      d.findings.push(
        makeFinding(d.facts, {
          rule: 'invalidation/no-op-migration',
          severity: n >= storm ? 'warning' : 'info',
          title: n >= storm ? 'MIGRATE invalidation storm: migrations collect nothing' : 'MIGRATE invalidation for a migration that collected nothing',
          message:
            `${taskText(m.comm, m.pid)} at ${timeText(m.setupTs)}: ${n > 1 ? `${n} migrations` : 'migration'} ${m.direction} of ${rangeText(m.start, m.end)} collected 0 of ${m.npages} page(s)` +
            `${g.invs.length > 0 ? ` after a full MIGRATE invalidation${g.invs.length > 1 ? ` (${g.invs.length})` : ''} (owner ${g.invs[0].owner ?? 'unknown'}${g.invs[0].owner !== undefined && g.invs[0].owner === m.pgmapOwner ? ', the driver\'s own pgmap owner' : ''}), ${handled} handled by a driver callback` : ''}` +
            `${n > 1 ? ` over ${msText(last.setupTs - m.setupTs)}` : ''}${why ? `; ${why}` : ''}`,
          explanation:
            'The whole range was invalidated with MMU_NOTIFY_MIGRATE before the page walk found nothing to migrate. With flags MIGRATE_VMA_SELECT_SYSTEM the pages were most likely already device-private (a second migrate of the same range), with SELECT_DEVICE_PRIVATE already back in RAM or held by a concurrent migration. ' +
            'Drivers that filter their own MIGRATE (owner == pgmap owner) pay little; others (and interval notifiers) bump their sequence. Track which ranges are already on the device before migrating, and when the same range repeats from migrate_to_ram, look for the fault loop (refcount/fault-livelock).',
          as: m.as,
          start: m.start,
          end: m.end,
          fromTs: m.setupTs,
          toTs: Facts.windowEnd(last),
          eventIds: [...g.invs.slice(0, 8).map((r) => r.startId), m.setupId, ...(m.pagesId !== undefined ? [m.pagesId] : [])],
          pid: m.pid,
          comm: m.comm,
        }),
      );
    }
    if (d.facts.migrations.length > 0 && d.facts.invalidations.length === 0)
      d.note('Migrations were captured without the notifier hook, so their MIGRATE invalidations (and their cost) are invisible.', MN_START_BOTH);
  },
);
