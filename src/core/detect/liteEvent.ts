/**
 * Fact events read straight from the columnar model's store. model.event() re-reads raw fields (from the file
 * for large traces) and builds a summary, which detectors do not need for most kinds: a LiteEvent carries the
 * few values every rule reads and fetches the rest from the columns on demand.
 */

import type { AddressSpace, DomainEvent, DomainKind, TraceModel } from '../model/types';

/** A fact event: a DomainEvent, plus whether a printed PTE is present when the model decoded it. */
export type FactEvent = DomainEvent & { ptePresent?: boolean };

interface Column {
  get(i: number): number;
}

/**
 * The store columns the detectors read. Checked structurally; any model without them (test fakes, a future
 * store) takes the model.event() path.
 */
export interface StoreColumns {
  kindOf(id: number): DomainKind;
  /** The kind as a small code (what kindOf() names). */
  kind: Column;
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
  pteKindOf(id: number): string | undefined;
}

export interface ColumnAccess {
  store: StoreColumns;
  asOf: (pid: number) => AddressSpace;
}

export function columnsOf(model: TraceModel): ColumnAccess | undefined {
  const m = model as { store?: Partial<StoreColumns>; asOf?: unknown };
  const st = m.store;
  if (!st || typeof m.asOf !== 'function') return undefined;
  const fns: (keyof StoreColumns)[] = ['kindOf', 'str', 'funcOf', 'addrOf', 'rangeOf', 'retOf', 'notifierOf', 'pteKindOf'];
  const cols: (keyof StoreColumns)[] = ['kind', 'ts', 'pid', 'line', 'offset', 'cpu', 'comm', 'name'];
  if (!fns.every((f) => typeof st[f] === 'function') || !cols.every((c) => typeof (st[c] as Column | undefined)?.get === 'function')) return undefined;
  const asOf = m.asOf as (pid: number) => AddressSpace;
  // the last task asked, remembered (the model's answer depends on the task alone): fact events and fault
  // attempts come in runs of one task, and the model's answer is three calls and a hashed lookup away
  let lastPid = NaN;
  let lastAs: AddressSpace = 0;
  return {
    store: st as StoreColumns,
    asOf: (pid) => {
      if (pid !== lastPid) {
        lastAs = asOf.call(model, pid);
        lastPid = pid;
      }
      return lastAs;
    },
  };
}

/** Shared by the lite events of kinds whose fields no rule reads (detectors never write fields). */
const NO_FIELDS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** Where a lite event's raw fields come from when a rule first reads them: the model, which reads the file. */
export type RawSource = Pick<TraceModel, 'event' | 'fieldsOf'>;

/**
 * An event's raw fields read back alone when the model can (fieldsOf): building the whole event made a quarter
 * of a read-back's cost (its summary, strings, ranges), read by no rule.
 */
export function readFields(source: RawSource, id: number): Record<string, string> {
  return source.fieldsOf ? source.fieldsOf(id) : source.event(id).fields;
}

/**
 * A fact event backed by the store: the fields every rule reads are own properties (set once, in one order, so
 * every LiteEvent shares one hidden class); line, comm, name, func, ... are read from the columns on demand, so a
 * trace with hundreds of thousands of fact events does not hold as many full DomainEvent objects. The raw fields
 * of the kinds that have some worth reading are read back from the file on first use only: an mm syscall costs
 * ~20 µs to read (16.8k of them took 340 ms of the 256 MiB bench's detection) and most are only placed in time.
 */
class LiteEvent implements FactEvent {
  addr: number | undefined;
  start: number | undefined;
  end: number | undefined;
  ret: number | undefined;
  ptePresent: boolean | undefined;
  private rawFields: Record<string, string> | undefined;

  constructor(
    private readonly store: StoreColumns,
    readonly id: number,
    readonly kind: DomainKind,
    readonly ts: number,
    readonly pid: number,
    readonly as: AddressSpace,
    private source: RawSource | undefined,
  ) {
    this.addr = store.addrOf(id);
    const r = store.rangeOf(id);
    this.start = r?.[0];
    this.end = r?.[1];
    this.ret = store.retOf(id);
    // remove_migration_pte / set_migration_pte print the PTE: present (bit 0) means the page is in system RAM
    const pte = kind === 'migration-pte-remove' || kind === 'migration-pte-set' ? store.pteKindOf(id) : undefined;
    this.ptePresent = pte === undefined ? undefined : pte === 'present';
    this.rawFields = undefined;
  }

  /**
   * The raw fields, read back once and copied: values cut out of the text read back from the file can keep that
   * whole read (up to 256 KiB with a stack) alive, and these events are kept for the whole analysis.
   */
  get fields(): Record<string, string> {
    if (this.rawFields === undefined)
      this.rawFields = this.source ? (JSON.parse(JSON.stringify(readFields(this.source, this.id))) as Record<string, string>) : NO_FIELDS;
    return this.rawFields;
  }
  /** Read by no rule: made whole by the model when asked, not kept. */
  get summary(): string {
    return this.source ? this.source.event(this.id).summary : '';
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

/**
 * A lite event of the columns; with `source`, its raw fields are read back from it the first time a rule reads
 * them, its summary on each read (else it has none).
 */
export function liteEvent(cols: ColumnAccess, id: number, kind: DomainKind, source?: RawSource): FactEvent {
  const pid = cols.store.pid.get(id);
  return new LiteEvent(cols.store, id, kind, cols.store.ts.get(id), pid, cols.asOf(pid), source);
}
