/**
 * Unfiltered own invalidations (reference §4.1, §4.6, §7.4 B4; thread 002): MMU_NOTIFY_MIGRATE and
 * MMU_NOTIFY_EXCLUSIVE carry the initiating driver's owner precisely so that driver can skip invalidating the
 * mapping it is about to update itself. A driver that receives its own event and still tears down its device
 * mapping pays twice (and, for EXCLUSIVE, can livelock its own retry loop).
 */

import type { DomainEvent, InvalidationRecord } from '../model/types';
import { defineRule } from './context';
import { anyOwnCallback } from './callbacks';
import { PROBES } from './probes';
import { makeFinding, rangeText, taskText, timeText } from './util';
import { lowerBoundBy } from '../sorted';

/** Functions that do the real device-side invalidation work after a driver callback decided not to filter. */
const WORK_FUNCS = /^(nouveau_svmm_invalidate|nouveau_pfns_clear|svm_range_evict|svm_range_unmap_from_gpus|amdgpu_vm_update_range|xe_svm_range_notifier_event_begin|xe_vm_range_tilemask_tlb_inval|xe_gt_tlb_invalidation_range|drm_gpusvm_notifier_invalidate|dmirror_do_update)\b/;

/** Work events of the invalidating task inside its callback window; `evs` holds only work events, by time. */
function workEvents(evs: readonly DomainEvent[], r: InvalidationRecord): DomainEvent[] {
  const until = r.endTs ?? r.startTs + 1_000_000;
  const lo = lowerBoundBy(evs.length, (i) => evs[i].ts, r.startTs);
  const out: DomainEvent[] = [];
  for (let i = lo; i < evs.length && evs[i].ts <= until; i++) if (evs[i].pid === r.pid) out.push(evs[i]);
  return out;
}

export const unfilteredOwn = defineRule(
  {
    id: 'invalidation/unfiltered-own',
    title: 'Driver did invalidation work for its own MIGRATE/EXCLUSIVE',
    severity: 'warning',
    thresholds: [],
    help:
      'MMU_NOTIFY_MIGRATE (owner = migrate_vma.pgmap_owner) and MMU_NOTIFY_EXCLUSIVE (owner = the caller of make_device_exclusive) exist so the initiating driver can ignore the notification: nouveau skips its own MIGRATE in the mirror notifier and its own EXCLUSIVE in the interval notifier. ' +
      'A driver that does not (xe does not owner-filter MIGRATE) invalidates the mapping it is migrating, and for EXCLUSIVE bumps its own interval sequence, which makes make_device_exclusive retry forever.',
  },
  (d) => {
    const owners = d.owners();
    // the device work events, listed at the first candidate (none when there is no candidate)
    let pool: DomainEvent[] | undefined;
    let anyWorkProbe = false;
    let undecided = 0;
    const invs = d.facts.invalidations;
    for (let i = 0; i < invs.length; i++) {
      const r = invs[i];
      if (r.event !== 'MIGRATE' && r.event !== 'EXCLUSIVE') continue;
      // the owner first, then the callbacks asked without a list: the model lists them (an object each) on every
      // read, and most candidates (tens of thousands of MIGRATEs on a long capture) make no finding
      const ownOwner = r.owner !== undefined && owners.has(r.owner);
      if (!ownOwner && !anyOwnCallback(r)) continue;
      const callbacks = r.callbacks;
      if (!pool) {
        pool = [...d.facts.of('function'), ...d.facts.of('driver-invalidate')]
          .filter((e) => WORK_FUNCS.test(e.func ?? e.name))
          .sort((a, b) => a.ts - b.ts || a.id - b.id);
        anyWorkProbe = pool.length > 0;
      }
      let xeOwn = false;
      let otherThanDmirror = false;
      for (const c of callbacks) {
        if (c.ownEvent !== true && !ownOwner) continue;
        if (c.driver === 'xe') xeOwn = true;
        if (c.driver !== 'dmirror') otherThanDmirror = true;
      }
      const work = anyWorkProbe ? workEvents(pool, r) : undefined;
      if ((work === undefined || work.length === 0) && !xeOwn) {
        // test_hmm's dmirror_interval_invalidate returns early on its own MIGRATE before any work: known filtered
        if (otherThanDmirror && !anyWorkProbe) undecided++;
        continue;
      }
      const own = callbacks.filter((c) => c.ownEvent === true || ownOwner);
      const xe = own.filter((c) => c.driver === 'xe');
      d.findings.push(
        makeFinding(d.facts, {
          rule: 'invalidation/unfiltered-own',
          severity: 'warning',
          title: 'Driver did invalidation work for its own MIGRATE/EXCLUSIVE',
          message:
            `${taskText(r.comm, r.pid)} at ${timeText(r.startTs)}: ${r.event} ${rangeText(r.start, r.end)} owner ${r.owner ?? 'unknown'} (the driver's own) ` +
            `reached ${[...new Set([...own, ...xe].map((c) => c.func))].join(', ') || 'the driver'} and ${work !== undefined && work.length > 0 ? `it invalidated anyway (${[...new Set(work.map((w) => w.func ?? w.name))].join(', ')})` : 'xe does not filter its own MIGRATE'}`,
          explanation:
            'The notification carried the driver\'s own owner, so the driver started this migration or exclusive conversion itself and will update its device page tables as part of it. Invalidating here is redundant work (nouveau instead invalidates explicitly under its mutex in migrate_to_ram), and for EXCLUSIVE it bumps the driver\'s own interval sequence, so mmu_interval_read_retry() fails and the atomic fault loops. ' +
            'Compare range->event and range->owner with the driver\'s pgmap owner at the top of the invalidate callback and return early, as nouveau_svmm_invalidate_range_start and nouveau_svm_range_invalidate do.',
          as: r.as,
          start: r.start,
          end: r.end,
          fromTs: r.startTs,
          toTs: r.endTs ?? r.startTs,
          eventIds: [r.startId, ...own.map((c) => c.eventId), ...(work ?? []).map((w) => w.id)],
          pid: r.pid,
          comm: r.comm,
        }),
      );
    }
    if (undecided > 0)
      d.note(
        `${undecided} own MIGRATE/EXCLUSIVE notification(s) reached a driver callback, but no probe shows whether the driver then invalidated its device mapping (its callback's return is not proof: nouveau logs "invalidate" before the owner filter).`,
        [PROBES.nouveauGpuInval, PROBES.nouveauMn, PROBES.nouveauMni],
      );
  },
);
