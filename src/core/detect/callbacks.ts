/**
 * Questions about an invalidation record's driver callbacks that a count or a yes/no answers. The model's
 * records list their callbacks as new objects on every read of `callbacks` (model/records/invalidations.ts) and
 * count them without a list (`callbackCount`, `anyOwnCallback`); records of other models (plain objects, test
 * fakes) answer from their list.
 */

import type { InvalidationRecord } from '../model/types';

/** How many driver callbacks ran for the record. */
export function callbackCount(r: InvalidationRecord): number {
  return r.callbackCount ?? r.callbacks.length;
}

/** Whether a driver callback received its own MIGRATE/EXCLUSIVE (its owner is the driver's pgmap owner). */
export function anyOwnCallback(r: InvalidationRecord): boolean {
  return r.anyOwnCallback ?? r.callbacks.some((c) => c.ownEvent === true);
}
