/**
 * The migration records (one per migrate_vma_setup or migrate_device_range sequence) as rows (records/rows.ts),
 * and the handle the model lists for each: a MigrationRecord whose fields are prototype getters reading its row,
 * with setters for the counts the replay fills in while the sequence is open (replayMigration.ts,
 * replayPages.ts, replay.ts). A handle is its table and its id (40 bytes); the object it replaces took ~232
 * bytes plus boxed timestamps and addresses. One class for every table: a subclass per table holding the table
 * on its prototype would make a handle 32 bytes, but the detectors' reads then meet one map per model, and with
 * five models built before in the same process (the extension's worker) detection at 256 MiB took 2× as long.
 *
 * A row keeps the ids of the sequence's events and reads back what the replay took from them
 * (records/events.ts): the task, command and pgmap owner of the setup event, its timestamp and printed range
 * (the window: start, end, npages; none for a setup that printed none), the timestamp and return of setup's
 * return, the timestamp of finalize. An eviction (migrate_device_range) has no owner and no printed window: its
 * window grows from the PTEs it removes, kept as Float64 in rows of their own (few: one per eviction).
 *
 * invalidationIds is not stored: a migration's invalidations are the invalidation records whose migrationId is
 * its id (the replay sets both from the same open migration), listed on access from a grouping made once (an
 * array made per read: nothing reads it per event).
 */

import type { AddressSpace, MigrationRecord } from '../types';
import { Rows, type ValueIds } from './rows';
import type { InvalidationTable } from './invalidations';
import type { RecordEvents } from './events';
import { plainMigration } from './plain';

type Direction = MigrationRecord['direction'];
type Trigger = MigrationRecord['trigger'];
const DIRECTIONS: readonly Direction[] = ['to-device', 'to-system', 'unknown'];
const TRIGGERS: readonly Trigger[] = ['driver', 'migrate-to-ram', 'device-range', 'unknown'];
const DEVICE_RANGE = TRIGGERS.indexOf('device-range');

// Int32 fields: event ids (-1 when none), counts, small ids
const I_SETUP = 0;
const I_SETUP_RET = 1;
const I_PAGES = 2;
const I_FINALIZE = 3;
const I_CLOSE = 4;
const I_EAGAIN = 5;
const I_RESTORED = 6;
const I_AS = 7;
const I_FAULT = 8;
/** An eviction's row in `windows`, or: */
const I_WINDOW = 9;
/** the window is the range the setup printed, */
const PRINTED = -1;
/** the setup printed none: no window. */
const NO_WINDOW = -2;
// optional Int32 fields (Rows.setOpt)
const I_FLAGS = 10;
const I_UNMAPPED = 11;
const I_CPAGES = 12;
const I_MOVED = 13;
const I = 14;
// Uint8 fields
const U_DIRECTION = 0;
const U_TRIGGER = 1;
const U = 2;

/** What a migration record holds when its sequence opens; the rest is read from its setup event (setupId). */
export interface MigrationOpen {
  as: AddressSpace;
  flags: number | undefined;
  direction: Direction;
  faultPage: string | undefined;
  trigger: Trigger;
  setupId: number;
}

/** Shared empty list (read-only by contract, like the model's arrays). */
const NO_IDS: number[] = [];

/** Pages of a window [start, end). */
const pagesOf = (start: number, end: number): number => Math.max(0, Math.round((end - start) / 4096));

/** An eviction's window: start and end, Float64. */
class WindowRows extends Rows {
  constructor() {
    super(2, 0, 0);
  }
  add(): number {
    const w = this.addRow();
    this.setF(w, 0, 0);
    this.setF(w, 1, 0);
    return w;
  }
}

export class MigrationTable extends Rows {
  /** The handles, by id. */
  readonly list: Migration[] = [];
  private readonly windows = new WindowRows();

  constructor(
    readonly values: ValueIds<AddressSpace>,
    private readonly invalidations: InvalidationTable,
    readonly events: RecordEvents,
  ) {
    super(0, I, U);
  }

  open(o: MigrationOpen): Migration {
    const r = this.addRow();
    const trigger = TRIGGERS.indexOf(o.trigger);
    this.setN(r, I_SETUP, o.setupId);
    this.setN(r, I_SETUP_RET, -1);
    this.setN(r, I_PAGES, -1);
    this.setN(r, I_FINALIZE, -1);
    this.setN(r, I_CLOSE, o.setupId);
    this.setN(r, I_EAGAIN, 0);
    this.setN(r, I_RESTORED, 0);
    this.setN(r, I_AS, this.values.id(o.as));
    this.setN(r, I_FAULT, this.values.id(o.faultPage));
    // a setup's window is the range it printed (EventStore.rangeOf: both ends, or none)
    const a = this.events.a.get(o.setupId);
    const b = this.events.b.get(o.setupId);
    this.setN(r, I_WINDOW, trigger === DEVICE_RANGE ? this.windows.add() : a === a && b === b ? PRINTED : NO_WINDOW);
    this.setOpt(r, I_FLAGS, o.flags);
    this.setOpt(r, I_UNMAPPED, undefined);
    this.setOpt(r, I_CPAGES, undefined);
    this.setOpt(r, I_MOVED, undefined);
    this.setU(r, U_DIRECTION, DIRECTIONS.indexOf(o.direction));
    this.setU(r, U_TRIGGER, trigger);
    const h = new Migration(this, r);
    this.list.push(h);
    return h;
  }

  /** Window start (r's own for an eviction, else its setup's printed range; 0 when none). */
  start(r: number): number {
    const w = this.n(r, I_WINDOW);
    return w === PRINTED ? this.events.a.get(this.n(r, I_SETUP)) : w === NO_WINDOW ? 0 : this.windows.f(w, 0);
  }

  end(r: number): number {
    const w = this.n(r, I_WINDOW);
    return w === PRINTED ? this.events.b.get(this.n(r, I_SETUP)) : w === NO_WINDOW ? 0 : this.windows.f(w, 1);
  }

  /** Pages of the window, its ends read once. */
  npages(r: number): number {
    const w = this.n(r, I_WINDOW);
    if (w === NO_WINDOW) return 0;
    if (w !== PRINTED) return pagesOf(this.windows.f(w, 0), this.windows.f(w, 1));
    const id = this.n(r, I_SETUP);
    return pagesOf(this.events.a.get(id), this.events.b.get(id));
  }

  /** An eviction's window takes in the page `vpn` (its first page sets it). */
  widen(r: number, vpn: number): void {
    const w = this.n(r, I_WINDOW);
    const ws = this.windows;
    const start = ws.f(w, 0);
    const end = ws.f(w, 1);
    ws.setF(w, 0, pagesOf(start, end) === 0 ? vpn * 4096 : Math.min(start, vpn * 4096));
    ws.setF(w, 1, Math.max(end, (vpn + 1) * 4096));
  }

  /** The return of setup (its timestamp and value are read from the event). */
  setSetupReturn(r: number, id: number): void {
    this.setN(r, I_SETUP_RET, id);
  }

  invalidationIdsOf(id: number): number[] {
    const ids = this.invalidations.ofMigration(id, this.count);
    return ids.length === 0 ? NO_IDS : Array.from(ids);
  }
}

const idOrNone = (v: number): number | undefined => (v < 0 ? undefined : v);

/** One migration record: its table and its id; every other field is read from (or written to) its row or its events. */
export class Migration implements MigrationRecord {
  constructor(
    private readonly t: MigrationTable,
    readonly id: number,
  ) {}

  get as(): AddressSpace {
    return this.t.values.values[this.t.n(this.id, I_AS)];
  }
  get pid(): number {
    return this.t.events.pid.get(this.t.n(this.id, I_SETUP));
  }
  get comm(): string {
    const e = this.t.events;
    return e.strings.get(e.comm.get(this.t.n(this.id, I_SETUP))) ?? '';
  }
  get start(): number {
    return this.t.start(this.id);
  }
  get end(): number {
    return this.t.end(this.id);
  }
  get npages(): number {
    return this.t.npages(this.id);
  }
  get flags(): number | undefined {
    return this.t.opt(this.id, I_FLAGS);
  }
  get direction(): Direction {
    return DIRECTIONS[this.t.u(this.id, U_DIRECTION)];
  }
  /** The setup's owner; an eviction names none. */
  get pgmapOwner(): string | undefined {
    if (this.t.u(this.id, U_TRIGGER) === DEVICE_RANGE) return undefined;
    const e = this.t.events;
    return e.strings.get(e.owner.get(this.t.n(this.id, I_SETUP)));
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
    return this.t.events.ts.get(this.t.n(this.id, I_SETUP));
  }
  get setupRetTs(): number | undefined {
    const id = this.t.n(this.id, I_SETUP_RET);
    return id < 0 ? undefined : this.t.events.ts.get(id);
  }
  get setupRet(): number | undefined {
    const id = this.t.n(this.id, I_SETUP_RET);
    return id < 0 ? undefined : this.t.events.retOf(id);
  }
  get unmapped(): number | undefined {
    return this.t.opt(this.id, I_UNMAPPED);
  }
  set unmapped(v: number | undefined) {
    this.t.setOpt(this.id, I_UNMAPPED, v);
  }
  get cpages(): number | undefined {
    return this.t.opt(this.id, I_CPAGES);
  }
  set cpages(v: number | undefined) {
    this.t.setOpt(this.id, I_CPAGES, v);
  }
  get moved(): number | undefined {
    return this.t.opt(this.id, I_MOVED);
  }
  set moved(v: number | undefined) {
    this.t.setOpt(this.id, I_MOVED, v);
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
    return idOrNone(this.t.n(this.id, I_PAGES));
  }
  set pagesId(v: number | undefined) {
    this.t.setN(this.id, I_PAGES, v ?? -1);
  }
  get finalizeId(): number | undefined {
    return idOrNone(this.t.n(this.id, I_FINALIZE));
  }
  set finalizeId(v: number | undefined) {
    this.t.setN(this.id, I_FINALIZE, v ?? -1);
  }
  get finalizeTs(): number | undefined {
    const id = this.t.n(this.id, I_FINALIZE);
    return id < 0 ? undefined : this.t.events.ts.get(id);
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
