/**
 * The event types of the store: (name, function, domain kind, raw kind, call flag) interned, so that each
 * event keeps one small id instead of five columns (a trace has tens of types). An event's type is found by
 * its name's text: the types met with a name (mostly one) are compared with the decoded event, the name found
 * through a direct-mapped front cache before the Map of names (one string per name from the reader: mostly a
 * pointer compare instead of a hashed lookup per event).
 */

import type { DecodedEvent } from '../decode/decoder';
import type { RawEvent, RawEventKind } from '../ingest/types';
import { NAME_SLOTS, nameSlot } from '../decode/nameState';
import { KIND_INDEX, RAW_KIND_INDEX } from './kinds';
import type { StringTable } from './strings';
import type { DomainKind } from './types';

/** An event type as met by its name's text. */
interface TypeSeen {
  func: string | undefined;
  kind: DomainKind;
  raw: RawEventKind;
  flag: number;
  id: number;
}

export class EventTypes {
  /** Per type: its interned name and function, its domain and raw kind indexes, its call flag. */
  readonly name: number[] = [];
  readonly func: number[] = [];
  readonly kind: number[] = [];
  readonly raw: number[] = [];
  /** 1 = entry of a call, 2 = return, 3 = both (funcgraph leaf). */
  readonly flag: number[] = [];
  private readonly byName = new Map<number, number[]>();
  /** Event name text → the types met with that name, by the texts they were interned from. */
  private readonly byText = new Map<string, TypeSeen[]>();
  /** A front cache of names (decode/nameState.ts nameSlot): mostly one compare instead of a Map lookup. */
  private readonly frontNames: (string | undefined)[] = new Array<string | undefined>(NAME_SLOTS).fill(undefined);
  private readonly front: TypeSeen[][] = new Array<TypeSeen[]>(NAME_SLOTS).fill([]);

  constructor(private readonly strings: StringTable) {}

  /** The type of a decoded event. */
  of(ev: RawEvent, d: DecodedEvent): number {
    const flag = (d.entry ? 1 : 0) | (d.ret ? 2 : 0);
    const seen = this.named(ev.name);
    for (let k = 0; k < seen.length; k++) {
      const t = seen[k];
      if (t.flag === flag && t.func === d.func && t.kind === d.kind && t.raw === ev.kind) return t.id;
    }
    const id = this.id(this.strings.id(ev.name), this.strings.id(d.func), KIND_INDEX.get(d.kind) ?? 0, RAW_KIND_INDEX.get(ev.kind) ?? 0, flag);
    seen.push({ func: d.func, kind: d.kind, raw: ev.kind, flag, id });
    return id;
  }

  /** The types met with an event name. */
  private named(name: string): TypeSeen[] {
    const slot = nameSlot(name);
    if (this.frontNames[slot] === name) return this.front[slot];
    let seen = this.byText.get(name);
    if (seen === undefined) this.byText.set(name, (seen = []));
    this.frontNames[slot] = name;
    this.front[slot] = seen;
    return seen;
  }

  /** The type of these interned attributes, added when new. */
  id(name: number, func: number, kind: number, raw: number, flag: number): number {
    let list = this.byName.get(name);
    if (!list) this.byName.set(name, (list = []));
    for (const e of list) {
      if (this.func[e] === func && this.kind[e] === kind && this.raw[e] === raw && this.flag[e] === flag) return e;
    }
    const e = this.name.length;
    this.name.push(name);
    this.func.push(func);
    this.kind.push(kind);
    this.raw.push(raw);
    this.flag.push(flag);
    list.push(e);
    return e;
  }
}
