/**
 * The model's migration and invalidation records, indexed for the questions rules ask about them: which
 * migration windows overlap a time, which migration a task was in, which invalidations start in a window.
 *
 * A migration's window is migrate_vma_setup() → migrate_vma_finalize(): between them the collected pages are
 * locked migration entries. One task migrates chunk by chunk (setup → pages → finalize, in sequence), so the
 * windows of one task do not overlap; windows of different tasks do.
 */

import type { AddressSpace, InvalidationRecord, MigrationRecord } from '../model/types';
import { ownerIsNull } from './util';
import { callbackCount } from './callbacks';
import { lowerBoundBy } from '../sorted';

/** End of a migration's window: finalize, else setup's return, else setup itself. */
export function windowEnd(m: MigrationRecord): number {
  return m.finalizeTs ?? m.setupRetTs ?? m.setupTs;
}

/**
 * A record list in (time, id) order, with each record's time read once into a column: the model's lists are
 * in order already (then shared, not copied); else a sorted copy. `timeOf` is a record getter, which decodes the
 * model's columns: read once a record, not twice per comparison.
 */
function byTime<T extends { id: number }>(list: readonly T[], timeOf: (r: T) => number): { list: readonly T[]; times: Float64Array } {
  const times = new Float64Array(list.length);
  for (let i = 0; i < list.length; i++) times[i] = timeOf(list[i]);
  let ordered = true;
  // the comparator's own test, NaN times included: (time difference || id difference) > 0 is out of order
  for (let i = 1; i < list.length && ordered; i++) if ((times[i - 1] - times[i] || list[i - 1].id - list[i].id) > 0) ordered = false;
  if (ordered) return { list, times };
  const sorted = list.slice().sort((a, b) => timeOf(a) - timeOf(b) || a.id - b.id);
  for (let i = 0; i < sorted.length; i++) times[i] = timeOf(sorted[i]);
  return { list: sorted, times };
}

/**
 * Indexes into the sorted migrations (a list of one task's, or of one window class) whose setup time is >= ts
 * (> ts when `after`): the times come from the index's own column, not from the records (each of their getters
 * decodes the model's columns again).
 */
function firstSetup(idx: Int32Array | readonly number[], setupTs: Float64Array, ts: number, after = false): number {
  return lowerBoundBy(idx.length, (k) => setupTs[idx[k]], ts, after);
}

const NO_INDEXES = new Int32Array(0);

/**
 * Indexes of the `n` linked records (linkedTo[i] not NaN) ordered by migration id, each migration's in index
 * (start) order. The model's migration ids are the indexes of its list: a counting sort over them, where a
 * comparator sort called back into JS ~17 times a record (100k linked records at 1 GiB); any other ids (a fake
 * model's) are sorted by comparison.
 */
function byMigration(linkedTo: Float64Array, n: number, migrations: number): Int32Array {
  const linked = new Int32Array(n);
  let dense = true;
  let k = 0;
  for (let i = 0; i < linkedTo.length; i++) {
    const mid = linkedTo[i];
    if (Number.isNaN(mid)) continue;
    linked[k++] = i;
    if (!(Number.isInteger(mid) && mid >= 0 && mid < migrations)) dense = false;
  }
  if (!dense) return linked.sort((a, b) => linkedTo[a] - linkedTo[b] || a - b);
  const first = new Int32Array(migrations + 1);
  for (let k2 = 0; k2 < n; k2++) first[linkedTo[linked[k2]] + 1]++;
  for (let m = 0; m < migrations; m++) first[m + 1] += first[m];
  const out = new Int32Array(n);
  for (let k2 = 0; k2 < n; k2++) out[first[linkedTo[linked[k2]]]++] = linked[k2];
  return out;
}

export class RecordIndex {
  /** Migrations sorted by setup time. */
  readonly migrations: readonly MigrationRecord[];
  /** Invalidations sorted by start time. */
  readonly invalidations: readonly InvalidationRecord[];
  /** Longest migration window, bounding how far back an overlapping migration can start. */
  readonly maxWindowNs: number;
  /**
   * Indexes into `invalidations` of the records tied to a migration (the model's migrationId), ordered by
   * migration id (then start time), and those ids: a binary search answers "which invalidations did migration
   * N issue" with two typed arrays, where a Map of one list per migration held ~7 MB at 256 MiB.
   */
  private readonly linked: Int32Array;
  private readonly linkedMigration: Float64Array;
  /** The model's list, where a record's id is its index (a fake model's ids may not be: then a Map, built once). */
  private readonly byIndex: readonly MigrationRecord[];
  private byId: Map<number, MigrationRecord> | undefined;
  /** Pgmap owners drivers used for their own migrations (MIGRATE owner filtering compares with these). */
  readonly driverOwners = new Set<string>();
  /** Whether any invalidation record carries a driver callback. */
  readonly anyCallback: boolean;
  /**
   * Each migration's setup time and window end, by index in `migrations`, read once: the records are views over
   * the model's columns, and the binary searches below read a key per step (~1.2M getter calls at 256 MiB).
   */
  private readonly setupTs: Float64Array;
  private readonly windowEndTs: Float64Array;
  /** Each invalidation's start time, by index in `invalidations`. */
  private readonly startTs: Float64Array;
  /** Each task's migrations in setup order (indexes in `migrations`). */
  private readonly migrationsOfPid = new Map<number, number[]>();
  /**
   * The migrations again, split by window length (each class 8× longer than the one before), each class in
   * setup order with its own longest window. An overlap query walks back from its start by that class's longest
   * window only: one migration stalled for seconds (what refcount/long-migration-window is for) must not make
   * every query of the trace walk back over seconds of short migrations.
   */
  private readonly windowClasses: { list: Int32Array; maxWindow: number }[];

  constructor(migrations: readonly MigrationRecord[], invalidations: readonly InvalidationRecord[]) {
    // indexed loops, no spread: run once, these stay in the interpreter, where for-of allocates an iterator
    // result per element (8.9 MB for the 88k records of the 256 MiB bench)
    // the model lists records in order already: the lists are shared, not copied, when they are (read only here)
    const bySetup = byTime(migrations, (m) => m.setupTs);
    const byStart = byTime(invalidations, (r) => r.startTs);
    const ms = bySetup.list;
    const invs = byStart.list;
    this.byIndex = migrations;
    this.migrations = ms;
    this.invalidations = invs;
    let maxWindow = 0;
    this.setupTs = bySetup.times;
    this.windowEndTs = new Float64Array(ms.length);
    // per window class: its size, longest window and (below) its indexes
    const classOf = new Int32Array(ms.length);
    const classes = new Map<number, { n: number; maxWindow: number; list: Int32Array }>();
    const judged = new Set<string>();
    for (let i = 0; i < ms.length; i++) {
      const m = ms[i];
      // an owner is judged once (a regex), not once per migration
      const owner = m.pgmapOwner;
      if (owner !== undefined && !judged.has(owner)) {
        judged.add(owner);
        if (!ownerIsNull(owner)) this.driverOwners.add(owner);
      }
      const setup = this.setupTs[i];
      const w = (this.windowEndTs[i] = windowEnd(m)) - setup;
      maxWindow = Math.max(maxWindow, w);
      let l = this.migrationsOfPid.get(m.pid);
      if (!l) this.migrationsOfPid.set(m.pid, (l = []));
      l.push(i);
      const k = (classOf[i] = w <= 1 ? 0 : Math.ceil(Math.log2(w) / 3));
      let c = classes.get(k);
      if (!c) classes.set(k, (c = { n: 0, maxWindow: 0, list: NO_INDEXES }));
      c.n++;
      c.maxWindow = Math.max(c.maxWindow, w);
    }
    this.maxWindowNs = maxWindow;
    for (const c of classes.values()) {
      c.list = new Int32Array(c.n);
      c.n = 0;
    }
    for (let i = 0; i < ms.length; i++) {
      const c = classes.get(classOf[i])!;
      c.list[c.n++] = i;
    }
    this.windowClasses = [];
    for (const c of classes.values()) this.windowClasses.push({ list: c.list, maxWindow: c.maxWindow });
    this.startTs = byStart.times;
    let cb = false;
    let n = 0;
    const linkedTo = new Float64Array(invs.length);
    for (let i = 0; i < invs.length; i++) {
      const r = invs[i];
      // counted without listing them, and no more once one is seen
      if (!cb && callbackCount(r) > 0) cb = true;
      const mid = r.migrationId;
      linkedTo[i] = mid === undefined ? NaN : mid;
      if (mid !== undefined) n++;
    }
    const linked = byMigration(linkedTo, n, ms.length);
    this.linked = linked;
    this.linkedMigration = new Float64Array(n);
    for (let i = 0; i < n; i++) this.linkedMigration[i] = linkedTo[linked[i]];
    this.anyCallback = cb;
  }

  /** The migration of that id. */
  migrationOfId(id: number): MigrationRecord | undefined {
    const m = this.byIndex[id];
    if (m !== undefined && m.id === id) return m;
    if (!this.byId) {
      this.byId = new Map();
      for (let i = 0; i < this.migrations.length; i++) this.byId.set(this.migrations[i].id, this.migrations[i]);
    }
    return this.byId.get(id);
  }

  /** Invalidation records tied to a migration (the model's migrationId), in start order; undefined when none. */
  invalidationsOfMigration(id: number): InvalidationRecord[] | undefined {
    const keys = this.linkedMigration;
    let i = lowerBoundBy(keys.length, (k) => keys[k], id);
    if (i >= keys.length || keys[i] !== id) return undefined;
    const out: InvalidationRecord[] = [];
    for (; i < keys.length && keys[i] === id; i++) out.push(this.invalidations[this.linked[i]]);
    return out;
  }

  /** Migrations whose windows overlap [fromTs, toTs], in setup order. */
  migrationsOverlapping(fromTs: number, toTs: number): MigrationRecord[] {
    const setupTs = this.setupTs;
    const ends = this.windowEndTs;
    const found: number[] = [];
    for (const { list, maxWindow } of this.windowClasses) {
      for (let k = firstSetup(list, setupTs, fromTs - maxWindow); k < list.length; k++) {
        const i = list[k];
        if (setupTs[i] > toTs) break;
        if (ends[i] >= fromTs) found.push(i);
      }
    }
    // the migrations are in (setup time, id) order: their indexes sort the same way
    if (this.windowClasses.length > 1) found.sort((a, b) => a - b);
    const out: MigrationRecord[] = [];
    for (let k = 0; k < found.length; k++) out.push(this.migrations[found[k]]);
    return out;
  }

  /** Index in `migrations` of the first one set up after ts: with setupTsAt(), a walk that builds no list. */
  firstSetupAfter(ts: number): number {
    const setupTs = this.setupTs;
    return lowerBoundBy(setupTs.length, (k) => setupTs[k], ts, true);
  }

  /** Setup time of migrations[i]. */
  setupTsAt(i: number): number {
    return this.setupTs[i];
  }

  /** Index in `invalidations` of the first one that starts after ts: with startTsAt(), a walk that builds no list. */
  firstStartAfter(ts: number): number {
    const starts = this.startTs;
    return lowerBoundBy(starts.length, (k) => starts[k], ts, true);
  }

  /** Start time of invalidations[i]. */
  startTsAt(i: number): number {
    return this.startTs[i];
  }

  /** Invalidations that start in (fromTs, toTs). */
  invalidationsBetween(fromTs: number, toTs: number): InvalidationRecord[] {
    const starts = this.startTs;
    const out: InvalidationRecord[] = [];
    for (let i = this.firstStartAfter(fromTs); i < starts.length && starts[i] < toTs; i++) out.push(this.invalidations[i]);
    return out;
  }

  /** The task's migration whose window contains ts. */
  migrationOfTaskAt(pid: number, ts: number): MigrationRecord | undefined {
    const l = this.migrationsOfPid.get(pid);
    if (!l) return undefined;
    const lo = firstSetup(l, this.setupTs, ts, true);
    for (let k = lo - 1; k >= 0 && k >= lo - 4; k--) if (this.windowEndTs[l[k]] >= ts) return this.migrations[l[k]];
    return undefined;
  }

  /**
   * Setup time of the task's next migration after `m` (Infinity for its last one): remove_migration_ptes() at
   * finalize runs after migrate_vma_finalize() is entered, so a migration's PTE lines run until then.
   */
  nextSetupOfTask(m: MigrationRecord): number {
    const l = this.migrationsOfPid.get(m.pid);
    if (!l) return Infinity;
    const setup = m.setupTs;
    for (let k = firstSetup(l, this.setupTs, setup); k < l.length; k++) {
      const ts = this.setupTs[l[k]];
      if (ts > setup || (ts === setup && this.migrations[l[k]].id > m.id)) return ts;
    }
    return Infinity;
  }

  /** Migration of `as` whose window (of task `pid` / not of `excludePid` when given) contains ts and whose range contains addr. */
  openMigrationAt(as: AddressSpace, addr: number, ts: number, opts: { pid?: number; excludePid?: number } = {}): MigrationRecord | undefined {
    let found: MigrationRecord | undefined;
    for (const m of this.migrationsOverlapping(ts, ts)) {
      if (m.as !== as || (opts.pid !== undefined && m.pid !== opts.pid) || m.pid === opts.excludePid) continue;
      if (addr < m.start || addr >= m.end) continue;
      if (windowEnd(m) >= ts) found = m;
    }
    return found;
  }
}
