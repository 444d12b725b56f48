/**
 * The invalidation records (one per mmu_notifier range_start, or per driver callback outside any open range) and
 * their driver callbacks as rows (records/rows.ts), and the handle the model lists for each: an
 * InvalidationRecord whose fields are prototype getters reading its row, with setters for what the replay
 * decides later (origin, evidence, the range_end). A handle is its table and its id (40 bytes); the object it
 * replaces took ~168 bytes plus its callbacks' objects and boxed timestamps and addresses.
 *
 * A record's callbacks are a chain of callback rows, newest first (each row names the one before it), so the
 * replay attaches and settles them in place; `callbacks` lists them as plain DriverCallback objects, made on
 * each read (records without any, 18% of them at 256 MiB, share one empty list). Detectors read it once per
 * record, never per event.
 */

import type { AddressSpace, DriverCallback, InvalidationOrigin, InvalidationRecord, NotifierEvent } from '../types';
import { groupRows, optional, Rows, type ValueIds } from './rows';
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

// Float64 fields
const F_START = 0;
const F_END = 1;
const F_START_TS = 2;
const F_END_TS = 3;
const F_EVENT_NUM = 4;
const F = 5;
// Int32 fields
const I_PID = 0;
const I_START = 1;
const I_END = 2;
const I_MIGRATION = 3;
const I_AS = 4;
const I_COMM = 5;
const I_OWNER = 6;
const I_EVIDENCE = 7;
const I_LAST_CB = 8;
const I = 9;
// Uint8 fields: blockable is 0 when not captured, 1 false, 2 true
const U_EVENT = 0;
const U_BLOCKABLE = 1;
const U_ORIGIN = 2;
const U = 3;

// callback rows: Float64 ret; Int32 eventId, func, the record's previous callback; Uint8 driver, ownEvent (as blockable)
const C_RET = 0;
const CF = 1;
const C_EVENT = 0;
const C_FUNC = 1;
const C_PREV = 2;
const CI = 3;
const C_DRIVER = 0;
const C_OWN = 1;
const CU = 2;

/** What an invalidation record holds when it opens (its origin comes after: it depends on the record). */
export interface InvalidationOpen {
  as: AddressSpace;
  pid: number;
  comm: string;
  start: number;
  end: number;
  event: NotifierEvent;
  eventNum: number | undefined;
  owner: string | undefined;
  blockable: boolean | undefined;
  startId: number;
  startTs: number;
  migrationId: number | undefined;
}

/** Shared lists (read-only by contract, like the model's arrays). */
const NO_CALLBACKS: DriverCallback[] = [];
const NO_EVIDENCE: string[] = [];

const bool = (b: boolean | undefined): number => (b === undefined ? 0 : b ? 2 : 1);
const unbool = (v: number): boolean | undefined => (v === 0 ? undefined : v === 2);

class CallbackRows extends Rows {
  constructor() {
    super(CF, CI, CU);
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

  constructor(readonly values: ValueIds<AddressSpace>) {
    super(F, I, U);
  }

  open(o: InvalidationOpen): Invalidation {
    const r = this.addRow();
    this.setF(r, F_START, o.start);
    this.setF(r, F_END, o.end);
    this.setF(r, F_START_TS, o.startTs);
    this.setF(r, F_END_TS, NaN);
    this.setF(r, F_EVENT_NUM, o.eventNum ?? NaN);
    this.setN(r, I_PID, o.pid);
    this.setN(r, I_START, o.startId);
    this.setN(r, I_END, -1);
    this.setN(r, I_MIGRATION, o.migrationId ?? -1);
    this.setN(r, I_AS, this.values.id(o.as));
    this.setN(r, I_COMM, this.values.id(o.comm));
    this.setN(r, I_OWNER, this.values.id(o.owner));
    this.setN(r, I_EVIDENCE, 0);
    this.setN(r, I_LAST_CB, -1);
    this.setU(r, U_EVENT, EVENT_CODE[o.event]);
    this.setU(r, U_BLOCKABLE, bool(o.blockable));
    this.setU(r, U_ORIGIN, ORIGIN_CODE.unknown);
    const h = new Invalidation(this, r);
    this.list.push(h);
    return h;
  }

  /** A driver callback joins record `rec` (its return comes later, if captured: settleCallback). */
  addCallback(rec: number, driver: Driver, func: string, eventId: number, ownEvent: boolean | undefined): void {
    const cb = this.callbacks;
    const c = cb.add();
    cb.setF(c, C_RET, NaN);
    cb.setN(c, C_EVENT, eventId);
    cb.setN(c, C_FUNC, this.values.id(func));
    cb.setN(c, C_PREV, this.n(rec, I_LAST_CB));
    cb.setU(c, C_DRIVER, DRIVER_CODE[driver]);
    cb.setU(c, C_OWN, bool(ownEvent));
    this.setN(rec, I_LAST_CB, c);
  }

  /** The innermost callback of `func` in record `rec` with no return yet gets `ret`. */
  settleCallback(rec: number, func: string | undefined, ret: number | undefined): void {
    const cb = this.callbacks;
    for (let c = this.n(rec, I_LAST_CB); c >= 0; c = cb.n(c, C_PREV)) {
      if (this.values.values[cb.n(c, C_FUNC)] === func && cb.f(c, C_RET) !== cb.f(c, C_RET)) {
        cb.setF(c, C_RET, ret ?? NaN);
        return;
      }
    }
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
        func: this.values.values[cb.n(c, C_FUNC)] as string,
        eventId: cb.n(c, C_EVENT),
        ret: optional(cb.f(c, C_RET)),
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

/** One invalidation record: its table and its id; every other field is read from (or written to) its row. */
export class Invalidation implements InvalidationRecord {
  constructor(
    private readonly t: InvalidationTable,
    readonly id: number,
  ) {}

  get as(): AddressSpace {
    return this.t.values.values[this.t.n(this.id, I_AS)];
  }
  get pid(): number {
    return this.t.n(this.id, I_PID);
  }
  get comm(): string {
    return this.t.values.values[this.t.n(this.id, I_COMM)] as string;
  }
  get start(): number {
    return this.t.f(this.id, F_START);
  }
  get end(): number {
    return this.t.f(this.id, F_END);
  }
  get event(): NotifierEvent {
    return EVENTS[this.t.u(this.id, U_EVENT)];
  }
  get eventNum(): number | undefined {
    return optional(this.t.f(this.id, F_EVENT_NUM));
  }
  get owner(): string | undefined {
    return this.t.values.get(this.t.n(this.id, I_OWNER)) as string | undefined;
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
    return this.t.f(this.id, F_START_TS);
  }
  get endId(): number | undefined {
    const v = this.t.n(this.id, I_END);
    return v < 0 ? undefined : v;
  }
  set endId(v: number | undefined) {
    this.t.setN(this.id, I_END, v ?? -1);
  }
  get endTs(): number | undefined {
    return optional(this.t.f(this.id, F_END_TS));
  }
  set endTs(v: number | undefined) {
    this.t.setF(this.id, F_END_TS, v ?? NaN);
  }
  /** Made on each read, as plain objects. */
  get callbacks(): DriverCallback[] {
    return this.t.callbacksOf(this.id);
  }
  get migrationId(): number | undefined {
    const v = this.t.n(this.id, I_MIGRATION);
    return v < 0 ? undefined : v;
  }

  toJSON(): InvalidationRecord {
    return plainInvalidation(this);
  }
}
