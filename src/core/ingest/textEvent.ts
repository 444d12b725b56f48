/**
 * The event object of the ftrace / trace-cmd text reader: a RawEvent whose `fields` are split from the body
 * the first time someone reads them, not while the line is parsed.
 *
 * Why: the model build of a trace above 16 MiB never reads `fields` (the decoder reads the values it needs
 * straight from the body through FieldRanges, and the store re-reads fields from the file on demand), yet
 * splitting them cost ~0.8 s of the 2.4 s ingest of a 256 MiB trace plus the GC of ~6 strings and an object
 * per event. Readers and consumers see the same values as before: `fields` is computed from the text the
 * line gave (a continuation line appended to `body` later does not change it, as before), once, and is then
 * an ordinary mutable object. Unlike a plain object, `fields` is an accessor of the class, not an own
 * property: JSON of the event still carries it (toJSON), an object spread does not (no consumer spreads one).
 */

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
  body = '';
  // optional attributes stay absent until a reader sets them (as on the readers' plain objects)
  declare tgid?: number;
  declare flags?: string;
  declare system?: string;
  declare probe?: ProbeSite;
  declare retFrom?: ProbeSite;
  declare parent?: ProbeSite;
  declare graph?: FuncgraphCall;
  declare message?: string;
  declare driver?: string;
  declare stack?: string[];
  #fields: Record<string, string> | undefined = undefined;
  #from: FieldsFrom;
  #text = '';
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

  get fields(): Record<string, string> {
    let f = this.#fields;
    if (f === undefined) {
      f = this.#from === FieldsFrom.Empty ? EMPTY_FIELDS : fillFields({}, this.#from, this.#text, this.#at);
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

  /** The text whose splitFields (from splitAt()) the fields are, while not yet computed; else undefined. */
  pendingSplit(): string | undefined {
    return this.#fields === undefined && this.#from === FieldsFrom.Split ? this.#text : undefined;
  }

  splitAt(): number {
    return this.#at;
  }

  /** JSON of the event carries its fields, as the other readers' plain objects do. */
  toJSON(): RawEvent {
    return { ...this, fields: this.fields };
  }
}

/** Gives `ev` the fields `from` of `text`: deferred on a TextEvent, written at once into a plain event's. */
export function setFields(ev: RawEvent, from: FieldsFrom, text: string, at: number): void {
  if (ev instanceof TextEvent) ev.defer(from, text, at);
  else fillFields(ev.fields, from, text, at);
}
