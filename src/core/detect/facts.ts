/**
 * Facts the rules share, derived once per analysis from the model: the events of the kinds detectors read
 * (faults, waits, exclusive conversions, THP splits, page-table changes, syscalls), indexed by task and time.
 *
 * Only the kinds below are kept, so memory stays proportional to HMM activity, not to the trace size. When the
 * model offers `eventIdsOfKind` (see KindIndexedModel) no full scan is needed; otherwise one linear pass
 * materialises each event once.
 */

import type { AddressSpace, DomainEvent, DomainKind, InvalidationRecord, MigrationRecord, TraceModel } from '../model/types';
import { ownerIsNull } from './util';

/** Optional model capability: ids of the events of one kind, in file order. */
export interface KindIndexedModel extends TraceModel {
  eventIdsOfKind(kind: DomainKind): ArrayLike<number>;
}

function hasKindIndex(model: TraceModel): model is KindIndexedModel {
  return typeof (model as Partial<KindIndexedModel>).eventIdsOfKind === 'function';
}

/** A fact event: a DomainEvent, plus whether a printed PTE is present when the model decoded it. */
export type FactEvent = DomainEvent & { ptePresent?: boolean };

interface Column {
  get(i: number): number;
}

/**
 * The columnar model's store, read directly for fact events: model.event() re-reads raw fields (from the file
 * for large traces) and builds a summary, which detectors do not need for most kinds. Checked structurally; any
 * model without it takes the model.event() path.
 */
interface StoreColumns {
  kindOf(id: number): DomainKind;
  ts: Column;
  pid: Column;
  line: Column;
  offset: Column;
  cpu: Column;
  comm: Column;
  name: Column;
  str(col: Column, id: number): string | undefined;
  funcOf(id: number): string | undefined;
  addrOf(id: number): number | undefined;
  rangeOf(id: number): [number, number] | undefined;
  retOf(id: number): number | undefined;
  notifierOf(id: number): DomainEvent['notifierEvent'];
  pteOf(id: number): { kind: string } | undefined;
}

function storeOf(model: TraceModel): { store: StoreColumns; asOf: (pid: number) => AddressSpace } | undefined {
  const m = model as { store?: Partial<StoreColumns>; asOf?: unknown };
  const st = m.store;
  if (!st || typeof m.asOf !== 'function') return undefined;
  const fns: (keyof StoreColumns)[] = ['kindOf', 'str', 'funcOf', 'addrOf', 'rangeOf', 'retOf', 'notifierOf', 'pteOf'];
  const cols: (keyof StoreColumns)[] = ['ts', 'pid', 'line', 'offset', 'cpu', 'comm', 'name'];
  if (!fns.every((f) => typeof st[f] === 'function') || !cols.every((c) => typeof (st[c] as Column | undefined)?.get === 'function')) return undefined;
  const asOf = m.asOf as (pid: number) => AddressSpace;
  return { store: st as StoreColumns, asOf: (pid) => asOf.call(model, pid) };
}

/** Kinds whose raw fields the detectors read (split freeze, syscall arguments): these go through model.event(). */
const NEEDS_FIELDS = new Set<DomainKind>(['thp-split', 'syscall', 'syscall-ret']);

/** Function-tracer events are kept only when they are device-side invalidation work (see ownership.ts). */
const WORK_FUNCTION = /^(nouveau_svmm_invalidate|nouveau_pfns_clear|svm_range_evict|svm_range_unmap_from_gpus|amdgpu_vm_update_range|xe_svm_range_notifier_event_begin|xe_vm_range_tilemask_tlb_inval|xe_gt_tlb_invalidation_range|drm_gpusvm_notifier_invalidate|dmirror_do_update)\b/;

/** Shared by every lite event: detectors never write fields, and most kinds have none they read. */
const NO_FIELDS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * A fact event backed by the store: the fields every rule reads are own properties (set once, monomorphic);
 * the rest (line, comm, name, func, ...) are read from the columns on demand, so a trace with millions of fact
 * events does not hold millions of full DomainEvent objects.
 */
class LiteEvent implements FactEvent {
  addr?: number;
  start?: number;
  end?: number;
  ret?: number;
  ptePresent?: boolean;

  constructor(
    private readonly store: StoreColumns,
    readonly id: number,
    readonly kind: DomainKind,
    readonly ts: number,
    readonly pid: number,
    readonly as: AddressSpace,
  ) {}

  get fields(): Record<string, string> {
    return NO_FIELDS;
  }
  get summary(): string {
    return '';
  }
  get rawKind(): DomainEvent['rawKind'] {
    return 'kprobe';
  }
  get line(): number {
    return this.store.line.get(this.id);
  }
  get offset(): number {
    return this.store.offset.get(this.id);
  }
  get cpu(): number {
    return this.store.cpu.get(this.id);
  }
  get comm(): string {
    return this.store.str(this.store.comm, this.id) ?? '';
  }
  get name(): string {
    return this.store.str(this.store.name, this.id) ?? '';
  }
  get func(): string | undefined {
    return this.store.funcOf(this.id);
  }
  get notifierEvent(): DomainEvent['notifierEvent'] {
    return this.store.notifierOf(this.id);
  }
}

function lite(store: StoreColumns, asOf: (pid: number) => AddressSpace, id: number, kind: DomainKind): FactEvent {
  const pid = store.pid.get(id);
  const ev = new LiteEvent(store, id, kind, store.ts.get(id), pid, asOf(pid));
  const addr = store.addrOf(id);
  const r = store.rangeOf(id);
  const ret = store.retOf(id);
  // assigned in one order for every event so all LiteEvents share one hidden class
  ev.addr = addr;
  ev.start = r?.[0];
  ev.end = r?.[1];
  ev.ret = ret;
  const pte = kind === 'migration-pte-remove' || kind === 'migration-pte-set' ? store.pteOf(id) : undefined;
  ev.ptePresent = pte ? pte.kind === 'present' : undefined;
  return ev;
}

/** Kinds the detectors read directly (records cover migrations and invalidations). */
export const FACT_KINDS: readonly DomainKind[] = [
  'cpu-fault',
  'swap-fault',
  'swap-fault-ret',
  'migrate-to-ram',
  'device-fault',
  'migration-wait',
  'exclusive-make',
  'exclusive-make-ret',
  'exclusive-one',
  'exclusive-restore',
  'thp-split',
  'thp-split-ret',
  'migration-pte-set',
  'migration-pte-remove',
  'migration-pmd-set',
  'migration-pmd-remove',
  'move-mapping-ret',
  'tlb-flush',
  'change-protection-ret',
  'syscall',
  'syscall-ret',
  'unmap',
  'driver-invalidate',
  'function',
]

export class Facts {
  readonly byKind = new Map<DomainKind, DomainEvent[]>();
  /** Every fact event of a task, in file order (for "what did this task do next"). */
  private readonly byPid = new Map<number, DomainEvent[]>();
  /** Address space of each task seen in the records or facts (tlb_flush and syscalls carry no mm). */
  readonly asOfPid = new Map<number, AddressSpace>();
  /** Pgmap owners drivers used for their own migrations (MIGRATE owner filtering compares with these). */
  readonly driverOwners = new Set<string>();
  /** Migrations sorted by setup time, and the end of each one's window. */
  readonly migrations: readonly MigrationRecord[];
  readonly invalidations: readonly InvalidationRecord[];
  readonly migrationById = new Map<number, MigrationRecord>();
  /** Longest migration window, bounding how far back an overlapping migration can start. */
  readonly maxWindowNs: number;
  /** Invalidation records tied to each migration (the model's migrationId). */
  readonly invalidationsOfMigration = new Map<number, InvalidationRecord[]>();
  /** Whether any driver invalidate callback was captured (so "no callback" means "no mirror"). */
  readonly callbacksCaptured: boolean;
  private readonly migrationsOfPid = new Map<number, MigrationRecord[]>();
  /**
   * tlb_flush events (often the most frequent line of a trace) kept as two parallel arrays, not objects: the
   * detectors only ask "did a task of this mm flush in this window". In file order.
   */
  private readonly tlbTs: number[] = [];
  private readonly tlbAs: AddressSpace[] = [];
  /** Events materialised so far (fact events, evidence lookups): the model's event() is not free. */
  private readonly cache = new Map<number, DomainEvent>();
  private cols: ReturnType<typeof storeOf>;

  constructor(readonly model: TraceModel) {
    const wanted = new Set<DomainKind>(FACT_KINDS);
    const add = (ev: DomainEvent) => {
      let list = this.byKind.get(ev.kind);
      if (!list) this.byKind.set(ev.kind, (list = []));
      list.push(ev);
      let mine = this.byPid.get(ev.pid);
      if (!mine) this.byPid.set(ev.pid, (mine = []));
      mine.push(ev);
      if (!this.asOfPid.has(ev.pid)) this.asOfPid.set(ev.pid, ev.as);
    };
    if (hasKindIndex(model)) {
      const all: DomainEvent[] = [];
      for (const k of FACT_KINDS) {
        const ids = model.eventIdsOfKind(k);
        for (let i = 0; i < ids.length; i++) all.push(model.event(ids[i]));
      }
      all.sort((a, b) => a.id - b.id);
      for (const ev of all) {
        if (!this.keep(ev.kind, ev.func ?? ev.name, () => ev.ret)) continue;
        if (ev.kind === 'tlb-flush') {
          this.tlbTs.push(ev.ts);
          this.tlbAs.push(ev.as);
        } else add(ev);
      }
    } else {
      const cols = storeOf(model);
      this.cols = cols;
      for (let id = 0; id < model.eventCount; id++) {
        if (cols) {
          const kind = cols.store.kindOf(id);
          if (!wanted.has(kind)) continue;
          if (!this.keep(kind, cols.store.funcOf(id), () => cols.store.retOf(id))) continue;
          if (kind === 'tlb-flush') {
            this.tlbTs.push(cols.store.ts.get(id));
            this.tlbAs.push(cols.asOf(cols.store.pid.get(id)));
            continue;
          }
          add(NEEDS_FIELDS.has(kind) ? model.event(id) : lite(cols.store, cols.asOf, id, kind));
        } else {
          const ev = model.event(id);
          if (!wanted.has(ev.kind) || !this.keep(ev.kind, ev.func ?? ev.name, () => ev.ret)) continue;
          if (ev.kind === 'tlb-flush') {
            this.tlbTs.push(ev.ts);
            this.tlbAs.push(ev.as);
            continue;
          }
          add(ev);
        }
      }
    }
    this.migrations = [...model.migrations].sort((a, b) => a.setupTs - b.setupTs || a.id - b.id);
    this.invalidations = [...model.invalidations].sort((a, b) => a.startTs - b.startTs || a.id - b.id);
    for (const m of this.migrations) {
      if (!this.asOfPid.has(m.pid)) this.asOfPid.set(m.pid, m.as);
      if (m.pgmapOwner !== undefined && !ownerIsNull(m.pgmapOwner)) this.driverOwners.add(m.pgmapOwner);
    }
    for (const r of this.invalidations) if (!this.asOfPid.has(r.pid)) this.asOfPid.set(r.pid, r.as);
    let maxWindow = 0;
    for (const m of this.migrations) {
      this.migrationById.set(m.id, m);
      maxWindow = Math.max(maxWindow, Facts.windowEnd(m) - m.setupTs);
      let l = this.migrationsOfPid.get(m.pid);
      if (!l) this.migrationsOfPid.set(m.pid, (l = []));
      l.push(m);
    }
    this.maxWindowNs = maxWindow;
    let cb = this.driverCallbackSeen;
    for (const r of this.invalidations) {
      if (r.callbacks.length > 0) cb = true;
      if (r.migrationId === undefined) continue;
      let l = this.invalidationsOfMigration.get(r.migrationId);
      if (!l) this.invalidationsOfMigration.set(r.migrationId, (l = []));
      l.push(r);
    }
    this.callbacksCaptured = cb;
  }

  /** Index of the first migration whose setup is at or after ts. */
  private migrationIndexAt(ts: number): number {
    let lo = 0;
    let hi = this.migrations.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.migrations[mid].setupTs < ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Migrations whose windows overlap [fromTs, toTs], in setup order. */
  migrationsOverlapping(fromTs: number, toTs: number): MigrationRecord[] {
    const out: MigrationRecord[] = [];
    for (let i = this.migrationIndexAt(fromTs - this.maxWindowNs); i < this.migrations.length; i++) {
      const m = this.migrations[i];
      if (m.setupTs > toTs) break;
      if (Facts.windowEnd(m) >= fromTs) out.push(m);
    }
    return out;
  }

  /** Invalidations that start in (fromTs, toTs). */
  invalidationsBetween(fromTs: number, toTs: number): InvalidationRecord[] {
    const list = this.invalidations;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].startTs <= fromTs) lo = mid + 1;
      else hi = mid;
    }
    const out: InvalidationRecord[] = [];
    for (let i = lo; i < list.length && list[i].startTs < toTs; i++) out.push(list[i]);
    return out;
  }

  /** The task's migration whose window contains ts. */
  migrationOfTaskAt(pid: number, ts: number): MigrationRecord | undefined {
    const l = this.migrationsOfPid.get(pid);
    if (!l) return undefined;
    let lo = 0;
    let hi = l.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (l[mid].setupTs <= ts) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo - 1; i >= 0 && i >= lo - 4; i--) if (Facts.windowEnd(l[i]) >= ts) return l[i];
    return undefined;
  }

  get eventCount(): number {
    return this.model.eventCount;
  }

  /** model.event(id), remembered. */
  event(id: number): DomainEvent {
    let ev = this.cache.get(id);
    if (!ev) {
      ev = this.cols ? lite(this.cols.store, this.cols.asOf, id, this.cols.store.kindOf(id)) : this.model.event(id);
      this.cache.set(id, ev);
    }
    return ev;
  }

  /** Whether a task of `as` flushed its TLB in [fromTs, toTs]. */
  tlbFlushed(as: AddressSpace, fromTs: number, toTs: number): boolean {
    const ts = this.tlbTs;
    let lo = 0;
    let hi = ts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ts[mid] < fromTs) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < ts.length && ts[i] <= toTs; i++) if (this.tlbAs[i] === as) return true;
    return false;
  }

  get tlbFlushCount(): number {
    return this.tlbTs.length;
  }

  /**
   * Which fact events are worth an object. Driver callbacks are already attached to the invalidation records
   * when the notifier hook was captured, so only device-side work (and driver-log ranges without records) is
   * kept; move-mapping returns matter only when they failed (-EAGAIN).
   */
  private keep(kind: DomainKind, func: string | undefined, ret: () => number | undefined): boolean {
    if (kind === 'function') return WORK_FUNCTION.test(func ?? '');
    if (kind === 'driver-invalidate') {
      this.driverCallbackSeen = true;
      return this.model.invalidations.length === 0 || WORK_FUNCTION.test(func ?? '');
    }
    if (kind === 'move-mapping-ret') {
      this.moveReturnsSeen = true;
      return ret() === -11;
    }
    return true;
  }

  /** Whether move-mapping returns were captured at all (even if none failed). */
  moveReturnsSeen = false;
  private driverCallbackSeen = false;

  of(kind: DomainKind): readonly DomainEvent[] {
    return this.byKind.get(kind) ?? [];
  }

  has(kind: DomainKind): boolean {
    return (this.byKind.get(kind)?.length ?? 0) > 0;
  }

  /** Fact events of a task strictly after `ts` (or after event id `afterId` at equal ts), first `kind` match. */
  nextOfTask(pid: number, afterId: number, kinds: readonly DomainKind[], untilTs = Infinity): DomainEvent | undefined {
    const list = this.byPid.get(pid);
    if (!list) return undefined;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].id <= afterId) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < list.length; i++) {
      const ev = list[i];
      if (ev.ts > untilTs) return undefined;
      if (kinds.includes(ev.kind)) return ev;
    }
    return undefined;
  }

  /** Fact events of the given kinds whose timestamp lies in [fromTs, toTs] (binary search on the kind list). */
  inWindow(kind: DomainKind, fromTs: number, toTs: number): DomainEvent[] {
    const list = this.of(kind);
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].ts < fromTs) lo = mid + 1;
      else hi = mid;
    }
    const out: DomainEvent[] = [];
    for (let i = lo; i < list.length && list[i].ts <= toTs; i++) out.push(list[i]);
    return out;
  }

  /** End of a migration's window: finalize, else setup's return, else setup itself. */
  static windowEnd(m: MigrationRecord): number {
    return m.finalizeTs ?? m.setupRetTs ?? m.setupTs;
  }

  /** Migration of `as` whose window (of task `pid` / not of `excludePid` when given) contains ts and whose range contains addr. */
  openMigrationAt(as: AddressSpace, addr: number, ts: number, opts: { pid?: number; excludePid?: number } = {}): MigrationRecord | undefined {
    let found: MigrationRecord | undefined;
    for (const m of this.migrationsOverlapping(ts, ts)) {
      if (m.as !== as || (opts.pid !== undefined && m.pid !== opts.pid) || m.pid === opts.excludePid) continue;
      if (addr < m.start || addr >= m.end) continue;
      if (Facts.windowEnd(m) >= ts) found = m;
    }
    return found;
  }
}
