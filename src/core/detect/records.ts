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
import { lowerBoundBy } from '../sorted';

/** End of a migration's window: finalize, else setup's return, else setup itself. */
export function windowEnd(m: MigrationRecord): number {
  return m.finalizeTs ?? m.setupRetTs ?? m.setupTs;
}

/** First index of a ts-sorted list whose key is >= ts (or > ts when `after`). */
function lowerBound<T>(list: readonly T[], ts: number, key: (x: T) => number, after = false): number {
  return lowerBoundBy(list.length, (i) => key(list[i]), ts, after);
}

/** Whether a list is already in the order `cmp` sorts it into. */
function inOrder<T>(list: readonly T[], cmp: (a: T, b: T) => number): boolean {
  for (let i = 1; i < list.length; i++) if (cmp(list[i - 1], list[i]) > 0) return false;
  return true;
}

const setupKey = (m: MigrationRecord): number => m.setupTs;
const startKey = (r: InvalidationRecord): number => r.startTs;

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
  /** Each task's migrations in setup order. */
  private readonly migrationsOfPid = new Map<number, MigrationRecord[]>();
  /**
   * The migrations again, split by window length (each class 8× longer than the one before), each class in
   * setup order with its own longest window. An overlap query walks back from its start by that class's longest
   * window only: one migration stalled for seconds (what refcount/long-migration-window is for) must not make
   * every query of the trace walk back over seconds of short migrations.
   */
  private readonly windowClasses: { list: MigrationRecord[]; maxWindow: number }[];

  constructor(migrations: readonly MigrationRecord[], invalidations: readonly InvalidationRecord[]) {
    // indexed loops, no spread: run once, these stay in the interpreter, where for-of allocates an iterator
    // result per element (8.9 MB for the 88k records of the 256 MiB bench)
    // the model lists records in order already: the lists are shared, not copied, when they are (read only here)
    const bySetup = (a: MigrationRecord, b: MigrationRecord) => a.setupTs - b.setupTs || a.id - b.id;
    const byStart = (a: InvalidationRecord, b: InvalidationRecord) => a.startTs - b.startTs || a.id - b.id;
    const ms = inOrder(migrations, bySetup) ? migrations : migrations.slice().sort(bySetup);
    const invs = inOrder(invalidations, byStart) ? invalidations : invalidations.slice().sort(byStart);
    this.byIndex = migrations;
    this.migrations = ms;
    this.invalidations = invs;
    let maxWindow = 0;
    for (let i = 0; i < ms.length; i++) {
      const m = ms[i];
      if (m.pgmapOwner !== undefined && !ownerIsNull(m.pgmapOwner)) this.driverOwners.add(m.pgmapOwner);
      maxWindow = Math.max(maxWindow, windowEnd(m) - m.setupTs);
      let l = this.migrationsOfPid.get(m.pid);
      if (!l) this.migrationsOfPid.set(m.pid, (l = []));
      l.push(m);
    }
    this.maxWindowNs = maxWindow;
    const classes = new Map<number, { list: MigrationRecord[]; maxWindow: number }>();
    for (let i = 0; i < ms.length; i++) {
      const m = ms[i];
      const w = windowEnd(m) - m.setupTs;
      const k = w <= 1 ? 0 : Math.ceil(Math.log2(w) / 3);
      let c = classes.get(k);
      if (!c) classes.set(k, (c = { list: [], maxWindow: 0 }));
      c.list.push(m);
      c.maxWindow = Math.max(c.maxWindow, w);
    }
    this.windowClasses = [...classes.values()];
    let cb = false;
    let n = 0;
    const linkedTo = new Float64Array(invs.length);
    for (let i = 0; i < invs.length; i++) {
      const r = invs[i];
      // the callbacks may be listed on each read: read once a record, and no more once one is seen
      if (!cb && r.callbacks.length > 0) cb = true;
      const mid = r.migrationId;
      linkedTo[i] = mid === undefined ? NaN : mid;
      if (mid !== undefined) n++;
    }
    const linked = new Int32Array(n);
    n = 0;
    for (let i = 0; i < invs.length; i++) if (!Number.isNaN(linkedTo[i])) linked[n++] = i;
    // stable: each migration's records stay in start order
    linked.sort((a, b) => linkedTo[a] - linkedTo[b] || a - b);
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
    const out: MigrationRecord[] = [];
    for (const { list, maxWindow } of this.windowClasses) {
      for (let i = lowerBound(list, fromTs - maxWindow, setupKey); i < list.length; i++) {
        const m = list[i];
        if (m.setupTs > toTs) break;
        if (windowEnd(m) >= fromTs) out.push(m);
      }
    }
    if (this.windowClasses.length > 1) out.sort((a, b) => a.setupTs - b.setupTs || a.id - b.id);
    return out;
  }

  /** Invalidations that start in (fromTs, toTs). */
  invalidationsBetween(fromTs: number, toTs: number): InvalidationRecord[] {
    const list = this.invalidations;
    const out: InvalidationRecord[] = [];
    for (let i = lowerBound(list, fromTs, startKey, true); i < list.length && list[i].startTs < toTs; i++) out.push(list[i]);
    return out;
  }

  /** The task's migration whose window contains ts. */
  migrationOfTaskAt(pid: number, ts: number): MigrationRecord | undefined {
    const l = this.migrationsOfPid.get(pid);
    if (!l) return undefined;
    const lo = lowerBound(l, ts, setupKey, true);
    for (let i = lo - 1; i >= 0 && i >= lo - 4; i--) if (windowEnd(l[i]) >= ts) return l[i];
    return undefined;
  }

  /**
   * Setup time of the task's next migration after `m` (Infinity for its last one): remove_migration_ptes() at
   * finalize runs after migrate_vma_finalize() is entered, so a migration's PTE lines run until then.
   */
  nextSetupOfTask(m: MigrationRecord): number {
    const l = this.migrationsOfPid.get(m.pid);
    if (!l) return Infinity;
    for (let i = lowerBound(l, m.setupTs, setupKey); i < l.length; i++) {
      const o = l[i];
      if (o.setupTs > m.setupTs || (o.setupTs === m.setupTs && o.id > m.id)) return o.setupTs;
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
