/**
 * Splitting an event body into fields, values as written.
 *
 * - `key=value` (TP_printk and kprobe fetchargs), `key:value` (tlb_flush's "pages:%d reason:%s" and
 *   friends): a value runs to the next space; words that follow without a key of their own belong to the
 *   value (`reason=flush on task switch (0)`), except the `==>` of sched_switch.
 * - `"quoted strings"` (kprobe `:string` args) keep their spaces, quotes removed; `{a,b,c}` arrays kept.
 * - A trailing comma is a separator (`mm=0xff11..., scan_pfn=...`), not part of the value.
 * - Syscall arguments `name: value, name: value` have their own splitter.
 */

function isKeyStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 /* _ */ || c === 36 /* $ */;
}

function isKeyChar(c: number): boolean {
  return isKeyStart(c) || (c >= 48 && c <= 57) || c === 46 /* . */ || c === 91 /* [ */ || c === 93 /* ] */;
}

/** The end of the key starting at i (i itself when no key starts there): `name`, `arr[0]`, `ARG->member`. */
export function keyEnd(body: string, i: number): number {
  const n = body.length;
  let k = i;
  if (isKeyStart(body.charCodeAt(k))) {
    k++;
    while (k < n) {
      const c = body.charCodeAt(k);
      if (isKeyChar(c)) k++;
      else if (c === 45 /* - */ && body.charCodeAt(k + 1) === 62 /* > */) k += 2; // ARG->member
      else break;
    }
  }
  return k;
}

/** Whether the key [i, k) is followed by its separator: `=`, or `:` glued to the value (`pages:-1`). */
export function isSeparator(body: string, i: number, k: number): boolean {
  const n = body.length;
  const sep = k > i && k < n ? body.charCodeAt(k) : 0;
  return sep === 61 /* = */ || (sep === 58 /* : */ && k + 1 < n && body.charCodeAt(k + 1) !== 32);
}

/** Splits `key=value key:value ...` (from index `from` of `body`) into `into`. Returns `into`. */
export function splitFields(body: string, into: Record<string, string>, from = 0): Record<string, string> {
  const n = body.length;
  let i = from;
  let lastKey: string | undefined;
  while (i < n) {
    while (i < n && body.charCodeAt(i) === 32) i++;
    if (i >= n) break;
    const k = keyEnd(body, i);
    if (isSeparator(body, i, k)) {
      const key = keyOf(body, i, k);
      scanValue(body, k + 1);
      into[key] = body.slice(valueAt.start, valueAt.stop);
      lastKey = key;
      i = valueAt.end;
      continue;
    }
    // a bare word: continues the previous value (or is free text before any key)
    let e = i;
    while (e < n && body.charCodeAt(e) !== 32) e++;
    const word = body.slice(i, e);
    if (lastKey !== undefined && word !== '==>') {
      into[lastKey] = `${into[lastKey]} ${stripComma(word)}`;
    }
    if (word === '==>') lastKey = undefined;
    i = e;
  }
  return into;
}

function stripComma(s: string): string {
  return s.length > 0 && s.charCodeAt(s.length - 1) === 44 ? s.slice(0, -1) : s;
}

/**
 * Field names repeat on every line of a probe: the same string object for the same name lets the engine
 * reuse its internalized key instead of hashing a new slice for every property store (a direct-mapped cache
 * by length and end characters; a collision just slices).
 */
const KEY_SLOTS = 1024;
const keySlots: (string | undefined)[] = new Array(KEY_SLOTS).fill(undefined);

export function keyOf(body: string, i: number, k: number): string {
  const len = k - i;
  const slot = (len * 31 + body.charCodeAt(i) * 7 + body.charCodeAt(k - 1) * 3 + body.charCodeAt(i + (len >> 1))) & (KEY_SLOTS - 1);
  const hit = keySlots[slot];
  if (hit !== undefined && hit.length === len && body.startsWith(hit, i)) return hit;
  const key = body.slice(i, k);
  keySlots[slot] = key;
  return key;
}

/**
 * Where the value scanValue() just read lies: its text is [start, stop) of the body and the next token starts
 * at `end` (one shared object, so no pair is allocated per field; fieldRanges.ts reads the same grammar).
 */
export const valueAt = { start: 0, stop: 0, end: 0 };

/** A value as written: `"quoted"` (quotes dropped), `{array}`, or a word; a trailing comma is a separator. */
export function scanValue(body: string, i: number): void {
  const n = body.length;
  const c = body.charCodeAt(i);
  if (c === 34 /* " */) {
    let e = i + 1;
    while (e < n && body.charCodeAt(e) !== 34) e += body.charCodeAt(e) === 92 /* \ */ ? 2 : 1;
    valueAt.start = i + 1;
    valueAt.stop = Math.min(e, n);
    e = Math.min(e + 1, n);
    if (body.charCodeAt(e) === 44) e++;
    valueAt.end = e;
    return;
  }
  if (c === 123 /* { */) {
    const close = body.indexOf('}', i);
    const e = close === -1 ? n : close + 1;
    valueAt.start = i;
    valueAt.stop = e;
    valueAt.end = body.charCodeAt(e) === 44 ? e + 1 : e;
    return;
  }
  let e = i;
  while (e < n && body.charCodeAt(e) !== 32) e++;
  valueAt.start = i;
  valueAt.stop = body.charCodeAt(e - 1) === 44 && e > i ? e - 1 : e;
  valueAt.end = e;
}

/** Syscall arguments as ftrace and libtraceevent print them: `fd: 4, cmd: c0284802, arg: 7ffc...`. */
export function splitSyscallArgs(args: string, into: Record<string, string>): Record<string, string> {
  for (const part of args.split(', ')) {
    const colon = part.indexOf(': ');
    if (colon <= 0) continue;
    into[part.slice(0, colon).trim()] = part.slice(colon + 2).trim();
  }
  return into;
}
