/**
 * The replay of mmu_notifier invalidations per task: range_start opens an invalidation record with its
 * origin (replayContext.ts), the driver callbacks inside it attach to it (a callback with no open range of
 * its own, a driver log line, is a record by itself), range_end closes it. An UNMAP (munmap, exit) and a
 * CLEAR from madvise/zap unmap the pages of the range. The return of __mmu_notifier_invalidate_range_start,
 * when probed, names its caller: a better origin than the enclosing span.
 */

import type { DriverCallback, InvalidationRecord } from './types';
import type { ReplayRun } from './replayRun';
import type { OpenMigration } from './replayContext';
import { NO_EVIDENCE, originOf, refine, sharedEvidence } from './replayContext';
import { S_UNMAPPED } from './kinds';
import { classifyOrigin } from '../decode/origin';
import { baseFunction, functionInfo } from '../decode/functions';
import { lowerBoundBy } from '../sorted';

/**
 * Shared list of the records no driver callback joined (read-only by contract, like NO_EVIDENCE). Records
 * are made with every field, end and callback return included, so none is added later: a field added after
 * construction costs a separate property array (1.97 MB for 51.7k records at 256 MiB; 1.6 MB for 42.5k
 * callbacks).
 */
const NO_CALLBACKS: DriverCallback[] = [];

function addCallback(rec: InvalidationRecord, cb: DriverCallback): void {
  if (rec.callbacks === NO_CALLBACKS) rec.callbacks = [cb];
  else rec.callbacks.push(cb);
}

/** After the replay: lists of several callbacks lose the spare room of a growing array. */
export function trimCallbacks(list: readonly InvalidationRecord[]): void {
  for (const rec of list) if (rec.callbacks.length > 1) rec.callbacks = rec.callbacks.slice();
}

/** invalidate-start, or a driver callback (`driver` true): a callback inside the open range joins it. */
export function onInvalidation(r: ReplayRun, m: OpenMigration | undefined, driver: boolean): void {
  const { store, t, id, as } = r;
  const range = store.rangeOf(id);
  if (!range) return;
  const ev = store.notifierOf(id) ?? 'UNKNOWN';
  const owner = store.str(store.owner, id);
  const blk = store.blockable.get(id);
  if (driver) {
    const top = t.invStack[t.invStack.length - 1];
    if (top && top.start <= range[0] && range[1] <= top.end && top.endId === undefined) {
      const own = (ev === 'MIGRATE' || ev === 'EXCLUSIVE') && owner !== undefined && owner !== '0x0' && r.driverOwners.has(owner);
      addCallback(top, { driver: functionInfo(store.funcOf(id))?.driver ?? 'unknown', func: store.funcOf(id) ?? '', eventId: id, ret: undefined, ownEvent: own });
      return;
    }
  }
  const rec: InvalidationRecord = {
    id: r.invalidations.length, as, pid: r.pid, comm: store.str(store.comm, id) ?? '', start: range[0], end: range[1], event: ev,
    eventNum: store.extra(id)?.eventNum ?? (store.notifier.get(id) >= 0 ? store.notifier.get(id) : undefined),
    owner, blockable: blk < 0 ? undefined : blk === 1, origin: 'unknown', originEvidence: NO_EVIDENCE, startId: id, startTs: r.ts,
    callbacks: NO_CALLBACKS, migrationId: m?.rec.id, endId: undefined, endTs: undefined,
  };
  const o = refine(originOf(store, r.spans, id, t, rec), rec, t);
  rec.origin = o.origin;
  rec.originEvidence = sharedEvidence(o.evidence);
  if (driver) addCallback(rec, { driver: functionInfo(store.funcOf(id))?.driver ?? 'unknown', func: store.funcOf(id) ?? '', eventId: id, ret: undefined, ownEvent: undefined });
  else t.invStack.push(rec);
  r.invalidations.push(rec);
  if (m) m.rec.invalidationIds.push(rec.id);
  if (ev === 'UNMAP' || (ev === 'CLEAR' && (rec.origin === 'madvise' || rec.origin === 'zap'))) r.setRange(as, range[0], range[1], S_UNMAPPED, id);
}

/** A driver callback's return: the innermost open callback of that function in the task's range gets it. */
export function onDriverReturn(r: ReplayRun): void {
  const top = r.t.invStack[r.t.invStack.length - 1];
  if (!top) return;
  const func = r.store.funcOf(r.id);
  for (let i = top.callbacks.length - 1; i >= 0; i--) {
    const cb = top.callbacks[i];
    if (cb.func === func && cb.ret === undefined) {
      cb.ret = r.store.retOf(r.id);
      return;
    }
  }
}

/** range_end closes the task's open range with the same bounds (else the innermost one). */
export function onInvalidationEnd(r: ReplayRun): void {
  const { t } = r;
  const range = r.store.rangeOf(r.id);
  let k = t.invStack.length - 1;
  if (range) while (k >= 0 && (t.invStack[k].start !== range[0] || t.invStack[k].end !== range[1])) k--;
  if (k < 0) k = t.invStack.length - 1;
  if (k < 0) return;
  const rec = t.invStack[k];
  rec.endId = r.id;
  rec.endTs = r.ts;
  t.invStack.splice(k, 1);
}

/** The return of __mmu_notifier_invalidate_range_start names its caller: the origin of the record it started. */
export function onGeneric(r: ReplayRun): void {
  const { store, spans, id } = r;
  // the function first: most generic events with extras are something else, and extra() builds an object
  if (store.funcOf(id) !== '__mmu_notifier_invalidate_range_start') return;
  const caller = store.extra(id)?.caller;
  if (!caller) return;
  const s = store.span.get(id);
  const entry = s >= 0 ? spans.entryId.get(s) : -1;
  const rec = recordStartedBy(r, entry);
  if (!rec || rec.originEvidence[0] === 'stack') return;
  const chain = [baseFunction(caller), ...(s >= 0 ? spans.chain(store, s) : [])];
  const c = classifyOrigin(chain);
  const o = c ? refine({ origin: c.origin, evidence: c.evidence }, rec, r.t) : undefined;
  if (!o) return;
  rec.origin = o.origin;
  rec.originEvidence = sharedEvidence(['caller', ...o.evidence]);
}

/** The invalidation record whose start event is `id` (records are in start order). */
function recordStartedBy(r: ReplayRun, id: number): InvalidationRecord | undefined {
  const list = r.invalidations;
  const i = lowerBoundBy(list.length, (k) => list[k].startId, id);
  return i < list.length && list[i].startId === id ? list[i] : undefined;
}
