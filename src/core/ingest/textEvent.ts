/**
 * The event object of the ftrace / trace-cmd text reader: a RawEvent whose `fields` are split from the body
 * the first time someone reads them, not while the line is parsed.
 *
 * Why: the model build of a trace above 16 MiB never reads `fields` (the decoder reads the values it needs
 * straight from the body through FieldRanges, and the store re-reads fields from the file on demand), yet
 * splitting them cost ~0.8 s of the 2.4 s ingest of a 256 MiB trace plus the GC of ~6 strings and an object
 * per event. Readers and consumers see the same values as before: `fields` is computed from the text the
 * line gave (a continuation line appended to `body` later does not change it, as before), once, and is then
 * an ordinary mutable object.
 *
 * In a transient read (ReadOptions.transient: the model build) the body too stays bytes of the read buffer
 * until someone reads it, and the decoder reads the fields from those bytes: no string per event (256 MiB:
 * ~1.5 M body strings, ~0.3 s of the ingest with their allocation and collection). Before the reader refills
 * a buffer, the events it still holds are detached (their bytes become strings).
 *
 * Unlike a plain object, `fields` and `body` are accessors of the class, not own properties: JSON of the event
 * still carries them where a plain event has them (toJSON); an object spread does not (no consumer spreads one).
 */

import { utf8Text } from './bytes';
import { splitFields, splitSyscallArgs } from './fields';
import type { FuncgraphCall, ProbeSite, RawEvent, RawEventKind } from './types';

/** How an event's fields come from its text. */
export const enum FieldsFrom {
  /** No fields: a fresh empty object. */
  None,
  /** Counting modes (`fields: false`): the shared frozen empty object. */
  Empty,
  /** splitFields of the text from an index (TP_printk bodies, kprobe fetchargs after the head). */
  Split,
  /** splitSyscallArgs of the text (`fd: 4, cmd: c0284802`). */
  SyscallArgs,
  /** `{ ret: text }` (syscall exits). */
  Ret,
  /** splitFields of the body's bytes from a byte index (a transient read's body: TextEvent.deferBytes). */
  SplitBytes,
}

/** Shared by every event read with `fields: false`; frozen so a consumer cannot mutate it for all. */
export const EMPTY_FIELDS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** The fields `from` gives for `text` (from index `at`), written into `into`. */
export function fillFields(into: Record<string, string>, from: FieldsFrom, text: string, at: number): Record<string, string> {
  switch (from) {
    case FieldsFrom.Split:
      return splitFields(text, into, at);
    case FieldsFrom.SyscallArgs:
      return splitSyscallArgs(text, into);
    case FieldsFrom.Ret:
      into.ret = text;
      return into;
    default:
      return into;
  }
}

export class TextEvent implements RawEvent {
  line: number;
  offset: number;
  lineCount = 1;
  ts: number;
  cpu: number;
  pid: number;
  comm: string;
  name = '';
  kind: RawEventKind = 'tracepoint';
  // Every optional attribute exists from the start, undefined until a reader sets it, in RawEvent's order: one
  // hidden class for every event, so the decoder's and the store's reads of `ev.*` stay monomorphic (added
  // later, the mix of tgid/flags/system/probe/retFrom/message/stack made 5+ shapes). JSON omits undefined
  // values, and the readers set these in this order, so an event's JSON keeps its keys and their order.
  tgid: number | undefined = undefined;
  flags: string | undefined = undefined;
  system: string | undefined = undefined;
  probe: ProbeSite | undefined = undefined;
  retFrom: ProbeSite | undefined = undefined;
  parent: ProbeSite | undefined = undefined;
  graph: FuncgraphCall | undefined = undefined;
  message: string | undefined = undefined;
  driver: string | undefined = undefined;
  stack: string[] | undefined = undefined;
  /** The body; undefined while it is bytes [#bs, #be) of #src (a transient read, see bodyBytes). */
  #body: string | undefined = '';
  /** The read buffer holding the body's bytes, until the body and pending fields are strings (detach). */
  #src: Buffer | undefined = undefined;
  #bs = 0;
  #be = 0;
  #fields: Record<string, string> | undefined = undefined;
  #from: FieldsFrom;
  #text = '';
  /** Where the pending fields start: an index in #text, or a byte index in #src (FieldsFrom.SplitBytes). */
  #at = 0;

  constructor(line: number, offset: number, ts: number, cpu: number, pid: number, comm: string, withFields: boolean) {
    this.line = line;
    this.offset = offset;
    this.ts = ts;
    this.cpu = cpu;
    this.pid = pid;
    this.comm = comm;
    this.#from = withFields ? FieldsFrom.None : FieldsFrom.Empty;
  }

  /** An accessor, not an own property: a transient read decodes the body only when someone reads it. */
  get body(): string {
    let b = this.#body;
    if (b === undefined) {
      b = utf8Text(this.#src!, this.#bs, this.#be);
      this.#body = b;
    }
    return b;
  }

  set body(b: string) {
    this.#body = b;
  }

  /**
   * The body is bytes [start, end) of `buf`, a read buffer the reader refills only after detach(buf): no
   * string is made unless someone reads `body` (the model build's decoder reads the fields from the bytes).
   */
  bodyBytes(buf: Buffer, start: number, end: number): void {
    this.#body = undefined;
    this.#src = buf;
    this.#bs = start;
    this.#be = end;
  }

  /** Whether the body's last character is `c` (ASCII), without decoding it. */
  bodyEndsWith(c: number): boolean {
    const b = this.#body;
    if (b !== undefined) return b.charCodeAt(b.length - 1) === c;
    return this.#be > this.#bs && this.#src![this.#be - 1] === c;
  }

  /** Before `buf` is refilled: the body and the pending fields that are still bytes of it become strings. */
  detach(buf: Buffer): void {
    if (this.#src !== buf) return;
    if (this.#body === undefined) this.#body = utf8Text(buf, this.#bs, this.#be);
    if (this.#from === FieldsFrom.SplitBytes && this.#fields === undefined) {
      // the split reads forward only: the text from the fields' start, split from 0, gives the same
      this.#text = utf8Text(buf, this.#at, this.#be);
      this.#at = 0;
      this.#from = FieldsFrom.Split;
    }
    this.#src = undefined;
  }

  get fields(): Record<string, string> {
    let f = this.#fields;
    if (f === undefined) {
      if (this.#from === FieldsFrom.Empty) f = EMPTY_FIELDS;
      else if (this.#from === FieldsFrom.SplitBytes) f = fillFields({}, FieldsFrom.Split, utf8Text(this.#src!, this.#at, this.#be), 0);
      else f = fillFields({}, this.#from, this.#text, this.#at);
      this.#fields = f;
      this.#text = '';
    }
    return f;
  }

  set fields(f: Record<string, string>) {
    this.#fields = f;
    this.#text = '';
  }

  /** The fields are `from` of `text` (from index `at`), computed when first read. */
  defer(from: FieldsFrom, text: string, at: number): void {
    this.#from = from;
    this.#text = text;
    this.#at = at;
  }

  /** The fields are splitFields of the body's bytes from byte `at` of the buffer (after bodyBytes), when first read. */
  deferBytes(at: number): void {
    this.#from = FieldsFrom.SplitBytes;
    this.#at = at;
  }

  /** The text whose splitFields (from splitAt()) the fields are, while not yet computed; else undefined. */
  pendingSplit(): string | undefined {
    return this.#fields === undefined && this.#from === FieldsFrom.Split ? this.#text : undefined;
  }

  splitAt(): number {
    return this.#at;
  }

  /** The buffer whose bytes [splitAt(), splitEnd()) the fields are split from, while pending; else undefined. */
  pendingSplitBytes(): Buffer | undefined {
    return this.#fields === undefined && this.#from === FieldsFrom.SplitBytes ? this.#src : undefined;
  }

  splitEnd(): number {
    return this.#be;
  }

  /** JSON of the event carries its body and fields, in the places a plain reader object has them. */
  toJSON(): RawEvent {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(this)) {
      out[k] = this[k as keyof this];
      if (k === 'kind') out.body = this.body;
    }
    out.fields = this.fields;
    return out as unknown as RawEvent;
  }
}

/** Gives `ev` the fields `from` of `text`: deferred on a TextEvent, written at once into a plain event's. */
export function setFields(ev: RawEvent, from: FieldsFrom, text: string, at: number): void {
  if (ev instanceof TextEvent) ev.defer(from, text, at);
  else fillFields(ev.fields, from, text, at);
}
