/**
 * The invalidation records (one per mmu_notifier range_start, or per driver callback outside any open range) and
 * their driver callbacks as rows (records/rows.ts), and the handle the model lists for each: an
 * InvalidationRecord whose fields are prototype getters reading its row, with setters for what the replay
 * decides later (origin, evidence, the range_end). A handle is its table and its id (40 bytes, one class for
 * every table: records/migrations.ts says why); the object it replaces took ~168 bytes plus its callbacks'
 * objects and boxed timestamps and addresses.
 *
 * A row keeps the ids of its start and end events and reads back what the replay took from them
 * (records/events.ts): the task, command, range, owner and event number of the start event, the timestamps of
 * both.
 *
 * A record's callbacks are a chain of callback rows, newest first (each row names the one before it), so the
 * replay attaches and settles them in place; a callback row holds its event (function name read back from it)
 * and the event of its return. `callbacks` lists them as plain DriverCallback objects, made on each read
 * (records without any, 18% of them at 256 MiB, share one empty list). Detectors read it once per record,
 * never per event, and ask `callbackCount` / `anyOwnCallback` (a walk of the chain, no object) where a count or
 * a yes/no decides: the lists were detection's largest promoted allocation (3.4 MB sampled at 256 MiB).
 */

import type { AddressSpace, DriverCallback, InvalidationOrigin, InvalidationRecord, NotifierEvent } from '../types';
import { groupRows, Rows, type ValueIds } from './rows';
import type { RecordEvents } from './events';
import { plainInvalidation } from './plain';

type Driver = DriverCallback['driver'];
// code by value; the keys in code order name them (a Record: the compiler checks every value has a code)
const EVENT_CODE: Record<NotifierEvent, number> = { UNMAP: 0, CLEAR: 1, PROTECTION_VMA: 2, PROTECTION_PAGE: 3, SOFT_DIRTY: 4, RELEASE: 5, MIGRATE: 6, EXCLUSIVE: 7, UNKNOWN: 8 };
const ORIGIN_CODE: Record<InvalidationOrigin, number> = {
  migrate_vma_setup: 0, migrate_vma_pages: 1, try_to_migrate_one: 2, split_huge_pmd: 3, migrate_to_ram: 4, zap: 5, munmap: 6, mprotect: 7,
  fork: 8, madvise: 9, make_device_exclusive: 10, remove_device_exclusive_entry: 11, wp_page_copy: 12, exit: 13, unknown: 14,
};
const DRIVER_CODE: Record<Driver, number> = { dmirror: 0, nouveau: 1, amdkfd: 2, xe: 3, unknown: 4 };
const EVENTS = Object.keys(EVENT_CODE) as NotifierEvent[];
const ORIGINS = Object.keys(ORIGIN_CODE) as InvalidationOrigin[];
const DRIVERS = Object.keys(DRIVER_CODE) as Driver[];

// Int32 fields: event ids (-1 when none), small ids
const I_START = 0;
const I_END = 1;
const I_MIGRATION = 2;
const I_AS = 3;
const I_EVIDENCE = 4;
const I_LAST_CB = 5;
const I = 6;
// Uint8 fields: blockable is 0 when not captured, 1 false, 2 true
const U_EVENT = 0;
const U_BLOCKABLE = 1;
const U_ORIGIN = 2;
const U = 3;

// callback rows: Int32 eventId, the record's previous callback, the return event that settled it (-1: none yet);
// Uint8 driver, ownEvent (as blockable)
const C_EVENT = 0;
const C_PREV = 1;
const C_RET = 2;
const CI = 3;
const C_DRIVER = 0;
const C_OWN = 1;
const CU = 2;

/**
 * What an invalidation record holds when it opens (its origin comes after: it depends on the record); the rest
 * is read from its start event (startId).
 */
export interface InvalidationOpen {
  as: AddressSpace;
  event: NotifierEvent;
  blockable: boolean | undefined;
  startId: number;
  migrationId: number | undefined;
}

/** Shared lists (read-only by contract, like the model's arrays). */
const NO_CALLBACKS: DriverCallback[] = [];
const NO_EVIDENCE: string[] = [];

const bool = (b: boolean | undefined): number => (b === undefined ? 0 : b ? 2 : 1);
const unbool = (v: number): boolean | undefined => (v === 0 ? undefined : v === 2);

class CallbackRows extends Rows {
  constructor() {
    super(0, CI, CU);
  }
  add(): number {
    return this.addRow();
  }
}

export class InvalidationTable extends Rows {
  /** The handles, by id. */
  readonly list: Invalidation[] = [];
  readonly callbacks = new CallbackRows();
  /** Origin evidence lists by id (the replay shares one array per distinct list: replayContext.ts). */
  private readonly evidence: string[][] = [NO_EVIDENCE];
  private readonly evidenceIds = new Map<string[], number>([[NO_EVIDENCE, 0]]);
  /** The records grouped by migration, made when first asked and again when records were added since. */
  private byMigration?: { start: Int32Array; order: Int32Array };
  private groupedRows = -1;
  private groupedKeys = -1;

  constructor(
    readonly values: ValueIds<AddressSpace>,
    readonly events: RecordEvents,
  ) {
    super(0, I, U);
  }

  open(o: InvalidationOpen): Invalidation {
    const r = this.addRow();
    this.setN(r, I_START, o.startId);
    this.setN(r, I_END, -1);
    this.setN(r, I_MIGRATION, o.migrationId ?? -1);
    this.setN(r, I_AS, this.values.id(o.as));
    this.setN(r, I_EVIDENCE, 0);
    this.setN(r, I_LAST_CB, -1);
    this.setU(r, U_EVENT, EVENT_CODE[o.event]);
    this.setU(r, U_BLOCKABLE, bool(o.blockable));
    this.setU(r, U_ORIGIN, ORIGIN_CODE.unknown);
    const h = new Invalidation(this, r);
    this.list.push(h);
    return h;
  }

  /** The driver callback of event `eventId` joins record `rec` (its return comes later, if captured: settleCallback). */
  addCallback(rec: number, driver: Driver, eventId: number, ownEvent: boolean | undefined): void {
    const cb = this.callbacks;
    const c = cb.add();
    cb.setN(c, C_EVENT, eventId);
    cb.setN(c, C_PREV, this.n(rec, I_LAST_CB));
    cb.setN(c, C_RET, -1);
    cb.setU(c, C_DRIVER, DRIVER_CODE[driver]);
    cb.setU(c, C_OWN, bool(ownEvent));
    this.setN(rec, I_LAST_CB, c);
  }

  /** The function a callback's event names ('' for none). */
  private funcOf(c: number): string {
    return this.events.funcOf(this.callbacks.n(c, C_EVENT)) ?? '';
  }

  /**
   * The return event `retId` of `func`: the innermost callback of `func` in record `rec` with no return yet gets
   * it, when it printed a value (else the callback stays open, as if not returned).
   */
  settleCallback(rec: number, func: string | undefined, retId: number): void {
    const cb = this.callbacks;
    for (let c = this.n(rec, I_LAST_CB); c >= 0; c = cb.n(c, C_PREV)) {
      if (cb.n(c, C_RET) < 0 && this.funcOf(c) === func) {
        const ret = this.events.retOf(retId);
        if (ret !== undefined && ret === ret) cb.setN(c, C_RET, retId);
        return;
      }
    }
  }

  /** How many callbacks record `rec` has (a walk of its chain, no object). */
  callbackCountOf(rec: number): number {
    const cb = this.callbacks;
    let n = 0;
    for (let c = this.n(rec, I_LAST_CB); c >= 0; c = cb.n(c, C_PREV)) n++;
    return n;
  }

  /** Whether a callback of record `rec` received its own event (ownEvent true). */
  anyOwnCallbackOf(rec: number): boolean {
    const cb = this.callbacks;
    for (let c = this.n(rec, I_LAST_CB); c >= 0; c = cb.n(c, C_PREV)) if (cb.u(c, C_OWN) === 2) return true;
    return false;
  }

  callbacksOf(rec: number): DriverCallback[] {
    const cb = this.callbacks;
    let n = 0;
    for (let c = this.n(rec, I_LAST_CB); c >= 0; c = cb.n(c, C_PREV)) n++;
    if (n === 0) return NO_CALLBACKS;
    const out = new Array<DriverCallback>(n);
    for (let c = this.n(rec, I_LAST_CB); c >= 0; c = cb.n(c, C_PREV)) {
      out[--n] = {
        driver: DRIVERS[cb.u(c, C_DRIVER)],
        func: this.funcOf(c),
        eventId: cb.n(c, C_EVENT),
        ret: cb.n(c, C_RET) < 0 ? undefined : this.events.retOf(cb.n(c, C_RET)),
        ownEvent: unbool(cb.u(c, C_OWN)),
      };
    }
    return out;
  }

  evidenceOf(rec: number): string[] {
    return this.evidence[this.n(rec, I_EVIDENCE)];
  }

  setEvidence(rec: number, e: string[]): void {
    let k = this.evidenceIds.get(e);
    if (k === undefined) {
      k = this.evidence.length;
      this.evidence.push(e);
      this.evidenceIds.set(e, k);
    }
    this.setN(rec, I_EVIDENCE, k);
  }

  /** Ids of the records of migration `id` (of `migrations` so far), ascending. */
  ofMigration(id: number, migrations: number): Int32Array {
    if (!this.byMigration || this.groupedRows !== this.count || this.groupedKeys !== migrations) {
      this.byMigration = groupRows(this.count, migrations, (r) => this.n(r, I_MIGRATION));
      this.groupedRows = this.count;
      this.groupedKeys = migrations;
    }
    const { start, order } = this.byMigration;
    return id >= 0 && id < migrations ? order.subarray(start[id], start[id + 1]) : order.subarray(0, 0);
  }
}

const idOrNone = (v: number): number | undefined => (v < 0 ? undefined : v);

/** One invalidation record: its table and its id; every other field is read from (or written to) its row or its events. */
export class Invalidation implements InvalidationRecord {
  constructor(
    private readonly t: InvalidationTable,
    readonly id: number,
  ) {}

  get as(): AddressSpace {
    return this.t.values.values[this.t.n(this.id, I_AS)];
  }
  get pid(): number {
    return this.t.events.pid.get(this.t.n(this.id, I_START));
  }
  get comm(): string {
    const e = this.t.events;
    return e.strings.get(e.comm.get(this.t.n(this.id, I_START))) ?? '';
  }
  /** A record opens only on an event that printed a range. */
  get start(): number {
    return this.t.events.a.get(this.t.n(this.id, I_START));
  }
  get end(): number {
    return this.t.events.b.get(this.t.n(this.id, I_START));
  }
  get event(): NotifierEvent {
    return EVENTS[this.t.u(this.id, U_EVENT)];
  }
  /** The number printed for an event the probe could not name, else the named event's index (read on output only). */
  get eventNum(): number | undefined {
    const e = this.t.events;
    const id = this.t.n(this.id, I_START);
    const n = e.notifier.get(id);
    return e.extra(id)?.eventNum ?? (n >= 0 ? n : undefined);
  }
  get owner(): string | undefined {
    const e = this.t.events;
    return e.strings.get(e.owner.get(this.t.n(this.id, I_START)));
  }
  get blockable(): boolean | undefined {
    return unbool(this.t.u(this.id, U_BLOCKABLE));
  }
  get origin(): InvalidationOrigin {
    return ORIGINS[this.t.u(this.id, U_ORIGIN)];
  }
  set origin(o: InvalidationOrigin) {
    this.t.setU(this.id, U_ORIGIN, ORIGIN_CODE[o]);
  }
  /** The shared list itself (no copy). */
  get originEvidence(): string[] {
    return this.t.evidenceOf(this.id);
  }
  set originEvidence(e: string[]) {
    this.t.setEvidence(this.id, e);
  }
  get startId(): number {
    return this.t.n(this.id, I_START);
  }
  get startTs(): number {
    return this.t.events.ts.get(this.t.n(this.id, I_START));
  }
  get endId(): number | undefined {
    return idOrNone(this.t.n(this.id, I_END));
  }
  set endId(v: number | undefined) {
    this.t.setN(this.id, I_END, v ?? -1);
  }
  get endTs(): number | undefined {
    const id = this.t.n(this.id, I_END);
    return id < 0 ? undefined : this.t.events.ts.get(id);
  }
  /** Made on each read, as plain objects. */
  get callbacks(): DriverCallback[] {
    return this.t.callbacksOf(this.id);
  }
  /** callbacks.length without the list. */
  get callbackCount(): number {
    return this.t.callbackCountOf(this.id);
  }
  /** callbacks.some((c) => c.ownEvent === true) without the list. */
  get anyOwnCallback(): boolean {
    return this.t.anyOwnCallbackOf(this.id);
  }
  get migrationId(): number | undefined {
    return idOrNone(this.t.n(this.id, I_MIGRATION));
  }

  toJSON(): InvalidationRecord {
    return plainInvalidation(this);
  }
}
