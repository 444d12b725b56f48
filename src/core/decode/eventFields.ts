/**
 * The fields of the event being decoded, looked up by canonical name (`start`, `owner`, `event`, ...) through
 * the user's and the built-in spellings (FieldResolver), with what is known per event name kept between events:
 * a probe prints the same fetchargs on every line (its definition fixes them), so the key and index found for
 * one event of a name serve the next ones while their keys are the same.
 */

import type { RawEvent } from '../ingest/types';
import { type CanonicalField, type FieldResolver, parseBig, pointerText, type Radix } from './fields';
import { FieldView } from './fieldView';
import type { ProbeDefinition } from './probeCatalog';

/** What is known of one event name's fields. */
interface NameFields {
  name: string;
  /** Canonical field → the raw key found last time (keyOf). */
  memo: Map<CanonicalField, string>;
  /** The keys of the last event of this name, in order. */
  keys: string[];
  /** Canonical field → its index in fields with those keys (-1: absent). */
  found: Map<CanonicalField, number>;
}

export class EventFields {
  /** The fields of the event loaded last (load()). */
  readonly view = new FieldView();
  private readonly byName = new Map<string, NameFields>();
  /** The fields of the event name being decoded (a blank entry until the first load). */
  private cur: NameFields = { name: '', memo: new Map(), keys: [], found: new Map() };

  constructor(private readonly fields: FieldResolver) {}

  /** Loads `ev`'s fields into the view and selects what is known of its name's fields. */
  load(ev: RawEvent): void {
    const view = this.view;
    let cur = this.cur.name === ev.name ? this.cur : this.byName.get(ev.name);
    view.load(ev, cur?.keys);
    if (cur === undefined) {
      cur = { name: ev.name, memo: new Map(), keys: view.keyList(), found: new Map() };
      this.byName.set(ev.name, cur);
    } else if (!view.sameKeys(cur.keys)) {
      cur.keys = view.keyList();
      cur.found = new Map();
    }
    this.cur = cur;
  }

  /**
   * The raw key of a canonical field in the loaded event's fields. The key found last time for this event
   * name is tried first; the alias search runs again when it is absent (a field the probe lacks, or another
   * definition under the same name).
   */
  keyOf(name: CanonicalField): string | undefined {
    const memo = this.cur.memo;
    const view = this.view;
    const k = memo.get(name);
    if (k !== undefined && view.has(k)) return k;
    let found: string | undefined;
    for (const a of this.fields.aliasesOf(name)) {
      if (view.has(a)) {
        found = a;
        break;
      }
    }
    if (found !== undefined) memo.set(name, found);
    return found;
  }

  /**
   * The index in the loaded fields of keyOf(name), or -1. keyOf gives the same key for every event of a name
   * whose keys are the same as the previous one's (its memo changes only when the keys do), so the answer is
   * kept per layout: a field the probe lacks no longer costs the alias search on every event.
   */
  index(name: CanonicalField): number {
    const found = this.cur.found;
    let j = found.get(name);
    if (j === undefined) {
      const k = this.keyOf(name);
      j = k === undefined ? -1 : this.view.indexOf(k);
      found.set(name, j);
    }
    return j;
  }

  /** A numeric field (address, count, enum) as a number. */
  num(ev: RawEvent, name: CanonicalField, def: ProbeDefinition | undefined, radix: Radix): number | undefined {
    const j = this.index(name);
    if (j === -1) return undefined;
    const view = this.view;
    return view.numAt(j, def?.fields.get(view.keyAt(j)), this.radixOf(ev, name, radix));
  }

  /** A kernel pointer field as a `0x…` string. */
  ptr(ev: RawEvent, name: CanonicalField, def: ProbeDefinition | undefined): string | undefined {
    const j = this.index(name);
    if (j === -1) return undefined;
    const view = this.view;
    return view.canonicalPointerAt(j) ?? pointerText(view.valueAt(j), def?.fields.get(view.keyAt(j)), this.radixOf(ev, name, 'auto'));
  }

  /** A 64-bit field kept exact (MIGRATE_PFN entries, PTEs). */
  big(ev: RawEvent, name: CanonicalField, def: ProbeDefinition | undefined): bigint | undefined {
    const j = this.index(name);
    if (j === -1) return undefined;
    const view = this.view;
    // parseBig takes a `0x` value of up to 16 hex digits as is, whatever the type: read from the bytes
    return view.hexBigAt(j) ?? parseBig(view.valueAt(j), def?.fields.get(view.keyAt(j)), this.radixOf(ev, name, 'auto'));
  }

  /** A probe's pointer field with no prefix is hex ('auto-pointer'); a tracepoint's keeps 'auto'. */
  private radixOf(ev: RawEvent, name: CanonicalField, radix: Radix): Radix {
    return radix === 'auto' && this.fields.isPointer(name) && ev.kind !== 'tracepoint' ? 'auto-pointer' : radix;
  }
}
