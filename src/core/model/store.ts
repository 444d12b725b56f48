/**
 * The columnar event store: one typed-array column per attribute, strings interned, rare attributes in a
 * side table. An event id is its index in file order. Raw fields and stacks are kept only when the model is
 * built with `keepFields` (small traces, trace.dat); otherwise DomainEvent.fields are re-read from the file's
 * line on demand (see fieldsFromFile.ts).
 */

import type { RawEvent } from '../ingest/types';
import type { DecodedEvent } from '../decode/decoder';
import type { DecodedPte } from '../decode/pte';
import type { OriginResult } from '../decode/origin';
import type { DomainKind, NotifierEvent } from './types';
import { f64, i16, i32, i8, StringTable, u16, u32, u8 } from './columns';
import { DOMAIN_KINDS, KIND_INDEX, RAW_KIND_INDEX } from './kinds';
import { NOTIFIER_EVENTS } from '../decode/enums';

/** Attributes only a few kinds of event carry. */
export interface EventExtra {
  selectFlags?: number;
  cpages?: number;
  npages?: number;
  faultPage?: string;
  src0?: bigint;
  dst0?: bigint;
  pte?: DecodedPte;
  childPid?: number;
  childComm?: string;
  taskPid?: number;
  text?: string;
  durationNs?: number;
  stackOrigin?: OriginResult;
  /** kretprobe: the caller the function returned to (`migrate_vma_setup+0x201/0x220` → migrate_vma_setup). */
  caller?: string;
  leaf?: boolean;
  eventNum?: number;
}

export class EventStore {
  readonly strings = new StringTable();
  readonly ts = f64();
  readonly offset = f64();
  readonly line = u32();
  readonly lineCount = u16();
  readonly pid = i32();
  readonly tgid = i32();
  readonly cpu = i16();
  readonly comm = u32();
  readonly name = u32();
  readonly func = u32();
  readonly kind = u8();
  readonly rawKind = u8();
  /** 1 = entry of a call, 2 = return, 3 = both (funcgraph leaf). */
  readonly callFlag = u8();
  /** Page-granular: the address. Range: start. NaN when none. */
  readonly a = f64();
  /** Range: end. NaN for page-granular or none. */
  readonly b = f64();
  readonly ret = f64();
  readonly notifier = i8();
  readonly blockable = i8();
  readonly owner = u32();
  /** `mm=` pointer printed by the invalidation probes (interned), 0 when none. */
  readonly mm = u32();
  readonly span = i32(-1);
  readonly extraIdx = i32(-1);
  readonly extras: EventExtra[] = [];
  /** Only with keepFields. */
  readonly keptFields: (Record<string, string> | undefined)[] = [];
  readonly keptStacks: (string[] | undefined)[] = [];

  constructor(readonly keepFields: boolean) {}

  get count(): number {
    return this.ts.size;
  }

  append(ev: RawEvent, d: DecodedEvent, extra: EventExtra | undefined): number {
    const id = this.ts.size;
    this.ts.push(ev.ts);
    this.offset.push(ev.offset);
    this.line.push(ev.line);
    this.lineCount.push(Math.min(ev.lineCount, 65535));
    this.pid.push(ev.pid);
    this.tgid.push(ev.tgid ?? -1);
    this.cpu.push(ev.cpu);
    this.comm.push(this.strings.id(ev.comm));
    this.name.push(this.strings.id(ev.name));
    this.func.push(this.strings.id(d.func));
    this.kind.push(KIND_INDEX.get(d.kind) ?? 0);
    this.rawKind.push(RAW_KIND_INDEX.get(ev.kind) ?? 0);
    this.callFlag.push((d.entry ? 1 : 0) | (d.ret ? 2 : 0));
    if (d.addr !== undefined && d.start === undefined) {
      this.a.push(d.addr);
      this.b.push(NaN);
    } else if (d.start !== undefined) {
      this.a.push(d.start);
      this.b.push(d.end ?? NaN);
    } else {
      this.a.push(NaN);
      this.b.push(NaN);
    }
    this.ret.push(d.retVal ?? NaN);
    this.notifier.push(d.notifierEvent ? NOTIFIER_EVENTS.indexOf(d.notifierEvent) : -1);
    this.blockable.push(d.blockable === undefined ? -1 : d.blockable ? 1 : 0);
    this.owner.push(this.strings.id(d.owner));
    this.mm.push(this.strings.id(d.mm));
    this.span.push(-1);
    if (extra) {
      this.extraIdx.push(this.extras.length);
      this.extras.push(extra);
    } else {
      this.extraIdx.push(-1);
    }
    if (this.keepFields) {
      this.keptFields.push(ev.fields);
      this.keptStacks.push(ev.stack);
    }
    return id;
  }

  kindOf(id: number): DomainKind {
    return DOMAIN_KINDS[this.kind.get(id)];
  }

  extra(id: number): EventExtra | undefined {
    const x = this.extraIdx.get(id);
    return x < 0 ? undefined : this.extras[x];
  }

  /** Adds or updates the extra of an event (used by later passes). */
  setExtra(id: number, patch: EventExtra): void {
    const x = this.extraIdx.get(id);
    if (x < 0) {
      this.extraIdx.set(id, this.extras.length);
      this.extras.push(patch);
    } else {
      Object.assign(this.extras[x], patch);
    }
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
    const r = this.ret.get(id);
    return Number.isNaN(r) ? undefined : r;
  }

  addrOf(id: number): number | undefined {
    const a = this.a.get(id);
    return Number.isNaN(a) || !Number.isNaN(this.b.get(id)) ? undefined : a;
  }

  rangeOf(id: number): [number, number] | undefined {
    const a = this.a.get(id);
    const b = this.b.get(id);
    return Number.isNaN(a) || Number.isNaN(b) ? undefined : [a, b];
  }
}

/** Extra attributes worth keeping for a decoded event (undefined when none). */
export function extraOf(ev: RawEvent, d: DecodedEvent, stackOrigin: OriginResult | undefined): EventExtra | undefined {
  let x: EventExtra | undefined;
  const put = <K extends keyof EventExtra>(k: K, v: EventExtra[K] | undefined) => {
    if (v === undefined) return;
    (x ??= {})[k] = v;
  };
  put('selectFlags', d.selectFlags);
  put('cpages', d.cpages);
  put('npages', d.npages);
  put('faultPage', d.faultPage);
  put('src0', d.src0);
  put('dst0', d.dst0);
  put('pte', d.pte);
  put('childPid', d.childPid);
  put('childComm', d.childComm);
  put('taskPid', d.taskPid);
  put('text', d.text);
  put('durationNs', d.durationNs);
  put('stackOrigin', stackOrigin);
  if (d.leaf) put('leaf', true);
  if (d.eventNum !== undefined && (d.notifierEvent === 'UNKNOWN' || d.notifierEvent === undefined)) put('eventNum', d.eventNum);
  // the caller of a range_start return names the invalidation's origin (used by the replay)
  if (ev.kind === 'kretprobe' && ev.probe?.symbol && d.role === 'mn-start') put('caller', ev.probe.symbol);
  return x;
}
