/**
 * Facts the rules share, derived once per analysis from the model: the events of the kinds detectors read
 * (faults, waits, exclusive conversions, THP splits, page-table changes, syscalls) by kind, task and time
 * (factEvents.ts), the migration/invalidation record index (records.ts) and the TLB flushes (tlbFlushes.ts).
 *
 * Only the kinds below are kept, as event ids, so memory stays proportional to HMM activity, not to the trace
 * size. With the columnar store (liteEvent.ts) one pass over the kind column finds them; any other model is
 * read through model.event().
 */

import type { AddressSpace, DomainEvent, DomainKind, InvalidationRecord, MigrationRecord, TraceModel } from '../model/types';
import { FactEvents, type RawText } from './factEvents';
import { columnsOf, liteEvent, type ColumnAccess, type FactEvent } from './liteEvent';
import { RecordIndex, windowEnd } from './records';
import { TlbFlushes } from './tlbFlushes';

export type { FactEvent } from './liteEvent';

/** Whether a printed PTE value (hex without 0x, as `remove_migration_pte` prints it) is present (x86 _PAGE_PRESENT, bit 0). */
export function ptePresent(pte: string | undefined): boolean | undefined {
  if (pte === undefined) return undefined;
  const s = pte.trim().replace(/^0x/i, '');
  if (!/^[0-9a-f]+$/i.test(s)) return undefined;
  return (parseInt(s.slice(-1), 16) & 1) === 1;
}

/** Function-tracer events are kept only when they are device-side invalidation work (see ownership.ts). */
const WORK_FUNCTION = /^(nouveau_svmm_invalidate|nouveau_pfns_clear|svm_range_evict|svm_range_unmap_from_gpus|amdgpu_vm_update_range|xe_svm_range_notifier_event_begin|xe_vm_range_tilemask_tlb_inval|xe_gt_tlb_invalidation_range|drm_gpusvm_notifier_invalidate|dmirror_do_update)\b/;

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
];

export class Facts {
  /** Address space of each task seen in the records or facts (tlb_flush and syscalls carry no mm). */
  readonly asOfPid = new Map<number, AddressSpace>();
  readonly records: RecordIndex;
  /** Whether any driver invalidate callback was captured (so "no callback" means "no mirror"). */
  readonly callbacksCaptured: boolean;
  /** Whether move-mapping returns were captured at all (even if none failed). */
  moveReturnsSeen = false;
  private driverCallbackSeen = false;
  private readonly events: FactEvents;
  private readonly tlb: TlbFlushes;
  /** Events materialised for evidence lookups: the model's event() is not free. */
  private readonly cache = new Map<number, DomainEvent>();
  private readonly cols: ColumnAccess | undefined;

  constructor(readonly model: TraceModel) {
    this.cols = columnsOf(model);
    const cols = this.cols;
    this.events = new FactEvents(model, cols);
    const wanted = new Set<DomainKind>(FACT_KINDS);
    if (cols) {
      const counts = this.countColumns(cols, wanted);
      this.tlb = new TlbFlushes(counts.get('tlb-flush') ?? 0);
      for (const [kind, n] of counts) if (kind !== 'tlb-flush') this.events.reserve(kind, n);
      this.collectColumns(cols, wanted);
    } else {
      this.tlb = new TlbFlushes();
      for (let id = 0; id < model.eventCount; id++) {
        const ev = model.event(id);
        if (!wanted.has(ev.kind) || !this.keep(ev.kind, ev.func ?? ev.name, ev.ret)) continue;
        if (ev.kind === 'tlb-flush') {
          this.tlb.add(ev.ts, ev.as);
          continue;
        }
        this.events.add(id, ev.kind, ev);
        if (!this.asOfPid.has(ev.pid)) this.asOfPid.set(ev.pid, ev.as);
      }
    }
    this.events.seal();
    this.records = new RecordIndex(model.migrations, model.invalidations);
    // indexed loops: run once, a for-of here allocates an iterator result per record (see records.ts)
    const ms = this.records.migrations;
    for (let i = 0; i < ms.length; i++) if (!this.asOfPid.has(ms[i].pid)) this.asOfPid.set(ms[i].pid, ms[i].as);
    const invs = this.records.invalidations;
    for (let i = 0; i < invs.length; i++) if (!this.asOfPid.has(invs[i].pid)) this.asOfPid.set(invs[i].pid, invs[i].as);
    this.callbacksCaptured = this.driverCallbackSeen || this.records.anyCallback;
  }

  /**
   * How many events of each fact kind the kind column holds (kept or not): the lists are sized from these, not
   * grown (see IdList in factEvents.ts). Counting costs one read of the kind column per event (~11 ms for the
   * 1.5M events of the 256 MiB bench); growing the lists allocated ~5× what they keep.
   */
  private countColumns(cols: ColumnAccess, wanted: ReadonlySet<DomainKind>): Map<DomainKind, number> {
    const st = cols.store;
    let perCode = new Int32Array(64);
    // the first event of each code, which names its kind
    const firstOf: number[] = [];
    const n = this.model.eventCount;
    for (let id = 0; id < n; id++) {
      const code = st.kind.get(id);
      if (code >= perCode.length) {
        const grown = new Int32Array(2 * code + 1);
        grown.set(perCode);
        perCode = grown;
      }
      if (perCode[code]++ === 0) firstOf[code] = id;
    }
    const counts = new Map<DomainKind, number>();
    for (let code = 0; code < perCode.length; code++) {
      if (perCode[code] === 0) continue;
      const kind = st.kindOf(firstOf[code]);
      if (wanted.has(kind)) counts.set(kind, perCode[code]);
    }
    return counts;
  }

  /**
   * One pass over the kind column (1.5M events at 256 MiB, ~600k of them kept). A kind code is named and judged
   * once, on first sight; a function name is read only for the kinds keep() judges by it.
   */
  private collectColumns(cols: ColumnAccess, wanted: ReadonlySet<DomainKind>): void {
    const st = cols.store;
    // per kind code: the kind when it is a fact kind, null when not, undefined when not seen yet; its id list; and
    // whether keep() must judge each event (the others are always kept: one branch, no calls, per event)
    const kindOfCode: (DomainKind | null | undefined)[] = [];
    const listOfCode: { push(id: number): void }[] = [];
    const judgedOfCode: boolean[] = [];
    const n = this.model.eventCount;
    // the last task's address space: a task's mm is fixed for the model, and runs of one task's events are common
    // (the 202k tlb_flush lines of the 256 MiB bench asked the model for it one by one)
    let lastPid = NaN;
    let lastAs: AddressSpace = 0;
    let lastKnown = false;
    for (let id = 0; id < n; id++) {
      const code = st.kind.get(id);
      let kind = kindOfCode[code];
      if (kind === undefined) {
        const k = st.kindOf(id);
        kind = kindOfCode[code] = wanted.has(k) ? k : null;
        if (kind !== null) {
          if (kind !== 'tlb-flush') listOfCode[code] = this.events.collector(kind);
          judgedOfCode[code] = kind === 'function' || kind === 'driver-invalidate' || kind === 'move-mapping-ret';
        }
      }
      if (kind === null) continue;
      // no closure over `id` here: it would give every iteration of this loop (every event) its own context
      if (judgedOfCode[code]) {
        const func = kind === 'function' || kind === 'driver-invalidate' ? st.funcOf(id) : undefined;
        if (!this.keep(kind, func, kind === 'move-mapping-ret' ? st.retOf(id) : undefined)) continue;
      }
      const pid = st.pid.get(id);
      if (pid !== lastPid) {
        lastPid = pid;
        lastAs = cols.asOf(pid);
        lastKnown = this.asOfPid.has(pid);
      }
      if (kind === 'tlb-flush') {
        this.tlb.add(st.ts.get(id), lastAs);
        continue;
      }
      listOfCode[code].push(id);
      if (!lastKnown) {
        this.asOfPid.set(pid, lastAs);
        lastKnown = true;
      }
    }
  }

  /**
   * Which fact events are worth keeping. Driver callbacks are already attached to the invalidation records
   * when the notifier hook was captured, so only device-side work (and driver-log ranges without records) is
   * kept; move-mapping returns matter only when they failed (-EAGAIN). `ret` is read for move-mapping returns only.
   */
  private keep(kind: DomainKind, func: string | undefined, ret: number | undefined): boolean {
    if (kind === 'function') return WORK_FUNCTION.test(func ?? '');
    if (kind === 'driver-invalidate') {
      this.driverCallbackSeen = true;
      return this.model.invalidations.length === 0 || WORK_FUNCTION.test(func ?? '');
    }
    if (kind === 'move-mapping-ret') {
      this.moveReturnsSeen = true;
      return ret === -11;
    }
    return true;
  }

  // ---- records (records.ts) ----

  get migrations(): readonly MigrationRecord[] {
    return this.records.migrations;
  }
  get invalidations(): readonly InvalidationRecord[] {
    return this.records.invalidations;
  }
  migrationOfId(id: number): MigrationRecord | undefined {
    return this.records.migrationOfId(id);
  }
  invalidationsOfMigration(id: number): InvalidationRecord[] | undefined {
    return this.records.invalidationsOfMigration(id);
  }
  get driverOwners(): ReadonlySet<string> {
    return this.records.driverOwners;
  }
  get maxWindowNs(): number {
    return this.records.maxWindowNs;
  }
  migrationsOverlapping(fromTs: number, toTs: number): MigrationRecord[] {
    return this.records.migrationsOverlapping(fromTs, toTs);
  }
  invalidationsBetween(fromTs: number, toTs: number): InvalidationRecord[] {
    return this.records.invalidationsBetween(fromTs, toTs);
  }
  migrationOfTaskAt(pid: number, ts: number): MigrationRecord | undefined {
    return this.records.migrationOfTaskAt(pid, ts);
  }
  openMigrationAt(as: AddressSpace, addr: number, ts: number, opts: { pid?: number; excludePid?: number } = {}): MigrationRecord | undefined {
    return this.records.openMigrationAt(as, addr, ts, opts);
  }
  /** End of a migration's window: finalize, else setup's return, else setup itself. */
  static windowEnd(m: MigrationRecord): number {
    return windowEnd(m);
  }

  // ---- TLB flushes (tlbFlushes.ts) ----

  /** Whether a task of `as` flushed its TLB in [fromTs, toTs]. */
  tlbFlushed(as: AddressSpace, fromTs: number, toTs: number): boolean {
    return this.tlb.flushed(as, fromTs, toTs);
  }
  get tlbFlushCount(): number {
    return this.tlb.count;
  }

  // ---- fact events ----

  get eventCount(): number {
    return this.model.eventCount;
  }

  /** model.event(id) (a LiteEvent with the columnar store), remembered. */
  event(id: number): DomainEvent {
    let ev = this.cache.get(id);
    if (!ev) {
      ev = this.cols ? liteEvent(this.cols, id, this.cols.store.kindOf(id)) : this.model.event(id);
      this.cache.set(id, ev);
    }
    return ev;
  }

  /** An event's timestamp, from the ts column when there is one (no object, nothing remembered). */
  tsOf(id: number): number {
    return this.cols ? this.cols.store.ts.get(id) : this.event(id).ts;
  }

  /** An event's trace line, from the line column when there is one (evidence lines of every finding). */
  lineOf(id: number): number {
    return this.cols ? this.cols.store.line.get(id) : this.event(id).line;
  }

  /** An event's task, from the pid column when there is one. */
  pidOf(id: number): number {
    return this.cols ? this.cols.store.pid.get(id) : this.event(id).pid;
  }

  /** An event's task name ('' when none), as LiteEvent.comm reads it. */
  commOf(id: number): string {
    return this.cols ? (this.cols.store.str(this.cols.store.comm, id) ?? '') : this.event(id).comm;
  }

  /** The address space of an event's task. */
  asOf(id: number): AddressSpace {
    return this.cols ? this.cols.asOf(this.cols.store.pid.get(id)) : this.event(id).as;
  }

  /** A number standing for an event's printed name (the store's interned name), -1 without columns. */
  nameKeyOf(id: number): number {
    return this.cols ? this.cols.store.name.get(id) : -1;
  }

  /** An event's name as printed (`sys_enter_mprotect`, ...). */
  nameOf(id: number): string {
    return this.cols ? (this.cols.store.str(this.cols.store.name, id) ?? '') : this.event(id).name;
  }

  /** A fact event's raw fields and summary (see FactEvents.raw): parse what is needed, keep nothing. */
  rawOf(id: number, kind: DomainKind): RawText {
    return this.events.raw(id, kind);
  }

  /** A fact event's decoded return value (kretprobes), from the columns when there are some. */
  retOf(id: number): number | undefined {
    return this.cols ? this.cols.store.retOf(id) : this.event(id).ret;
  }

  /** A fact event's address, from the columns when there are some. */
  addrOf(id: number): number | undefined {
    return this.cols ? this.cols.store.addrOf(id) : this.events.kept(id)?.addr;
  }

  /**
   * Whether the PTE a remove_migration_pte/set_migration_pte line printed is present (bit 0: the page is in
   * system RAM), when the trace shows it: the model's decoded PTE, else the printed `pte=` field.
   */
  ptePresentOf(id: number): boolean | undefined {
    if (this.cols) {
      const pte = this.cols.store.pteKindOf(id);
      return pte === undefined ? undefined : pte === 'present';
    }
    const ev = this.events.kept(id) as FactEvent | undefined;
    return ptePresent(ev?.fields.pte) ?? ev?.ptePresent;
  }

  /**
   * Ids of one task's fact events of one kind from the first at or after fromTs on, in file order (read with
   * tsOf/addrOf/ptePresentOf; the caller stops at the first past its window), a view.
   */
  idsFromOfTask(kind: DomainKind, pid: number, fromTs: number): ArrayLike<number> {
    return this.events.idsFromOfTask(kind, pid, fromTs);
  }

  /** Ids of a kind's fact events in [fromTs, toTs] (read with tsOf/pidOf/retOf/...), a view. */
  idsInWindow(kind: DomainKind, fromTs: number, toTs: number): ArrayLike<number> {
    return this.events.idsInWindow(kind, fromTs, toTs);
  }

  /**
   * Ids of every fact event of a kind, in file order, for rules that scan a kind through tsOf/pidOf/addrOf/...:
   * of() builds an object per event, and a list a rule holds for its whole run outlives the young generation
   * (the 40k move-mapping returns and 34k migrate_to_ram entries of the 256 MiB bench: ~9 MB promoted).
   */
  idsOf(kind: DomainKind): ArrayLike<number> {
    return this.events.idsOf(kind);
  }

  /** Every fact event of a kind, in file order. */
  of(kind: DomainKind): readonly DomainEvent[] {
    return this.events.of(kind);
  }

  has(kind: DomainKind): boolean {
    return this.events.count(kind) > 0;
  }

  /** The task's first fact event of one of `kinds` strictly after event `afterId`. */
  nextOfTask(pid: number, afterId: number, kinds: readonly DomainKind[]): DomainEvent | undefined {
    return this.events.nextOfTask(pid, afterId, kinds);
  }

  /** Fact events of one kind whose timestamp lies in [fromTs, toTs]. */
  inWindow(kind: DomainKind, fromTs: number, toTs: number): DomainEvent[] {
    return this.events.inWindow(kind, fromTs, toTs);
  }

  /** One task's events of one kind in [fromTs, toTs]: a window cost proportional to that task's events only. */
  inWindowOfTask(kind: DomainKind, pid: number, fromTs: number, toTs: number): DomainEvent[] {
    return this.events.inWindowOfTask(kind, pid, fromTs, toTs);
  }

  /** Whether an event of `kind` in [fromTs, toTs] by a task of `as` touched [start, end) (address or range). */
  touches(kind: DomainKind, as: AddressSpace, start: number, end: number, fromTs: number, toTs: number): boolean {
    return this.events.touches(kind, as, start, end, fromTs, toTs, this.cols);
  }
}
