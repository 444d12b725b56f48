/**
 * Byte-level helpers for the hot path: number parsing without intermediate strings, whitespace scanning,
 * and an interner that turns repeated byte runs (task names, event names) into one shared string.
 */

import { inAsciiRegion } from './asciiRegions';
import { ByteRun } from './byteRun';

export const SP = 32;
export const TAB = 9;
export const COLON = 58;
export const DOT = 46;
export const DASH = 45;
export const LBRACK = 91;
export const RBRACK = 93;
export const LPAREN = 40;
export const RPAREN = 41;
export const HASH = 35;
export const EQ = 61;
export const PIPE = 124;
export const SLASH = 47;
export const STAR = 42;
export const LT = 60;
export const GT = 62;
export const LBRACE = 123;
export const RBRACE = 125;
export const SEMI = 59;
export const COMMA = 44;

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isSpace(c: number): boolean {
  return c === SP || c === TAB;
}

export function skipSpaces(buf: Uint8Array, i: number, end: number): number {
  while (i < end && (buf[i] === SP || buf[i] === TAB)) i++;
  return i;
}

export function trimEnd(buf: Uint8Array, start: number, end: number): number {
  while (end > start && (buf[end - 1] === SP || buf[end - 1] === TAB)) end--;
  return end;
}

/** Parses decimal digits in [start, end); -1 when empty or not all digits. */
export function parseUint(buf: Uint8Array, start: number, end: number): number {
  if (start >= end) return -1;
  let v = 0;
  for (let i = start; i < end; i++) {
    const c = buf[i] - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * Parses a timestamp `secs.frac` (frac of 1..9 digits: usecs from tracefs, ns from `trace-cmd report -t`)
 * into integer nanoseconds, or a bare integer (counter clocks: returned as is). Exact: no float ever holds
 * a fraction. Returns -1 when [start, end) is not such a number.
 */
export function parseTimestamp(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  let secs = 0;
  while (i < end && buf[i] >= 48 && buf[i] <= 57) secs = secs * 10 + (buf[i++] - 48);
  timestampIsCounter = i === end;
  if (i === start) return -1;
  if (i === end) return secs; // counter clock: raw value
  if (buf[i] !== DOT) return -1;
  i++;
  let frac = 0;
  let digits = 0;
  while (i < end && buf[i] >= 48 && buf[i] <= 57) {
    if (digits < 9) {
      frac = frac * 10 + (buf[i] - 48);
      digits++;
    }
    i++;
  }
  if (i !== end || digits === 0) return -1;
  return secs * 1e9 + frac * POW10[9 - digits];
}

const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000];

/** Whether the timestamp parseTimestamp() last read successfully was a bare integer (a counter clock). */
export function lastTimestampIsCounter(): boolean {
  return timestampIsCounter;
}

let timestampIsCounter = false;

/** Scales `int.frac` microseconds (function_graph durations such as `33998.59`) to integer ns. */
export function parseMicros(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  let us = 0;
  while (i < end && buf[i] >= 48 && buf[i] <= 57) us = us * 10 + (buf[i++] - 48);
  if (i === start) return -1;
  let ns = 0;
  let digits = 0;
  if (i < end && buf[i] === DOT) {
    i++;
    while (i < end && buf[i] >= 48 && buf[i] <= 57) {
      if (digits < 3) {
        ns = ns * 10 + (buf[i] - 48);
        digits++;
      }
      i++;
    }
  }
  if (i !== end) return -1;
  return us * 1000 + ns * POW10[3 - digits];
}

/** Lower-case hex digits only (addresses printed by trace-cmd and perf). */
export function isHexRun(buf: Uint8Array, start: number, end: number): boolean {
  if (start >= end) return false;
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return false;
  }
  return true;
}

/** What Buffer.prototype.toString calls once it has checked its arguments. */
interface Slicer {
  utf8Slice(start: number, end: number): string;
  asciiSlice(start: number, end: number): string;
}

/**
 * buf.toString('utf8', start, end) for a range known to lie inside buf, without toString's argument and
 * encoding checks: its JS wrapper cost more than the decoding itself on short bodies (256 MiB, 1.5 M event
 * bodies: the wrapper ~0.15 s self, the native slice ~0.08 s). Text in a region the line reader found ASCII
 * decodes as ASCII: the same string, faster (asciiRegions.ts).
 */
export function utf8Text(buf: Buffer, start: number, end: number): string {
  if (start >= end) return '';
  const slicer = buf as unknown as Slicer;
  return inAsciiRegion(buf, start, end) ? slicer.asciiSlice(start, end) : slicer.utf8Slice(start, end);
}

/** Index of byte c in [start, end), or -1. */
export function indexOfByte(buf: Uint8Array, c: number, start: number, end: number): number {
  for (let i = start; i < end; i++) if (buf[i] === c) return i;
  return -1;
}

export function startsWithAscii(buf: Uint8Array, start: number, end: number, s: string): boolean {
  if (end - start < s.length) return false;
  for (let k = 0; k < s.length; k++) if (buf[start + k] !== s.charCodeAt(k)) return false;
  return true;
}

export function lastIndexOfAscii(buf: Uint8Array, start: number, end: number, s: string): number {
  for (let i = end - s.length; i >= start; i--) {
    let k = 0;
    while (k < s.length && buf[i + k] === s.charCodeAt(k)) k++;
    if (k === s.length) return i;
  }
  return -1;
}

export function indexOfAscii(buf: Uint8Array, start: number, end: number, s: string): number {
  const first = s.charCodeAt(0);
  for (let i = start; i <= end - s.length; i++) {
    if (buf[i] !== first) continue;
    let k = 1;
    while (k < s.length && buf[i + k] === s.charCodeAt(k)) k++;
    if (k === s.length) return i;
  }
  return -1;
}

export interface InternEntry<T> {
  run: ByteRun;
  str: string;
  next: InternEntry<T> | undefined;
  /** What the interner's user keeps about the string (eventText: its NameInfo); undefined until it sets it. */
  data: T | undefined;
}

const INTERN_BUCKETS = 4096;
const EMPTY_RUN = new ByteRun(new Uint8Array(0), 0, 0);

/**
 * Interns short byte runs: the same task name or event name arrives millions of times; decoding it once
 * and handing out the same string saves both time and memory. Runs longer than 64 bytes are decoded
 * directly. A fixed bucket array (no Map: hashing a number key costs more than the lookup itself) with
 * chains; bounded: past `maxEntries` it is cleared (a trace with millions of distinct names gains nothing
 * from interning anyway).
 */
export class Interner<T = never> {
  private buckets: (InternEntry<T> | undefined)[] = new Array<InternEntry<T> | undefined>(INTERN_BUCKETS).fill(undefined);
  private size = 0;
  constructor(private readonly maxEntries = 65536) {}

  /** Direct-mapped front cache keyed by length and end bytes: most lookups compare bytes once, no hash. */
  private front: (InternEntry<T> | undefined)[] = new Array<InternEntry<T> | undefined>(1024).fill(undefined);

  get(buf: Buffer, start: number, end: number): string {
    return end - start > 64 ? buf.toString('utf8', start, end) : this.entry(buf, start, end).str;
  }

  /**
   * get() as the entry, whose `data` the caller may fill: what it derives from the string is then found with
   * the string, without a lookup of its own. Runs longer than 64 bytes get a fresh entry every time.
   */
  entry(buf: Buffer, start: number, end: number): InternEntry<T> {
    const n = end - start;
    if (n > 64) return { run: EMPTY_RUN, str: buf.toString('utf8', start, end), next: undefined, data: undefined };
    const fslot = n === 0 ? 0 : (n * 31 + buf[start] * 7 + buf[end - 1] * 131 + buf[start + (n >> 1)]) & 1023;
    const f = this.front[fslot];
    if (f !== undefined && f.run.length === n && f.run.matches(buf, start)) return f;
    const e = this.lookup(buf, start, end, n);
    this.front[fslot] = e;
    return e;
  }

  private lookup(buf: Buffer, start: number, end: number, n: number): InternEntry<T> {
    const h = fnv1a(buf, start, end, 0x811c9dc5 ^ n);
    const slot = (h ^ (h >>> 15)) & (INTERN_BUCKETS - 1);
    const head = this.buckets[slot];
    for (let cur = head; cur !== undefined; cur = cur.next) if (cur.run.length === n && cur.run.matches(buf, start)) return cur;
    if (this.size >= this.maxEntries) {
      this.buckets.fill(undefined);
      this.front.fill(undefined);
      this.size = 0;
    }
    const str = buf.toString('utf8', start, end);
    const entry: InternEntry<T> = { run: new ByteRun(buf, start, end), str, next: this.size === 0 ? undefined : this.buckets[slot], data: undefined };
    this.buckets[slot] = entry;
    this.size++;
    return entry;
  }
}

/** FNV-1a over bytes start..end-1 (an int32: mask it for a slot), from `seed` (the offset basis by default). */
export function fnv1a(b: Uint8Array, start: number, end: number, seed = 0x811c9dc5): number {
  let h = seed;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h;
}
