/**
 * The fields of the event being decoded, looked up by canonical name (`start`, `owner`, `event`, ...) through
 * the user's and the built-in spellings (FieldResolver), with what is known per event name kept between events:
 * a probe prints the same fetchargs on every line (its definition fixes them), so the keys found for one event
 * of a name serve the next ones while their keys are the same (a layout). Per layout, each canonical field's
 * index, its definition type and its radix are kept in arrays indexed by the field's number (FIELD): a field
 * read costs two array loads, not a Map lookup of the field, one of its key's type and one of its radix
 * (~1 M probe events with 3-6 fields each at 256 MiB).
 */

import type { RawEvent } from '../ingest/types';
import { type CanonicalField, type FieldResolver, parseBig, pointerText, type Radix } from './fields';
import { FieldView } from './fieldView';
import type { ProbeDefinition, ProbeFieldType } from './probeCatalog';

/** The canonical fields by number (the index of their slots in a layout). */
export const FIELD = {
  start: 0,
  end: 1,
  event: 2,
  owner: 3,
  addr: 4,
  flags: 5,
  cpages: 6,
  npages: 7,
  ret: 8,
  mm: 9,
  faultPage: 10,
  pte: 11,
  origPte: 12,
  src0: 13,
  dst0: 14,
  size: 15,
  pfn: 16,
} as const satisfies Record<CanonicalField, number>;

export type FieldId = (typeof FIELD)[CanonicalField];

const FIELD_NAMES = Object.keys(FIELD) as CanonicalField[];
const FIELD_COUNT = FIELD_NAMES.length;
/** The slot of a return value: `ret` or, without one, the first key written (Decoder.decodeProbe). */
const RET_OR_FIRST = FIELD_COUNT;
const SLOTS = FIELD_COUNT + 1;
/** A slot not looked up yet in this layout. */
const UNKNOWN = -2;

/** What is known of one event name's fields. */
export class NameFields {
  /** Canonical field → the raw key found last time (keyOf). */
  readonly memo = new Map<CanonicalField, string>();
  /** The keys of the last event of this name, in order; undefined before the first. */
  keys: string[] | undefined = undefined;
  /** Per slot: its index in fields with those keys (-1: absent; UNKNOWN: not looked up yet). */
  readonly found = new Int32Array(SLOTS).fill(UNKNOWN);
  /** Per slot: the definition's type of the key found (valid where found >= 0). */
  readonly types: (ProbeFieldType | undefined)[] = new Array<ProbeFieldType | undefined>(SLOTS).fill(undefined);
  /** The definition the types were read from. */
  def: ProbeDefinition | undefined = undefined;

  /** Another layout (or definition): every slot is looked up again. */
  reset(keys: string[], def: ProbeDefinition | undefined): void {
    this.keys = keys;
    this.def = def;
    this.found.fill(UNKNOWN);
  }
}

export class EventFields {
  /** The fields of the event loaded last (load()). */
  readonly view = new FieldView();
  /** The fields of the event name being decoded (a blank entry until the first load). */
  private cur = new NameFields();
  /** Whether the loaded event is a probe: its pointer fields without prefix are hex (radixOf). */
  private probe = false;
  private readonly pointer: boolean[];

  constructor(private readonly fields: FieldResolver) {
    this.pointer = FIELD_NAMES.map((f) => fields.isPointer(f));
  }

  /** Loads `ev`'s fields into the view and selects what is known of its name's fields (`nf`, with `def`). */
  load(ev: RawEvent, nf: NameFields, def: ProbeDefinition | undefined): void {
    const view = this.view;
    const keys = nf.keys;
    // fields scanned as the expected keys are those keys: no compare of the keys again
    if (!view.load(ev, keys) && (keys === undefined || !view.sameKeys(keys))) nf.reset(view.keyList(), def);
    else if (nf.def !== def) nf.reset(keys!, def);
    this.cur = nf;
    this.probe = ev.kind !== 'tracepoint';
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
   * The index in the loaded fields of keyOf(field), or -1. keyOf gives the same key for every event of a name
   * whose keys are the same as the previous one's (its memo changes only when the keys do), so the answer is
   * kept per layout: a field the probe lacks no longer costs the alias search on every event.
   */
  index(f: FieldId): number {
    const j = this.cur.found[f];
    return j !== UNKNOWN ? j : this.lookUp(f);
  }

  private lookUp(f: number): number {
    const nf = this.cur;
    const view = this.view;
    let j: number;
    if (f === RET_OR_FIRST) {
      j = this.index(FIELD.ret);
      if (j === -1 && view.count > 0) j = view.indexOf(view.keyAt(0));
    } else {
      const k = this.keyOf(FIELD_NAMES[f]);
      j = k === undefined ? -1 : view.indexOf(k);
    }
    nf.found[f] = j;
    nf.types[f] = j === -1 ? undefined : nf.def?.fields.get(view.keyAt(j));
    return j;
  }

  /** Whether the key of a canonical field is `key` itself (not one of its other spellings). */
  keyIs(f: FieldId, key: string): boolean {
    const j = this.index(f);
    return j !== -1 && this.view.keyAt(j) === key;
  }

  /** A numeric field (address, count, enum) as a number. */
  num(f: FieldId, radix: Radix): number | undefined {
    const j = this.index(f);
    if (j === -1) return undefined;
    return this.view.numAt(j, this.cur.types[f], this.radixOf(f, radix));
  }

  /** A kernel pointer field as a `0x…` string. */
  ptr(f: FieldId): string | undefined {
    const j = this.index(f);
    if (j === -1) return undefined;
    const view = this.view;
    return view.canonicalPointerAt(j) ?? pointerText(view.valueAt(j), this.cur.types[f], this.radixOf(f, 'auto'));
  }

  /** A 64-bit field kept exact (MIGRATE_PFN entries, PTEs). */
  big(f: FieldId): bigint | undefined {
    const j = this.index(f);
    if (j === -1) return undefined;
    const view = this.view;
    // parseBig takes a `0x` value of up to 16 hex digits as is, whatever the type: read from the bytes
    return view.hexBigAt(j) ?? parseBig(view.valueAt(j), this.cur.types[f], this.radixOf(f, 'auto'));
  }

  /** The index of a kretprobe's return value: `ret` (or a spelling of it), else the first key; -1 when none. */
  retIndex(): number {
    return this.index(RET_OR_FIRST as FieldId);
  }

  /** The definition's type of the return value at retIndex(). */
  retType(): ProbeFieldType | undefined {
    return this.cur.types[RET_OR_FIRST];
  }

  /** The definition of the loaded event's name (load()). */
  definition(): ProbeDefinition | undefined {
    return this.cur.def;
  }

  /** A probe's pointer field with no prefix is hex ('auto-pointer'); a tracepoint's keeps 'auto'. */
  private radixOf(f: number, radix: Radix): Radix {
    return radix === 'auto' && this.probe && this.pointer[f] ? 'auto-pointer' : radix;
  }
}
