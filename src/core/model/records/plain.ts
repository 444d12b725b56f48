/**
 * Records as plain objects: the same keys in the same order as the object literals the replay used to make
 * (undefined fields included as keys, so JSON.stringify omits exactly what it omitted before). The model's
 * records are handles reading rows (records/migrations.ts, invalidations.ts) whose fields are prototype getters:
 * a spread, Object.keys or a structured clone (worker postMessage) sees only the handle's own fields, so every
 * record that leaves the model (a worker's answer, JSON) goes through these first. They read any
 * MigrationRecord/InvalidationRecord by name, handle or not.
 */

import type { DriverCallback, InvalidationRecord, MigrationRecord } from '../types';

export function plainMigration(r: MigrationRecord): MigrationRecord {
  return {
    id: r.id,
    as: r.as,
    pid: r.pid,
    comm: r.comm,
    start: r.start,
    end: r.end,
    npages: r.npages,
    flags: r.flags,
    direction: r.direction,
    pgmapOwner: r.pgmapOwner,
    faultPage: r.faultPage,
    trigger: r.trigger,
    setupId: r.setupId,
    setupTs: r.setupTs,
    setupRetTs: r.setupRetTs,
    setupRet: r.setupRet,
    unmapped: r.unmapped,
    cpages: r.cpages,
    moved: r.moved,
    eagain: r.eagain,
    restoredInSetup: r.restoredInSetup,
    pagesId: r.pagesId,
    finalizeId: r.finalizeId,
    finalizeTs: r.finalizeTs,
    invalidationIds: r.invalidationIds.slice(),
    closeId: r.closeId,
  };
}

export function plainCallback(c: DriverCallback): DriverCallback {
  return { driver: c.driver, func: c.func, eventId: c.eventId, ret: c.ret, ownEvent: c.ownEvent };
}

export function plainInvalidation(r: InvalidationRecord): InvalidationRecord {
  return {
    id: r.id,
    as: r.as,
    pid: r.pid,
    comm: r.comm,
    start: r.start,
    end: r.end,
    event: r.event,
    eventNum: r.eventNum,
    owner: r.owner,
    blockable: r.blockable,
    origin: r.origin,
    originEvidence: r.originEvidence.slice(),
    startId: r.startId,
    startTs: r.startTs,
    callbacks: r.callbacks.map(plainCallback),
    migrationId: r.migrationId,
    endId: r.endId,
    endTs: r.endTs,
  };
}
