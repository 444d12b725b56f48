/**
 * The replay of mmu_notifier invalidations per task: range_start opens an invalidation record with its
 * origin (replayContext.ts), the driver callbacks inside it attach to it (a callback with no open range of
 * its own, a driver log line, is a record by itself), range_end closes it. An UNMAP (munmap, exit) and a
 * CLEAR from madvise/zap unmap the pages of the range. The return of __mmu_notifier_invalidate_range_start,
 * when probed, names its caller: a better origin than the enclosing span.
 */

import type { ReplayRun } from './replayRun';
import type { OpenMigration } from './replayContext';
import { originOf, refine, sharedEvidence } from './replayContext';
import type { Invalidation } from './records/invalidations';
import { S_UNMAPPED } from './kinds';
import { classifyOrigin } from '../decode/origin';
import { baseFunction, functionInfo } from '../decode/functions';
import { lowerBoundBy } from '../sorted';

/** invalidate-start, or a driver callback (`driver` true): a callback inside the open range joins it. */
export function onInvalidation(r: ReplayRun, m: OpenMigration | undefined, driver: boolean): void {
  const { store, t, id, as } = r;
  // store.rangeOf(id) without its array (~0.4 M invalidations and callbacks at 1 GiB)
  const start = store.a.get(id);
  const end = store.b.endAt(id, start);
  if (Number.isNaN(start) || Number.isNaN(end)) return;
  const ev = store.notifierOf(id) ?? 'UNKNOWN';
  const owner = store.str(store.owner, id);
  const blk = store.blockable.get(id);
  if (driver) {
    const top = t.invStack[t.invStack.length - 1];
    if (top && top.start <= start && end <= top.end && top.endId === undefined) {
      const own = (ev === 'MIGRATE' || ev === 'EXCLUSIVE') && owner !== undefined && owner !== '0x0' && r.driverOwners.has(owner);
      r.invalidationTable.addCallback(top.id, functionInfo(store.funcOf(id))?.driver ?? 'unknown', id, own);
      return;
    }
  }
  // the record's migrationId also lists it among the migration's invalidationIds (records/migrations.ts); its
  // task, command, range, owner, event number and timestamp are read back from this event (records/invalidations.ts)
  const rec = r.invalidationTable.open({ as, event: ev, blockable: blk < 0 ? undefined : blk === 1, startId: id, migrationId: m?.rec.id });
  const o = refine(originOf(store, r.chainOrigins, id, t, rec), rec, t);
  rec.origin = o.origin;
  rec.originEvidence = sharedEvidence(o.evidence);
  if (driver) r.invalidationTable.addCallback(rec.id, functionInfo(store.funcOf(id))?.driver ?? 'unknown', id, undefined);
  else t.invStack.push(rec);
  if (ev === 'UNMAP' || (ev === 'CLEAR' && (rec.origin === 'madvise' || rec.origin === 'zap'))) r.setRange(as, start, end, S_UNMAPPED, id);
}

/** A driver callback's return: the innermost open callback of that function in the task's range gets it. */
export function onDriverReturn(r: ReplayRun): void {
  const top = r.t.invStack[r.t.invStack.length - 1];
  if (top) r.invalidationTable.settleCallback(top.id, r.store.funcOf(r.id), r.id);
}

/** range_end closes the task's open range with the same bounds (else the innermost one). */
export function onInvalidationEnd(r: ReplayRun): void {
  const { t } = r;
  const start = r.store.a.get(r.id);
  const end = r.store.b.endAt(r.id, start);
  let k = t.invStack.length - 1;
  if (!Number.isNaN(start) && !Number.isNaN(end)) while (k >= 0 && (t.invStack[k].start !== start || t.invStack[k].end !== end)) k--;
  if (k < 0) k = t.invStack.length - 1;
  if (k < 0) return;
  const rec = t.invStack[k];
  rec.endId = r.id;
  t.invStack.splice(k, 1);
}

/** The return of __mmu_notifier_invalidate_range_start names its caller: the origin of the record it started. */
export function onGeneric(r: ReplayRun): void {
  const { store, spans, id } = r;
  // the function first (by its interned id: no string compare): most generic events with extras are
  // something else, and extra() builds an object
  if (r.rangeStartFunc === 0 || store.func.get(id) !== r.rangeStartFunc) return;
  const caller = store.extra(id)?.caller;
  if (!caller) return;
  const s = store.span.get(id);
  const entry = s >= 0 ? spans.entryId.get(s) : -1;
  const rec = recordStartedBy(r, entry);
  if (!rec || rec.originEvidence[0] === 'stack') return;
  const c = s >= 0 ? r.chainOrigins.of(s, baseFunction(caller)) : classifyOrigin([baseFunction(caller)]);
  const o = c ? refine({ origin: c.origin, evidence: c.evidence }, rec, r.t) : undefined;
  if (!o) return;
  rec.origin = o.origin;
  rec.originEvidence = sharedEvidence(['caller', ...o.evidence]);
}

/** How many of the newest records are looked at before a binary search: a start's return follows it closely. */
const RECENT = 16;

/** The invalidation record whose start event is `id` (records are in start order). */
function recordStartedBy(r: ReplayRun, id: number): Invalidation | undefined {
  const list = r.invalidations;
  for (let k = list.length - 1; k >= 0 && k >= list.length - RECENT; k--) {
    const at = list[k].startId;
    if (at === id) return list[k];
    if (at < id) return undefined;
  }
  const i = lowerBoundBy(list.length, (k) => list[k].startId, id);
  return i < list.length && list[i].startId === id ? list[i] : undefined;
}
