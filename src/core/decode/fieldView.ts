/**
 * The decoder's view of one event's fields: the ranges of the body when the reader left them unsplit (a
 * TextEvent from the ftrace / trace-cmd text reader: no Record, no value strings for the numbers the store
 * keeps), else the event's `fields` Record (other readers, tests, and the few bodies FieldRanges leaves to
 * splitFields). Both answer the same: has/get/first of the Record, numbers parsed from the same characters.
 * The ranges are of the body's bytes when a transient read left the body in its buffer (TextEvent.bodyBytes).
 */

import { FieldRanges } from '../ingest/fieldRanges';
import { TextEvent } from '../ingest/textEvent';
import type { RawEvent } from '../ingest/types';
import { Interner } from '../ingest/bytes';
import { hexBigIn, parseNumber, parseNumberIn, parseNumberInBytes, type Radix } from './fields';
import type { ProbeFieldType } from './probeCatalog';
import { parsePte } from './pte';

export class FieldView {
  private readonly ranges = new FieldRanges();
  /** The Record read instead of the ranges; undefined while the ranges answer. */
  private record: Record<string, string> | undefined = undefined;
  private recordKeys: string[] = [];
  private readonly pointers = new Interner();

  /**
   * Points the view at `ev`'s fields; `expect`: the keys they probably have (see FieldRanges.scanAs). True
   * when the fields were read as exactly those keys (the caller need not compare them again).
   */
  load(ev: RawEvent, expect: readonly string[] | undefined): boolean {
    if (ev instanceof TextEvent) {
      const r = this.ranges;
      const bytes = ev.pendingSplitBytes();
      const as = expect !== undefined && expect.length > 0;
      if (bytes !== undefined) {
        const from = ev.splitAt();
        const to = ev.splitEnd();
        if (as && r.scanBytesAs(bytes, from, to, expect)) {
          this.record = undefined;
          return true;
        }
        if (r.scanBytes(bytes, from, to)) {
          this.record = undefined;
          return false;
        }
      } else {
        const text = ev.pendingSplit();
        if (text !== undefined) {
          if (as && r.scanAs(text, ev.splitAt(), expect)) {
            this.record = undefined;
            return true;
          }
          if (r.scan(text, ev.splitAt())) {
            this.record = undefined;
            return false;
          }
        }
      }
    }
    this.record = ev.fields;
    this.recordKeys = Object.keys(ev.fields);
    return false;
  }

  /** Number of pairs (a key written twice counts twice in the ranges; index lookups take the last). */
  get count(): number {
    return this.record !== undefined ? this.recordKeys.length : this.ranges.count;
  }

  keyAt(j: number): string {
    return this.record !== undefined ? this.recordKeys[j] : this.ranges.key(j);
  }

  /** Index of the value of `key`, or -1 when the fields have none. */
  indexOf(key: string): number {
    const r = this.record;
    if (r !== undefined) return r[key] === undefined ? -1 : this.recordKeys.indexOf(key);
    return this.ranges.indexOf(key);
  }

  has(key: string): boolean {
    return this.indexOf(key) !== -1;
  }

  valueAt(j: number): string {
    const r = this.record;
    return r !== undefined ? r[this.recordKeys[j]] : this.ranges.value(j);
  }

  get(key: string): string | undefined {
    const j = this.indexOf(key);
    return j === -1 ? undefined : this.valueAt(j);
  }

  /** The first key written (Object.keys order of the Record). */
  first(): string | undefined {
    return this.count > 0 ? this.keyAt(0) : undefined;
  }

  /** parseNumber of value j, without a string for it when it is a range of the body. */
  numAt(j: number, type: ProbeFieldType | undefined, radix: Radix): number | undefined {
    if (this.record !== undefined) return parseNumber(this.valueAt(j), type, radix);
    const g = this.ranges;
    const b = g.bytes;
    if (b === undefined) return parseNumberIn(g.text, g.start(j), g.stop(j), type, radix);
    const start = g.start(j);
    const stop = g.stop(j);
    // `0x` and 1 to 13 hex digits (most addresses and pointers): hex whatever the type, below 2^52
    if (stop - start > 2 && stop - start <= 15 && b[start] === 48 && b[start + 1] === 120) {
      let n = 0;
      let i = start + 2;
      for (; i < stop; i++) {
        const c = b[i];
        const l = c | 32;
        if (c >= 48 && c <= 57) n = n * 16 + (c - 48);
        else if (l >= 97 && l <= 102) n = n * 16 + (l - 87);
        else break;
      }
      if (i === stop) return n;
    }
    return parseNumberInBytes(b, start, stop, type, radix);
  }

  /**
   * Value j as a number when it is `-?digits` of 1 to 15 bytes of a transient body (returnValue's fast path),
   * read without a string for it; undefined otherwise (the caller then reads valueAt(j)).
   */
  decimalAt(j: number): number | undefined {
    const b = this.record === undefined ? this.ranges.bytes : undefined;
    if (b === undefined) return undefined;
    const start = this.ranges.start(j);
    const stop = this.ranges.stop(j);
    if (stop - start < 1 || stop - start > 15) return undefined;
    const neg = b[start] === 45;
    let i = neg ? start + 1 : start;
    if (i === stop) return undefined;
    let n = 0;
    for (; i < stop; i++) {
      const c = b[i];
      if (c < 48 || c > 57) return undefined;
      n = n * 10 + (c - 48);
    }
    return neg && n !== 0 ? -n : n;
  }

  /**
   * Value j as returnValue reads a `0x` value of 1 to 13 hex digits of a transient body (`vm_fault_ret=0x400`:
   * parseBig takes it as hex whatever the type; below 2^52, so signedReturn's number is exact here), without
   * a string or a BigInt for it; undefined otherwise.
   */
  hexReturnAt(j: number, type: ProbeFieldType | undefined): number | undefined {
    const b = this.record === undefined ? this.ranges.bytes : undefined;
    if (b === undefined) return undefined;
    const start = this.ranges.start(j);
    const stop = this.ranges.stop(j);
    if (stop - start <= 2 || stop - start > 15 || b[start] !== 48 || b[start + 1] !== 120) return undefined;
    let n = 0;
    for (let i = start + 2; i < stop; i++) {
      const c = b[i];
      const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
      if (d < 0) return undefined;
      n = n * 16 + d;
    }
    // signedReturn: a hex type's top 4095 values are negative errnos
    if (type !== undefined && type.kind === 'hex' && type.bits) {
      const top = 2 ** type.bits;
      if (n >= top - 4095 && n < top) return n - top;
    }
    return n;
  }

  /**
   * Value j when it is already what pointerText returns (`0x` + lower-case hex without a leading zero), as
   * one shared string per value (a trace repeats a few owners and mm pointers); undefined otherwise.
   */
  canonicalPointerAt(j: number): string | undefined {
    const b = this.record === undefined ? this.ranges.bytes : undefined;
    if (b === undefined) return undefined;
    const start = this.ranges.start(j);
    const stop = this.ranges.stop(j);
    if (stop - start < 3 || b[start] !== 48 || b[start + 1] !== 120 || (b[start + 2] === 48 && stop - start > 3)) return undefined;
    for (let i = start + 2; i < stop; i++) {
      const c = b[i];
      if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return undefined;
    }
    return this.pointers.get(b, start, stop);
  }

  /** Value j as parseBig reads a `0x` value of 1 to 16 hex digits, without a string for it; else undefined. */
  hexBigAt(j: number): bigint | undefined {
    const b = this.record === undefined ? this.ranges.bytes : undefined;
    if (b === undefined) return undefined;
    const start = this.ranges.start(j);
    const stop = this.ranges.stop(j);
    if (stop - start <= 2 || b[start] !== 48 || b[start + 1] !== 120) return undefined;
    return hexBigIn(b, start + 2, stop);
  }

  /**
   * Whether value j is what /^(0x)?[0-9a-f]+$/i accepts (a number of either radix, perhaps 0x-prefixed),
   * tested on its bytes when it is a range of a transient body.
   */
  isHexWordAt(j: number): boolean {
    const b = this.record === undefined ? this.ranges.bytes : undefined;
    if (b === undefined) return /^(0x)?[0-9a-f]+$/i.test(this.valueAt(j));
    let i = this.ranges.start(j);
    const stop = this.ranges.stop(j);
    if (stop - i > 2 && b[i] === 48 && (b[i + 1] === 120 || b[i + 1] === 88)) i += 2;
    if (i === stop) return false;
    for (; i < stop; i++) {
      const c = b[i] | 0x20;
      if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
    }
    return true;
  }

  /**
   * Value j as parsePte reads it (hex, with or without 0x), from its bytes when it is 1 to 16 hex digits of
   * a transient body; else parsePte of its string.
   */
  pteAt(j: number): bigint | undefined {
    const b = this.record === undefined ? this.ranges.bytes : undefined;
    if (b !== undefined) {
      let i = this.ranges.start(j);
      const stop = this.ranges.stop(j);
      if (stop - i > 2 && b[i] === 48 && (b[i + 1] === 120 || b[i + 1] === 88)) i += 2;
      const v = hexBigIn(b, i, stop);
      if (v !== undefined) return v;
    }
    return parsePte(this.valueAt(j));
  }

  num(key: string, type: ProbeFieldType | undefined, radix: Radix): number | undefined {
    const j = this.indexOf(key);
    return j === -1 ? undefined : this.numAt(j, type, radix);
  }

  /** Whether the keys are `keys`, in that order (the same layout as an earlier event's). */
  sameKeys(keys: readonly string[]): boolean {
    const n = this.count;
    if (keys.length !== n) return false;
    for (let j = 0; j < n; j++) if (this.keyAt(j) !== keys[j]) return false;
    return true;
  }

  keyList(): string[] {
    const out: string[] = [];
    for (let j = 0; j < this.count; j++) out.push(this.keyAt(j));
    return out;
  }
}
