/**
 * The migration records (one per migrate_vma_setup or migrate_device_range sequence) as rows (records/rows.ts),
 * and the handle the model lists for each: a MigrationRecord whose fields are prototype getters reading its row,
 * with setters for the fields the replay fills in while the sequence is open (replayMigration.ts,
 * replayPages.ts). A handle is its table and its id (40 bytes); the object it replaces took ~232 bytes plus
 * boxed timestamps and addresses.
 *
 * invalidationIds is not stored: a migration's invalidations are the invalidation records whose migrationId is
 * its id (the replay sets both from the same open migration), listed on access from a grouping made once (an
 * array made per read: nothing reads it per event).
 */

import type { AddressSpace, MigrationRecord } from '../types';
import { optional, Rows, type ValueIds } from './rows';
import type { InvalidationTable } from './invalidations';
import { plainMigration } from './plain';

type Direction = MigrationRecord['direction'];
type Trigger = MigrationRecord['trigger'];
const DIRECTIONS: readonly Direction[] = ['to-device', 'to-system', 'unknown'];
const TRIGGERS: readonly Trigger[] = ['driver', 'migrate-to-ram', 'device-range', 'unknown'];

// Float64 fields
const F_START = 0;
const F_END = 1;
const F_NPAGES = 2;
const F_SETUP_TS = 3;
const F_SETUP_RET_TS = 4;
const F_FINALIZE_TS = 5;
const F_FLAGS = 6;
const F_SETUP_RET = 7;
const F_UNMAPPED = 8;
const F_CPAGES = 9;
const F_MOVED = 10;
const F = 11;
// Int32 fields
const I_PID = 0;
const I_SETUP = 1;
const I_PAGES = 2;
const I_FINALIZE = 3;
const I_CLOSE = 4;
const I_EAGAIN = 5;
const I_RESTORED = 6;
const I_AS = 7;
const I_COMM = 8;
const I_OWNER = 9;
const I_FAULT = 10;
const I = 11;
// Uint8 fields
const U_DIRECTION = 0;
const U_TRIGGER = 1;
const U = 2;

/** What a migration record holds when its sequence opens. */
export interface MigrationOpen {
  as: AddressSpace;
  pid: number;
  comm: string;
  start: number;
  end: number;
  npages: number;
  flags: number | undefined;
  direction: Direction;
  pgmapOwner: string | undefined;
  faultPage: string | undefined;
  trigger: Trigger;
  setupId: number;
  setupTs: number;
}

/** Shared empty list (read-only by contract, like the model's arrays). */
const NO_IDS: number[] = [];

export class MigrationTable extends Rows {
  /** The handles, by id. */
  readonly list: Migration[] = [];

  constructor(
    readonly values: ValueIds<AddressSpace>,
    private readonly invalidations: InvalidationTable,
  ) {
    super(F, I, U);
  }

  open(o: MigrationOpen): Migration {
    const r = this.addRow();
    this.setF(r, F_START, o.start);
    this.setF(r, F_END, o.end);
    this.setF(r, F_NPAGES, o.npages);
    this.setF(r, F_SETUP_TS, o.setupTs);
    this.setF(r, F_SETUP_RET_TS, NaN);
    this.setF(r, F_FINALIZE_TS, NaN);
    this.setF(r, F_FLAGS, o.flags ?? NaN);
    this.setF(r, F_SETUP_RET, NaN);
    this.setF(r, F_UNMAPPED, NaN);
    this.setF(r, F_CPAGES, NaN);
    this.setF(r, F_MOVED, NaN);
    this.setN(r, I_PID, o.pid);
    this.setN(r, I_SETUP, o.setupId);
    this.setN(r, I_PAGES, -1);
    this.setN(r, I_FINALIZE, -1);
    this.setN(r, I_CLOSE, o.setupId);
    this.setN(r, I_EAGAIN, 0);
    this.setN(r, I_RESTORED, 0);
    this.setN(r, I_AS, this.values.id(o.as));
    this.setN(r, I_COMM, this.values.id(o.comm));
    this.setN(r, I_OWNER, this.values.id(o.pgmapOwner));
    this.setN(r, I_FAULT, this.values.id(o.faultPage));
    this.setU(r, U_DIRECTION, DIRECTIONS.indexOf(o.direction));
    this.setU(r, U_TRIGGER, TRIGGERS.indexOf(o.trigger));
    const h = new Migration(this, r);
    this.list.push(h);
    return h;
  }

  invalidationIdsOf(id: number): number[] {
    const ids = this.invalidations.ofMigration(id, this.count);
    return ids.length === 0 ? NO_IDS : Array.from(ids);
  }
}

/** One migration record: its table and its id; every other field is read from (or written to) its row. */
export class Migration implements MigrationRecord {
  constructor(
    private readonly t: MigrationTable,
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
  set start(v: number) {
    this.t.setF(this.id, F_START, v);
  }
  get end(): number {
    return this.t.f(this.id, F_END);
  }
  set end(v: number) {
    this.t.setF(this.id, F_END, v);
  }
  get npages(): number {
    return this.t.f(this.id, F_NPAGES);
  }
  set npages(v: number) {
    this.t.setF(this.id, F_NPAGES, v);
  }
  get flags(): number | undefined {
    return optional(this.t.f(this.id, F_FLAGS));
  }
  get direction(): Direction {
    return DIRECTIONS[this.t.u(this.id, U_DIRECTION)];
  }
  get pgmapOwner(): string | undefined {
    return this.t.values.get(this.t.n(this.id, I_OWNER)) as string | undefined;
  }
  get faultPage(): string | undefined {
    return this.t.values.get(this.t.n(this.id, I_FAULT)) as string | undefined;
  }
  get trigger(): Trigger {
    return TRIGGERS[this.t.u(this.id, U_TRIGGER)];
  }
  get setupId(): number {
    return this.t.n(this.id, I_SETUP);
  }
  get setupTs(): number {
    return this.t.f(this.id, F_SETUP_TS);
  }
  get setupRetTs(): number | undefined {
    return optional(this.t.f(this.id, F_SETUP_RET_TS));
  }
  set setupRetTs(v: number | undefined) {
    this.t.setF(this.id, F_SETUP_RET_TS, v ?? NaN);
  }
  get setupRet(): number | undefined {
    return optional(this.t.f(this.id, F_SETUP_RET));
  }
  set setupRet(v: number | undefined) {
    this.t.setF(this.id, F_SETUP_RET, v ?? NaN);
  }
  get unmapped(): number | undefined {
    return optional(this.t.f(this.id, F_UNMAPPED));
  }
  set unmapped(v: number | undefined) {
    this.t.setF(this.id, F_UNMAPPED, v ?? NaN);
  }
  get cpages(): number | undefined {
    return optional(this.t.f(this.id, F_CPAGES));
  }
  set cpages(v: number | undefined) {
    this.t.setF(this.id, F_CPAGES, v ?? NaN);
  }
  get moved(): number | undefined {
    return optional(this.t.f(this.id, F_MOVED));
  }
  set moved(v: number | undefined) {
    this.t.setF(this.id, F_MOVED, v ?? NaN);
  }
  get eagain(): number {
    return this.t.n(this.id, I_EAGAIN);
  }
  set eagain(v: number) {
    this.t.setN(this.id, I_EAGAIN, v);
  }
  get restoredInSetup(): number {
    return this.t.n(this.id, I_RESTORED);
  }
  set restoredInSetup(v: number) {
    this.t.setN(this.id, I_RESTORED, v);
  }
  get pagesId(): number | undefined {
    const v = this.t.n(this.id, I_PAGES);
    return v < 0 ? undefined : v;
  }
  set pagesId(v: number | undefined) {
    this.t.setN(this.id, I_PAGES, v ?? -1);
  }
  get finalizeId(): number | undefined {
    const v = this.t.n(this.id, I_FINALIZE);
    return v < 0 ? undefined : v;
  }
  set finalizeId(v: number | undefined) {
    this.t.setN(this.id, I_FINALIZE, v ?? -1);
  }
  get finalizeTs(): number | undefined {
    return optional(this.t.f(this.id, F_FINALIZE_TS));
  }
  set finalizeTs(v: number | undefined) {
    this.t.setF(this.id, F_FINALIZE_TS, v ?? NaN);
  }
  /** Made on each read (the ids are grouped once for the whole table). */
  get invalidationIds(): number[] {
    return this.t.invalidationIdsOf(this.id);
  }
  get closeId(): number {
    return this.t.n(this.id, I_CLOSE);
  }
  set closeId(v: number) {
    this.t.setN(this.id, I_CLOSE, v);
  }

  toJSON(): MigrationRecord {
    return plainMigration(this);
  }
}
