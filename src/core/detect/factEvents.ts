/**
 * The fact events themselves (faults, waits, PTE changes, syscalls, ...), held as lists of model event ids by
 * kind and by task, not as objects: a long capture has hundreds of thousands of them (every remove_migration_pte,
 * every page fault) and most are only ever looked at through a window ("did this task fault on that page between
 * these two times"). An event becomes an object when a rule reads it, and is garbage once that rule is done:
 * only the kinds with raw fields read back from the file are kept once materialised (`of`).
 *
 * With the columnar store (liteEvent.ts) kind, time, task, address and range are read from its columns; any
 * other model (test fakes) keeps the DomainEvents it already built.
 */

import type { AddressSpace, DomainEvent, DomainKind, TraceModel } from '../model/types';
import { liteEvent, readFields, type ColumnAccess, type RawSource } from './liteEvent';
import { syscallHasArgs } from './syscalls';
import { lowerBound, lowerBoundBy } from '../sorted';

/**
 * Kinds whose raw fields the detectors read (split freeze, syscall arguments and returns): their lite events read
 * them back from the trace through model.event() on first use, and are materialised whole on first use (so a
 * field read once stays read).
 */
const NEEDS_FIELDS = new Set<DomainKind>(['thp-split', 'syscall', 'syscall-ret']);
const SYSCALL_KINDS = new Set<DomainKind>(['syscall', 'syscall-ret']);

/** Per-event reads, from the store's columns or from kept DomainEvents. */
interface Reader {
  ts(id: number): number;
  pid(id: number): number;
  make(id: number, kind: DomainKind): DomainEvent;
  /** The raw fields and summary a rule may read (none for the events fieldsNeeded() skips), not kept. */
  raw(id: number, kind: DomainKind): RawText;
}

/** An event's raw fields and summary. */
export interface RawText {
  fields: Record<string, string>;
  summary: string;
}

const NO_RAW: RawText = Object.freeze({ fields: Object.freeze({}) as Record<string, string>, summary: '' });

/** An event's raw fields read back alone; its summary (a fallback few read) only when asked. */
class ReadBack implements RawText {
  readonly fields: Record<string, string>;
  constructor(
    private readonly source: RawSource,
    private readonly id: number,
  ) {
    this.fields = readFields(source, id);
  }
  get summary(): string {
    return this.source.event(this.id).summary;
  }
}

function columnReader(model: TraceModel, cols: ColumnAccess): Reader {
  const st = cols.store;
  const fieldsNeeded = (id: number, kind: DomainKind): boolean => {
    if (!NEEDS_FIELDS.has(kind)) return false;
    if (!SYSCALL_KINDS.has(kind)) return true;
    // only the mm syscalls have arguments (or a return) a rule reads; the others (ioctl, clone, vmsplice, ...)
    // only bound the operation in progress, by time. An exit whose return the decoder kept needs nothing more.
    if (!syscallHasArgs(st.str(st.name, id) ?? '')) return false;
    return kind === 'syscall' || st.retOf(id) === undefined;
  };
  return {
    ts: (id) => st.ts.get(id),
    pid: (id) => st.pid.get(id),
    make: (id, kind) => liteEvent(cols, id, kind, fieldsNeeded(id, kind) ? model : undefined),
    raw: (id, kind) => (fieldsNeeded(id, kind) ? new ReadBack(model, id) : NO_RAW),
  };
}

function keptReader(kept: Map<number, DomainEvent>): Reader {
  const get = (id: number): DomainEvent => {
    const ev = kept.get(id);
    if (!ev) throw new RangeError(`event ${id} is not a fact event`);
    return ev;
  };
  return { ts: (id) => get(id).ts, pid: (id) => get(id).pid, make: (id) => get(id), raw: (id) => get(id) };
}

/** An id list, sealed: 4 bytes an id. */
type Ids = Int32Array;

const NO_IDS: Ids = new Int32Array(0);

/** Steps nextOfTask() walks a kind's list of every task before it takes the task's own list of that kind. */
const NEXT_WALK = 64;

/**
 * An id list while the facts are collected: an Int32Array, 4 bytes an id (a number[] costs 8 and more). Sized
 * from a count made beforehand when there is one (Facts counts each kind's events in the kind column first): a
 * list grown by doubling allocates ~5 ids' worth per id kept (the outgrown copies and the trimmed one), and at
 * 1 GiB (1.7M fact events) those copies were ~30 MB of array buffers that malloc kept after they died.
 */
class IdList {
  private ids: Int32Array;
  private n = 0;

  constructor(capacity = 16) {
    this.ids = new Int32Array(Math.max(1, capacity));
  }

  push(id: number): void {
    if (this.n === this.ids.length) {
      const grown = new Int32Array(this.n * 2);
      grown.set(this.ids);
      this.ids = grown;
    }
    this.ids[this.n++] = id;
  }

  /** The ids without the slack (the list itself when it was sized exactly). */
  sealed(): Ids {
    return this.n === this.ids.length ? this.ids : this.ids.slice(0, this.n);
  }
}

function pushTo<K>(lists: Map<K, IdList>, key: K, id: number): void {
  let l = lists.get(key);
  if (!l) lists.set(key, (l = new IdList()));
  l.push(id);
}

function sealAll<K>(lists: Map<K, IdList>, into: Map<K, Ids>): void {
  for (const [k, l] of lists) into.set(k, l.sealed());
}

/** First index of an id list (file order, time-ordered) whose event is at or after ts. */
function firstAtOrAfter(ids: Ids, ts: number, tsOf: (id: number) => number): number {
  return lowerBoundBy(ids.length, (i) => tsOf(ids[i]), ts);
}

export class FactEvents {
  /** Ids of each kind's events, in file order. */
  private readonly idsOfKind = new Map<DomainKind, Ids>();
  /**
   * Per kind, each task's ids of that kind (built on first use): windows of one task, and "what did this task do
   * next" (the first id after an event among the kinds asked), so no list of every task's fact events is kept.
   */
  private readonly idsOfKindAndPid = new Map<DomainKind, Map<number, Ids>>();
  /** Kinds with raw fields, materialised once (same objects for every later answer about them). */
  private readonly objects = new Map<DomainKind, DomainEvent[]>();
  private readonly keptEvents = new Map<number, DomainEvent>();
  private readonly read: Reader;
  /** The lists of add(), until seal(). */
  private readonly collecting = new Map<DomainKind, IdList>();

  constructor(model: TraceModel, cols: ColumnAccess | undefined) {
    this.read = cols ? columnReader(model, cols) : keptReader(this.keptEvents);
  }

  /** Sizes a kind's list before its events are added: at most `count` of them will be. */
  reserve(kind: DomainKind, count: number): void {
    if (!this.collecting.has(kind)) this.collecting.set(kind, new IdList(count));
  }

  /** The list a kind's ids are pushed to while collecting (file order), for a caller that adds many. */
  collector(kind: DomainKind): { push(id: number): void } {
    let l = this.collecting.get(kind);
    if (!l) this.collecting.set(kind, (l = new IdList()));
    return l;
  }

  /** Adds an event (ids arrive in file order); `ev` is the DomainEvent when the model has no columns. */
  add(id: number, kind: DomainKind, ev?: DomainEvent): void {
    pushTo(this.collecting, kind, id);
    if (ev) this.keptEvents.set(id, ev);
  }

  /** Every event is in: the lists become exact typed arrays. */
  seal(): void {
    sealAll(this.collecting, this.idsOfKind);
    this.collecting.clear();
  }

  count(kind: DomainKind): number {
    return this.idsOfKind.get(kind)?.length ?? 0;
  }

  /**
   * The raw fields and summary of a fact event of a kind (syscall arguments and returns), read back from the file
   * with the columnar store when a rule reads them (else none, as its lite event has), for the caller to parse
   * and drop: nothing keeps the text, which can share the memory of a whole read.
   */
  raw(id: number, kind: DomainKind): RawText {
    return this.read.raw(id, kind);
  }

  /** Ids of every event of a kind, in file order (the list itself: read, never written). */
  idsOf(kind: DomainKind): Ids {
    return this.idsOfKind.get(kind) ?? NO_IDS;
  }

  /**
   * Every event of a kind, in file order. Each rule walks its kinds once, so the objects are not kept for the
   * rest of the analysis (the 40k move-mapping returns and 34k migrate_to_ram entries of the 256 MiB bench held
   * ~10 MB until the last rule), except those of the kinds whose raw fields are read back from the file.
   */
  of(kind: DomainKind): readonly DomainEvent[] {
    let list = this.objects.get(kind);
    if (!list) {
      // a loop, not Array.from(ids, f): that walks a typed array through its iterator, one result object per id
      const ids = this.idsOfKind.get(kind) ?? NO_IDS;
      list = [];
      for (let i = 0; i < ids.length; i++) list.push(this.read.make(ids[i], kind));
      if (NEEDS_FIELDS.has(kind)) this.objects.set(kind, list);
    }
    return list;
  }

  /** The event object for an id of a known kind: the kept one when its kind has raw fields. */
  private event(id: number, kind: DomainKind): DomainEvent {
    // an event read back from the file is worth keeping: those kinds are few and re-reading is not free
    if (NEEDS_FIELDS.has(kind)) {
      const list = this.of(kind);
      const ids = this.idsOfKind.get(kind)!;
      const lo = lowerBound(ids, id);
      if (ids[lo] === id) return list[lo];
    }
    return this.read.make(id, kind);
  }

  private ofTaskIds(kind: DomainKind, pid: number): Ids {
    let byPid = this.idsOfKindAndPid.get(kind);
    if (!byPid) {
      byPid = this.splitByTask(this.idsOfKind.get(kind) ?? NO_IDS);
      this.idsOfKindAndPid.set(kind, byPid);
    }
    return byPid.get(pid) ?? NO_IDS;
  }

  /**
   * A kind's ids split by task, each task's list sized from a count first (no outgrown copies). A task's events
   * come in runs (a migration's PTE lines): its entry is looked up once a run.
   */
  private splitByTask(ids: Ids): Map<number, Ids> {
    const pids = new Int32Array(ids.length);
    const counts = new Map<number, number>();
    let lastPid = NaN;
    let run = 0;
    for (let i = 0; i < ids.length; i++) {
      const pid = (pids[i] = this.read.pid(ids[i]));
      if (pid !== lastPid) {
        if (run > 0) counts.set(lastPid, (counts.get(lastPid) ?? 0) + run);
        lastPid = pid;
        run = 0;
      }
      run++;
    }
    if (run > 0) counts.set(lastPid, (counts.get(lastPid) ?? 0) + run);
    const byPid = new Map<number, Ids>();
    const filled = new Map<number, number>();
    for (const [pid, n] of counts) {
      byPid.set(pid, new Int32Array(n));
      filled.set(pid, 0);
    }
    let list = NO_IDS;
    let at = 0;
    lastPid = NaN;
    for (let i = 0; i < ids.length; i++) {
      const pid = pids[i];
      if (pid !== lastPid) {
        if (!Number.isNaN(lastPid)) filled.set(lastPid, at);
        lastPid = pid;
        list = byPid.get(pid)!;
        at = filled.get(pid)!;
      }
      list[at++] = ids[i];
    }
    return byPid;
  }

  /** Events of one kind whose timestamp lies in [fromTs, toTs]. */
  inWindow(kind: DomainKind, fromTs: number, toTs: number): DomainEvent[] {
    return this.window(this.idsOfKind.get(kind) ?? NO_IDS, kind, fromTs, toTs);
  }

  /** One task's events of one kind in [fromTs, toTs]: costs that task's events only. */
  inWindowOfTask(kind: DomainKind, pid: number, fromTs: number, toTs: number): DomainEvent[] {
    return this.window(this.ofTaskIds(kind, pid), kind, fromTs, toTs);
  }

  /**
   * Ids of one task's events of one kind from the first at or after fromTs to the task's last, for callers that
   * read columns, not objects, and stop at the end of their window themselves (each time is then read once, not
   * once to find the window's end and again by the caller): a view of the task's list, not a copy (the page-state
   * replay asks once per migration).
   */
  idsFromOfTask(kind: DomainKind, pid: number, fromTs: number): Ids {
    const ids = this.ofTaskIds(kind, pid);
    return ids.subarray(firstAtOrAfter(ids, fromTs, this.read.ts));
  }

  /** Ids of a kind's events in [fromTs, toTs], a view (for callers that read columns, not objects). */
  idsInWindow(kind: DomainKind, fromTs: number, toTs: number): Ids {
    return this.idsInWindowOf(this.idsOfKind.get(kind) ?? NO_IDS, fromTs, toTs);
  }

  private idsInWindowOf(ids: Ids, fromTs: number, toTs: number): Ids {
    const ts = this.read.ts;
    const lo = firstAtOrAfter(ids, fromTs, ts);
    let hi = lo;
    while (hi < ids.length && ts(ids[hi]) <= toTs) hi++;
    return ids.subarray(lo, hi);
  }

  /** The DomainEvent of a fact id when the model has no columns (undefined with columns). */
  kept(id: number): DomainEvent | undefined {
    return this.keptEvents.get(id);
  }

  private window(ids: Ids, kind: DomainKind, fromTs: number, toTs: number): DomainEvent[] {
    const out: DomainEvent[] = [];
    const ts = this.read.ts;
    for (let i = firstAtOrAfter(ids, fromTs, ts); i < ids.length && ts(ids[i]) <= toTs; i++) out.push(this.event(ids[i], kind));
    return out;
  }

  /**
   * Whether an event of `kind` in [fromTs, toTs] by a task of `as` touched [start, end) (its address inside, or
   * its range overlapping). Read from the columns: no object per event of a long window.
   */
  touches(kind: DomainKind, as: AddressSpace, start: number, end: number, fromTs: number, toTs: number, cols: ColumnAccess | undefined): boolean {
    const ids = this.idsOfKind.get(kind);
    if (!ids) return false;
    const ts = this.read.ts;
    for (let i = firstAtOrAfter(ids, fromTs, ts); i < ids.length && ts(ids[i]) <= toTs; i++) {
      const id = ids[i];
      if (cols) {
        // the store has an address or a range, never both: the range (a new pair) is read only for range events
        if (cols.asOf(cols.store.pid.get(id)) !== as) continue;
        const addr = cols.store.addrOf(id);
        if (addr !== undefined) {
          if (addr >= start && addr < end) return true;
          continue;
        }
        const range = cols.store.rangeOf(id);
        if (range !== undefined && range[0] < end && start < range[1]) return true;
        continue;
      }
      const ev = this.keptEvents.get(id)!;
      if (ev.as !== as) continue;
      if (ev.addr !== undefined && ev.addr >= start && ev.addr < end) return true;
      if (ev.start !== undefined && ev.end !== undefined && ev.start < end && start < ev.end) return true;
    }
    return false;
  }

  /**
   * The task's first event of `kinds` after event `afterId`: the least id after it among the kinds' events of that
   * task. Each kind's list is walked from afterId, only up to the best id found so far (the caller names the
   * nearest kind first: a wait's own return, a call's own return), so most kinds cost a few steps; a kind whose
   * walk runs long takes the task's own list of it instead (split on first use). Splitting every kind by task
   * up front (the 90k cpu faults of the 256 MiB bench) cost more than the 1.9k questions asked of them.
   */
  nextOfTask(pid: number, afterId: number, kinds: readonly DomainKind[]): DomainEvent | undefined {
    let best = Infinity;
    let bestKind: DomainKind | undefined;
    for (const kind of kinds) {
      const ids = this.idsOfKind.get(kind) ?? NO_IDS;
      let i = lowerBound(ids, afterId, true);
      for (let steps = 0; i < ids.length && ids[i] < best; i++, steps++) {
        if (steps === NEXT_WALK) {
          const own = this.ofTaskIds(kind, pid);
          const j = lowerBound(own, afterId, true);
          if (j < own.length && own[j] < best) {
            best = own[j];
            bestKind = kind;
          }
          break;
        }
        if (this.read.pid(ids[i]) === pid) {
          best = ids[i];
          bestKind = kind;
          break;
        }
      }
    }
    return bestKind === undefined ? undefined : this.event(best, bestKind);
  }
}
