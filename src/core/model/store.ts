/**
 * The columnar event store: one typed-array column per attribute, strings interned, rare attributes in a
 * side table. An event id is its index in file order. Raw fields and stacks are kept only when the model is
 * built with `keepFields` (small traces, trace.dat); otherwise DomainEvent.fields are re-read from the file's
 * line on demand (see fieldsFromFile.ts).
 */

import type { RawEvent } from '../ingest/types';
import type { DecodedEvent } from '../decode/decoder';
import { decodePte, type DecodedPte, type PteKind } from '../decode/pte';
import { canonicalOrigin, type OriginResult } from '../decode/origin';
import type { EventExtra } from './eventExtra';
import { ExtraTable } from './extraTable';
import { EventTypes } from './eventTypes';
import { TaskTable } from './tasks';

import { extraRef } from './eventExtra';
export { type EventExtra, extraOf } from './eventExtra';
import type { DomainKind, NotifierEvent } from './types';
import { addresses, type Column, ids, lineCounts, lines, rare, reviveColumn, offsets, rangeEnds, small, sparseIds, StringTable, times } from './columns';
import { DOMAIN_KINDS } from './kinds';
import { NOTIFIER_EVENTS } from '../decode/enums';

/**
 * A store's events handed to another thread (EventStore.exportPart / importPart): its own packed columns and
 * extras (their typed arrays transferred, not copied: the join's transient is the part's packed size, about
 * 40 bytes per event) and the tables their ids point into, with strings by value.
 */
export interface StorePart {
  count: number;
  columns: Record<PartColumn, Column>;
  /** Strings by value; null where the store had none (interned id 0). */
  tasks: { pid: number; tgid: number; comm: string | null }[];
  etypes: { name: string | null; func: string | null; kind: number; raw: number; flag: number }[];
  invs: { notifier: number; blockable: number; owner: string | null; mm: string | null }[];
  retWide: [number, number][];
  extras: ExtraTable;
}

type PartColumn = 'ts' | 'offset' | 'line' | 'lineCount' | 'cpu' | 'task' | 'etype' | 'a' | 'b' | 'ret32' | 'inv' | 'extraIdx';

/** Read access to a per-event attribute (a column, or a lookup through an interned table). */
export interface ReadColumn {
  get(i: number): number;
}

const RET_NONE = -0x80000000;
/**
 * Marks a return value kept in retWide (a pointer, a huge count, or this very value): next to the errno range,
 * so a chunk of errnos, small counts and wide returns spans a few thousand and keeps 2 bytes per value.
 */
const RET_WIDE = -4097;

export class EventStore {
  readonly strings = new StringTable();
  readonly ts = times();
  readonly offset = offsets();
  readonly line = lines();
  readonly lineCount = lineCounts(this.line);
  readonly cpu = small();
  /** (pid, tgid, comm) interned: a trace has few tasks, so one id per event instead of three columns. */
  private readonly task = ids();
  private readonly tasks = new TaskTable(this.strings);
  private readonly taskPid = this.tasks.pid;
  private readonly taskTgid = this.tasks.tgid;
  private readonly taskComm = this.tasks.comm;
  readonly pid: ReadColumn = { get: (i) => this.taskPid[this.task.get(i)] };
  readonly tgid: ReadColumn = { get: (i) => this.taskTgid[this.task.get(i)] };
  readonly comm: ReadColumn = { get: (i) => this.taskComm[this.task.get(i)] };
  /** (name, func, kind, raw kind, call flag) interned: one id per event instead of five columns. */
  private readonly etype = ids();
  private readonly types = new EventTypes(this.strings);
  private readonly etName = this.types.name;
  private readonly etFunc = this.types.func;
  private readonly etKind = this.types.kind;
  private readonly etRaw = this.types.raw;
  private readonly etFlag = this.types.flag;
  readonly name: ReadColumn = { get: (i) => this.etName[this.etype.get(i)] };
  readonly func: ReadColumn = { get: (i) => this.etFunc[this.etype.get(i)] };
  readonly kind: ReadColumn = { get: (i) => this.etKind[this.etype.get(i)] };
  readonly rawKind: ReadColumn = { get: (i) => this.etRaw[this.etype.get(i)] };
  /** 1 = entry of a call, 2 = return, 3 = both (funcgraph leaf). */
  readonly callFlag: ReadColumn = { get: (i) => this.etFlag[this.etype.get(i)] };
  /** Page-granular: the address. Range: start. NaN when none. */
  readonly a = addresses();
  /** Range: end. NaN for page-granular or none. */
  readonly b = rangeEnds(this.a);
  /** Return values as int32 (RET_NONE when none); the rare wider ones (pointers, huge counts) in retWide. */
  private readonly ret32 = rare(RET_NONE);
  private readonly retWide = new Map<number, number>();
  /**
   * (notifier event, blockable, owner, mm) interned: only invalidation and migration probes carry them and a
   * trace repeats few combinations, so one id per event instead of four columns (0 = none of them).
   */
  private readonly inv = ids();
  private readonly invNotifier: number[] = [-1];
  private readonly invBlockable: number[] = [-1];
  private readonly invOwner: number[] = [0];
  private readonly invMm: number[] = [0];
  /** mm id → (owner id × 64 + notifier/blockable code) → inv id: numeric keys, no string built per event. */
  private readonly invByKey = new Map<number, Map<number, number>>();
  /** Index into NOTIFIER_EVENTS, -1 when none. */
  readonly notifier: ReadColumn = { get: (i) => this.invNotifier[this.inv.get(i)] };
  /** 1 blockable, 0 not, -1 unknown. */
  readonly blockable: ReadColumn = { get: (i) => this.invBlockable[this.inv.get(i)] };
  /** pgmap / notifier owner pointer (interned), 0 when none. */
  readonly owner: ReadColumn = { get: (i) => this.invOwner[this.inv.get(i)] };
  /** `mm=` pointer printed by the invalidation probes (interned), 0 when none. */
  readonly mm: ReadColumn = { get: (i) => this.invMm[this.inv.get(i)] };
  /**
   * Each event's innermost call span (-1 when none), written once by SpanTable.build in id order (setSpans):
   * pushed in order, each chunk takes its base from its first span; set() over a column of -1 re-encoded
   * every chunk a few times as the ids grew (~0.27 s of 0.6 s at 1 GiB). Empty until the spans are built.
   */
  span = sparseIds();
  /** A reference into `extras` (extraTable.ts), -1 when the event has none. */
  readonly extraIdx = sparseIds();
  private readonly extras = new ExtraTable();
  /** Only with keepFields. */
  readonly keptFields: (Record<string, string> | undefined)[] = [];
  readonly keptStacks: (string[] | undefined)[] = [];

  constructor(readonly keepFields: boolean) {}

  get count(): number {
    return this.ts.size;
  }

  /**
   * The events of this store with the tables their ids point into, strings by value: what a thread that read
   * one part of a file sends to the thread that joins the parts (importPart). Hands over the columns
   * themselves: the store is not to be used afterwards.
   */
  exportPart(): StorePart {
    const str = (id: number): string | null => this.strings.get(id) ?? null;
    return {
      count: this.count,
      columns: {
        ts: this.ts,
        offset: this.offset,
        line: this.line,
        lineCount: this.lineCount,
        cpu: this.cpu,
        task: this.task,
        etype: this.etype,
        a: this.a,
        b: this.b,
        ret32: this.ret32,
        inv: this.inv,
        extraIdx: this.extraIdx,
      },
      tasks: this.taskPid.map((pid, t) => ({ pid, tgid: this.taskTgid[t], comm: str(this.taskComm[t]) })),
      etypes: this.etName.map((name, e) => ({ name: str(name), func: str(this.etFunc[e]), kind: this.etKind[e], raw: this.etRaw[e], flag: this.etFlag[e] })),
      invs: this.invNotifier.map((notifier, v) => ({ notifier, blockable: this.invBlockable[v], owner: str(this.invOwner[v]), mm: str(this.invMm[v]) })),
      retWide: [...this.retWide],
      extras: this.extras,
    };
  }

  /**
   * Appends the events of the part of the file that follows this store's (see exportPart); consumes `p`
   * (each part column is let go once copied).
   */
  importPart(p: StorePart, lineOffset: number): void {
    const id = (s: string | null) => (s === null ? 0 : this.strings.id(s));
    const tasks = p.tasks.map((t) => this.tasks.id(t.pid, t.tgid, t.comm ?? ''));
    const etypes = p.etypes.map((e) => this.types.id(id(e.name), id(e.func), e.kind, e.raw, e.flag));
    const invs = p.invs.map((v, i) => (i === 0 ? 0 : this.invId(v.notifier, v.blockable, id(v.owner), id(v.mm))));
    const first = this.count;
    const cols: Partial<Record<PartColumn, Column>> = p.columns;
    // a message from a worker holds plain copies of the columns: give them their classes back
    const take = <T extends Column>(key: PartColumn, into: T): T => {
      const src = reviveColumn(cols[key]!, into);
      delete cols[key];
      return src;
    };
    this.ts.pushFrom(take('ts', this.ts));
    this.offset.pushFrom(take('offset', this.offset));
    this.line.pushFrom(take('line', this.line), lineOffset);
    // after the lines: the counts are read from where the next event's line starts
    this.lineCount.pushFrom(take('lineCount', this.lineCount));
    this.cpu.pushFrom(take('cpu', this.cpu));
    this.task.pushFrom(take('task', this.task), tasks);
    this.etype.pushFrom(take('etype', this.etype), etypes);
    // the part's range ends hold lengths from its starts: revive both, then join the starts first
    const a = take('a', this.a);
    const b = take('b', this.b);
    this.a.pushFrom(a);
    this.b.pushFrom(b);
    this.ret32.pushFrom(take('ret32', this.ret32));
    this.inv.pushFrom(take('inv', this.inv), invs);
    const shift = this.extras.append(ExtraTable.revive(p.extras), (x) => (x.stackOrigin ? { ...x, stackOrigin: canonicalOrigin(x.stackOrigin) } : x));
    this.extraIdx.pushFrom(take('extraIdx', this.extraIdx), shift);
    for (const [i, v] of p.retWide) this.retWide.set(first + i, v);
  }

  /** Appends a decoded event; `stackOrigin`: its invalidation origin, kept in its extra (extraOf). */
  append(ev: RawEvent, d: DecodedEvent, stackOrigin: OriginResult | undefined): number {
    const id = this.ts.size;
    const line = ev.line;
    this.ts.push(ev.ts);
    this.offset.push(ev.offset);
    this.line.push(line);
    this.lineCount.pushWithLine(Math.min(ev.lineCount, 65535), line);
    this.task.push(this.tasks.id(ev.pid, ev.tgid ?? -1, ev.comm));
    this.cpu.push(ev.cpu);
    this.etype.push(this.types.of(ev, d));
    if (d.addr !== undefined && d.start === undefined) {
      this.a.push(d.addr);
      this.b.push(NaN);
    } else if (d.start !== undefined) {
      this.a.push(d.start);
      this.b.pushEnd(d.end ?? NaN, d.start);
    } else {
      this.a.push(NaN);
      this.b.push(NaN);
    }
    const r = d.retVal;
    if (r === undefined) this.ret32.push(RET_NONE);
    // -0 + 0: read back as 0, as from the Int32Array this column was
    else if (Number.isInteger(r) && r !== RET_WIDE && r > RET_NONE && r <= 0x7fffffff) this.ret32.push(r + 0);
    else {
      this.ret32.push(RET_WIDE);
      this.retWide.set(id, r);
    }
    this.inv.push(
      d.notifierEvent === undefined && d.blockable === undefined && d.owner === undefined && d.mm === undefined
        ? 0
        : this.invId(d.notifierEvent ? NOTIFIER_EVENTS.indexOf(d.notifierEvent) : -1, d.blockable === undefined ? -1 : d.blockable ? 1 : 0, this.pointerId(d.owner), this.pointerId(d.mm)),
    );
    this.extraIdx.push(extraRef(this.extras, ev, d, stackOrigin));
    if (this.keepFields) {
      this.keptFields.push(ev.fields);
      this.keptStacks.push(ev.stack);
    }
    return id;
  }

  /**
   * strings.id of an owner or mm pointer, the last two asked kept: a trace repeats one owner and a few mm
   * (the decoder hands out one string per pointer), so mostly a compare instead of a hashed lookup.
   */
  private pointerId(p: string | undefined): number {
    if (p === this.ptr0) return this.ptrId0;
    if (p === this.ptr1) return this.ptrId1;
    const id = this.strings.id(p);
    this.ptr1 = this.ptr0;
    this.ptrId1 = this.ptrId0;
    this.ptr0 = p;
    this.ptrId0 = id;
    return id;
  }

  private ptr0: string | undefined = undefined;
  private ptrId0 = 0;
  private ptr1: string | undefined = undefined;
  private ptrId1 = 0;

  private invId(notifier: number, blockable: number, owner: number, mm: number): number {
    let byMm = this.invByKey.get(mm);
    if (byMm === undefined) this.invByKey.set(mm, (byMm = new Map()));
    // notifier is -1..14 and blockable -1..1: both fit the low 6 bits
    const key = owner * 64 + (notifier + 1) * 3 + (blockable + 1);
    let v = byMm.get(key);
    if (v === undefined) {
      v = this.invNotifier.length;
      this.invNotifier.push(notifier);
      this.invBlockable.push(blockable);
      this.invOwner.push(owner);
      this.invMm.push(mm);
      byMm.set(key, v);
    }
    return v;
  }

  /**
   * An event's interned task and type, and their pid, tgid, kind and call flag: a pass that reads several of
   * these per event (build.ts, the address-space and span pass) reads each id once, and a task's pid and
   * tgid once per run of its events, instead of one id read per column.
   */
  taskAt(id: number): number {
    return this.task.get(id);
  }

  pidOfTask(t: number): number {
    return this.taskPid[t];
  }

  tgidOfTask(t: number): number {
    return this.taskTgid[t];
  }

  typeAt(id: number): number {
    return this.etype.get(id);
  }

  kindOfType(t: number): number {
    return this.etKind[t];
  }

  flagOfType(t: number): number {
    return this.etFlag[t];
  }

  kindOf(id: number): DomainKind {
    return DOMAIN_KINDS[this.kind.get(id)];
  }

  /** The extra of an event, built from its packed row (a new object each call, except shared ones). */
  extra(id: number): EventExtra | undefined {
    const x = this.extraIdx.get(id);
    return x < 0 ? undefined : this.extras.get(x);
  }

  /** Adds or updates the extra of an event (used by later passes). */
  setExtra(id: number, patch: EventExtra): void {
    this.extraIdx.set(id, this.extras.add({ ...this.extra(id), ...patch }));
  }

  /** Takes the events' span column SpanTable.build made (one value per event, in id order). */
  setSpans(col: ReturnType<typeof sparseIds>): void {
    if (col.size !== this.count) throw new Error(`span column of ${col.size} values for ${this.count} events`);
    this.span = col;
  }

  pteOf(id: number): DecodedPte | undefined {
    const raw = this.pteRawOf(id);
    return raw === undefined ? undefined : decodePte(raw);
  }

  /** pteOf(id)?.kind without decoding the rest (nor making its BigInt, extraTable.ts). */
  pteKindOf(id: number): PteKind | undefined {
    const x = this.extraIdx.get(id);
    return x < 0 ? undefined : this.extras.pteKind(x);
  }

  /** extra(id)?.cpages without the extra's object. */
  cpagesOf(id: number): number | undefined {
    const x = this.extraIdx.get(id);
    return x < 0 ? undefined : this.extras.cpagesOf(x);
  }

  /** extra(id)?.selectFlags without the extra's object. */
  selectFlagsOf(id: number): number | undefined {
    const x = this.extraIdx.get(id);
    return x < 0 ? undefined : this.extras.selectFlagsOf(x);
  }

  /** extra(id)?.faultPage without the extra's object. */
  faultPageOf(id: number): string | undefined {
    const x = this.extraIdx.get(id);
    return x < 0 ? undefined : this.extras.faultPageOf(x);
  }

  private pteRawOf(id: number): bigint | undefined {
    const x = this.extraIdx.get(id);
    return x < 0 ? undefined : this.extras.pteRaw(x);
  }

  notifierOf(id: number): NotifierEvent | undefined {
    const n = this.notifier.get(id);
    return n < 0 ? undefined : (NOTIFIER_EVENTS[n] ?? 'UNKNOWN');
  }

  str(col: { get(i: number): number }, id: number): string | undefined {
    return this.strings.get(col.get(id));
  }

  funcOf(id: number): string | undefined {
    return this.strings.get(this.func.get(id));
  }

  retOf(id: number): number | undefined {
    const r = this.ret32.get(id);
    if (r === RET_NONE) return undefined;
    return r === RET_WIDE ? this.retWide.get(id) : r;
  }

  addrOf(id: number): number | undefined {
    const a = this.a.get(id);
    return Number.isNaN(a) || !Number.isNaN(this.b.endAt(id, a)) ? undefined : a;
  }

  rangeOf(id: number): [number, number] | undefined {
    const a = this.a.get(id);
    const b = this.b.endAt(id, a);
    return Number.isNaN(a) || Number.isNaN(b) ? undefined : [a, b];
  }
}
